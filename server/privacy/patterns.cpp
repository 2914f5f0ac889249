#include "server/privacy/patterns.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <vector>

#include "server/privacy/lexicon.hpp"
#include "server/privacy/phones.hpp"

namespace gadehold::privacy {

namespace {

// One detector: a pattern, the marker it produces, and which capture group is the
// personal data (0: the whole match). Text before the group is kept, so a cue such as
// "born" or "snap:" stays and only what follows it is replaced.
struct Detector {
  Marker marker;
  std::regex pattern;
  int group;
  // Optional: true when the match at [start, end) is not personal data after all.
  bool (*veto)(const std::string& text, std::size_t start, std::size_t end) = nullptr;
  // Optional: the pattern runs only on text that contains one of these (lower-case).
  // std::regex backtracks; without a cheap pre-filter, unanchored patterns cost
  // quadratic time on long runs such as "a.a.a.a...".
  std::vector<std::string_view> needs;
};

std::string lower_ascii(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A handle that is an everyday word ("snap is down", "insta and fb") is no handle.
bool everyday_handle(const std::string& text, std::size_t start, std::size_t end) {
  std::string h = lower_ascii(text.substr(start, end - start));
  if (!h.empty() && h.front() == '@') return false;
  if (std::any_of(h.begin(), h.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '.';
      })) {
    return false;
  }
  return h.size() < 3 || Lexicon::get().everyday(h);
}

// A spelled-out email ("jo at example dot com") ends in a top-level domain.
bool not_a_domain(const std::string& text, std::size_t start, std::size_t end) {
  std::string m = lower_ascii(text.substr(start, end - start));
  std::size_t i = m.size();
  while (i > 0 && std::isalpha(static_cast<unsigned char>(m[i - 1]))) --i;
  const std::string tld = m.substr(i);
  for (const char* t : {"com", "org", "net", "dk", "uk",  "io",  "me", "info", "eu",  "de",
                        "se",  "no",  "pl",  "tr", "edu", "gov", "co", "live", "app", "nu"}) {
    if (tld == t) return false;
  }
  return true;
}

// Two letters before a Danish plate's digits that are a common word: "kl 22 300".
bool word_before_digits(const std::string& text, std::size_t start, std::size_t) {
  const std::string two = lower_ascii(text.substr(start, 2));
  for (const char* w :
       {"at", "in", "on", "to", "of", "is", "og", "på", "er", "ca", "kl", "nr", "no", "tv", "th", "st",
        "pm", "am", "ok", "up", "uk", "dk", "by", "bo", "om", "se", "så", "ud", "op", "af", "et"}) {
    if (two == w) return true;
  }
  return false;
}

// "går på Strøget" is a walk, not a school: a known place after the cue is kept.
bool known_place(const std::string& text, std::size_t start, std::size_t end) {
  const auto words = split_words(std::string_view(text).substr(start, end - start));
  return !words.empty() && Lexicon::get().place_at(words, 0) == words.size();
}

// A generic school word ("folkeskole", "efterskolen") names no school.
bool generic_school(const std::string& text, std::size_t start, std::size_t end) {
  return Lexicon::get().everyday(lower_utf8(std::string_view(text).substr(start, end - start)));
}

using std::regex_constants::ECMAScript;
using std::regex_constants::icase;
using std::regex_constants::optimize;

// Letters as UTF-8: ASCII plus the Danish letters and a few accented ones.
#define LOWER "(?:[a-z]|æ|ø|å|é|ä|ö|ü)"
#define UPPER "(?:[A-Z]|Æ|Ø|Å|É|Ä|Ö|Ü)"
#define LETTER "(?:[A-Za-z]|æ|ø|å|é|ä|ö|ü|Æ|Ø|Å|É|Ä|Ö|Ü)"
#define CAPWORD UPPER "(?:" LETTER "|['’])*"

#define MONTH                                                                                           \
  "(?:jan(?:uary|uar)?|feb(?:ruary|ruar)?|mar(?:ch)?|marts|apr(?:il)?|maj|may|jun(?:e|i)?|jul(?:y|i)?|" \
  "aug(?:ust)?|sep(?:t|tember)?|o[ck]t(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\b\\.?"

#define NUMERIC_DATE "\\d{1,2}[./-]\\d{1,2}(?:[./-]\\d{2,4})?"
#define TEXT_DATE                                                                               \
  "(?:(?:the\\s+)?\\d{1,2}(?:st|nd|rd|th)?\\.?\\s*(?:of\\s+)?" MONTH "(?:,?\\s*\\d{4})?|" MONTH \
  "\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s*\\d{4})?)"

#define STREET_WORD                                                                                            \
  "(?:[Rr]oad|[Rr]d|[Ss]treet|[Ss]t|[Ll]ane|[Ll]n|[Aa]venue|[Aa]ve|[Cc]lose|[Dd]rive|[Dd]r|[Ww]ay|[Pp]lace|"   \
  "[Pp]l|[Cc]rescent|[Cc]ourt|[Cc]t|[Gg]rove|[Tt]errace|[Gg]ardens|[Hh]ill|[Ss]quare|[Ww]alk|[Rr]ow|"          \
  "[Mm]ews|[Pp]ark|[Hh]eights|[Tt]owers?|[Rr]ise|[Vv]ej|[Gg]ade|[Aa]llé|[Aa]lle|[Pp]lads|[Tt]orv|[Vv]ænge|[" \
  "Ss]træde|[Bb]oulevard)"
#define DANISH_STREET                                                                                          \
  "(?:(?:Nordre|Søndre|Østre|Vestre|Gammel|Gamle|Ny|Nye|Store|Lille|Sankt|Skt\\.?|Dronning|Kong|Prins)\\s+)" \
  "?" LETTER "+(?:vej|gade|allé|alle|vænge|plads|stræde|torv|boulevard|stien|parken|haven)(?!" LETTER ")"
// A street name: capitalised words and a street word, or a Danish one-word street.
#define STREET_NAME                                                                                \
  "(?:(?:" CAPWORD "[\\s-]+){1,3}" STREET_WORD "(?:\\s+(?:North|South|East|West))?\\b|(?:" CAPWORD \
  "\\s+)?" DANISH_STREET ")"
#define HOUSE_NUMBER                                                                          \
  "(?:\\s*,?\\s+(?:number\\s+|no\\.?\\s*|nr\\.?\\s*|nummer\\s+)?\\d{1,4}[a-z]?\\b(?![:.]\\d)" \
  "(?:,?\\s*\\d{1,2}\\.?\\s*(?:th|tv|mf|sal)\\b\\.?)?)?"
#define SCHOOL_WORD                                                                                       \
  "(?:Skole|Skolen|School|Academy|College|Gymnasium|Gymnasiet|Efterskole|Friskole|Privatskole|Realskole|" \
  "Grammar|High|Primary|Sixth "                                                                           \
  "Form|International|Comprehensive|Juniors|Infants|HF|HTX|HHX|STX)(?!\\s+(?:Street|St|Road|Rd))"         \
  "(?:\\s+of(?:\\s+(?:of|the|St\\.?|" CAPWORD "))+)?"

std::vector<Detector> make_detectors() {
  std::vector<Detector> d;
  auto add = [&d](Marker m, const std::string& pattern, int group, bool ignore_case = true,
                  bool (*veto)(const std::string&, std::size_t, std::size_t) = nullptr) {
    auto flags = ECMAScript | optimize;
    if (ignore_case) flags |= icase;
    d.push_back({m, std::regex(pattern, flags), group, veto, {}});
  };
  auto needs = [&d](std::initializer_list<std::string_view> words) { d.back().needs = words; };
  const std::initializer_list<std::string_view> digits = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  // Links and addresses that contain dots and at-signs go first.
  add(Marker::url,
      R"((?:https?://|www\.)\S+|\b(?:[a-z0-9-]+\.)+(?:com|org|net|dk|uk|me|ly|io|gg|tv|app|co)/\S*)", 0);
  needs({"://", "www.", "/"});
  add(Marker::email, R"([a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+)", 0);
  needs({"@"});
  // Positions typed into the text: where someone sleeps or was met is no less personal
  // than a street address, and the server stores no raw position. Decimal pairs with
  // three or more decimals (a map app's copy: "55.6871, 12.5539", "lat 55.68 lon 12.55"),
  // degrees and minutes, plus codes and what3words.
  add(Marker::address,
      R"(-?\b\d{1,3}\.\d{3,}\s*(?:°\s*)?[NS]?[\s,;/]+(?:(?:lon|lng|long|longitude)\s*[:=]?\s*)?-?\d{1,3}\.\d{3,}\b(?:\s*°)?(?:\s*(?:[EWV]|Ø)(?![A-Za-z]))?)",
      0);
  needs(digits);
  add(Marker::address,
      R"(\b\d{1,3}\s*°\s*\d{1,2}\s*(?:'|’|′)(?:\s*\d{1,2}(?:\.\d+)?\s*(?:"|”|″|''))?\s*[NS]?[\s,;/]+\d{1,3}\s*°\s*\d{1,2}\s*(?:'|’|′)(?:\s*\d{1,2}(?:\.\d+)?\s*(?:"|”|″|''))?\s*(?:(?:[EWV]|Ø)(?![A-Za-z]))?)",
      0);
  needs({"°"});
  add(Marker::address, R"(\b[23456789CFGHJMPQRVWX]{4,8}\+[23456789CFGHJMPQRVWX]{2,3}\b)", 0);
  needs({"+"});
  add(Marker::address, R"((?:\b(?:w3w|what3words)\s*:?\s*(?:///)?|///)[a-z]+\.[a-z]+\.[a-z]+\b)", 0);
  needs({"///", "w3w", "what3words"});
  add(Marker::email, R"([a-z0-9._%+-]+ @ [a-z0-9-]+(?:\.[a-z0-9-]+)+)", 0, true, not_a_domain);
  needs({"@"});
  add(Marker::email,
      R"(\b[a-z0-9._-]+(?:\s+dot\s+[a-z0-9_-]+)*\s*(?:\[at\]|\(at\)|\{at\}|\s+at\s+|\s+snabel-?a\s+)\s*[a-z0-9-]+(?:(?:\s*(?:\[dot\]|\(dot\)|\s+dot\s+|\s+punktum\s+)\s*|\.)[a-z0-9-]+)+)",
      0, true, not_a_domain);
  needs({"at", "snabel"});
  add(Marker::handle,
      R"(\b((?:snap(?:chat|per|ped)?|insta(?:gram)?|ig|tiktok|tik tok|twitter|discord|telegram|kik|sc|fb|facebook|messenger|bereal|twitch|youtube|yt|steam|psn|xbox|reddit)\b(?:\s*(?::|-|=|\(|(?:is|er|name|navn|as|som|handle|called|hedder|account|acc|profile|profil|username|brugernavn|user)(?![a-z0-9_]))){0,3}\s*)(@?[a-z0-9_]+(?:\.[a-z0-9_]+)*(?:#\d{4})?))",
      2, true, everyday_handle);
  needs({"snap",     "insta",   "ig", "tiktok", "tik tok",  "twitter",   "discord",
         "telegram", "kik",     "sc", "fb",     "facebook", "messenger", "bereal",
         "twitch",   "youtube", "yt", "steam",  "psn",      "xbox",      "reddit"});
  add(Marker::handle, R"(@[a-z0-9_]+(?:\.[a-z0-9_]+)*(?:#\d{4})?)", 0);
  needs({"@"});
  // Identity numbers before phone numbers: a CPR number is ten digits.
  add(Marker::id, R"(\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b)", 0);
  needs(digits);
  add(Marker::id, R"(\b(?:0[1-9]|[12]\d|3[01])[. ]?(?:0[1-9]|1[0-2])[. ]?\d{2}[- ]?\d{4}\b)", 0);
  needs(digits);
  // Dates of birth and birthdays: the cue stays, the date goes.
  add(Marker::date,
      "\\b((?:born|b\\.|dob|d\\.o\\.b\\.?|date of birth|født|fødselsdato|fødselsdag|f\\.|birthday|bday|b-day|"
      "turns\\s+\\d{1,2}\\s+on|fylder\\s+\\d{1,2})(?:\\s+(?:is|was|er|on|den|d\\.|på|:))*\\s*:?\\s*)"
      "(" NUMERIC_DATE "|" TEXT_DATE ")",
      2);
  needs(digits);
  // Phone numbers: international, UK, and Danish eight-digit numbers, in groups.
  // A full date with a year a young person was born in is a date of birth wherever it is.
  add(Marker::date, R"(\b\d{1,2}[./-]\d{1,2}[./-](?:199\d|20[01]\d)\b|\b(?:199\d|20[01]\d)-\d{2}-\d{2}\b)",
      0);
  needs(digits);
  // (Phone numbers: replace_phones() below.)
  // UK postcodes, and number plates.
  add(Marker::postcode, R"(\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[A-Z]{2}\b)", 0);
  needs(digits);
  add(Marker::plate, R"(\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b)", 0);
  needs(digits);
  add(Marker::plate, R"(\b[A-Z]{2} ?\d{2} ?\d{3}\b)", 0, true, word_before_digits);
  needs(digits);
  // Street addresses: where someone lives, with or without a house number.
  add(Marker::address,
      "\\b((?:lives|living|live|lived|stays|staying|stayed|sleeps|sleeping|moved|moving|home|hers|his|theirs|"
      "works|working|address|stopping|dossing|kipping|flat|bor|boede|bosat|flyttet|flytter|sover|overnatter|"
      "adresse|adressen|hjem|house|aunties|nans|huset|lejligheden)\\b"
      "(?:[^.!?\\n]{0,40}?\\s(?:on|at|in|off|near|round|to|på|i|til|ved)\\s+(?:the\\s+)?|\\s+(?:is\\s+|er\\s+"
      ")?))(" STREET_NAME HOUSE_NUMBER ")",
      2, false);
  add(Marker::address,
      "\\b((?:lives|living|live|stays|staying|bor|boede)\\s+(?:on|at|in|off|near|round|på|i)\\s+(?:the\\s+)?)"
      "(" LOWER "+(?:\\s+" LOWER
      "+)?\\s+(?:road|rd|street|st|lane|avenue|ave|close|drive|crescent|terrace|grove)"
      "\\b)",
      2, false);
  add(Marker::address,
      "\\b(?:(?:[Ff]lat|[Aa]pt\\.?|[Aa]partment)\\s+(?:\\d+[a-z]?,?\\s+)?\\d{1,4}[a-zA-Z]?,?|\\d{1,4}[a-zA-Z]"
      "?)\\s+(?:" CAPWORD "\\s+){1,3}" STREET_WORD "(?:\\s+(?:North|South|East|West))?\\b\\.?",
      0, false);
  needs(digits);
  add(Marker::address,
      "\\b(?:" CAPWORD "\\s+){1,3}" STREET_WORD
      "\\s+(?:number\\s+|no\\.?\\s*|nr\\.?\\s*|nummer\\s+)\\d{1,4}[a-z]?\\b",
      0, false);
  needs(digits);
  // A lower-case street name is taken only as a single word: "18 church st".
  add(Marker::address,
      "\\b\\d{1,4}[a-z]?\\s+[a-z]+\\s+(?:road|rd|street|st|lane|ln|avenue|ave|close|drive|way|crescent|"
      "terrace|grove)\\b\\.?",
      0, false);
  needs(digits);
  add(Marker::address,
      "\\b" UPPER LETTER
      "+\\s+(?:Allé|Alle|Vej|Gade|Plads|Torv|Vænge|Boulevard|Stræde)\\s+\\d{1,4}(?:\\s?[a-z]\\b)?",
      0, false);
  needs(digits);
  add(Marker::address,
      "\\b" DANISH_STREET
      "\\s+\\d{1,4}(?![:.]\\d)(?:\\s?[a-z]\\b)?(?:,?\\s*\\d{1,2}\\.?\\s*(?:th|tv|mf|sal)\\b\\.?)?",
      0);
  needs(digits);
  // A Danish postcode and town after an address: "[ADDRESS], 2200 København N".
  add(Marker::postcode,
      "(\\[ADDRESS\\],?\\s*)(\\d{4}\\s+" UPPER LETTER "+\\.?(?:\\s+(?:NV|SV|N|S|V|Ø|K|C)\\b)?)", 2, false);
  add(Marker::address, "(\\[ADDRESS\\],?\\s+)(" CAPWORD ")(?=,?\\s+\\[POSTCODE\\])", 2, false);
  add(Marker::postcode,
      "\\b((?:bor|boede|bosat|lives|living)\\b[^.!?\\n]{0,20}?\\s(?:i|in)\\s+)(\\d{4}\\s+" UPPER LETTER
      "+(?:\\s+(?:NV|SV|N|S|V|Ø|K|C)\\b)?)",
      2, false);
  needs(digits);
  // Where a young person works: "works at JD on Church St", "arbejder i Netto på Jagtvej".
  add(Marker::address,
      "\\b((?:(?:works|working|worked|job|apprenticeship|placement|sweeping "
      "up|arbejder|arbejdede|jobber|praktik|"
      "fritidsjob|studiejob)\\b[^.!?\\n]{0,25}?\\s(?:at|in|for|i|hos|på)\\s+|takeaway\\s+)"
      "(?:the\\s+)?)((?:" UPPER "|\\d)(?:" LETTER "|['’&\\d-])*(?:\\s+" CAPWORD
      "){0,3}"
      "(?:\\s+(?:on|ved|på|in|i)\\s+(?:\\[ADDRESS\\]|" CAPWORD "(?:\\s+" CAPWORD ")?))?)",
      2, false);
  // Schools and classes: "Nørre Fælled Skole", "Nørrebroskolen", "9.b", "year 10 at X".
  add(Marker::school, "\\b(?:" CAPWORD "[\\s-]+(?:(?:og|and|of|de|la|St\\.?)\\s+)?){1,3}" SCHOOL_WORD "\\b",
      0, false);
  add(Marker::school, "\\b" LETTER "+skolen?\\b", 0, true, generic_school);
  needs({"skole"});
  add(Marker::school,
      "\\b((?:year|yr)\\s?\\d{1,2}\\s+(?:at|in)\\s+|(?:går|gik|går i \\S+|gik i \\S+)\\s+på\\s+)(" CAPWORD
      "(?:\\s+(?:" CAPWORD "|of|de|St\\.?))*)",
      2, false, known_place);
  // The year group goes with the school it names: "[SCHOOL] at [SCHOOL]".
  add(Marker::school, "\\b(?:year|yr)\\s?\\d{1,2}(?=\\s+(?:at|in)\\s+\\[SCHOOL\\])", 0);
  add(Marker::school, "\\b\\d{1,2}\\.\\s?[a-f]\\b(?![.,]?\\d)", 0);
  needs({"."});
  add(Marker::school, "\\b((?:klasse|class|form|går i|gik i|går på)\\s+)(\\d{1,2}\\.?\\s?[a-f])\\b", 2);
  needs(digits);
  add(Marker::school, "\\b(\\d{1,2}[A-Z]{1,2}\\d?\\s+(?:at|på)\\s+)(" CAPWORD "(?:\\s+" CAPWORD ")*)", 2,
      false, known_place);
  needs(digits);
  add(Marker::school, "\\b\\d{1,2}[A-Z]{1,2}\\d?(?=\\s+(?:at|på)\\s+\\[SCHOOL\\])", 0, false);
  // Liverpool's church schools go by their patron: "goes to Cardinal Heenan".
  add(Marker::school, "\\b(?:Archbishop|Cardinal|Bishop)\\s+" CAPWORD "(?:\\s+" CAPWORD ")?", 0, false);
  needs(digits);
  return d;
}

const std::vector<Detector>& detectors() {
  static const std::vector<Detector> all = make_detectors();
  return all;
}

// Replaces every match of `d` in `text`, counting them.
// A match that a veto turns down is searched again from its next character, so that
// "her mum Lorraine at lorraine.m (at) example.com" finds the address after the false
// start.
std::string apply(const Detector& d, const std::string& text, unsigned& count) {
  std::string out;
  out.reserve(text.size());
  std::size_t last = 0, from = 0;
  std::smatch m;
  while (from < text.size() &&
         std::regex_search(
             text.begin() + static_cast<std::ptrdiff_t>(from), text.end(), m, d.pattern,
             from == 0 ? std::regex_constants::match_default : std::regex_constants::match_prev_avail)) {
    const std::size_t match_start = from + static_cast<std::size_t>(m.position(0));
    const std::size_t start = from + static_cast<std::size_t>(m.position(d.group));
    const std::size_t length = static_cast<std::size_t>(m.length(d.group));
    const bool vetoed = length == 0 || (d.veto != nullptr && d.veto(text, start, start + length));
    if (vetoed) {
      // The next character (not byte) after the match's start.
      std::size_t next = match_start + 1;
      while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
      from = next;
      continue;
    }
    out.append(text, last, start - last);
    out.append(marker_text(d.marker));
    last = start + length;
    ++count;
    from = std::max(last, match_start + static_cast<std::size_t>(m.length(0)));
    if (static_cast<std::size_t>(m.length(0)) == 0) ++from;
  }
  out.append(text, last, std::string::npos);
  return out;
}

}  // namespace

std::string replace_patterns(std::string text, ScrubReport& report) {
  std::string lower = lower_ascii(text);
  bool phones_done = false;
  for (const auto& d : detectors()) {
    // Phone numbers go after identity numbers and dates, before postcodes and plates.
    if (!phones_done && d.marker == Marker::postcode) {
      text = replace_phones(text, report.counts[static_cast<std::size_t>(Marker::phone)]);
      phones_done = true;
    }
    if (!d.needs.empty() && std::none_of(d.needs.begin(), d.needs.end(), [&](std::string_view w) {
          return lower.find(w) != std::string::npos;
        })) {
      continue;
    }
    text = apply(d, text, report.counts[static_cast<std::size_t>(d.marker)]);
  }
  return text;
}

}  // namespace gadehold::privacy
