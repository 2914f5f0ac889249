#include "server/privacy/lexicon.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "server/core/config.hpp"
#include "server/core/text.hpp"
#include "server/privacy/handle_rules.hpp"
#include "server/privacy/lexicon_data.hpp"

namespace gadehold::privacy {

namespace {

char32_t decode_unclamped(std::string_view text, std::size_t i, std::size_t& len);

// Decodes the code point at `text[i]`; `len` is its length in bytes. Callers check that
// text is valid UTF-8, but a truncated sequence at the end still never reads or steps
// past it (the fuzzer found one).
char32_t decode(std::string_view text, std::size_t i, std::size_t& len) {
  const char32_t c = decode_unclamped(text, i, len);
  if (i + len > text.size()) len = text.size() - i;
  return c;
}

char32_t decode_unclamped(std::string_view text, std::size_t i, std::size_t& len) {
  const auto b = static_cast<unsigned char>(text[i]);
  auto cont = [&](std::size_t k) {
    return i + k < text.size() ? static_cast<char32_t>(static_cast<unsigned char>(text[i + k]) & 0x3F) : 0;
  };
  if (b < 0x80) {
    len = 1;
    return b;
  }
  if (b >> 5 == 0x6) {
    len = 2;
    return (static_cast<char32_t>(b & 0x1F) << 6) | cont(1);
  }
  if (b >> 4 == 0xE) {
    len = 3;
    return (static_cast<char32_t>(b & 0x0F) << 12) | (cont(1) << 6) | cont(2);
  }
  len = 4;
  return (static_cast<char32_t>(b & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
}

void encode(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// Latin Extended-A pairs upper and lower case as even/odd code points, except in two
// runs where the upper case is odd.
bool odd_upper_run(char32_t c) { return (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E); }

bool is_upper(char32_t c) {
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= 0xC0 && c <= 0xDE) return c != 0xD7;
  if (c == 0x130 || c == 0x178) return true;
  if (c >= 0x100 && c <= 0x17F && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17F) {
    return odd_upper_run(c) ? (c % 2 == 1) : (c % 2 == 0);
  }
  return false;
}

char32_t to_lower(char32_t c) {
  if (!is_upper(c)) return c;
  if (c < 0x80 || (c >= 0xC0 && c <= 0xDE)) return c + 0x20;
  if (c == 0x130) return 'i';
  if (c == 0x178) return 0xFF;
  return c + 1;
}

bool is_letter(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (c >= 0xC0 && c <= 0x24F) return c != 0xD7 && c != 0xF7;
  // Other alphabets (Greek, Cyrillic, Arabic, CJK, ...) count as letters; general
  // punctuation, symbols and emoji do not.
  if (c >= 0x370 && c < 0x2000) return true;
  if (c >= 0x3040 && c < 0xFE00) return true;
  return false;
}

bool is_joiner(char32_t c) { return c == '\'' || c == 0x2019 || c == '-' || c == '&' || c == '.'; }

// Lines of a list, without comments, blank lines and surrounding blanks.
template <typename F>
void each_line(std::string_view text, F&& f) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto end = text.find('\n', i);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(i, end - i);
    line = core::trim(line.substr(0, line.find('#')));
    if (!line.empty()) f(line);
    i = end + 1;
  }
}

}  // namespace

std::string lower_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = 1;
    const char32_t c = decode(text, i, len);
    encode(to_lower(c), out);
    i += len;
  }
  return out;
}

bool starts_upper(std::string_view word) {
  for (std::size_t i = 0; i < word.size();) {
    std::size_t len = 1;
    const char32_t c = decode(word, i, len);
    if (is_letter(c)) return is_upper(c);
    i += len;
  }
  return false;
}

bool all_upper(std::string_view word) {
  unsigned letters = 0;
  for (std::size_t i = 0; i < word.size();) {
    std::size_t len = 1;
    const char32_t c = decode(word, i, len);
    if (is_letter(c)) {
      if (!is_upper(c)) return false;
      ++letters;
    }
    i += len;
  }
  return letters >= 2;
}

std::vector<std::pair<std::size_t, std::size_t>> word_spans(std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::size_t i = 0;
  auto alnum_at = [&](std::size_t k) {
    if (k >= text.size()) return false;
    std::size_t len = 1;
    const char32_t c = decode(text, k, len);
    return is_letter(c) || (c >= '0' && c <= '9');
  };
  while (i < text.size()) {
    if (!alnum_at(i)) {
      std::size_t len = 1;
      decode(text, i, len);
      i += len;
      continue;
    }
    const std::size_t begin = i;
    while (i < text.size()) {
      std::size_t len = 1;
      const char32_t c = decode(text, i, len);
      if (is_letter(c) || (c >= '0' && c <= '9')) {
        i += len;
      } else if (is_joiner(c) && alnum_at(i + len)) {
        i += len;
      } else {
        break;
      }
    }
    out.emplace_back(begin, i);
  }
  return out;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> out;
  for (auto [b, e] : word_spans(text)) out.push_back(lower_utf8(text.substr(b, e - b)));
  return out;
}

Lexicon::Lexicon() {
  const auto data = lexicon_data();
  add_names(data.given_names, kGiven, kGivenEveryday);
  add_names(data.surnames, kSurname, kSurnameEveryday);
  for (auto text : data.places) add_place_text(text);
  for (std::size_t language = 0; language < data.everyday.size(); ++language) {
    each_line(data.everyday[language], [&](std::string_view word) {
      // Lower-case entries only: "Jonathan" is listed capitalised, as a proper noun.
      if (word.size() > 2 && word.substr(word.size() - 2) == "'s") return;
      if (starts_upper(word)) {
        proper_.push_back(word);
      } else {
        everyday_.push_back(word);
        by_language_[language].push_back(word);
      }
    });
  }
  for (auto* list : {&everyday_, &proper_, &by_language_[0], &by_language_[1]}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
}

void Lexicon::add_names(std::string_view text, std::uint8_t kind, std::uint8_t everyday_kind) {
  each_line(text, [&](std::string_view line) {
    const bool is_everyday = line.front() == '~';
    if (is_everyday) line.remove_prefix(1);
    names_[lower_utf8(line)] |= is_everyday ? everyday_kind : kind;
  });
}

void Lexicon::add_place_text(std::string_view text) {
  each_line(text, [&](std::string_view line) {
    const auto words = split_words(line);
    if (words.empty()) return;
    std::string key;
    for (const auto& w : words) {
      if (!key.empty()) key.push_back(' ');
      key += w;
    }
    places_.insert(key);
    longest_place_ = std::max(longest_place_, words.size());
  });
}

std::uint8_t Lexicon::name_kind(std::string_view lower) const {
  const auto it = names_.find(std::string(lower));
  return it == names_.end() ? 0 : it->second;
}

bool Lexicon::everyday(std::string_view lower) const {
  return std::binary_search(everyday_.begin(), everyday_.end(), lower);
}

bool Lexicon::everyday_in(std::string_view lower, int language) const {
  const auto& list = by_language_.at(static_cast<std::size_t>(language));
  return std::binary_search(list.begin(), list.end(), lower);
}

bool Lexicon::proper_noun(std::string_view word) const {
  return std::binary_search(proper_.begin(), proper_.end(), word);
}

bool Lexicon::compound(std::string_view lower) const {
  // Short words split into everyday parts too easily ("war" + "same"): only long ones.
  constexpr std::size_t kMinPart = 3;
  constexpr std::size_t kMinCompound = 10;
  if (lower.size() < kMinCompound) return false;
  for (std::size_t k = kMinPart; k + kMinPart + 1 <= lower.size(); ++k) {
    if (lower.size() - k < kMinPart + 2 || !everyday(lower.substr(k))) continue;
    const auto head = lower.substr(0, k);
    if (everyday(head)) return true;
    if ((head.back() == 's' || head.back() == 'e') && everyday(head.substr(0, head.size() - 1))) return true;
  }
  return false;
}

std::size_t Lexicon::place_at(const std::vector<std::string>& lower, std::size_t from) const {
  const std::size_t most = std::min(longest_place_, lower.size() - from);
  for (std::size_t n = most; n >= 1; --n) {
    std::string key;
    for (std::size_t k = from; k < from + n; ++k) {
      if (k > from) key.push_back(' ');
      key += lower[k];
    }
    if (places_.count(key) > 0) return n;
  }
  return 0;
}

Lexicon& Lexicon::instance() {
  static Lexicon lexicon;
  return lexicon;
}

const Lexicon& Lexicon::get() { return instance(); }

void add_places(std::string_view text) { Lexicon::instance().add_place_text(text); }

void add_places_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::UsageError(std::string("places-file: cannot read ").append(path));
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (utf8_length(text) < 0)
    throw core::UsageError(std::string("places-file: ").append(path).append(" is not valid UTF-8"));
  add_places(text);
}

}  // namespace gadehold::privacy
