#include "server/privacy/name_cues.hpp"

namespace gadehold::privacy {

bool one_of(std::string_view w, std::initializer_list<std::string_view> words) {
  for (auto x : words) {
    if (w == x) return true;
  }
  return false;
}

bool ends_with(std::string_view w, std::string_view suffix) {
  return w.size() >= suffix.size() && w.substr(w.size() - suffix.size()) == suffix;
}

// Words that name a kind of place: the capitalised words before one are a place's name
// ("Bold Street", "Sefton Park", "the Jacaranda Club").
bool place_word(std::string_view w) {
  return one_of(w, {"street",   "st",        "road",      "rd",       "lane",    "avenue",  "ave",
                    "square",   "station",   "park",      "dock",     "gardens", "garden",  "bridge",
                    "bro",      "gade",      "vej",       "plads",    "torv",    "allé",    "alle",
                    "stræde",   "boulevard", "have",      "parken",   "kirke",   "church",  "cathedral",
                    "club",     "bar",       "pub",       "hotel",    "cafe",    "café",    "arena",
                    "stadium",  "stadion",   "hall",      "centre",   "center",  "market",  "mall",
                    "library",  "bibliotek", "hospital",  "museum",   "theatre", "cinema",  "tower",
                    "terrace",  "close",     "crescent",  "way",      "drive",   "place",   "grove",
                    "row",      "walk",      "promenade", "quay",     "wharf",   "brygge",  "strand",
                    "banegård", "kirkegård", "havn",      "havnen",   "gym",     "shop",    "store",
                    "kiosk",    "takeaway",  "inn",       "tavern",   "lounge",  "kro",     "bodega",
                    "plaza",    "precinct",  "estate",    "flats",    "court",   "mews",    "hill",
                    "point",    "house",     "huset",     "hus",      "field",   "fields",  "common",
                    "fælled",   "mose",      "sø",        "søen",     "port",    "sq",      "streets",
                    "junction", "circus",    "gate",      "building", "mill",    "quarter", "triangle",
                    "island",   "ø",         "pier",      "beach"}) ||
         ends_with(w, "gade") || ends_with(w, "vej") || ends_with(w, "plads") || ends_with(w, "torv") ||
         ends_with(w, "stræde") || ends_with(w, "allé") || ends_with(w, "parken") || ends_with(w, "broen");
}

bool calendar_word(std::string_view w) {
  return one_of(
      w, {"monday", "tuesday",   "wednesday", "thursday", "friday",   "saturday", "sunday",    "mon",
          "tue",    "tues",      "wed",       "thu",      "thur",     "thurs",    "fri",       "sat",
          "sun",    "january",   "february",  "march",    "april",    "may",      "june",      "july",
          "august", "september", "october",   "november", "december", "jan",      "feb",       "mar",
          "apr",    "jun",       "jul",       "aug",      "sep",      "sept",     "oct",       "nov",
          "dec",    "mandag",    "tirsdag",   "onsdag",   "torsdag",  "fredag",   "lørdag",    "søndag",
          "januar", "februar",   "marts",     "maj",      "juni",     "juli",     "oktober",   "christmas",
          "xmas",   "easter",    "halloween", "ramadan",  "eid",      "diwali",   "jul",       "påske",
          "nytår",  "fastelavn", "sankthans", "bonfire",  "guy",      "fawkes",   "valentine", "valentine's",
          "boxing", "summer",    "winter",    "spring",   "autumn",   "sommer",   "vinter",    "forår",
          "efterår"});
}

// Words after a naming cue that are not a name: "called the police", "hedder det".
bool not_a_name(std::string_view w) {
  return one_of(
      w, {"the",        "a",         "an",       "it",        "in",     "out",      "off",      "up",
          "back",       "over",      "for",      "to",        "him",    "her",      "them",     "us",
          "me",         "you",       "his",      "their",     "my",     "our",      "police",   "ambulance",
          "paramedics", "security",  "999",      "112",       "111",    "101",      "someone",  "somebody",
          "everyone",   "nobody",    "names",    "after",     "ahead",  "by",       "and",      "or",
          "but",        "something", "anything", "nothing",   "that",   "this",     "politiet", "ambulancen",
          "vagten",     "en",        "et",       "den",       "det",    "de",       "ham",      "hende",
          "dem",        "sig",       "efter",    "op",        "ud",     "ind",      "noget",    "ingen",
          "og",         "eller",     "men",      "is",        "was",    "er",       "var",      "insta",
          "instagram",  "snap",      "snapchat", "tiktok",    "fb",     "facebook", "number",   "nummer",
          "phone",      "mobile",    "tlf",      "email",     "mail",   "address",  "adresse",  "ig",
          "sc",         "discord",   "on",       "at",        "from",   "about",    "tomorrow", "tonight",
          "today",      "later",     "now",      "again",     "asap",   "when",     "if",       "first",
          "before",     "på",        "om",       "igen",      "nu",     "senere",   "når",      "hvis",
          "twitter",    "telegram",  "whatsapp", "messenger", "reddit", "youtube",  "twitch",   "bereal"});
}

bool strong_cue(std::string_view w1, std::string_view w2) {
  return one_of(w1, {"called", "named", "hedder", "hed", "kaldet", "kaldes", "aka", "a.k.a", "alias",
                     "nicknamed", "kælenavn"}) ||
         (one_of(w2, {"name", "names", "navn", "navnet"}) && one_of(w1, {"is", "was", "are", "er", "var"})) ||
         one_of(w1, {"name's", "names"}) || (w2 == "goes" && w1 == "by") || (w2 == "known" && w1 == "as") ||
         (w2 == "kalder" && w1 == "sig") || (w2 == "ved" && w1 == "navn") ||
         (one_of(w2, {"calls", "calling", "called"}) && one_of(w1, {"himself", "herself", "themselves"})) ||
         (one_of(w2, {"call", "calls", "kalder", "kaldte"}) &&
          one_of(w1, {"him", "her", "them", "ham", "hende"})) ||
         (w2 == "is" && w1 == "actually");
}

// "a shop called X" names a place or a thing, not a person.
bool thing_before_cue(std::string_view w) {
  return one_of(w, {"shop",     "place",   "pub",  "cafe",  "café",   "bar",    "club",   "group", "gang",
                    "app",      "game",    "song", "film",  "show",   "team",   "street", "road",  "centre",
                    "center",   "butik",   "sted", "klub",  "spil",   "gruppe", "sang",   "kiosk", "store",
                    "takeaway", "band",    "dog",  "hund",  "drug",   "drink",  "site",   "page",  "chat",
                    "server",   "channel", "film", "serie", "series", "book",   "bog"});
}

bool title(std::string_view w) {
  return one_of(w, {"mr",     "mrs",    "ms",     "miss",   "mx",     "dr",    "hr",   "fru",     "frk",
                    "sir",    "mister", "missus", "mrs.",   "mr.",    "ms.",   "dr.",  "hr.",     "frk.",
                    "auntie", "uncle",  "aunt",   "onkel",  "tante",  "nan",   "nana", "grandma", "grandad",
                    "granny", "bedste", "farmor", "mormor", "farfar", "morfar"});
}

bool relation(std::string_view w) {
  return one_of(w, {"mate",      "mates",     "friend",      "friends",       "pal",
                    "bro",       "brother",   "sister",      "cousin",        "mum",
                    "mom",       "dad",       "boyfriend",   "girlfriend",    "bf",
                    "gf",        "partner",   "son",         "daughter",      "stepdad",
                    "stepmum",   "carer",     "teacher",     "worker",        "bror",
                    "søster",    "ven",       "veninde",     "venner",        "kammerat",
                    "fætter",    "kusine",    "mor",         "far",           "kæreste",
                    "lillebror", "storebror", "lillesøster", "storesøster",   "søn",
                    "datter",    "pædagog",   "lærer",       "sagsbehandler", "kontaktperson",
                    "stedfar",   "stedmor",   "plejemor",    "plejefar",      "homie",
                    "bestie",    "søsteren",  "broren",      "moren",         "faren",
                    "vennen",    "veninden",  "kæresten",    "fætteren",      "kusinen",
                    "sis",       "aunty",     "auntie",      "aunt",          "uncle",
                    "nan",       "nana",      "nanna",       "gran",          "grandad",
                    "grandma",   "moster",    "faster",      "morbror",       "farbror",
                    "onkel",     "tante",     "mormor",      "farmor",        "morfar",
                    "farfar"});
}

bool meeting_cue(std::string_view w) {
  return one_of(
      w, {"met",        "meet", "meeting", "with",  "told",    "tell",      "asked", "ask",     "saw",
          "seen",       "see",  "text",    "txt",   "ring",    "call",      "phone", "message", "dm",
          "ringede",    "sms",  "lad",     "boy",   "girl",    "kid",       "yp",    "mødte",   "møder",
          "med",        "og",   "så",      "sagde", "spurgte", "drengen",   "pigen", "fyren",   "knægten",
          "tøsen",      "via",  "hos",     "about", "om",      "including", "incl",  "inkl",    "inklusiv",
          "especially", "især", "thanks",  "tak"});
}

// Verbs that follow a person at the start of a sentence: "Jade said", "Josh lives".
bool says_or_is(std::string_view w) {
  return one_of(
      w, {"said",  "says",   "was",    "is",    "lives", "told",   "asked",  "has",      "had",     "came",
          "went",  "wants",  "wanted", "left",  "got",   "seemed", "looked", "sagde",    "siger",   "var",
          "er",    "bor",    "har",    "havde", "kom",   "gik",    "ville",  "fortalte", "spurgte", "virkede",
          "from",  "fra",    "gave",   "gav",   "fik",   "kører",  "sidder", "står",     "wouldnt", "wont",
          "didnt", "doesnt", "needs",  "skal",  "kan",   "må"});
}

bool particle(std::string_view w) {
  return one_of(w, {"van", "von", "de", "da", "del", "der", "den", "al",  "el",   "bin", "ibn",
                    "abu", "la",  "le", "di", "du",  "mc",  "mac", "ben", "bint", "ter", "ten"});
}

}  // namespace gadehold::privacy
