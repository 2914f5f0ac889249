#include "server/privacy/fold.hpp"

namespace gadehold::privacy {

std::string fold_hidden_characters(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x20 && b != '\n' && b != '\t' && b != '\r') {
      out.push_back(' ');
      ++i;
      continue;
    }
    if (b < 0x80) {
      out.push_back(text[i++]);
      continue;
    }
    std::size_t len = (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
    if (i + len > text.size()) len = 1;
    char32_t c = 0;
    if (len == 2) c = ((b & 0x1F) << 6) | (text[i + 1] & 0x3F);
    if (len == 3) c = ((b & 0x0F) << 12) | ((text[i + 1] & 0x3F) << 6) | (text[i + 2] & 0x3F);
    if (c == 0xA0 || c == 0x202F || c == 0x2007 || c == 0x2009 || c == 0x2008 || c == 0x3000) {
      out.push_back(' ');
    } else if (c >= 0x2010 && c <= 0x2012) {
      out.push_back('-');
    } else if (c >= 0xFF10 && c <= 0xFF19) {
      out.push_back(static_cast<char>('0' + (c - 0xFF10)));
    } else if (c >= 0x660 && c <= 0x669) {
      out.push_back(static_cast<char>('0' + (c - 0x660)));
    } else if (c >= 0x6F0 && c <= 0x6F9) {
      out.push_back(static_cast<char>('0' + (c - 0x6F0)));
    } else if (c == 0xFF20 || c == 0xFE6B) {
      out.push_back('@');
    } else if (c == 0x200B || c == 0x2060 || c == 0xFEFF) {
      // dropped
    } else {
      out.append(text, i, len);
    }
    i += len;
  }
  return out;
}

}  // namespace gadehold::privacy
