#include "server/privacy/scrubber.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>
#include <regex>
#include <vector>

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

std::string lower_word(const std::string& text, std::size_t from, std::size_t to) {
  std::string w = text.substr(from, to - from);
  for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return w;
}

// The word before `pos` (skipping spaces), lower-cased.
std::string word_before(const std::string& text, std::size_t pos) {
  std::size_t end = pos;
  while (end > 0 && text[end - 1] == ' ') --end;
  std::size_t start = end;
  while (start > 0 && text[start - 1] != ' ') --start;
  return lower_word(text, start, end);
}

// The word after `pos` (skipping spaces), lower-cased.
std::string word_after(const std::string& text, std::size_t pos) {
  std::size_t start = pos;
  while (start < text.size() && text[start] == ' ') ++start;
  std::size_t end = start;
  while (end < text.size() && text[end] != ' ' && text[end] != ',' && text[end] != '.') ++end;
  return lower_word(text, start, end);
}

bool is_one_of(const std::string& word, std::initializer_list<std::string_view> words) {
  for (auto w : words) {
    if (word == w) return true;
  }
  return false;
}

// A given name that is part of a place ("Sankt Hans Torv", "Albert Dock", "Victoria
// station") is not a person.
bool place_name(const std::string& text, std::size_t start, std::size_t end) {
  return is_one_of(word_before(text, start), {"st", "st.", "sankt", "saint", "dronning", "kong", "prins", "prinsesse",
                                               "queen", "king", "prince", "princess", "lady", "lord", "hotel", "cafe",
                                               "café", "bar", "pub"}) ||
         is_one_of(word_after(text, end), {"torv", "bro", "square", "street", "st", "road", "rd", "station", "dock",
                                           "park", "gade", "plads", "vej", "have", "centre", "center", "school",
                                           "skole", "hall", "house", "hospital", "library", "bibliotek", "allé"});
}

// "a shop called X" names a place or a thing, not a person.
bool named_thing(const std::string& text, std::size_t start, std::size_t) {
  // `start` is where the name begins; the cue ("called") comes just before it.
  const auto cue_start = text.rfind(' ', start > 1 ? start - 2 : 0);
  const auto before_cue = word_before(text, cue_start == std::string::npos ? 0 : cue_start);
  return is_one_of(before_cue, {"shop", "place", "pub", "cafe", "café", "bar", "club", "group", "gang", "app",
                                "game", "song", "film", "show", "team", "street", "road", "centre", "center",
                                "butik", "sted", "klub", "spil", "gruppe", "sang", "kiosk", "store", "takeaway"});
}

using std::regex_constants::ECMAScript;
using std::regex_constants::icase;
using std::regex_constants::optimize;

// Letters as UTF-8: ASCII plus the Danish letters and a few accented ones.
#define LOWER "(?:[a-z]|æ|ø|å|é|ä|ö|ü)"
#define UPPER "(?:[A-Z]|Æ|Ø|Å|É|Ä|Ö|Ü)"
#define LETTER "(?:[A-Za-z]|æ|ø|å|é|ä|ö|ü|Æ|Ø|Å|É|Ä|Ö|Ü)"

#define MONTH                                                                                               \
  "(?:jan(?:uary|uar)?|feb(?:ruary|ruar)?|mar(?:ch)?|marts|apr(?:il)?|maj|may|jun(?:e|i)?|jul(?:y|i)?|" \
  "aug(?:ust)?|sep(?:t|tember)?|o[ck]t(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\b\\.?"

#define NUMERIC_DATE "\\d{1,2}[./-]\\d{1,2}(?:[./-]\\d{2,4})?"
#define TEXT_DATE                                                                         \
  "(?:(?:the\\s+)?\\d{1,2}(?:st|nd|rd|th)?\\.?\\s*(?:of\\s+)?" MONTH "(?:,?\\s*\\d{4})?|" \
  MONTH "\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s*\\d{4})?)"

// Common UK and Danish given names, written for this project. Names that are also
// everyday words (Will, Mark, Grace, Per, Bo, Bent, May, Line, August, ...) are left
// out: the cues ("called", "hedder", "his mate") catch those.
const char* const kGivenNames =
    "Aaliyah|Aaron|Abbie|Abdi|Abdullahi|Abigail|Adam|Agnes|Ahmad|Ahmed|Aidan|Aisha|Aksel|Albie|Alex|"
    "Alexander|Alfie|Alfred|Ali|Alice|Alma|Amalie|Amber|Amelia|Amir|Amira|Amy|Anders|Andreas|Anna|Anne|"
    "Anton|Archie|Arlo|Arthur|Asger|Aske|Asta|Astrid|Ava|Aya|Bella|Benjamin|Bethany|Billy|Bjørn|Bradley|"
    "Brandon|Caitlin|Callum|Camilla|Caroline|Casper|Cecilie|Charlie|Charlotte|Chelsea|Chloe|Christian|"
    "Christina|Clara|Connor|Courtney|Craig|Daisy|Daniel|Danny|Darren|Declan|Demi|Dylan|Ebba|Elias|Elijah|"
    "Ella|Ellen|Ellie|Elsie|Emil|Emilie|Emily|Emma|Erik|Esme|Esther|Ethan|Eva|Evelyn|Evie|Ezra|Fatima|"
    "Felix|Finley|Finn|Florence|Freddie|Frederik|Freja|Freya|Frida|Gary|George|Georgia|Hamza|Hannah|"
    "Harper|Harrison|Harry|Harvey|Hassan|Henrik|Henry|Holly|Hollie|Ibrahim|Ida|Imani|Isaac|Isabella|Isla|"
    "Ivy|Jack|Jacob|Jade|Jake|Jakob|James|Jamie|Jasmine|Jaxon|Jayden|Jeppe|Jens|Jerome|Jess|Jessica|"
    "Jonas|Johan|Jordan|Joseph|Josefine|Josh|Joshua|Jude|Julie|Jørgen|Kacper|Kai|Karla|Kasper|Katie|"
    "Katrine|Kayden|Kayleigh|Keira|Kelsey|Kerry|Kevin|Kian|Kieran|Kofi|Kristian|Kyle|Lars|Lasse|Laura|"
    "Lauren|Layla|Leah|Leon|Lewis|Liam|Lily|Liva|Lola|Louie|Louis|Louise|Luca|Lucas|Lucy|Luka|Lukas|Luna|"
    "Mads|Magnus|Maisie|Maja|Malou|Malthe|Marcus|Maria|Marie|Markus|Martin|Mason|Mathias|Mathilde|"
    "Matilda|Megan|Mette|Mia|Michael|Mikkel|Millie|Mohamed|Mohammad|Mohammed|Morten|Muhammad|Nadia|Naja|"
    "Nanna|Nathan|Niamh|Niels|Nicolai|Nikolaj|Noah|Nora|Olivia|Oliver|Omar|Oscar|Oskar|Otto|Owen|Paige|"
    "Phoebe|Poppy|Rasmus|Rebecca|Reece|Reggie|Riley|Ronja|Ronnie|Rory|Rosie|Ruby|Ryan|Samuel|Sana|Sara|"
    "Sarah|Sean|Sebastian|Selma|Shane|Shannon|Shaun|Sienna|Signe|Simon|Sofia|Sofie|Sonny|Sophia|Sophie|"
    "Stacey|Stine|Søren|Thea|Theo|Theodore|Thomas|Tia|Tobias|Toby|Tom|Tommy|Trine|Tyler|Tyrone|Valdemar|"
    "Victor|Vigga|Viggo|Viktor|William|Willow|Yasmin|Yusuf|Zain|Zara|Zoe";

// Words that follow "called" or "named" without being a name.
#define NOT_A_NAME                                                                                         \
  "(?!(?:the|a|an|it|in|out|off|up|back|over|for|to|him|her|them|us|me|you|his|their|my|our|police|"     \
  "ambulance|paramedics|security|999|112|111|101|someone|somebody|everyone|nobody|names|after|ahead|by|" \
  "politiet|ambulancen|vagten|en|et|den|det|de|ham|hende|dem|sig|efter|op|ud|ind)\\b)"

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
  add(Marker::email,
      R"(\b[a-z0-9._-]+\s*(?:\[at\]|\(at\)|\s+at\s+)\s*[a-z0-9-]+(?:\s*(?:\[dot\]|\(dot\)|\s+dot\s+)\s*[a-z0-9-]+)+)",
      0);
  needs({"dot"});
  add(Marker::handle,
      R"(\b((?:snap(?:chat)?|insta(?:gram)?|ig|tiktok|tik tok|twitter|discord|telegram|kik|sc)\b\s*(?:is|er|:|-|=|name|navn)?\s*(?:is|er|:)?\s*)(@?[a-z0-9_]+(?:\.[a-z0-9_]+)*))",
      2);
  needs({"snap", "insta", "ig", "tiktok", "tik tok", "twitter", "discord", "telegram", "kik", "sc"});
  add(Marker::handle, R"(@[a-z0-9_]+(?:\.[a-z0-9_]+)*)", 0);
  needs({"@"});
  // Identity numbers before phone numbers: a CPR number is ten digits.
  add(Marker::id, R"(\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b)", 0);
  needs(digits);
  add(Marker::id, R"(\b(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}[- ]?\d{4}\b)", 0);
  needs(digits);
  // Dates of birth and birthdays: the cue stays, the date goes.
  add(Marker::date,
      "\\b((?:born|b\\.|dob|d\\.o\\.b\\.?|date of birth|født|fødselsdato|fødselsdag|f\\.|birthday|bday|b-day|"
      "turns\\s+\\d{1,2}\\s+on|fylder\\s+\\d{1,2})(?:\\s+(?:is|was|er|on|den|d\\.|på|:))*\\s*:?\\s*)(" NUMERIC_DATE
      "|" TEXT_DATE ")",
      2);
  needs(digits);
  // Phone numbers: international, UK, and Danish eight-digit numbers.
  add(Marker::phone, R"(\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,4}\b)", 0);
  needs({"+"});
  add(Marker::phone, R"(\b00\d{1,3}[\s.-]?\d{1,4}(?:[\s.-]?\d{2,4}){2,4}\b)", 0);
  needs({"00"});
  add(Marker::phone, R"((?:\(0\d{2,4}\)|\b0\d{2,4})[\s.-]?\d{3,4}[\s.-]?\d{3,4}\b)", 0);
  needs({"0"});
  add(Marker::phone, R"(\b\d{2}(?: \d{2}){3}\b|\b\d{4} \d{4}\b|\b\d{8}\b)", 0);
  needs(digits);
  // UK postcodes, and number plates.
  add(Marker::postcode, R"(\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[A-Z]{2}\b)", 0);
  needs(digits);
  add(Marker::plate, R"(\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b)", 0);
  needs(digits);
  add(Marker::plate, R"(\b[A-Z]{2} ?\d{2} ?\d{3}\b)", 0, false);
  needs(digits);
  // Street addresses: a house number with a street word, English and Danish.
  add(Marker::address,
      "\\b(?:[Ff]lat\\s+\\d+[a-z]?,?\\s+)?\\d{1,4}[a-zA-Z]?,?\\s+(?:" UPPER LETTER "*\\s+){1,3}(?:[Rr]oad|[Rr]d|"
      "[Ss]treet|[Ss]t|[Ll]ane|[Ll]n|[Aa]venue|[Aa]ve|[Cc]lose|[Dd]rive|[Dd]r|[Ww]ay|[Pp]lace|[Pp]l|[Cc]rescent|"
      "[Cc]ourt|[Cc]t|[Gg]rove|[Tt]errace|[Gg]ardens|[Hh]ill|[Ss]quare|[Ww]alk|[Rr]ow|[Mm]ews|[Pp]ark|[Vv]ej|"
      "[Gg]ade)\\b\\.?",
      0, false);
  needs(digits);
  // A lower-case street name is taken only as a single word: "18 church st".
  add(Marker::address,
      "\\b\\d{1,4}[a-z]?\\s+[a-z]+\\s+(?:road|rd|street|st|lane|ln|avenue|ave|close|drive|way|crescent|"
      "terrace|grove)\\b\\.?",
      0, false);
  needs(digits);
  add(Marker::address,
      "\\b" UPPER LETTER "+\\s+(?:Allé|Alle|Vej|Gade|Plads|Torv|Vænge|Boulevard|Stræde)\\s+\\d{1,4}(?:\\s?[a-z]\\b)?",
      0, false);
  needs(digits);
  add(Marker::address,
      "\\b" LETTER "+(?:vej|gade|allé|alle|vænge|plads|stræde|torv|boulevard|stien|parken|haven)\\s+\\d{1,4}"
      "(?:\\s?[a-z]\\b)?(?:,?\\s*\\d{1,2}\\.?\\s*(?:th|tv|mf|sal)\\b\\.?)?",
      0);
  needs(digits);
  // Names: after a cue (any case after the strong cues), or a given name from the list.
  add(Marker::name,
      "\\b((?:called|named|name is|name's|names are|name was|goes by|hedder|hed|kaldet|kalder sig|kaldes|navn er|"
      "navnet er|navnet var)\\s+)" NOT_A_NAME "(" LETTER "(?:" LETTER "|['-])*)",
      2, true, named_thing);
  add(Marker::name,
      "\\b((?:his|her|their|hans|hendes|deres|my|min)\\s+(?:mate|friend|brother|sister|cousin|mum|dad|mom|"
      "bror|søster|ven|veninde|kammerat|fætter|kusine|mor|far)\\s+)(" UPPER LOWER "+)",
      2, false);
  add(Marker::name, std::string("\\b(?:") + kGivenNames + ")(?:'s|s)?\\b", 0, false, place_name);
  return d;
}

const std::vector<Detector>& detectors() {
  static const std::vector<Detector> all = make_detectors();
  return all;
}

// Replaces every match of `d` in `text`, counting them.
std::string apply(const Detector& d, const std::string& text, unsigned& count) {
  std::string out;
  out.reserve(text.size());
  auto begin = std::sregex_iterator(text.begin(), text.end(), d.pattern);
  std::size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    const std::size_t start = static_cast<std::size_t>(m.position(d.group));
    const std::size_t length = static_cast<std::size_t>(m.length(d.group));
    if (length == 0) continue;
    if (d.veto != nullptr && d.veto(text, start, start + length)) continue;
    out.append(text, last, start - last);
    out.append(marker_text(d.marker));
    last = start + length;
    ++count;
  }
  out.append(text, last, std::string::npos);
  return out;
}

}  // namespace

std::string_view marker_text(Marker m) {
  static constexpr std::string_view texts[] = {"[PHONE]", "[EMAIL]", "[POSTCODE]", "[ADDRESS]", "[ID]",
                                               "[PLATE]", "[DATE]",  "[NAME]",     "[HANDLE]",  "[URL]"};
  return texts[static_cast<std::size_t>(m)];
}

std::string_view marker_name(Marker m) {
  auto text = marker_text(m);
  return text.substr(1, text.size() - 2);
}

unsigned ScrubReport::total() const { return std::accumulate(counts.begin(), counts.end(), 0u); }

namespace {

// Replaces every run of more than kLongRun characters without white space by [URL]. Such
// a run is a link, or noise; either way nothing to keep. It also bounds the backtracking
// of the patterns below to short runs, so a hostile note cannot make scrubbing slow.
constexpr std::size_t kLongRun = 100;

std::string cut_long_runs(std::string_view text, unsigned& count) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      out.push_back(text[i++]);
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    if (end - i > kLongRun) {
      out.append(marker_text(Marker::url));
      ++count;
    } else {
      out.append(text.substr(i, end - i));
    }
    i = end;
  }
  return out;
}

}  // namespace

ScrubResult scrub(std::string_view text) {
  ScrubResult result;
  result.text = cut_long_runs(text, result.report.counts[static_cast<std::size_t>(Marker::url)]);
  std::string lower = result.text;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& d : detectors()) {
    if (!d.needs.empty() && std::none_of(d.needs.begin(), d.needs.end(), [&](std::string_view w) {
          return lower.find(w) != std::string::npos;
        })) {
      continue;
    }
    result.text = apply(d, result.text, result.report.counts[static_cast<std::size_t>(d.marker)]);
  }
  return result;
}

}  // namespace gadehold::privacy
