// The scrubber's word lists, embedded into the binary at build time with the assembler's
// .incbin (CMakeLists.txt passes the paths), so the server needs no data files at run
// time. Each blob ends with a NUL byte that is not part of the text.
#include "server/privacy/lexicon_data.hpp"

#define GADEHOLD_INCBIN(symbol, path)     \
  __asm__(                                \
      ".section .rodata\n"                \
      ".global " #symbol                  \
      "_begin\n"                          \
      ".balign 16\n" #symbol              \
      "_begin:\n"                         \
      ".incbin \"" path                   \
      "\"\n"                              \
      ".global " #symbol "_end\n" #symbol \
      "_end:\n"                           \
      ".byte 0\n"                         \
      ".previous\n");                     \
  extern "C" const char symbol##_begin[]; \
  extern "C" const char symbol##_end[];

GADEHOLD_INCBIN(gadehold_lexicon_given, GADEHOLD_LEXICON_GIVEN)
GADEHOLD_INCBIN(gadehold_lexicon_surnames, GADEHOLD_LEXICON_SURNAMES)
GADEHOLD_INCBIN(gadehold_lexicon_places_liverpool, GADEHOLD_LEXICON_PLACES_LIVERPOOL)
GADEHOLD_INCBIN(gadehold_lexicon_places_copenhagen, GADEHOLD_LEXICON_PLACES_COPENHAGEN)
GADEHOLD_INCBIN(gadehold_lexicon_dict_en, GADEHOLD_LEXICON_DICT_EN)
GADEHOLD_INCBIN(gadehold_lexicon_dict_da, GADEHOLD_LEXICON_DICT_DA)

namespace gadehold::privacy {

namespace {
std::string_view blob(const char* begin, const char* end) {
  return {begin, static_cast<std::size_t>(end - begin)};
}
}  // namespace

LexiconData lexicon_data() {
  return {
      blob(gadehold_lexicon_given_begin, gadehold_lexicon_given_end),
      blob(gadehold_lexicon_surnames_begin, gadehold_lexicon_surnames_end),
      {blob(gadehold_lexicon_places_liverpool_begin, gadehold_lexicon_places_liverpool_end),
       blob(gadehold_lexicon_places_copenhagen_begin, gadehold_lexicon_places_copenhagen_end)},
      {blob(gadehold_lexicon_dict_en_begin, gadehold_lexicon_dict_en_end),
       blob(gadehold_lexicon_dict_da_begin, gadehold_lexicon_dict_da_end)},
  };
}

}  // namespace gadehold::privacy
