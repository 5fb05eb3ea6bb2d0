//! Stage 3b, match by pattern: the rules that find films, people, awards
//! and festivals no gazetteer lists.
//!
//! Takes clean text and its [`Token`] stream; gives [`Candidate`]s in clean
//! coordinates, each naming the rule that produced it (`pattern:role-cue`,
//! `pattern:quoted-title`, …). Rules read context, not lists of names:
//! role words before a name (`director X Y`, `directed by X Y`), speech
//! verbs, speaker labels (`Yulia:`), appositions (`X, a cinematographer`),
//! name shape (given names and surname endings of the region, from the
//! lexicons), quoted titles after film cues, `Title (1998)`, `Title by
//! Person`, `Title (Country)`, `Best …`, `… Award`, `… Film Festival`.
//! Candidates may overlap; the resolver picks one per byte. Every rule
//! runs in time linear in the number of tokens.

use crate::dates::{self, StartWords};
use crate::gazetteer::Lexicons;
use crate::memo::{owner_id, WordMemo};
use crate::prefilter::WordShapes;
use crate::span::{Candidate, CleanSpan, EntityType, Source};
use crate::tokens::{words_up_to, Kind, Token};
use foldhash::{HashMap, HashMapExt, HashSet};
use regex::Regex;

/// Priority of a rule with a strong context cue.
pub const P_CUE: i32 = 30;
/// Priority of a weak rule (shape only).
pub const P_SHAPE: i32 = 10;

const FUNCTION_WORDS: &[&str] = &[
    "of", "the", "a", "an", "in", "on", "at", "to", "for", "and", "with", "from", "de", "la", "le",
    "du", "des", "del", "di", "da", "upon", "into", "over", "under", "without", "about", "after",
    "before", "is", "are", "or",
];

const LEAD_TRIM: &[&str] = &[
    "His",
    "Her",
    "Their",
    "Its",
    "Our",
    "My",
    "Your",
    "This",
    "That",
    "These",
    "Those",
    "In",
    "On",
    "At",
    "For",
    "With",
    "From",
    "By",
    "After",
    "Before",
    "During",
    "Including",
    "Also",
    "And",
    "But",
    "Or",
    "As",
    "While",
    "Then",
    "Now",
    "Since",
    "Until",
    "Both",
    "Even",
    "Only",
    "Among",
    "Between",
    "Like",
    "Unlike",
    "Another",
    "Other",
    "Every",
    "Each",
    "Some",
    "Many",
    "Several",
    "All",
    "Films",
    "Film",
    "Movie",
    "Movies",
    "Documentary",
    "Feature",
    "Highlights",
    "Director",
    "Directors",
    "Winner",
    "Winners",
    "Annual",
    "Wins",
    "Won",
    "A",
    "An",
    "Seventh",
    "First",
    "Second",
    "Third",
    "Fourth",
    "Fifth",
    "Sixth",
    "Eighth",
    "Ninth",
    "Tenth",
    "Eleventh",
    "Twelfth",
    "Next",
    "Last",
];

const NOT_NAME: &[&str] = &[
    "The",
    "A",
    "An",
    "This",
    "That",
    "These",
    "Those",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "His",
    "Her",
    "Their",
    "Its",
    "Our",
    "My",
    "Your",
    "In",
    "On",
    "At",
    "For",
    "With",
    "From",
    "By",
    "After",
    "Before",
    "During",
    "And",
    "But",
    "Or",
    "As",
    "When",
    "While",
    "If",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Film",
    "Films",
    "Festival",
    "Award",
    "Awards",
    "Prize",
    "Best",
    "Cinema",
    "Studio",
    "Studios",
    "University",
    "Institute",
    "Ministry",
    "Minister",
    "President",
    "Republic",
    "Museum",
    "Theatre",
    "Theater",
    "Academy",
    "Center",
    "Centre",
    "Foundation",
    "Union",
    "Party",
    "Group",
    "Company",
    "Media",
    "News",
    "Times",
    "International",
    "National",
    "State",
    "Central",
    "Asia",
    "North",
    "South",
    "East",
    "West",
    "Soviet",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "God",
    "Street",
    "Avenue",
    "Square",
    "Lake",
    "River",
    "Mountains",
    "Sea",
    "Road",
    "Kazakh",
    "Kyrgyz",
    "Uzbek",
    "Tajik",
    "Turkmen",
    "Russian",
    "Chinese",
    "American",
    "European",
    "Asian",
    "Eurasian",
    "Western",
    "Eastern",
    "Hollywood",
    "TV",
    "Series",
    "Documentary",
    "Animation",
    "Production",
    "Productions",
    "Pictures",
    "Entertainment",
    "Project",
    "Lab",
    "Camp",
    "Program",
    "Programme",
    "Competition",
    "Section",
    "Jury",
    "Grand",
    "Prix",
    "Oscar",
    "Oscars",
    "Golden",
    "Silver",
    "Bronze",
    "Honorary",
    "Mention",
    "Audience",
    "Special",
    "Director",
    "Producer",
    "Actor",
    "Actress",
    "Here",
    "There",
    "Today",
    "Yesterday",
    "Tomorrow",
    "Now",
    "Yes",
    "No",
    "Not",
    "All",
    "Some",
    "Many",
    "Most",
    "Every",
    "Each",
    "One",
    "Two",
    "Three",
    "Also",
    "Still",
    "However",
    "Although",
    "Though",
    "Meanwhile",
    "Notably",
    "Ultimately",
    "Absolutely",
    "Thanks",
    "Please",
    "What",
    "Why",
    "How",
    "Where",
    "Who",
    "Which",
    "Prime",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Saint",
    "St",
    "Day",
    "Night",
    "Week",
    "Year",
    "Month",
    "Cinematography",
    "Score",
    "Song",
    "Picture",
    "Screenplay",
    "Short",
    "Feature",
    "Full",
    "Chapter",
    "Part",
    "Volume",
    "Season",
    "Episode",
    "Internet",
    "Online",
    "Digital",
    "Global",
    "World",
    "Kazakhstan",
    "Kyrgyzstan",
    "Uzbekistan",
    "Tajikistan",
    "Turkmenistan",
    "Russia",
    "China",
    "Soviet-era",
    "Post",
    "Space",
    "Sign",
    "Get",
    "Read",
    "Watch",
    "See",
    "Source",
    "Photo",
    "Image",
    "Video",
    "Trailer",
    "Tickets",
    "Box",
    "Office",
    "Culture",
    "Sports",
    "Ministry",
    "Council",
    "Committee",
    "Association",
    "Guild",
    "Society",
    "Club",
    "Agency",
    "Bank",
    "Fund",
    "Corp",
    "Inc",
    "Ltd",
    "LLC",
    "Studio’s",
];

const FILM_CUES: &[&str] = &[
    "film",
    "films",
    "movie",
    "movies",
    "documentary",
    "documentaries",
    "feature",
    "short",
    "drama",
    "comedy",
    "thriller",
    "picture",
    "cartoon",
    "animation",
    "series",
    "biopic",
    "epic",
    "melodrama",
    "titled",
    "entitled",
    "named",
    "called",
    "debut",
    "docudrama",
    "miniseries",
    "horror",
    "western",
    "sequel",
    "remake",
    "adaptation",
];

// Membership of a token (lowercased) in the word lists below, computed
// once per token: the rules test these bits instead of scanning lists.
const F_FILM_CUE: u64 = 1;
const F_FILMISH: u64 = 2;
const F_SPEECH: u64 = 4;
const F_STARRING: u64 = 8;
const F_STRONG_BY: u64 = 16;
const F_LIFE: u64 = 32;
const F_PRIZE: u64 = 64;
const F_NON_FILM: u64 = 128;
/// In the role-word lexicon (`director`, `actress`, …).
const F_ROLE: u64 = 256;
/// A name particle (`uulu`, `van`); set on word tokens only.
const F_PARTICLE: u64 = 512;
/// A name token (see `Patterns::is_name_token`).
const F_NAME: u64 = 1024;
/// A name token that is an ordinary word (`Patterns::is_ordinary`); set
/// on name tokens only, where the rules ask it again and again.
const F_ORDINARY: u64 = 1 << 29;

// Trigger bits: a rule loop visits only the tokens carrying its bits
// (`Cx::each`, `Cx::next`), so each must be set on every token the rule
// can start at. They are set per token with the other bits.
/// `by`, any case (`persons`, `films` test `by` and `By`).
const T_BY: u64 = 1 << 30;
/// The punctuation token `(`.
const T_OPEN: u64 = 1 << 31;
/// The punctuation token `,`.
const T_COMMA: u64 = 1 << 32;
/// The words `awards_and_festivals` starts at, any case: `best`, `grand`,
/// `film` and the award and festival heads.
const T_AWARD: u64 = 1 << 33;
/// `Patterns::has_surname_suffix` of the word, its possessive cut off;
/// and `Patterns::is_given` of the word. Kept with the other bits, as the
/// rules ask them of the same words again and again (a suffix test is
/// ~350 instructions, the bit one load).
const F_SURNAME: u64 = 1 << 34;
const F_GIVEN: u64 = 1 << 35;
// The bits above are the rules'; the date finder's start words sit
// above them in the same flags (`dates::TOKEN_SHIFT`).
const _: () = assert!(F_GIVEN < 1 << dates::TOKEN_SHIFT);

/// Every bit a `Cx::each` loop starts at: the tokens without any are
/// left out of the list those loops walk. (Debug builds check each
/// loop's mask against it.)
const EACH_BITS: u64 =
    F_SPEECH | F_LIFE | F_NAME | T_COMMA | T_OPEN | T_BY | T_AWARD | C_RELEASED.bit | FILM_TRIGGERS;

/// The tokens `Cx::films` starts at.
const FILM_TRIGGERS: u64 = T_OPEN
    | T_BY
    | C_FILM_NOUN.bit
    | C_DIRECTOR.bit
    | C_IN.bit
    | C_OF.bit
    | C_TO.bit
    | C_INCLUDE.bit;

// Small word lists single rules test a token against, one bit each above
// the `F_*` bits: a test is a mask instead of a scan of the list.
#[derive(Clone, Copy)]
struct Cue {
    bit: u64,
    words: &'static [&'static str],
}

const C_NAMED: Cue = Cue {
    bit: 1 << 11,
    words: &["named", "called"],
};
const C_AND: Cue = Cue {
    bit: 1 << 12,
    words: &["and"],
};
const C_ARTICLE: Cue = Cue {
    bit: 1 << 13,
    words: &["a", "an", "the", "one"],
};
const C_FILM_NOUN: Cue = Cue {
    bit: 1 << 14,
    words: &[
        "film",
        "movie",
        "documentary",
        "feature",
        "drama",
        "comedy",
        "thriller",
        "biopic",
        "cartoon",
        "melodrama",
        "docudrama",
        "title",
        "epic",
        "saga",
        "classic",
        "trilogy",
        "blockbuster",
    ],
};
const C_IN: Cue = Cue {
    bit: 1 << 15,
    words: &["in"],
};
const C_ROLE_IN: Cue = Cue {
    bit: 1 << 16,
    words: &["role", "starred", "appeared", "roles", "acted"],
};
const C_OF: Cue = Cue {
    bit: 1 << 17,
    words: &["of"],
};
const C_OF_WHAT: Cue = Cue {
    bit: 1 << 18,
    words: &[
        "premiere",
        "screening",
        "screenings",
        "sequel",
        "remake",
        "release",
        "director",
        "star",
        "producer",
    ],
};
const C_TO: Cue = Cue {
    bit: 1 << 19,
    words: &["to"],
};
const C_SEQUEL: Cue = Cue {
    bit: 1 << 20,
    words: &["sequel", "prequel"],
};
const C_TITLED: Cue = Cue {
    bit: 1 << 21,
    words: &["titled", "entitled", "called", "named"],
};
const C_INCLUDE: Cue = Cue {
    bit: 1 << 22,
    words: &["include", "includes", "included", "including"],
};
const C_WORKS: Cue = Cue {
    bit: 1 << 23,
    words: &["films", "movies", "works", "credits", "documentaries"],
};
const C_FILMS: Cue = Cue {
    bit: 1 << 24,
    words: &["films", "movies"],
};
const C_DIRECTOR: Cue = Cue {
    bit: 1 << 25,
    words: &["director", "directed", "dir", "directors"],
};
const C_RELEASED: Cue = Cue {
    bit: 1 << 26,
    words: &["released", "premiered"],
};
const C_SELECTED: Cue = Cue {
    bit: 1 << 27,
    words: &[
        "nominated",
        "shortlisted",
        "selected",
        "screened",
        "premiered",
    ],
};
const C_MODIFIED_NOUN: Cue = Cue {
    bit: 1 << 28,
    words: &[
        "film",
        "films",
        "movie",
        "movies",
        "cinema",
        "director",
        "directors",
        "filmmakers",
        "industry",
        "studio",
        "studios",
        "language",
        "people",
        "culture",
    ],
};
const CUES: [Cue; 18] = [
    C_NAMED,
    C_AND,
    C_ARTICLE,
    C_FILM_NOUN,
    C_IN,
    C_ROLE_IN,
    C_OF,
    C_OF_WHAT,
    C_TO,
    C_SEQUEL,
    C_TITLED,
    C_INCLUDE,
    C_WORKS,
    C_FILMS,
    C_DIRECTOR,
    C_RELEASED,
    C_SELECTED,
    C_MODIFIED_NOUN,
];
// The cue bits are 11, 12, … in the order of `CUES`, one each, and stay
// clear of `F_ORDINARY`.
const _: () = {
    let mut i = 0;
    while i < CUES.len() {
        assert!(CUES[i].bit == 1 << (11 + i));
        i += 1;
    }
    assert!(11 + CUES.len() <= 29);
};

/// Words before a quote that make it a work of another art.
const NON_FILM_CUES: &[&str] = &[
    "novel",
    "novella",
    "book",
    "books",
    "poem",
    "poems",
    "song",
    "songs",
    "album",
    "play",
    "opera",
    "ballet",
    "painting",
    "exhibition",
    "newspaper",
    "magazine",
    "article",
    "essay",
    "story",
    "stories",
    "single",
    "track",
    "slogan",
    "motto",
    "campaign",
    "hashtag",
    "brand",
    "company",
    "restaurant",
    "cafe",
    "programme",
    "program",
    "initiative",
];

/// Words of a sentence about prizes.
const PRIZE_WORDS: &[&str] = &[
    "best",
    "prize",
    "award",
    "awards",
    "mention",
    "nominated",
    "nominee",
    "nominees",
    "nomination",
    "won",
    "wins",
    "winner",
    "winners",
    "jury",
    "grand",
    "category",
    "shortlisted",
];

const FILMISH: &[&str] = &[
    "film",
    "films",
    "movie",
    "movies",
    "documentary",
    "picture",
    "cinema",
    "festival",
    "premiere",
    "premiered",
    "screening",
    "screened",
    "director",
    "directed",
    "starring",
    "shot",
    "filmed",
    "category",
    "award",
    "prize",
    "nominated",
    "won",
    "winner",
];

const SPEECH: &[&str] = &[
    "said",
    "says",
    "told",
    "added",
    "explained",
    "noted",
    "recalled",
    "stated",
    "admitted",
    "stressed",
    "emphasized",
    "emphasised",
    "believes",
    "thinks",
    "writes",
    "wrote",
    "asked",
    "answered",
    "replied",
    "commented",
    "shared",
    "continued",
    "concluded",
    "recalls",
    "remembers",
];

const STRONG_BY: &[&str] = &[
    "directed",
    "produced",
    "written",
    "shot",
    "filmed",
    "played",
    "portrayed",
    "voiced",
    "edited",
    "scored",
    "composed",
    "narrated",
    "hosted",
    "presented",
    "co-directed",
    "co-written",
    "photographed",
    "created",
];

const STARRING: &[&str] = &[
    "starring",
    "featuring",
    "cast",
    "stars",
    "co-starring",
    "starred",
];

const LIFE_NOUNS: &[&str] = &[
    "birth",
    "death",
    "life",
    "son",
    "daughter",
    "wife",
    "husband",
    "mother",
    "father",
    "family",
    "character",
    "films",
    "work",
    "works",
    "debut",
    "career",
    "role",
    "birthday",
    "anniversary",
    "legacy",
    "biography",
    "funeral",
    "memory",
    "poems",
    "poetry",
    "novel",
    "novels",
    "books",
    "direction",
    "directorial",
    "script",
    "camera",
    "lens",
    "heroine",
    "hero",
    "brother",
    "sister",
    "grandfather",
    "grandmother",
    "parents",
];

const AWARD_HEADS: &[&str] = &[
    "Award",
    "Prize",
    "Mention",
    "Recognition",
    "Medal",
    "Trophy",
    "Diploma",
    "Statuette",
    "Globe",
    "Lion",
    "Bear",
    "Leopard",
    "Palm",
    "Shell",
    "Tulip",
    "Pheasant",
];

const GENERIC_AWARD_WORDS: &[&str] = &[
    "International",
    "Special",
    "Top",
    "Main",
    "Big",
    "First",
    "National",
    "Major",
    "Annual",
    "Film",
    "The",
    "A",
    "An",
    "Prestigious",
    "Wins",
    "Won",
    "Receives",
    "Received",
    "New",
    "Awards",
];

const GENERIC_FESTIVAL_WORDS: &[&str] = &[
    "International",
    "Film",
    "Festival",
    "Short",
    "Documentary",
    "Animation",
    "Animated",
    "Movie",
    "Cinema",
    "Awards",
    "Week",
    "Market",
    "Forum",
    "The",
    "Annual",
    "National",
    "Screen",
    "Media",
    "Children's",
    "Children’s",
    "Youth",
    "Student",
    "Independent",
    "Online",
    "New",
    "World",
];

const FESTIVAL_HEADS: &[&str] = &[
    "Festival",
    "Awards",
    "Week",
    "Market",
    "Forum",
    "Biennale",
    "Berlinale",
    "Fest",
];

/// Roles that name a character by a first name alone.
const CHARACTER_NOUNS: &[&str] = &[
    "boy",
    "girl",
    "man",
    "woman",
    "character",
    "characters",
    "hero",
    "heroine",
    "protagonist",
    "son",
    "daughter",
    "mother",
    "father",
    "wife",
    "husband",
    "brother",
    "sister",
    "friend",
    "neighbour",
    "neighbor",
    "chief",
    "grandfather",
    "grandmother",
    "child",
    "kid",
    "teenager",
    "villager",
    "lover",
    "widow",
    "orphan",
    "uncle",
    "aunt",
    "nephew",
    "niece",
    "cousin",
    "bride",
    "groom",
    "fiancé",
    "fiancée",
    "girlfriend",
    "boyfriend",
    "shepherd",
    "herder",
    "hunter",
    "farmer",
    "teacher",
    "student",
    "gravedigger",
    "electrician",
    "driver",
    "soldier",
    "ruler",
    "khan",
    "king",
    "queen",
    "prince",
    "princess",
    "batyr",
    "warrior",
    "poet",
    "singer",
    "leader",
    "lead",
    "played",
    "stranger",
    "newcomer",
    "narrator",
    "guy",
    "lady",
];

const BROAD_SUFFIXES: &[&str] = &[
    "in", "yn", "ko", "uk", "ic", "ia", "li", "lu", "iy", "ow", "ew", "son", "sen", "is", "ini",
    "oy", "oi", "aya", "ago", "ets", "ski", "ska", "an", "yan", "ian", "ets", "ez", "es", "os",
    "as", "er", "el", "ik",
];

const ORDINAL_WORDS: &[&str] = &[
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "twentieth",
    "thirtieth",
    "annual",
];

/// The compiled rules. Build once, share across threads.
#[derive(Debug)]
pub struct Patterns {
    given: HashSet<String>,
    common: HashSet<Box<[u8]>>,
    suffix_set: HashSet<Box<[u8]>>,
    suffix_lens: Vec<usize>,
    /// For the last two bytes of a word (see `end_key`), the lengths of
    /// the suffixes that end so, as bits: most words end like no suffix
    /// and need no lookup at all.
    suffix_ends: Box<[u32]>,
    /// The date patterns' start words, kept in each word's flags.
    date_starts: StartWords,
    function: HashSet<&'static str>,
    lead_trim: HashSet<&'static str>,
    not_name: HashSet<&'static str>,
    quote: Regex,
    year_paren: Regex,
    /// Lowercase word → `F_*`, cue and `T_*` bits: the cue lists, roles,
    /// particles and the rules' start words, so each token needs one
    /// lookup.
    word_flags: HashMap<Box<[u8]>, u64>,
    /// The shapes of the keys of `word_flags`: other ASCII words skip the
    /// hash lookup.
    key_shapes: WordShapes,
    /// This set of lists, for the memos it fills (other lexicons give
    /// other flags).
    id: u64,
}

/// `list` (lowercase words) holds `w` lowercased. An ASCII `w` (nearly
/// every token) is compared in place, without a lowercased copy; any
/// other goes through Unicode lowercasing (`K`, the Kelvin sign, becomes
/// an ASCII `k`).
fn lower_in(list: &[&str], w: &str) -> bool {
    if w.is_ascii() {
        list.iter().any(|x| x.eq_ignore_ascii_case(w))
    } else {
        list.contains(&w.to_lowercase().as_str())
    }
}

fn set(words: &[&'static str]) -> HashSet<&'static str> {
    words.iter().copied().collect()
}

/// `w` lowercased on the stack when it is ASCII and short, as most words
/// are; `None` otherwise. Saves a `String` per lookup on the hot path, and
/// bytes rather than `str` save a UTF-8 check: the sets it is looked up in
/// are keyed by bytes.
fn ascii_lower<'b>(w: &str, buf: &'b mut [u8; 32]) -> Option<&'b [u8]> {
    if !w.is_ascii() || w.len() > buf.len() {
        return None;
    }
    let b = &mut buf[..w.len()];
    b.copy_from_slice(w.as_bytes());
    b.make_ascii_lowercase();
    Some(b)
}

fn byte_set<'s>(words: impl Iterator<Item = &'s str>) -> HashSet<Box<[u8]>> {
    words.map(|w| w.as_bytes().into()).collect()
}

/// The last two bytes of `b`, five low bits each, as an index below 1024;
/// `None` when `b` is shorter.
fn end_key(b: &[u8]) -> Option<usize> {
    match b {
        [.., x, y] => Some(usize::from(x & 31) << 5 | usize::from(y & 31)),
        _ => None,
    }
}

fn is_cap(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn is_lower_word(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_lowercase)
}

fn is_all_caps(w: &str) -> bool {
    // The lowercase test first: it stops at the second letter of most
    // capitalized words.
    !w.chars().any(char::is_lowercase) && w.chars().filter(|c| c.is_alphabetic()).count() >= 2
}

/// `Satayev’s` → `Satayev` (the possessive is outside every span).
fn possessive_len(w: &str) -> usize {
    // Byte tests: this runs several times per token.
    let b = w.as_bytes();
    let n = b.len();
    if n > 2 && b.ends_with(b"'s") {
        n - 2
    } else if n > 4 && b.ends_with("’s".as_bytes()) {
        n - 4
    } else if b.ends_with(b"s'") {
        // `the Coens'`: a bare apostrophe only after a plural.
        n - 1
    } else if n > 3 && b.ends_with("’".as_bytes()) {
        n - 3
    } else {
        n
    }
}

impl Patterns {
    pub fn new(lex: &Lexicons) -> Self {
        let mut suffixes = Vec::new();
        for s in lex.get("surname-suffixes") {
            let s = s
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .trim_start_matches('-')
                .to_lowercase();
            if s.len() < 2 {
                continue;
            }
            // Broad endings (-in, -ko, -ets, -son…) end ordinary words too
            // (`Meets`, `Berlin`): they are no evidence of a surname. Beside
            // a given name they would add nothing: the given name is
            // evidence already (see `Cx::evidence`).
            if BROAD_SUFFIXES.contains(&s.as_str())
                || (s.chars().count() <= 2 && !matches!(s.as_str(), "ov" | "ev" | "ов" | "ев"))
            {
                continue;
            }
            suffixes.push(s);
        }
        // The head noun of a multi-word role: `film director` → director,
        // `director of photography` and `head of` → their first word.
        let roles: HashSet<String> = lex
            .get("role-words")
            .iter()
            .filter_map(|r| {
                let words: Vec<&str> = r.split_whitespace().collect();
                if words.contains(&"of") {
                    words.first().copied()
                } else {
                    words.last().copied()
                }
            })
            .filter(|w| !FUNCTION_WORDS.contains(w))
            .map(str::to_lowercase)
            .collect();
        let particles: HashSet<String> = lex
            .get("person-particles")
            .iter()
            .map(|s| s.trim().to_lowercase())
            .collect();
        let word_flags = {
            let mut m: HashMap<Box<[u8]>, u64> = HashMap::new();
            let mut add = |w: &str, bit: u64| *m.entry(w.as_bytes().into()).or_default() |= bit;
            for (list, bit) in [
                (FILM_CUES, F_FILM_CUE),
                (FILMISH, F_FILMISH),
                (SPEECH, F_SPEECH),
                (STARRING, F_STARRING),
                (STRONG_BY, F_STRONG_BY),
                (LIFE_NOUNS, F_LIFE),
                (PRIZE_WORDS, F_PRIZE),
                (NON_FILM_CUES, F_NON_FILM),
            ] {
                list.iter().for_each(|w| add(w, bit));
            }
            for cue in CUES {
                cue.words.iter().for_each(|w| add(w, cue.bit));
            }
            roles.iter().for_each(|r| add(r, F_ROLE));
            particles.iter().for_each(|p| add(p, F_PARTICLE));
            add("by", T_BY);
            for w in ["best", "grand", "film"]
                .into_iter()
                .chain(AWARD_HEADS.iter().copied())
                .chain(FESTIVAL_HEADS.iter().copied())
            {
                add(&w.to_ascii_lowercase(), T_AWARD);
            }
            m
        };
        let key_shapes = WordShapes::of(word_flags.keys());
        let mut suffix_ends = vec![0u32; 1024].into_boxed_slice();
        for s in &suffixes {
            if let Some(k) = end_key(s.as_bytes()) {
                suffix_ends[k] |= 1 << s.len().min(31);
            }
        }
        Self {
            id: owner_id(),
            key_shapes,
            suffix_ends,
            given: lex.get("given-names").iter().map(|s| s.trim().to_string()).collect(),
            common: lex
                .get("common-words")
                .iter()
                .map(|s| s.trim().to_lowercase().into_bytes().into())
                .collect(),
            suffix_lens: {
                let mut l: Vec<usize> = suffixes.iter().map(String::len).collect();
                l.sort_unstable();
                l.dedup();
                l
            },
            suffix_set: byte_set(suffixes.iter().map(String::as_str)),
            date_starts: dates::start_words(),
            function: set(FUNCTION_WORDS),
            lead_trim: set(LEAD_TRIM),
            not_name: set(NOT_NAME),
            quote: Regex::new(
                // `+?`, not `{1,160}?`: a counted Unicode class compiles
                // to 160 copies and slows every search; `quoted` checks
                // the length.
                r#"[“«]([^“”«»„"\n]+?)[”»"]|„([^“”„"\n]+?)[“”]|"([^"“”\n]+?)["”]|‘([^‘’\n]+?)’(?:[^\p{L}]|$)"#,
            )
            .unwrap_or_else(|e| panic!("quote regex: {e}")),
            word_flags,
            year_paren: Regex::new(r"^\((1[89]\d\d|20\d\d)(?:,?\s+(?:film|movie|documentary|short|feature|animation|TV series|series|TV film|co-director|co-directed|segment|unfinished))?\)$")
                .unwrap_or_else(|e| panic!("year regex: {e}")),
        }
    }

    /// The `F_*`, cue and `T_*` bits of one token, computed once per
    /// document: the cue lists compare ASCII case-insensitively, roles and
    /// particles by Unicode lowercase.
    fn token_flags(&self, w: &str, kind: Kind) -> u64 {
        let f = self.lookup_flags(w);
        if kind != Kind::Word {
            // No date starts at a mark, and no mark is a plain word.
            let punct = match w {
                "(" => T_OPEN,
                "," => T_COMMA,
                _ => 0,
            };
            return (f & !F_PARTICLE) | punct;
        }
        let f = if self.is_given(w) { f | F_GIVEN } else { f };
        let f = f | u64::from(self.date_starts.of_word(w.as_bytes())) << dates::TOKEN_SHIFT;
        // Most words are lowercase ASCII: not a name, without the Unicode
        // case tables (nor a surname: that needs a capital).
        let lower_ascii = w.as_bytes().first().is_some_and(u8::is_ascii_lowercase);
        if lower_ascii {
            return f;
        }
        let f = if self.has_surname_suffix(&w[..possessive_len(w)]) {
            f | F_SURNAME
        } else {
            f
        };
        if self.is_name_token(w) {
            if self.is_ordinary(w) {
                f | F_NAME | F_ORDINARY
            } else {
                f | F_NAME
            }
        } else {
            f
        }
    }

    /// The bits of `word_flags` for `w`, lowercased.
    fn lookup_flags(&self, w: &str) -> u64 {
        if !w.is_ascii() {
            let l = w.to_lowercase();
            return self.word_flags.get(l.as_bytes()).copied().unwrap_or(0) & (F_ROLE | F_PARTICLE);
        }
        let mut buf = [0u8; 32];
        if w.len() > buf.len() || !self.key_shapes.may_hold(w.as_bytes()) {
            return 0;
        }
        // Bytes, not `str`: no UTF-8 check on the hot path.
        let l = &mut buf[..w.len()];
        l.copy_from_slice(w.as_bytes());
        l.make_ascii_lowercase();
        self.word_flags.get(&*l).copied().unwrap_or(0)
    }

    /// A name token: capitalized, not a stop word, not all caps, no
    /// digit, two letters or more (a possessive is cut off first).
    fn is_name_token(&self, whole: &str) -> bool {
        let w = &whole[..possessive_len(whole)];
        is_cap(w)
            && !self.not_name.contains(w)
            && !is_all_caps(w)
            && !w.chars().any(|c| c.is_ascii_digit())
            && w.chars().count() >= 2
    }

    /// True when `w` is a given name in the lexicon.
    pub fn is_given(&self, w: &str) -> bool {
        self.given.contains(w)
    }

    /// True when `w` is an ordinary English word (`Wins`, `Poet`,
    /// `Showcases`) and not a given name: capitalized, it is a sentence
    /// start or a headline word, not a name.
    pub fn is_ordinary(&self, w: &str) -> bool {
        // The common words first: most capitalized words are not among
        // them, and the given-name lookup is then not needed.
        let mut buf = [0u8; 32];
        ascii_lower(&w[..possessive_len(w)], &mut buf).is_some_and(|l| self.common.contains(l))
            && !self.given.contains(w)
    }

    /// True when `w` ends like a surname of the region (`-ov`, `-eva`,
    /// `-bekov`, `-kyzy`, …).
    pub fn has_surname_suffix(&self, w: &str) -> bool {
        if w.chars().count() < 4 || !is_cap(w) {
            return false;
        }
        let mut buf = [0u8; 32];
        let owned;
        let lw: &[u8] = match ascii_lower(w, &mut buf) {
            Some(l) => l,
            None => {
                owned = w.to_lowercase();
                owned.as_bytes()
            }
        };
        // One set lookup per length of suffix that ends like the word.
        let Some(ends) = end_key(lw).map(|k| self.suffix_ends[k]) else {
            return false;
        };
        // A suffix starts at a char boundary: not at a UTF-8 continuation
        // byte (`0b10xx_xxxx`).
        let starts_char = |i: usize| lw.get(i).is_some_and(|&b| b & 0xC0 != 0x80);
        self.suffix_lens.iter().any(|&n| {
            ends & (1 << n.min(31)) != 0
                && lw.len() > n + 1
                && starts_char(lw.len() - n)
                && self.suffix_set.contains(&lw[lw.len() - n..])
        })
    }

    /// Runs every rule over one document. `memo` is the calling thread's
    /// (see [`FlagMemo`]); any memo gives the same candidates, even one
    /// last filled by other lexicons (it is emptied then).
    pub fn find_into(
        &self,
        text: &str,
        toks: &[Token],
        memo: &mut FlagMemo,
        out: &mut Vec<Candidate>,
    ) {
        let mut flags = Vec::new();
        self.flags_into(text, toks, memo, &mut flags);
        self.find_flagged(text, toks, &flags, out);
    }

    /// The flags of each token of `text` (`toks` are its tokens), in
    /// `flags` (cleared first), through the calling thread's `memo`: what
    /// [`Patterns::find_flagged`] reads, and the date finder's start words
    /// ([`DateFinder::find_flagged`](crate::dates::DateFinder::find_flagged)).
    ///
    /// ```
    /// use kinex::{dates::DateFinder, gazetteer::Gazetteer, tokens::tokenize};
    /// use kinex::patterns::{FlagMemo, Patterns};
    /// let patterns = Patterns::new(Gazetteer::embedded().unwrap().lexicons());
    /// let text = "The film was directed by Aktan Arym Kubat in May 2019.";
    /// let mut toks = Vec::new();
    /// tokenize(text, &mut toks);
    /// let mut flags = Vec::new();
    /// patterns.flags_into(text, &toks, &mut FlagMemo::new(), &mut flags);
    /// assert_eq!(flags.len(), toks.len());
    /// // The rules and the date finder read the same flags.
    /// let mut found = Vec::new();
    /// patterns.find_flagged(text, &toks, &flags, &mut found);
    /// assert!(found.iter().any(|c| &text[c.span.range()] == "Aktan Arym Kubat"));
    /// let dates = DateFinder::new().find_flagged(text, &toks, &flags, None);
    /// assert_eq!(dates[0].value, "2019-05");
    /// ```
    pub fn flags_into(
        &self,
        text: &str,
        toks: &[Token],
        memo: &mut FlagMemo,
        flags: &mut Vec<u64>,
    ) {
        let memo = &mut memo.0;
        memo.claim(self.id);
        // One path for every token: its kind follows from its bytes (see
        // `tokens::tests::a_token_is_its_own_tokenization`), so the memo
        // keys marks and words alike by bytes, and no branch on the kind,
        // which words and marks alternate too irregularly to predict, is
        // left outside the memo's misses.
        flags.clear();
        flags.extend(toks.iter().map(|t| {
            memo.get_or_in(text.as_bytes(), t.start..t.end, || {
                self.token_flags(t.text(text), t.kind)
            })
        }));
    }

    /// As [`Patterns::find_into`], given the tokens' flags from
    /// [`Patterns::flags_into`] (with the same `text` and `toks`).
    pub fn find_flagged(
        &self,
        text: &str,
        toks: &[Token],
        flags: &[u64],
        out: &mut Vec<Candidate>,
    ) {
        let words: Vec<&str> = toks.iter().map(|t| t.text(text)).collect();
        let marked = positions(flags.iter().map(|&f| f & EACH_BITS != 0));
        let mut cx = Cx {
            p: self,
            text,
            toks,
            words,
            flags,
            marked,
            headline: Vec::new(),
            lines: line_starts(toks),
        };
        let mut headline = vec![false; toks.len()];
        // From the first token to the first line start after it, then
        // line by line.
        let mut s = 0;
        for e in cx
            .lines
            .iter()
            .map(|&k| k as usize)
            .filter(|&k| k > 0)
            .chain([toks.len()])
        {
            if s < e {
                headline[s..e].fill(cx.line_is_headline(s, e));
            }
            s = e;
        }
        cx.headline = headline;
        cx.persons(out);
        cx.quoted(out);
        cx.films(out);
        cx.awards_and_festivals(out);
    }
}

/// A thread's memo of the flags of the tokens it has seen (a
/// [`WordMemo`]): a token's flags depend on its bytes alone (its kind
/// too follows from them), and most tokens of a text (`the`, `of`, `,`,
/// a name said again) are tokens met before. Computing them costs ~200 instructions a token (a lowercased
/// copy, up to three set lookups); a memo hit costs a few loads and one
/// compare.
///
/// 16,384 slots (512 KiB, an L2's worth): 4,096 missed often enough on a
/// news vocabulary to cost 1% of the instructions; 65,536 spilled out of
/// L2 and ran slower.
pub struct FlagMemo(WordMemo);

impl Default for FlagMemo {
    fn default() -> Self {
        FlagMemo(WordMemo::with_bits(14))
    }
}

impl FlagMemo {
    pub fn new() -> Self {
        Self::default()
    }
}

struct Cx<'a> {
    p: &'a Patterns,
    text: &'a str,
    toks: &'a [Token],
    /// The text of each token, sliced once.
    words: Vec<&'a str>,
    /// Word-list and trigger bits of each token (`F_*`, cues, `T_*`).
    flags: &'a [u64],
    /// The tokens with some of the `EACH_BITS`, in order: the dozen
    /// `Cx::each` loops walk this list, not every token.
    marked: Vec<u32>,
    /// Whether each token's line reads as a headline, computed once per
    /// line: asked of every candidate, it was a scan to the line start.
    headline: Vec<bool>,
    /// The tokens that start a line, in order (see `line_starts`).
    lines: Vec<u32>,
}

/// The indices of the tokens that start a line, in order, for the rules
/// that go line by line instead of scanning to the next line start from
/// each.
fn line_starts(toks: &[Token]) -> Vec<u32> {
    positions(toks.iter().map(|t| t.line_start))
}

/// The places where `hits` is true, in order. Written without a branch on
/// it (every index is written, the count moves on only for a hit): which
/// tokens are hits is unpredictable, and a filter mispredicted on them.
fn positions(hits: impl ExactSizeIterator<Item = bool>) -> Vec<u32> {
    let mut out = vec![0u32; hits.len()];
    let mut n = 0;
    for (i, hit) in (0u32..).zip(hits) {
        if let Some(slot) = out.get_mut(n) {
            *slot = i;
        }
        n += usize::from(hit);
    }
    out.truncate(n);
    out
}

/// The quoted text inside a match of `Patterns::quote` at `s..e`, and
/// which of its four forms matched (the groups 1 to 4 of the pattern),
/// read off the opening mark: the pattern's groups are what a captures
/// search would give, without its slow engine. Forms 1 to 3 end with the
/// closing mark; form 4 (`‘…’`) runs to the first `’` and may take one
/// char after it.
fn quote_inner(text: &str, s: usize, e: usize) -> Option<(usize, std::ops::Range<usize>)> {
    let whole = text.get(s..e)?;
    let open = whole.chars().next()?;
    let from = s + open.len_utf8();
    let form = match open {
        '“' | '«' => 1,
        '„' => 2,
        '"' => 3,
        '‘' => 4,
        _ => return None,
    };
    let to = if form == 4 {
        from + text.get(from..e)?.find('’')?
    } else {
        e - whole.chars().next_back()?.len_utf8()
    };
    (from < to).then_some((form, from..to))
}

fn cand(start: usize, end: usize, ty: EntityType, rule: &'static str, priority: i32) -> Candidate {
    Candidate::new(
        CleanSpan::new(start, end),
        ty,
        Source::Pattern(rule),
        priority,
    )
}

impl<'a> Cx<'a> {
    /// A candidate covering tokens `s..e` (exclusive).
    fn token_cand(
        &self,
        s: usize,
        e: usize,
        ty: EntityType,
        rule: &'static str,
        p: i32,
    ) -> Candidate {
        cand(self.toks[s].start, self.toks[e - 1].end, ty, rule, p)
    }

    fn w(&self, i: usize) -> &'a str {
        self.words.get(i).copied().unwrap_or("")
    }

    fn is_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == Kind::Word)
    }

    fn flag(&self, i: usize, bit: u64) -> bool {
        self.flags.get(i).is_some_and(|f| f & bit != 0)
    }

    /// The first token at or after `from` with one of the `mask` bits, or
    /// the token count: a rule loop jumps over the tokens it cannot start
    /// at instead of testing each one.
    fn next(&self, from: usize, mask: u64) -> usize {
        let rest = self.flags.get(from..).unwrap_or_default();
        rest.iter()
            .position(|f| f & mask != 0)
            .map_or(self.flags.len(), |k| from + k)
    }

    /// The tokens with one of the `mask` bits (all among `EACH_BITS`), in
    /// order.
    fn each(&self, mask: u64) -> impl Iterator<Item = usize> + '_ {
        debug_assert_eq!(mask & !EACH_BITS, 0, "a rule loop on bits not in EACH_BITS");
        self.marked
            .iter()
            .map(|&i| i as usize)
            .filter(move |&i| self.flag(i, mask))
    }

    /// Token `i`, ASCII-lowercased, is one of the cue's words.
    fn is(&self, i: usize, cue: Cue) -> bool {
        self.flag(i, cue.bit)
    }

    /// Sentence-initial: first on its line or after `.`, `!`, `?`, `:` or an
    /// opening quote.
    fn sentence_initial(&self, i: usize) -> bool {
        let Some(t) = self.toks.get(i) else {
            return false;
        };
        if t.line_start || i == 0 {
            return true;
        }
        matches!(
            self.w(i - 1),
            "." | "!" | "?" | "“" | "\"" | "«" | "…" | "-" | "–" | "—"
        )
    }

    /// A line in title case (a headline): most of its longer words are
    /// capitalized and no sentence ends in it.
    fn headline_line(&self, i: usize) -> bool {
        self.headline.get(i).copied().unwrap_or(false)
    }

    /// The line of tokens `s..e` is in title case: at most 40 tokens, at
    /// least three words of four letters or more, 70% of them capitalized,
    /// and no `.` or `!`.
    fn line_is_headline(&self, s: usize, e: usize) -> bool {
        if e - s > 40 {
            return false;
        }
        let (mut caps, mut long) = (0, 0);
        for j in s..e {
            let w = self.w(j);
            if self.is_word(j) && w.chars().count() >= 4 {
                long += 1;
                if is_cap(w) {
                    caps += 1;
                }
            }
        }
        long >= 3 && caps * 10 >= long * 7 && !(s..e).any(|k| matches!(self.w(k), "." | "!"))
    }

    /// A name token: capitalized, not a stop word, not all caps (unless
    /// short initials like `J.`).
    fn name_token(&self, i: usize) -> bool {
        self.flag(i, F_NAME)
    }

    fn particle(&self, i: usize) -> bool {
        self.flag(i, F_PARTICLE)
    }

    /// The name phrase starting at token `i`: up to four name tokens
    /// (particles such as `uulu` may follow). Returns the index past its
    /// last token and the byte end (possessive cut off).
    fn name_at(&self, i: usize) -> Option<(usize, usize)> {
        // `Asset Imangaliev`: a given name that is also a word, saved by
        // the surname after it.
        // Tested in this order because most tokens are not name tokens and
        // the surname test is the dearest.
        if !self.name_token(i) {
            return None;
        }
        if self.flag(i, F_ORDINARY) {
            let ordinary_ok =
                self.adjacent(i + 1) && self.name_token(i + 1) && self.flag(i + 1, F_SURNAME);
            if !ordinary_ok {
                return None;
            }
        }
        let mut j = i;
        let mut n = 0;
        while n < 4 && self.name_token(j) && (j == i || self.adjacent(j)) {
            let w = self.w(j);
            j += 1;
            n += 1;
            if possessive_len(w) < w.len() {
                break;
            }
        }
        while self.particle(j)
            && self.adjacent(j)
            && possessive_len(self.w(j - 1)) == self.w(j - 1).len()
        {
            j += 1;
        }
        // `Portuguese producer Paulo Branco`: a capitalized word right
        // before a role noun describes the person after it.
        if j == i + 1 && self.adjacent(j) && is_lower_word(self.w(j)) && self.flag(j, F_ROLE) {
            return None;
        }
        let last = self.toks.get(j - 1)?;
        let end = last.start + possessive_len(last.text(self.text));
        Some((j, end))
    }

    /// Token `j` follows token `j-1` with only spaces between (same line,
    /// same table cell).
    fn adjacent(&self, j: usize) -> bool {
        self.toks
            .get(j)
            .is_some_and(|t| t.space_before && !t.line_start && !t.tab_before)
    }

    /// `(UK)`, `(Russia/Belarus)` right after token `j - 1`.
    fn country_paren_follows(&self, j: usize) -> bool {
        self.w(j) == "(" && is_country(self.w(j + 1)) && matches!(self.w(j + 2), ")" | "/" | ",")
    }

    fn evidence(&self, i: usize, j: usize) -> bool {
        if j - i >= 2 && j - i <= 3 && self.country_paren_follows(j) {
            return true;
        }
        self.flag(i, F_GIVEN)
            || (j - i >= 2 && self.flag(i + 1, F_GIVEN) && !self.sentence_initial(i))
            || self.flag(j - 1, F_SURNAME)
    }

    // ----- persons -------------------------------------------------------

    fn persons(&self, out: &mut Vec<Candidate>) {
        let n = self.toks.len();
        let mut i = 0;
        loop {
            i = self.next(i, T_BY | F_STARRING | F_SPEECH | F_ROLE);
            if i >= n {
                break;
            }
            let w = self.w(i);
            // `directed by X`, `starring X and Y`, `said X`.
            if w == "by" || w == "By" {
                let strong = i > 0 && self.flag(i - 1, F_STRONG_BY);
                self.name_list(i + 1, strong, if strong { "by-role" } else { "by" }, out);
            } else if self.flag(i, F_STARRING) && !self.name_token(i.wrapping_sub(1)) {
                self.name_list(i + 1, true, "starring", out);
            } else if self.flag(i, F_SPEECH)
                && is_lower_word(w)
                && i > 0
                && matches!(self.w(i - 1), "”" | "\"" | "," | "»" | "’")
            {
                // `…,” said Yerlan Bekhozhin`: attribution after a quote,
                // not `X said Nagima was hard`.
                if let Some((j, end)) = self.name_at(i + 1) {
                    out.push(cand(
                        self.toks[i + 1].start,
                        end,
                        EntityType::Person,
                        "speech",
                        P_CUE,
                    ));
                    i = j;
                    continue;
                }
            } else if self.flag(i, F_ROLE)
                && !is_all_caps(w)
                && !(is_cap(w) && self.flag(i, F_GIVEN))
            {
                // `director X Y`, `the main character Gulmira`, `man, Kairat`,
                // `a boy named Aslan`.
                let mut k = i + 1;
                // `man, Kairat` and `Tsoi's character, Moro`, but not
                // `Satayev, director, said`.
                let prev = self.w(i.wrapping_sub(1));
                if self.w(k) == ","
                    && (!self.name_token(i.wrapping_sub(1)) || possessive_len(prev) < prev.len())
                {
                    k += 1;
                } else if self.w(k) == ":" && !self.toks.get(k + 1).is_some_and(|t| t.line_start) {
                    // `Director: Batyr Orazov | Turkmenistan`
                    k += 1;
                }
                if self.is(k, C_NAMED) {
                    k += 1;
                }
                if self.is(k, C_AND) && self.flag(k + 1, F_ROLE) {
                    i += 1;
                    continue;
                }
                if let Some((j, end)) = self.name_at(k) {
                    // One word after a profession is a surname only with
                    // name evidence (`director Nugmanov`, not `operator
                    // Uztelecom`); after a character noun it is a first name.
                    let single_ok = j - k >= 2
                        || lower_in(CHARACTER_NOUNS, w)
                        || self.evidence(k, j)
                        || self.flag(k, F_GIVEN);
                    if !self.festival_or_org_follows(j) && single_ok {
                        out.push(cand(
                            self.toks[k].start,
                            end,
                            EntityType::Person,
                            "role-cue",
                            P_CUE,
                        ));
                        // `directors X and Y`
                        self.name_list_tail(j, true, "role-cue", out);
                    }
                    i = j;
                    continue;
                }
            }
            i += 1;
        }
        self.speech_before(out);
        self.apposition(out);
        self.character_cast(out);
        self.speaker_labels(out);
        self.name_shape(out);
    }

    /// A word like `Film`, `Festival`, `Studio` right after the phrase means
    /// it names an organisation, not a person.
    fn festival_or_org_follows(&self, j: usize) -> bool {
        let w = self.w(j);
        self.adjacent(j)
            && matches!(
                w,
                "Film"
                    | "Festival"
                    | "Studio"
                    | "Studios"
                    | "Cinema"
                    | "Institute"
                    | "University"
                    | "Awards"
                    | "Award"
                    | "Prize"
                    | "School"
                    | "Foundation"
                    | "Museum"
                    | "Street"
                    | "Avenue"
                    | "Library"
                    | "Theatre"
                    | "Theater"
                    | "Centre"
                    | "Center"
                    | "Academy"
                    | "Fund"
                    | "Productions"
            )
    }

    /// Names at `i`, `i` after `and`/`,`: `X Y and Z W`.
    fn name_list(&self, i: usize, strong: bool, rule: &'static str, out: &mut Vec<Candidate>) {
        if let Some((j, end)) = self.name_at(i) {
            if (strong || self.evidence(i, j)) && !self.festival_or_org_follows(j) {
                let p = if strong { P_CUE } else { P_CUE - 5 };
                out.push(cand(self.toks[i].start, end, EntityType::Person, rule, p));
                self.name_list_tail(j, strong, rule, out);
            }
        }
    }

    fn name_list_tail(
        &self,
        mut j: usize,
        strong: bool,
        rule: &'static str,
        out: &mut Vec<Candidate>,
    ) {
        for _ in 0..8 {
            let sep = self.w(j);
            let k = if sep == "and" || sep == "&" {
                j + 1
            } else if sep == "," && self.w(j + 1) == "and" {
                j + 2
            } else if sep == "," {
                j + 1
            } else {
                return;
            };
            let Some((e, end)) = self.name_at(k) else {
                return;
            };
            if !(strong && e - k >= 2 || self.evidence(k, e)) {
                return;
            }
            out.push(cand(
                self.toks[k].start,
                end,
                EntityType::Person,
                rule,
                P_CUE - 2,
            ));
            j = e;
        }
    }

    /// `… Bekhozhin said`, `Satayev told`.
    fn speech_before(&self, out: &mut Vec<Candidate>) {
        for i in self.each(F_SPEECH).filter(|&i| i > 0) {
            if !is_lower_word(self.w(i)) {
                continue;
            }
            let mut s = i;
            while s > 0 && i - s < 4 && self.name_token(s - 1) && (s == i || self.adjacent(s)) {
                s -= 1;
            }
            if s < i && self.adjacent(i) {
                let last = self.toks[i - 1];
                let end = last.start + possessive_len(last.text(self.text));
                if end == last.end {
                    out.push(cand(
                        self.toks[s].start,
                        end,
                        EntityType::Person,
                        "speech",
                        P_CUE,
                    ));
                }
            }
        }
    }

    /// `Andrzej Bartkowiak, a cinematographer`, `Isatai, a gravedigger`,
    /// `Magtymguly Pyragy, an 18th-century Turkmen poet`.
    fn apposition(&self, out: &mut Vec<Candidate>) {
        let n = self.toks.len();
        for i in self.each(T_COMMA).filter(|&i| i > 0) {
            let art = i + 1;
            let mut k = art;
            if self.is(art, C_ARTICLE) {
                k += 1;
                if self.w(k) == "of" && self.w(k + 1) == "the" {
                    k += 2;
                }
            } else {
                continue;
            }
            let mut found = false;
            for m in k..(k + 5).min(n) {
                if self.toks[m].kind != Kind::Word {
                    break;
                }
                let x = self.w(m);
                if is_lower_word(x) && (self.flag(m, F_ROLE) || is_agent_noun(x)) {
                    found = true;
                    break;
                }
            }
            if !found {
                continue;
            }
            // Walk back over the name phrase before the comma.
            let mut s = i;
            while s > 0 && i - s < 4 && self.name_token(s - 1) && (s == i || self.adjacent(s)) {
                s -= 1;
            }
            while s < i && self.p.lead_trim.contains(self.w(s)) {
                s += 1;
            }
            if s < i && (i - s >= 2 || !self.sentence_initial(s) || self.evidence(s, i)) {
                let last = self.toks[i - 1];
                out.push(cand(
                    self.toks[s].start,
                    last.end,
                    EntityType::Person,
                    "apposition",
                    P_CUE,
                ));
            }
        }
    }

    /// `Oysha (newcomer Sevinch Karimova) lives…`, `Hamid (a wonderfully
    /// shifty Ulugbek Kadyrov)`: a name followed by its actor in
    /// parentheses is a character; the actor is a person too.
    fn character_cast(&self, out: &mut Vec<Candidate>) {
        for i in self.each(T_OPEN).filter(|&i| i > 0) {
            if !self.name_token(i - 1) {
                continue;
            }
            let mut close = i + 1;
            while close < self.toks.len() && self.w(close) != ")" && close - i < 10 {
                close += 1;
            }
            if self.w(close) != ")" || close < i + 3 {
                continue;
            }
            // The actor: the last two or three name tokens before `)`.
            let mut a = close;
            while a > i + 1 && self.name_token(a - 1) && close - a < 3 {
                a -= 1;
            }
            if close - a < 2 || !self.evidence(a, close) {
                continue;
            }
            let lead_ok = (i + 1..a).all(|k| self.is_word(k) && is_lower_word(self.w(k)));
            if !lead_ok {
                continue;
            }
            let mut s = i - 1;
            while s > 0 && i - s < 3 && self.name_token(s - 1) && self.adjacent(s) {
                s -= 1;
            }
            if self.p.is_ordinary(self.w(s)) && i - s == 1 {
                continue;
            }
            out.push(self.token_cand(s, i, EntityType::Person, "character-cast", P_CUE));
            out.push(self.token_cand(a, close, EntityType::Person, "character-cast", P_CUE));
        }
    }

    /// Interview speaker labels: `Yulia: Many.` at a line or sentence start,
    /// counted: a label that appears twice, or is a known given name.
    fn speaker_labels(&self, out: &mut Vec<Candidate>) {
        let mut seen: Vec<(usize, usize, &str)> = Vec::new();
        for i in self.each(F_NAME) {
            if !self.sentence_initial(i) {
                continue;
            }
            let (j, _) = match self.name_at(i) {
                Some(x) if x.0 - i <= 2 => x,
                _ => continue,
            };
            if self.w(j) == ":" {
                let s = self.toks[i].start;
                let e = self.toks[j - 1].end;
                seen.push((s, e, &self.text[s..e]));
            }
        }
        for &(s, e, name) in &seen {
            let count = seen.iter().filter(|x| x.2 == name).count();
            if count >= 2
                || name
                    .split_whitespace()
                    .next()
                    .is_some_and(|f| self.p.is_given(f))
            {
                out.push(cand(s, e, EntityType::Person, "speaker-label", P_CUE));
            }
        }
    }

    /// Name shape alone: `Ainamkoz Emzharova`, `Polina Halenko`.
    fn name_shape(&self, out: &mut Vec<Candidate>) {
        let n = self.toks.len();
        let mut i = 0;
        loop {
            i = self.next(i, F_NAME);
            if i >= n {
                break;
            }
            if let Some((j, end)) = self.name_at(i) {
                let tokens = j - i;
                let strong_single =
                    tokens == 1 && self.flag(i, F_SURNAME) && !self.sentence_initial(i);
                if ((tokens >= 2 && self.evidence(i, j)) || strong_single)
                    && !self.festival_or_org_follows(j)
                {
                    // `Kazakh director X`: the role rule has it; skip leading
                    // trim words such as `Director`.
                    out.push(cand(
                        self.toks[i].start,
                        end,
                        EntityType::Person,
                        "name-shape",
                        P_SHAPE,
                    ));
                }
                i = j;
            } else {
                i += 1;
            }
        }
        // `X’s birth`, `Tsoi's character`: a possessive before a life noun.
        for i in self.each(F_LIFE).filter(|&k| k > 0).map(|k| k - 1) {
            let w = self.w(i);
            if self.is_word(i + 1) && possessive_len(w) < w.len() {
                let mut s = i;
                while s > 0 && i - s < 3 && self.name_token(s - 1) && self.adjacent(s) {
                    s -= 1;
                }
                if self.name_token(i) && !self.headline_line(i) && !self.p.is_ordinary(self.w(s)) {
                    let end = self.toks[i].start + possessive_len(w);
                    out.push(cand(
                        self.toks[s].start,
                        end,
                        EntityType::Person,
                        "possessive",
                        P_CUE - 5,
                    ));
                }
            }
        }
    }

    // ----- films ---------------------------------------------------------

    /// Quoted phrases, typed by what surrounds them.
    fn quoted(&self, out: &mut Vec<Candidate>) {
        for whole in self.p.quote.find_iter(self.text) {
            let Some((k, g)) = quote_inner(self.text, whole.start(), whole.end()) else {
                continue;
            };
            let inner = &self.text[g.clone()];
            if inner.chars().count() > if k == 4 { 120 } else { 160 } {
                continue;
            }
            let trimmed = inner
                .trim_end_matches(['.', ',', '!', '?', ';', ':', ' '])
                .trim_start();
            if trimmed.is_empty() || inner.ends_with("...") || inner.ends_with('…') {
                continue;
            }
            let start = g.start + (inner.len() - inner.trim_start().len());
            let end = start + trimmed.len();
            let first = trimmed.chars().next().unwrap_or(' ');
            let words = words_up_to(trimmed, 13);
            if !(first.is_uppercase() || first.is_ascii_digit()) || words > 12 {
                continue;
            }
            let before = self.words_before(whole.start(), 3);
            let after = self.words_after(whole.end(), 4);
            let prev_char = self.text[..whole.start()]
                .trim_end_matches(' ')
                .chars()
                .next_back();
            // `novella “Camel’s Eye”`, `the song “X”`: not a film.
            if before.iter().any(|b| lower_in(NON_FILM_CUES, b))
                && !before.iter().any(|b| b.eq_ignore_ascii_case("film"))
            {
                continue;
            }
            let after_is = |ws: &[&str]| after.first().is_some_and(|a| lower_in(ws, a));
            let kind = if after_is(&[
                "award",
                "prize",
                "nomination",
                "category",
                "title",
                "honor",
                "honour",
                "diploma",
            ]) {
                Some((EntityType::Award, "quoted-award", P_CUE))
            } else if after_is(&[
                "film",
                "movie",
                "documentary",
                "picture",
                "series",
                "short",
                "cartoon",
            ]) || before.iter().any(|b| lower_in(FILM_CUES, b))
                || self.quoted_title_context(whole.start(), whole.end(), &before, &after, prev_char)
            {
                Some((EntityType::Film, "quoted-title", P_CUE))
            } else if self.line_is_only(whole.start(), whole.end()) && words <= 10 {
                Some((EntityType::Film, "quoted-heading", P_CUE - 5))
            } else if before.len() >= 2
                && matches!(
                    (
                        before[before.len() - 2].to_lowercase().as_str(),
                        before[before.len() - 1]
                    ),
                    (
                        "sounds" | "known" | "translated" | "released" | "also",
                        "like" | "as" | "called"
                    )
                )
            {
                Some((EntityType::Film, "quoted-alt-title", P_CUE - 5))
            } else if words <= 5
                && title_cased(trimmed)
                && !inner.trim_end().ends_with([',', '!', '?'])
                && !after_is(&["said", "says", "he", "she", "-", "–", "—"])
                && self.sentence_has(whole.start(), F_FILMISH)
            {
                Some((EntityType::Film, "quoted-title", P_SHAPE))
            } else {
                None
            };
            if let Some((ty, rule, p)) = kind {
                out.push(cand(start, end, ty, rule, p));
            }
        }
    }

    /// Film context around a quote that no cue word names: a year after it
    /// (`“X” (2020)`), an alternate title (`“X” (“Y”)`), a director after
    /// it (`“X” by Name`) or before it in the possessive (`Agnès Varda’s
    /// “X”`), a nominee in parentheses (`Name (“X”)`), or `for “X”` in a
    /// sentence about prizes.
    fn quoted_title_context(
        &self,
        qs: usize,
        qe: usize,
        before: &[&str],
        after: &[&str],
        prev: Option<char>,
    ) -> bool {
        let rest = &self.text[qe..];
        let year_after = rest.len() >= 7
            && rest.starts_with(" (")
            && rest.as_bytes()[2..6].iter().all(u8::is_ascii_digit)
            && matches!(rest.as_bytes().get(6), Some(b')' | b','));
        let alt_after =
            rest.starts_with(" (“") || rest.starts_with(" (\"") || rest.starts_with(" («");
        let alt_of = prev == Some('(') && {
            let head = self.text[..qs].trim_end_matches(' ');
            let head = head.strip_suffix('(').unwrap_or(head).trim_end();
            head.ends_with(['”', '"', '»'])
        };
        // `1. “Qorgan” — Zhanna Issabayeva`: a title, a dash, its director.
        let dash_name = after.first().is_some_and(|d| matches!(*d, "—" | "–" | "-")) && {
            let k = self.toks.partition_point(|t| t.start < qe) + 1;
            self.name_at(k)
                .is_some_and(|(j, _)| j - k >= 2 && self.evidence(k, j))
        };
        let by_after = after.first() == Some(&"by") && {
            let k = self.toks.partition_point(|t| t.start < qe) + 1;
            self.name_at(k)
                .is_some_and(|(j, _)| self.evidence(k, j) || j - k >= 2)
        };
        let possessive_before = before.last().is_some_and(|w| {
            possessive_len(w) < w.len() && {
                let i = self.toks.partition_point(|t| t.end <= qs);
                i >= 2
                    && self.name_token(i - 1)
                    && self.name_token(i - 2)
                    && self.evidence(i - 2, i)
            }
        });
        let nominee = prev == Some('(') && self.sentence_has(qs, F_PRIZE);
        let for_prize = before.last().is_some_and(|w| w.eq_ignore_ascii_case("for"))
            && self.sentence_has(qs, F_PRIZE);
        year_after
            || alt_after
            || alt_of
            || by_after
            || dash_name
            || possessive_before
            || nominee
            || for_prize
    }

    fn words_before(&self, pos: usize, n: usize) -> Vec<&'a str> {
        let i = self.toks.partition_point(|t| t.end <= pos);
        let mut v: Vec<&str> = (i.saturating_sub(n)..i).map(|k| self.w(k)).collect();
        v.retain(|w| !w.is_empty());
        v
    }

    fn words_after(&self, pos: usize, n: usize) -> Vec<&'a str> {
        let i = self.toks.partition_point(|t| t.start < pos);
        (i..(i + n).min(self.toks.len()))
            .map(|k| self.w(k))
            .collect()
    }

    fn line_is_only(&self, s: usize, e: usize) -> bool {
        // Walk out only over whitespace: searching for the line ends made
        // this O(line length) per quote, quadratic on one long line of
        // quotes.
        let same_line = |c: &char| *c != '\n';
        self.text[..s]
            .chars()
            .rev()
            .take_while(same_line)
            .all(char::is_whitespace)
            && self.text[e..]
                .chars()
                .take_while(same_line)
                .all(char::is_whitespace)
    }

    fn sentence_has(&self, pos: usize, bit: u64) -> bool {
        let i = self.toks.partition_point(|t| t.end <= pos);
        let mut s = i;
        while s > 0
            && !matches!(self.w(s - 1), "." | "!" | "?")
            && !self.toks[s].line_start
            && i - s < 60
        {
            s -= 1;
        }
        let mut e = i;
        while e < self.toks.len() && !matches!(self.w(e), "." | "!" | "?") && e - i < 60 {
            e += 1;
            if self.toks.get(e).is_some_and(|t| t.line_start) {
                break;
            }
        }
        (s..e).any(|k| self.flag(k, bit))
    }

    /// A title phrase ending just before token `end` (exclusive), walking
    /// back over capitalized words, inner function words and subtitle
    /// colons. Returns the first token of the title.
    fn title_back(&self, end: usize, allow_colon: bool) -> Option<usize> {
        if end == 0 {
            return None;
        }
        let mut s = end;
        let mut k = end;
        while k > 0 {
            let i = k - 1;
            let w = self.w(i);
            let t = self.toks[i];
            if k < end && (t.line_start || self.toks[k].line_start) && k != s {
                break;
            }
            if k < end && self.toks[k].line_start {
                break;
            }
            if self.is_word(i)
                && (is_cap(w) || w.chars().next().is_some_and(|c| c.is_ascii_digit()) && s == end)
            {
                if possessive_len(w) < w.len() && i + 1 < end && i < s {
                    // `Omirbaev's Killer`: a possessive ends a name before
                    // the title, unless it is the title's first word.
                    if i > 0 && self.name_token(i - 1) && self.adjacent(i) {
                        break;
                    }
                }
                s = i;
                k = i;
                if t.line_start {
                    break;
                }
                continue;
            }
            // `Best Animation and The Master of…`: `and` before a new
            // article starts another phrase.
            if matches!(w, "and" | "or") && matches!(self.w(i + 1), "The" | "A" | "An") {
                break;
            }
            if self.is_word(i) && self.p.function.contains(w) && s < end {
                k = i;
                continue;
            }
            if allow_colon
                && w == ":"
                && s < end
                && i > 0
                && self.is_word(i - 1)
                && is_cap(self.w(i - 1))
            {
                k = i;
                continue;
            }
            break;
        }
        if s >= end {
            return None;
        }
        while s < end
            && (self.p.lead_trim.contains(self.w(s))
                || self.w(s).chars().all(|c| c.is_ascii_digit()))
        {
            s += 1;
            while s < end && !is_cap(self.w(s)) {
                s += 1;
            }
        }
        (s < end).then_some(s)
    }

    /// A title phrase starting at token `i` (capitalized words with inner
    /// function words). Returns the index past its last token.
    fn title_forward(&self, i: usize, headline: bool) -> Option<usize> {
        if !self.is_word(i)
            || !is_cap(self.w(i))
            || self.p.lead_trim.contains(self.w(i)) && self.w(i) != "A"
        {
            return None;
        }
        let mut j = i + 1;
        let mut end = j;
        if possessive_len(self.w(i)) < self.w(i).len() {
            return None;
        }
        while j < self.toks.len() && self.adjacent(j) {
            let w = self.w(j);
            if self.is_word(j)
                && is_cap(w)
                && !matches!(w, "Festival" | "Film" | "Awards" | "Award" | "Prize")
            {
                j += 1;
                end = j;
                if possessive_len(w) < w.len() {
                    break;
                }
            } else if !headline && self.is_word(j) && self.p.function.contains(w) {
                j += 1;
            } else {
                break;
            }
        }
        Some(end)
    }

    fn films(&self, out: &mut Vec<Candidate>) {
        let n = self.toks.len();
        for i in self.each(FILM_TRIGGERS) {
            let w = self.w(i);
            // `Title (1998)`
            if w == "(" {
                let mut e = i + 1;
                while e < n && e - i < 5 && self.w(e) != ")" {
                    e += 1;
                }
                let Some(close) = self.toks.get(e) else {
                    continue;
                };
                let inside = &self.text[self.toks[i].start..close.end];
                if self.p.year_paren.is_match(inside) {
                    // `Qishloq (The Village) (2011)`: step over the
                    // alternate title to reach the main one.
                    let mut t = i;
                    if i > 0 && self.w(i - 1) == ")" {
                        let mut k = i - 1;
                        while k > 0 && self.w(k) != "(" && i - k < 12 {
                            k -= 1;
                        }
                        if self.w(k) == "(" {
                            t = k;
                        }
                    }
                    if let Some(s) = self.title_back(t, true) {
                        if self.title_ok(s, t) {
                            out.push(self.token_cand(s, t, EntityType::Film, "title-year", P_CUE));
                        }
                    }
                }
            }
            // `Title by Person`
            if w == "by" && i > 0 && self.is_word(i - 1) && is_cap(self.w(i - 1)) {
                if let Some((j, _)) = self.name_at(i + 1) {
                    if self.evidence(i + 1, j) {
                        if let Some(s) = self.title_back(i, false) {
                            if self.title_ok(s, i) && !self.evidence(s, i) {
                                out.push(self.token_cand(
                                    s,
                                    i,
                                    EntityType::Film,
                                    "title-by",
                                    P_CUE,
                                ));
                            }
                        }
                    }
                }
            }
            // `film Revenge`, `the documentary X`, `directed The Wild East`,
            // `role in Sunflower`, `films include A, B and C`.
            let cue = (self.is(i, C_FILM_NOUN) && is_lower_word(w))
                || (w == "directed" && self.w(i + 1) != "by")
                || (self.is(i, C_IN) && i > 0 && self.is(i - 1, C_ROLE_IN))
                || (self.is(i, C_OF) && i > 0 && self.is(i - 1, C_OF_WHAT))
                || (self.is(i, C_TO) && i > 0 && self.is(i - 1, C_SEQUEL));
            if cue {
                let headline = self.headline_line(i);
                let mut k = i + 1;
                // `the Spanish documentary, The Forgotten in Karaganda, had`,
                // `Original title: Oysha`
                if matches!(self.w(k), "," | ":") && is_lower_word(w) {
                    k += 1;
                }
                if self.is(k, C_TITLED) {
                    k += 1;
                }
                if !self.adjacent(k) {
                    continue;
                }
                // Right after `film`, a name is the title of a biopic; after
                // `directed` or `role in` it may be a person.
                let noun_cue = is_lower_word(w) && !matches!(w, "directed" | "in" | "of" | "to");
                if let Some(e) = self.title_forward(k, headline) {
                    if self.title_ok(k, e)
                        && (noun_cue || !self.person_like(k, e))
                        && !self.modifier_follows(e)
                    {
                        out.push(self.token_cand(k, e, EntityType::Film, "film-cue", P_CUE));
                    }
                }
            }
            if (self.is(i, C_INCLUDE) && i > 0 && self.is(i - 1, C_WORKS))
                || (w == "including" && i > 1 && self.is(i - 2, C_FILMS))
            {
                let mut k = i + 1;
                for _ in 0..10 {
                    let Some(e) = self.title_forward(k, false) else {
                        break;
                    };
                    if self.title_ok(k, e) && !self.person_like(k, e) {
                        out.push(self.token_cand(k, e, EntityType::Film, "film-list", P_CUE));
                    }
                    k = match (self.w(e), self.w(e + 1)) {
                        (",", "and") => e + 2,
                        (",", _) | ("and", _) => e + 1,
                        _ => break,
                    };
                }
            }
        }
        self.title_country(out);
        self.title_nominated(out);
        self.released_and_possessive(out);
        self.listing_headings(out);
        self.tables(out);
    }

    /// A table whose header names its columns (`Title | Director | Cast`,
    /// `|` or tab separated): cells under a title column are films, cells
    /// under a director or cast column are people (comma-separated lists
    /// split).
    fn tables(&self, out: &mut Vec<Candidate>) {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut columns: Option<(char, Vec<Option<EntityType>>)> = None;
        // Only lines with a `|` or a tab can be rows: jump from one to the
        // next instead of splitting the text into lines. Any line between
        // two of them ends a table.
        let mut pos = 0;
        while let Some(hit) = memchr::memchr2(b'|', b'\t', &bytes[pos..]).map(|h| pos + h) {
            let start = memchr::memrchr(b'\n', &bytes[pos..hit]).map_or(pos, |k| pos + k + 1);
            if start > pos {
                columns = None;
            }
            let end = memchr::memchr(b'\n', &bytes[hit..]).map_or(bytes.len(), |k| hit + k + 1);
            pos = end;
            let body = text[start..end].trim_end_matches(['\n', '\r']);
            let sep = if body.contains('|') { '|' } else { '\t' };
            let cells: Vec<(usize, &str)> = {
                let mut v = Vec::new();
                let mut pos = 0;
                for c in body.split(sep) {
                    v.push((start + pos, c));
                    pos += c.len() + sep.len_utf8();
                }
                v
            };
            match &columns {
                Some((c, cols)) if *c == sep && cols.len() == cells.len() => {
                    for ((at, cell), ty) in cells.iter().zip(cols) {
                        let Some(ty) = ty else { continue };
                        let parts: Vec<(usize, &str)> = if *ty == EntityType::Person {
                            let mut v = Vec::new();
                            let mut pos = 0;
                            for p in cell.split(',') {
                                v.push((at + pos, p));
                                pos += p.len() + 1;
                            }
                            v
                        } else {
                            vec![(*at, *cell)]
                        };
                        for (pat, p) in parts {
                            let t = p.trim();
                            if t.is_empty()
                                || !t
                                    .chars()
                                    .next()
                                    .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                            {
                                continue;
                            }
                            let s = pat + (p.len() - p.trim_start().len());
                            out.push(cand(s, s + t.len(), *ty, "table-column", P_CUE));
                        }
                    }
                }
                _ => {
                    // A header row: every cell a short label, at least one known.
                    let cols: Vec<Option<EntityType>> = cells
                        .iter()
                        .map(|(_, c)| match c.trim().to_lowercase().as_str() {
                            "title" | "film" | "films" | "original title" | "english title"
                            | "movie" | "work" => Some(EntityType::Film),
                            "director" | "directors" | "directed by" | "cast" | "starring"
                            | "actor" | "actress" | "stars" | "screenwriter" | "producer"
                            | "cinematographer" => Some(EntityType::Person),
                            _ => None,
                        })
                        .collect();
                    let labels = cells.iter().all(|(_, c)| words_up_to(c, 4) <= 3);
                    columns = (labels && cols.iter().any(Option::is_some)).then_some((sep, cols));
                }
            }
        }
    }

    /// A listing page: a short title line followed by a line that starts
    /// with `Director:`, `Directed by` or `Dir.`.
    fn listing_headings(&self, out: &mut Vec<Candidate>) {
        let n = self.toks.len();
        let next = self.lines.iter().skip(1).map(|&k| k as usize).chain([n]);
        for (i, j) in self.lines.iter().map(|&k| k as usize).zip(next) {
            let next_is_credit =
                j < n && (self.is(j, C_DIRECTOR)) && matches!(self.w(j + 1), ":" | "by" | ".");
            if next_is_credit && j - i <= 10 && !matches!(self.w(j - 1), "." | "!" | "?" | ":") {
                // `The Light Thief (Svet-Ake)`: the alternate title in
                // parentheses is linked later, not part of the heading.
                let e = (i..j).find(|&k| self.w(k) == "(").unwrap_or(j);
                let s = i;
                let words_ok = (s..e).all(|k| {
                    !self.is_word(k)
                        || is_cap(self.w(k))
                        || self.p.function.contains(self.w(k))
                        || self.w(k).chars().all(|c| c.is_ascii_digit())
                });
                if words_ok && self.is_word(s) && e > s {
                    out.push(self.token_cand(s, e, EntityType::Film, "listing-heading", P_CUE));
                }
            }
        }
    }

    /// `Released in 1988, The Needle provided…` and `Akira Kurosawa's Seven
    /// Samurai`: a title after a release date, or after a director's name
    /// in the possessive.
    fn released_and_possessive(&self, out: &mut Vec<Candidate>) {
        for i in self.each(C_RELEASED.bit | F_NAME) {
            let w = self.w(i);
            let mut start = None;
            if self.is(i, C_RELEASED)
                && self.w(i + 1) == "in"
                && self.w(i + 2).len() == 4
                && self.w(i + 2).chars().all(|c| c.is_ascii_digit())
                && self.w(i + 3) == ","
            {
                start = Some(i + 4);
            } else if i > 0
                && self.name_token(i)
                && possessive_len(w) < w.len()
                && self.name_token(i - 1)
                && self.adjacent(i)
            {
                let mut s = i - 1;
                while s > 0 && i - s < 3 && self.name_token(s - 1) && self.adjacent(s) {
                    s -= 1;
                }
                if self.evidence(s, i + 1) && !self.headline_line(i) {
                    start = Some(i + 1);
                }
            }
            let Some(k) = start else { continue };
            if !self.adjacent(k) || self.flag(k, F_LIFE) {
                continue;
            }
            if let Some(e) = self.title_forward(k, false) {
                if self.title_ok(k, e) && !self.person_like(k, e) && !self.modifier_follows(e) {
                    out.push(self.token_cand(k, e, EntityType::Film, "title-after", P_CUE - 5));
                }
            }
        }
    }

    /// `Qash (Run), nominated for Best Actor`: a title before a
    /// nomination or selection, with its alternate title skipped.
    fn title_nominated(&self, out: &mut Vec<Candidate>) {
        for i in self.each(T_COMMA).filter(|&i| i > 0) {
            if !self.is(i + 1, C_SELECTED) {
                continue;
            }
            let mut e = i;
            if self.w(e - 1) == ")" {
                let mut k = e - 1;
                while k > 0 && self.w(k) != "(" && e - k < 10 {
                    k -= 1;
                }
                if self.w(k) != "(" {
                    continue;
                }
                e = k;
            }
            if let Some(s) = self.title_back(e, false) {
                if self.title_ok(s, e) && !self.evidence(s, e) && !self.after_by(s) {
                    out.push(self.token_cand(s, e, EntityType::Film, "title-nominated", P_CUE - 5));
                }
            }
        }
    }

    /// The phrase at `s` follows `by` (so it is a name list, not a title).
    fn after_by(&self, s: usize) -> bool {
        s > 0
            && matches!(self.w(s - 1), "by" | "and" | "&")
            && s > 1
            && (self.w(s - 1) == "by" || self.w(s - 2) != ")")
    }

    /// `Kazakh movies`, `Soviet cinema`: the phrase modifies a noun.
    fn modifier_follows(&self, e: usize) -> bool {
        self.adjacent(e) && self.is(e, C_MODIFIED_NOUN) && is_lower_word(self.w(e))
    }

    /// `Where The White Cranes Dance (Russia)` in a winners' list.
    fn title_country(&self, out: &mut Vec<Candidate>) {
        for i in self.each(T_OPEN) {
            let mut e = i + 1;
            let mut ok = true;
            while self.toks.get(e).is_some_and(|_| self.w(e) != ")") && e - i < 8 {
                let w = self.w(e);
                if !(w == "/" || w == "," || self.is_word(e) && is_cap(w)) {
                    ok = false;
                }
                e += 1;
            }
            if !ok || self.w(e) != ")" || e == i + 1 {
                continue;
            }
            let country = self.w(i + 1);
            if !COUNTRIES.contains(&country) {
                continue;
            }
            if let Some(s) = self.title_back(i, false) {
                if self.title_ok(s, i)
                    && !self.evidence(s, i)
                    && !self.person_like(s, i)
                    && !self.after_by(s)
                    && !(s..i).any(|k| self.w(k) == "and")
                    && self.sentence_has(self.toks[i].start, F_FILMISH)
                {
                    out.push(self.token_cand(s, i, EntityType::Film, "title-country", P_CUE - 5));
                }
            }
        }
    }

    /// Two or three capitalized name tokens with name evidence (`Ivan the
    /// Terrible` has a function word inside: a title, not a name).
    fn person_like(&self, s: usize, e: usize) -> bool {
        e - s >= 2 && e - s <= 3 && (s..e).all(|k| self.name_token(k)) && self.evidence(s, e)
    }

    fn title_ok(&self, s: usize, e: usize) -> bool {
        if s >= e || e - s > 12 {
            return false;
        }
        // `Directed by X`: one ordinary word opening a sentence.
        if e - s == 1 && self.sentence_initial(s) && self.p.is_ordinary(self.w(s)) {
            return false;
        }
        let last = self.w(e - 1);
        if self.p.function.contains(last) {
            return false;
        }
        !(s..e).any(|k| {
            matches!(
                self.w(k),
                "Festival"
                    | "Awards"
                    | "Award"
                    | "Prize"
                    | "Studio"
                    | "Studios"
                    | "Institute"
                    | "University"
                    | "Ministry"
                    | "SSR"
                    | "Republic"
                    | "Union"
                    | "Company"
                    | "Cinemas"
                    | "Corp"
                    | "Inc"
                    | "Museum"
            )
        })
    }

    // ----- awards and festivals -----------------------------------------

    fn awards_and_festivals(&self, out: &mut Vec<Candidate>) {
        let n = self.toks.len();
        for i in self.each(T_AWARD) {
            let w = self.w(i);
            // `Best Actor in a Leading Role`, `Best Documentary Award`.
            if w == "Best" && self.adjacent(i + 1) && self.is_word(i + 1) && is_cap(self.w(i + 1)) {
                let mut j = i + 1;
                let mut end = j + 1;
                while j < n && (j == i + 1 || self.adjacent(j)) {
                    let x = self.w(j);
                    if self.is_word(j)
                        && is_cap(x)
                        && !matches!(x, "At" | "In" | "For" | "From" | "With")
                    {
                        j += 1;
                        end = j;
                    } else if self.is_word(j) && matches!(x, "in" | "a" | "an" | "of") {
                        j += 1;
                    } else {
                        break;
                    }
                }
                out.push(self.token_cand(i, end, EntityType::Award, "best", P_CUE));
            }
            // `best foreign-language film Oscar`
            if w == "best" {
                for k in i + 1..(i + 6).min(n) {
                    let x = self.w(k);
                    if matches!(x, "Oscar" | "Oscars" | "BAFTA" | "Globe") {
                        out.push(self.token_cand(i, k + 1, EntityType::Award, "best-oscar", P_CUE));
                        break;
                    }
                    if !(self.is_word(k) || x == "-") || !self.adjacent(k) {
                        break;
                    }
                }
            }
            // `… Award`, `… Prize`, `Grand Prix`
            if AWARD_HEADS.contains(&w) && !self.w(i + 1).starts_with('s') {
                let s = self.cap_run_back(i);
                let mut s = s;
                while s < i && (GENERIC_AWARD_WORDS.contains(&self.w(s)) || self.is_ordinal(s)) {
                    s += 1;
                }
                let distinctive = (s..i)
                    .any(|k| !GENERIC_AWARD_WORDS.contains(&self.w(k)) && self.w(k) != "Best");
                if s < i && distinctive && !self.headline_line(i) {
                    out.push(self.token_cand(s, i + 1, EntityType::Award, "award-name", P_CUE - 5));
                }
            }
            if w == "Grand" && self.w(i + 1) == "Prix" && self.adjacent(i + 1) {
                out.push(self.token_cand(i, i + 1 + 1, EntityType::Award, "award-name", P_CUE));
            }
            // `… Film Festival`, `Golden Panda Awards`
            if FESTIVAL_HEADS.contains(&w) && self.is_word(i) {
                let s = self.cap_run_back(i);
                let mut s = s;
                while s < i
                    && (matches!(self.w(s), "The" | "Annual")
                        || self.is_ordinal(s)
                        || self.w(s).chars().all(|c| c.is_ascii_digit()))
                {
                    s += 1;
                }
                let distinctive =
                    (s..i).any(|k| self.is_word(k) && !GENERIC_FESTIVAL_WORDS.contains(&self.w(k)));
                // `Film Week` needs `Film`; a lone `Awards` is no festival.
                let week_ok = w != "Week" || (s..i).any(|k| self.w(k) == "Film");
                if s < i && distinctive && week_ok {
                    out.push(self.token_cand(
                        s,
                        i + 1,
                        EntityType::Festival,
                        "festival-name",
                        P_CUE,
                    ));
                }
            }
            // `the WeLink film festival`
            if w == "film" && self.w(i + 1) == "festival" && i > 0 {
                let mut s = i;
                while s > 0
                    && i - s < 3
                    && self.is_word(s - 1)
                    && is_cap(self.w(s - 1))
                    && !self.sentence_initial(s - 1)
                {
                    s -= 1;
                }
                if s < i
                    && !(s..i).any(|k| self.p.not_name.contains(self.w(k)) || is_demonym(self.w(k)))
                {
                    out.push(self.token_cand(
                        s,
                        i,
                        EntityType::Festival,
                        "festival-lower",
                        P_CUE - 5,
                    ));
                }
            }
        }
    }

    fn is_ordinal(&self, k: usize) -> bool {
        let w = self.w(k);
        lower_in(ORDINAL_WORDS, w)
            || (w.len() >= 3
                && w.chars().next().is_some_and(|c| c.is_ascii_digit())
                && ["st", "nd", "rd", "th"].iter().any(|s| w.ends_with(s)))
    }

    /// Start of the run of capitalized words (with inner `of`, `the`,
    /// `and`, `for`, `de` and `(ACRONYM)`) that ends at token `i`.
    fn cap_run_back(&self, i: usize) -> usize {
        let mut s = i;
        let mut k = i;
        while k > 0
            && self.toks[k].space_before | (self.w(k) == ")") | (self.w(k - 1) == "(")
            && !self.toks[k].line_start
        {
            let j = k - 1;
            let w = self.w(j);
            // Ordinals and years stand outside names (`the 2nd Turan Film
            // Awards`); `and the` starts another name.
            if self.is_ordinal(j) || w.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                break;
            }
            if w == "and" && matches!(self.w(j + 1), "the" | "The" | "a" | "A" | "an" | "An") {
                break;
            }
            if self.is_word(j) && is_cap(w) {
                s = j;
                k = j;
                if self.sentence_initial(j) {
                    break;
                }
            } else if self.is_word(j)
                && matches!(w, "of" | "the" | "and" | "for" | "de" | "du")
                && s < i
            {
                k = j;
            } else if w == ")" && j >= 2 && self.w(j - 2) == "(" && is_all_caps(self.w(j - 1)) {
                k = j - 2;
                s = j - 2;
            } else {
                break;
            }
        }
        while s < i
            && !(self.is_word(s) && is_cap(self.w(s))
                || self.is_ordinal(s)
                || self.w(s).chars().all(|c| c.is_ascii_digit()))
        {
            s += 1;
        }
        s
    }
}

fn is_demonym(w: &str) -> bool {
    w.ends_with("ian")
        || w.ends_with("ese")
        || w.ends_with("ish")
        || w.ends_with("ean")
        || w.ends_with("ic")
        || matches!(
            w,
            "Kazakh"
                | "Kyrgyz"
                | "Uzbek"
                | "Tajik"
                | "Turkmen"
                | "Thai"
                | "Dutch"
                | "French"
                | "Greek"
                | "Swiss"
                | "Czech"
        )
        || w.ends_with("an")
}

/// `gravedigger`, `cinematographer`, `journalist`: a noun for someone who
/// does something, by its ending (the role lexicon cannot list them all).
fn is_agent_noun(w: &str) -> bool {
    const NOT_AGENTS: &[&str] = &[
        "number",
        "center",
        "centre",
        "corner",
        "river",
        "letter",
        "matter",
        "order",
        "paper",
        "summer",
        "winter",
        "water",
        "chapter",
        "quarter",
        "manner",
        "border",
        "color",
        "colour",
        "error",
        "factor",
        "sector",
        "mirror",
        "floor",
        "door",
        "other",
        "another",
        "together",
        "however",
        "never",
        "ever",
        "after",
        "under",
        "over",
        "rather",
        "further",
        "either",
        "neither",
        "whether",
        "character",
        "minor",
        "major",
        "motor",
        "tractor",
        "monitor",
        "indicator",
        "elevator",
        "calculator",
        "generator",
        "register",
        "poster",
        "theater",
        "theatre",
        "thriller",
        "trailer",
        "blockbuster",
        "computer",
        "container",
        "disaster",
        "member",
        "parameter",
        "power",
        "tower",
        "flower",
        "shower",
        "answer",
        "banner",
        "dinner",
        "corridor",
        "mayor",
        "dollar",
        "pillar",
        "collar",
        "vector",
        "honor",
        "honour",
        "labor",
        "labour",
        "favor",
        "favour",
        "flavor",
        "harbor",
        "humor",
        "rumor",
        "armor",
        "vapor",
        "tenor",
        "anchor",
        "interior",
        "exterior",
        "superior",
        "inferior",
        "senior",
        "junior",
        "warrior",
        "behavior",
        "behaviour",
        "decor",
        "agent",
        "event",
        "moment",
        "student",
        "percent",
        "content",
        "present",
        "element",
        "segment",
        "comment",
        "parent",
        "talent",
        "accident",
        "incident",
        "document",
        "instrument",
        "payment",
        "statement",
        "apartment",
        "department",
        "government",
        "movement",
        "plant",
        "giant",
        "restaurant",
        "variant",
        "elephant",
        "christian",
        "asian",
        "ocean",
    ];
    w.len() >= 6
        && ["er", "or", "ist", "ian", "ant", "ent"]
            .iter()
            .any(|s| w.ends_with(s))
        && !NOT_AGENTS.contains(&w)
}

fn title_cased(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    let caps = words
        .iter()
        .filter(|w| is_cap(w) || w.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .count();
    caps * 2 >= words.len()
        && words
            .first()
            .is_some_and(|w| is_cap(w) || w.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

/// True for a country name as written after titles in winners' lists.
pub fn is_country(s: &str) -> bool {
    COUNTRIES.contains(&s)
}

/// Countries (and short forms) that follow a title in winners' lists.
const COUNTRIES: &[&str] = &[
    "Kazakhstan",
    "Kyrgyzstan",
    "Uzbekistan",
    "Tajikistan",
    "Turkmenistan",
    "Russia",
    "Belarus",
    "Ukraine",
    "Georgia",
    "Armenia",
    "Azerbaijan",
    "Mongolia",
    "China",
    "Japan",
    "Korea",
    "South",
    "India",
    "Iran",
    "Turkey",
    "Afghanistan",
    "Pakistan",
    "Germany",
    "France",
    "Italy",
    "Spain",
    "Portugal",
    "Poland",
    "UK",
    "USA",
    "US",
    "Canada",
    "Mexico",
    "Brazil",
    "Argentina",
    "Chile",
    "Colombia",
    "Estonia",
    "Latvia",
    "Lithuania",
    "Finland",
    "Sweden",
    "Norway",
    "Denmark",
    "Netherlands",
    "Belgium",
    "Switzerland",
    "Austria",
    "Czechia",
    "Czech",
    "Slovakia",
    "Hungary",
    "Romania",
    "Bulgaria",
    "Serbia",
    "Croatia",
    "Greece",
    "Israel",
    "Egypt",
    "Qatar",
    "Thailand",
    "Indonesia",
    "Philippines",
    "Vietnam",
    "Malaysia",
    "Singapore",
    "Taiwan",
    "Australia",
    "Ireland",
    "Moldova",
    "Bangladesh",
    "Nepal",
    "Iraq",
    "Syria",
    "Lebanon",
    "Tunisia",
    "Morocco",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::GazetteerBuilder;
    use crate::tokens::tokenize;

    /// `lower_in` compares an ASCII word case-insensitively: the lists it
    /// is given must be lowercase for that to be the lowercased compare.
    #[test]
    fn lists_compared_by_lower_in_are_lowercase() {
        for list in [ORDINAL_WORDS, CHARACTER_NOUNS, NON_FILM_CUES, FILM_CUES] {
            for w in list {
                assert_eq!(*w, w.to_lowercase(), "{w:?}");
            }
        }
        assert!(lower_in(FILM_CUES, "FILM"));
        assert!(lower_in(&["kino"], "\u{212A}ino"));
        assert!(!lower_in(FILM_CUES, "films’"));
    }

    #[test]
    fn all_caps_needs_two_letters_and_no_lowercase() {
        for (w, want) in [
            ("NASA", true),
            ("U.S.", true),
            ("ÉCOLE", true),
            ("KINO-2", true),
            ("Smith", false),
            ("McDONALD", false),
            ("A", false),
            ("X1", false),
            ("", false),
        ] {
            assert_eq!(is_all_caps(w), want, "{w}");
        }
    }

    #[test]
    fn flag_filter_turns_no_key_away() {
        // Every key of the word-flag map, in any ASCII case, gets its bits
        // through the first/last/length filter.
        let p = patterns();
        assert!(p.word_flags.len() > 100);
        for (key, &bits) in &p.word_flags {
            let Ok(key) = std::str::from_utf8(key) else {
                continue;
            };
            if !key.is_ascii() || key.len() > 32 {
                continue;
            }
            let mut title = key.to_string();
            title[..1].make_ascii_uppercase();
            for w in [key.to_string(), title, key.to_ascii_uppercase()] {
                assert_eq!(p.lookup_flags(&w), bits, "{w}");
            }
        }
        assert_eq!(p.lookup_flags("Zanzibarian"), 0);
    }

    #[test]
    fn a_memo_shared_by_two_lexicons_gives_each_its_own_flags() {
        // One thread's memo serves every pipeline it runs: flags computed
        // with one set of role words must not answer for another.
        let with_role = patterns();
        let mut b = GazetteerBuilder::new();
        b.add_str("lexicon/role-words.txt", "producer\n").unwrap();
        let without = Patterns::new(b.build().unwrap().lexicons());
        let text = "The gravedigger Aslan Kadyrov said nothing.";
        let mut toks = Vec::new();
        tokenize(text, &mut toks);
        let run = |p: &Patterns, memo: &mut FlagMemo| {
            let mut out = Vec::new();
            p.find_into(text, &toks, memo, &mut out);
            out.iter()
                .map(|c| {
                    (
                        text[c.span.range()].to_string(),
                        c.source.clone(),
                        c.priority,
                    )
                })
                .collect::<Vec<_>>()
        };
        let fresh = [
            run(&with_role, &mut FlagMemo::new()),
            run(&without, &mut FlagMemo::new()),
        ];
        assert_ne!(fresh[0], fresh[1], "the role word should matter here");
        let mut shared = FlagMemo::new();
        for round in 0..2 {
            assert_eq!(run(&with_role, &mut shared), fresh[0], "round {round}");
            assert_eq!(run(&without, &mut shared), fresh[1], "round {round}");
        }
    }

    #[test]
    fn line_starts_are_the_tokens_after_a_line_break() {
        let mut toks = Vec::new();
        crate::tokens::tokenize("Kino 2025\nBest Film\n\n  Cannes,\tMay", &mut toks);
        assert_eq!(line_starts(&toks), [0, 2, 4]);
        crate::tokens::tokenize("", &mut toks);
        assert_eq!(line_starts(&toks), [] as [u32; 0]);
    }

    #[test]
    fn memo_gives_the_computed_flags() {
        // Words met again, words that share a slot, long words: every
        // answer is what `token_flags` computes.
        let p = patterns();
        let mut memo = FlagMemo::new();
        memo.0.claim(p.id);
        let memo = &mut memo.0;
        let mut words: Vec<String> = ["Director", "director", "the", "Festival", "Asanova"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        words.extend((0..20_000).map(|i| format!("W{i}")));
        words.push("Internationalization-Festival".into());
        // Marks share the memo with words, keyed by their bytes too.
        words.extend(["(", ",", "“", "—", ")"].map(String::from));
        let mut computed = [0usize; 2];
        for (round, n) in computed.iter_mut().enumerate() {
            for w in &words {
                let mut toks = Vec::new();
                crate::tokens::tokenize(w, &mut toks);
                let want = p.token_flags(w, toks[0].kind);
                let got = memo.get_or(w.as_bytes(), || {
                    *n += 1;
                    want
                });
                assert_eq!(got, want, "{w} (round {round})");
            }
        }
        assert_ne!(p.token_flags("Director", Kind::Word) & F_ROLE, 0);
        // The surname, given-name and role bits are the functions' answers.
        for w in [
            "Asanova",
            "Asanova's",
            "asanova",
            "Yulia",
            "Yulia’s",
            "yulia",
            "Director",
            "Ov",
            "W1",
            "producer",
            "PRODUCER",
            "producers",
        ] {
            let f = p.token_flags(w, Kind::Word);
            let stem = &w[..possessive_len(w)];
            let role = matches!(w, "Director" | "producer" | "PRODUCER");
            assert_eq!(f & F_ROLE != 0, role, "{w}");
            assert_eq!(f & F_SURNAME != 0, p.has_surname_suffix(stem), "{w}");
            assert_eq!(f & F_GIVEN != 0, p.is_given(w), "{w}");
        }
        assert_ne!(p.token_flags("Asanova's", Kind::Word) & F_SURNAME, 0);
        assert_ne!(p.token_flags("Yulia", Kind::Word) & F_GIVEN, 0);
        // The first round computed every word; the second found some in
        // the memo (20,000 words overflow 16,384 slots, so not all) but
        // computed the long one again.
        assert_eq!(computed[0], words.len());
        assert!(computed[1] > 1 && computed[1] < words.len(), "{computed:?}");
    }

    #[test]
    fn trigger_bits_cover_rule_starts() {
        // The rule loops visit only tokens with their trigger bits: every
        // word a rule starts at must carry its bit, or the rule goes blind.
        let p = patterns();
        let word = |w: &str| p.token_flags(w, Kind::Word);
        let heads = ["Best", "best", "Grand", "film"];
        for w in heads.iter().chain(AWARD_HEADS).chain(FESTIVAL_HEADS) {
            assert_ne!(word(w) & T_AWARD, 0, "{w}");
        }
        for w in ["by", "By"] {
            assert_ne!(word(w) & T_BY, 0, "{w}");
        }
        assert_ne!(p.token_flags("(", Kind::Punct) & T_OPEN, 0);
        assert_ne!(p.token_flags(",", Kind::Punct) & T_COMMA, 0);
        // `directed` and `including` start film rules through cue bits.
        assert_ne!(word("directed") & C_DIRECTOR.bit, 0);
        assert_ne!(word("including") & C_INCLUDE.bit, 0);
        for w in ["the", "Zanzibar", "bye"] {
            assert_eq!(word(w) & (T_AWARD | T_BY), 0, "{w}");
        }
    }

    #[test]
    fn quote_groups_are_the_captures() {
        // `quote_inner` reads the group off the match; it must be the group
        // a captures search reports, in every form of the pattern.
        let p = patterns();
        let texts = [
            "“Oysha” and «Qash» and „Tomiris“ and \"Kairat\" and ‘Leila’s Prayer’.",
            "‘Camel’ eye, ‘end’",
            "‘no’x then ‘yes’ here",
            "“open” then “x”y «a\"b” \"c” „d”",
            "“ ” ‘ ’ \"\" unclosed “ and \"\n\"",
            "‘Kyz-Zhibek’—and ‘Revenge’ («Месть»)",
        ];
        for t in texts {
            let want: Vec<_> = p
                .quote
                .captures_iter(t)
                .map(|c| {
                    let (k, g) = (1..=4)
                        .find_map(|k| c.get(k).map(|g| (k, g.range())))
                        .unwrap();
                    (c.get(0).unwrap().range(), k, g)
                })
                .collect();
            let got: Vec<_> = p
                .quote
                .find_iter(t)
                .map(|m| {
                    let (k, g) = quote_inner(t, m.start(), m.end()).unwrap();
                    (m.range(), k, g)
                })
                .collect();
            assert!(!want.is_empty(), "{t}");
            assert_eq!(got, want, "{t}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn quote_groups_match_captures_on_quote_soup(t in "([“”«»„\"‘’]|a|B|Ж| |\n|\\.){0,30}") {
            let p = patterns();
            let want: Vec<_> = p.quote.captures_iter(&t).map(|c| {
                let g = (1..=4).find_map(|k| c.get(k).map(|g| (k, g.range())));
                (c.get(0).map(|m| m.range()), g)
            }).collect();
            let got: Vec<_> = p.quote.find_iter(&t).map(|m| {
                (Some(m.range()), quote_inner(&t, m.start(), m.end()))
            }).collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn surname_suffix_filter_turns_away_no_surname() {
        // The bundled lexicon, with Cyrillic endings among its suffixes.
        let g = crate::gazetteer::Gazetteer::embedded().unwrap();
        let p = Patterns::new(g.lexicons());
        let suffixes: Vec<&str> = p
            .suffix_set
            .iter()
            .map(|s| std::str::from_utf8(s).unwrap())
            .collect();
        let naive = |w: &str| {
            let lw = w.to_lowercase();
            w.chars().count() >= 4
                && is_cap(w)
                && suffixes
                    .iter()
                    .any(|s| lw.len() > s.len() + 1 && lw.ends_with(s))
        };
        let mut words = vec![
            "Kadyrov",
            "Abdykalykova",
            "Ivanenko",
            "Иванов",
            "Berlin",
            "Meets",
            "Ov",
        ];
        let built: Vec<String> = suffixes
            .iter()
            .flat_map(|s| {
                [
                    format!("Zh{s}"),
                    format!("Ab{}", s.to_uppercase()),
                    format!("Kx{s}s"),
                ]
            })
            .collect();
        words.extend(built.iter().map(String::as_str));
        let mut hits = 0;
        for w in words {
            assert_eq!(p.has_surname_suffix(w), naive(w), "{w}");
            hits += usize::from(naive(w));
        }
        assert!(
            hits > suffixes.len(),
            "only {hits} words end like a surname"
        );
    }

    #[test]
    fn possessives_are_cut_off() {
        for (w, stem) in [
            ("Satayev's", "Satayev"),
            ("Satayev’s", "Satayev"),
            ("Coens'", "Coens"),
            ("Coens’", "Coens"),
            ("Kairat'", "Kairat'"),
            ("s'", "s"),
            ("'s", "'s"),
            ("’s", "’s"),
            ("’", "’"),
            ("Asel", "Asel"),
            ("", ""),
        ] {
            assert_eq!(&w[..possessive_len(w)], stem, "{w}");
        }
    }

    fn patterns() -> Patterns {
        let mut b = GazetteerBuilder::new();
        b.add_str(
            "lexicon/given-names.txt",
            "Yulia\nPolina\nElena\nAndrzej\nAkan\nViktor\n",
        )
        .unwrap();
        b.add_str(
            "lexicon/surname-suffixes.txt",
            "-ov\n-ova\n-ev\n-eva\n-enko\n-bek\n-in\n",
        )
        .unwrap();
        b.add_str("lexicon/person-particles.txt", "uulu\nkyzy\n")
            .unwrap();
        b.add_str(
            "lexicon/role-words.txt",
            "director\nproducer\nactress\nactor\ncinematographer\ncharacter\nboy\ngirl\nman\npoet\ngravedigger\nparticipant\n",
        )
        .unwrap();
        Patterns::new(b.build().unwrap().lexicons())
    }

    fn run(text: &str) -> Vec<(String, &'static str)> {
        let p = patterns();
        let mut toks = Vec::new();
        tokenize(text, &mut toks);
        let mut out = Vec::new();
        p.find_into(text, &toks, &mut FlagMemo::new(), &mut out);
        let mut v: Vec<(String, &str)> = out
            .iter()
            .map(|c| (text[c.span.range()].to_string(), c.ty.as_str()))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    fn has(text: &str, span: &str, ty: &str) -> bool {
        run(text).iter().any(|(s, t)| s == span && *t == ty)
    }

    #[test]
    fn person_rules() {
        let cases: &[(&str, &str)] = &[
            (
                "The film was made by director Bakyt Karagulov in the mountains.",
                "Bakyt Karagulov",
            ),
            (
                "It was directed by Nurlan Sadykov and produced in Bishkek.",
                "Nurlan Sadykov",
            ),
            (
                "Starring Aliya Temirbek and Dias Omarov, the drama opens today.",
                "Dias Omarov",
            ),
            (
                "Starring Aliya Temirbek and Dias Omarov, the drama opens today.",
                "Aliya Temirbek",
            ),
            (
                "“We are ready,” said Marat Zhumabekov, the producer.",
                "Marat Zhumabekov",
            ),
            ("“It matters,” Zhumabekov said.", "Zhumabekov"),
            (
                "The crew hired Tomasz Wolski, a cinematographer from Poland.",
                "Tomasz Wolski",
            ),
            (
                "The story of Baurzhan, a gravedigger, moves slowly.",
                "Baurzhan",
            ),
            ("The main character Saule lives alone.", "Saule"),
            ("An old man, Ermek, waits at the station.", "Ermek"),
            ("Yulia: Many. TCA: Why? Yulia: Because.", "Yulia"),
            (
                "Its cinematographer Polina Halenko framed it well.",
                "Polina Halenko",
            ),
            (
                "Kyrgyz actor Bolsunbek Taalaibek uulu won.",
                "Bolsunbek Taalaibek uulu",
            ),
            (
                "Critics praised Aigerim Sultanova for the role.",
                "Aigerim Sultanova",
            ),
        ];
        for (text, name) in cases {
            assert!(
                has(text, name, "person"),
                "{name:?} not a person in {text:?}: {:?}",
                run(text)
            );
        }
    }

    #[test]
    fn film_rules() {
        let cases: &[(&str, &str)] = &[
            (
                "Her debut short film “The Little Bird” was shown in Turkey.",
                "The Little Bird",
            ),
            (
                "Critics loved the documentary \"Steppe Wind,\" which opened in May.",
                "Steppe Wind",
            ),
            (
                "His Song of the Southern Seas (2008) was a hit.",
                "Song of the Southern Seas",
            ),
            (
                "Later came Nomad: The Warriors (2005) with a big budget.",
                "Nomad: The Warriors",
            ),
            (
                "Highlights included Mountain Echo by Elena Turova for Best Animation.",
                "Mountain Echo",
            ),
            (
                "In the feature film category, Where The Rivers Meet (Russia) shared the prize.",
                "Where The Rivers Meet",
            ),
            (
                "He directed The Last Caravan, loosely based on a novel.",
                "The Last Caravan",
            ),
            (
                "He won for his role in Sunflower at the festival.",
                "Sunflower",
            ),
            (
                "Her films include The Red Apple, The White Bird, and The Black Sea.",
                "The White Bird",
            ),
            (
                "Ermek Shinarbaev's 1989 film Revenge tackles history.",
                "Revenge",
            ),
            ("the “Evacuation” film is in production", "Evacuation"),
        ];
        for (text, title) in cases {
            assert!(
                has(text, title, "film"),
                "{title:?} not a film in {text:?}: {:?}",
                run(text)
            );
        }
    }

    #[test]
    fn award_and_festival_rules() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "It was nominated for Best Actor in a Leading Role and more.",
                "Best Actor in a Leading Role",
                "award",
            ),
            (
                "She won the Best Documentary Award in Qatar.",
                "Best Documentary Award",
                "award",
            ),
            (
                "It received the Grand Prix in Cannes.",
                "Grand Prix",
                "award",
            ),
            (
                "It was nominated for the best foreign-language film Oscar in 2008.",
                "best foreign-language film Oscar",
                "award",
            ),
            (
                "The Audience Award went to Call.",
                "Audience Award",
                "award",
            ),
            (
                "He won the “Best Actor\" award for his role.",
                "Best Actor",
                "award",
            ),
            (
                "at the 2021 Asian World Film Festival.",
                "Asian World Film Festival",
                "festival",
            ),
            (
                "as it hosts the 2nd Golden Panda Awards, drawing crowds",
                "Golden Panda Awards",
                "festival",
            ),
            (
                "at the Eurasian Creative Guild (ECG) Film Festival 2025 in London",
                "Eurasian Creative Guild (ECG) Film Festival",
                "festival",
            ),
            (
                "was recognized at the WeLink film festival in New York",
                "WeLink",
                "festival",
            ),
        ];
        for (text, span, ty) in cases {
            assert!(
                has(text, span, ty),
                "{span:?} not {ty} in {text:?}: {:?}",
                run(text)
            );
        }
    }

    #[test]
    fn negatives() {
        for (text, span) in [
            (
                "The Indonesian film festival took place in May.",
                "Indonesian",
            ),
            (
                "Kyrgyzstan: Film Festival Showcases Talent",
                "Film Festival",
            ),
            (
                "Organized by Silk Road Media and partners, it ran a week.",
                "Silk Road Media",
            ),
            (
                "There’s also “KyrgyzBox” - a competition just for movies.",
                "KyrgyzBox",
            ),
            (
                "The best schools in the United States trained her.",
                "United States",
            ),
        ] {
            assert!(
                !run(text).iter().any(|(s, _)| s == span),
                "{span:?} found in {text:?}: {:?}",
                run(text)
            );
        }
    }
}
