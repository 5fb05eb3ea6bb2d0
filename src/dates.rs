//! Temporal expressions: finds the date mentions of a news text and normalises
//! each to a TIMEX3 value.
//!
//! [`DateFinder::find`] takes text from which noise has already been removed
//! and an optional document date (the anchor), and returns every date mention
//! (full and partial dates, numeric dates, years, decades, centuries, seasons,
//! ranges, relative and anaphoric dates, weekdays) as byte spans with their
//! value, e.g. `January 6, 1961` → `1961-01-06`, `1930s` → `193X`,
//! `last year` → `2025` with an anchor in 2026 or `XXXX` without one.
//! [`DateFinder::dateline`] finds the article's own date at its top.
//! Guarantees: spans are on char boundaries, in order and never overlap; any
//! input (arbitrary Unicode, megabyte lines, digit runs) is handled without
//! panicking in time linear in its length, as every pattern is compiled once
//! in [`DateFinder::new`] and has bounded repetition only.

use std::collections::BTreeMap;
use std::fmt;

use crate::prefilter::{ShortWords, WordShapes};
use crate::tokens::{is_alphanumeric, is_ascii_alnum, tokenize, Kind, Token};
use foldhash::{HashMap, HashMapExt};
use jiff::civil::Date;
use jiff::Span;
use regex::Regex;
use regex_automata::util::captures;
use regex_automata::{meta, Anchored, Input};

/// A season, as TIMEX3 writes it (`SP`, `SU`, `FA`, `WI`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Season {
    Spring,
    Summer,
    Fall,
    Winter,
}

impl Season {
    fn code(self) -> &'static str {
        match self {
            Season::Spring => "SP",
            Season::Summer => "SU",
            Season::Fall => "FA",
            Season::Winter => "WI",
        }
    }

    fn start_month(self) -> i8 {
        match self {
            Season::Spring => 3,
            Season::Summer => 6,
            Season::Fall => 9,
            Season::Winter => 12,
        }
    }

    fn from_word(w: &str) -> Option<Season> {
        match w.to_ascii_lowercase().as_str() {
            "spring" => Some(Season::Spring),
            "summer" => Some(Season::Summer),
            "fall" | "autumn" => Some(Season::Fall),
            "winter" => Some(Season::Winter),
            _ => None,
        }
    }
}

/// A possibly partial TIMEX3 value; `None` parts print as `X`.
///
/// `Display` gives the value string: `1961-01-06`, `XXXX-01-14`, `2017-02`,
/// `193X`, `17XX`, `2025-FA`, `2026-W06`, `XXXX-WXX-7`, `1931/1933`,
/// `PRESENT_REF`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Timex {
    /// `1939`, `XXXX`.
    Year(Option<i16>),
    /// `2017-02`, `XXXX-06`.
    Month(Option<i16>, Option<i8>),
    /// `1961-01-06`, `XXXX-01-14`.
    Day(Option<i16>, Option<i8>, Option<i8>),
    /// First three digits of the decade: `193` prints `193X`.
    Decade(Option<i16>),
    /// First two digits of the years: `17` (the 18th century) prints `17XX`.
    Century(Option<i16>),
    /// `2025-FA`.
    Season(Option<i16>, Season),
    /// ISO week: `2026-W06`.
    Week(Option<(i16, i8)>),
    /// Weekend of an ISO week: `2026-W06-WE`.
    Weekend(Option<(i16, i8)>),
    /// An unresolved weekday, 1 = Monday … 7 = Sunday: `XXXX-WXX-7`.
    Weekday(i8),
    /// `A/B`.
    Range(Box<Timex>, Box<Timex>),
    /// `PRESENT_REF`.
    PresentRef,
}

struct Y(Option<i16>);
impl fmt::Display for Y {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(y) => write!(f, "{y:04}"),
            None => f.write_str("XXXX"),
        }
    }
}

struct Two(Option<i8>);
impl fmt::Display for Two {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(v) => write!(f, "{v:02}"),
            None => f.write_str("XX"),
        }
    }
}

impl fmt::Display for Timex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timex::Year(y) => write!(f, "{}", Y(*y)),
            Timex::Month(y, m) => write!(f, "{}-{}", Y(*y), Two(*m)),
            Timex::Day(y, m, d) => write!(f, "{}-{}-{}", Y(*y), Two(*m), Two(*d)),
            Timex::Decade(Some(d)) => write!(f, "{d:03}X"),
            Timex::Decade(None) => f.write_str("XXXX"),
            Timex::Century(Some(c)) => write!(f, "{c:02}XX"),
            Timex::Century(None) => f.write_str("XX"),
            Timex::Season(y, s) => write!(f, "{}-{}", Y(*y), s.code()),
            Timex::Week(Some((y, w))) => write!(f, "{y:04}-W{w:02}"),
            Timex::Week(None) => f.write_str("XXXX-WXX"),
            Timex::Weekend(Some((y, w))) => write!(f, "{y:04}-W{w:02}-WE"),
            Timex::Weekend(None) => f.write_str("XXXX-WXX-WE"),
            Timex::Weekday(d) => write!(f, "XXXX-WXX-{d}"),
            Timex::Range(a, b) => write!(f, "{a}/{b}"),
            Timex::PresentRef => f.write_str("PRESENT_REF"),
        }
    }
}

impl Timex {
    /// The calendar date, when this is a complete day.
    pub fn date(&self) -> Option<Date> {
        match self {
            Timex::Day(Some(y), Some(m), Some(d)) => Date::new(*y, *m, *d).ok(),
            _ => None,
        }
    }

    /// The latest point this value pins down, for anaphora (`the same year`).
    fn last(&self) -> &Timex {
        match self {
            Timex::Range(_, b) if **b != Timex::PresentRef => b.last(),
            Timex::Range(a, _) => a.last(),
            t => t,
        }
    }

    fn known_year(&self) -> Option<i16> {
        match self.last() {
            Timex::Year(y) | Timex::Month(y, _) | Timex::Day(y, _, _) | Timex::Season(y, _) => *y,
            _ => None,
        }
    }
}

/// One date mention: `text[start..end]` with its TIMEX3 value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
    Decade,
    Century,
}

/// A parsed mention before resolution against the anchor and the context.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Raw {
    /// Absolute, possibly lacking the year (filled from the anchor).
    Abs(Timex),
    RelYear(i32),
    RelMonth(i32),
    RelWeek(i32),
    RelWeekend(i32),
    RelDay(i32),
    RelCentury(i32),
    RelSeason(i32, Season),
    RelMonthName(i32, i8),
    /// Relation (-1 last, 0 bare, 1 next, 2 this) and weekday 1..=7.
    Weekday(i32, i8),
    Ago(i32, Unit),
    /// `two days later` (+) / `a year earlier` (-): from the previous mention.
    Later(i32, Unit),
    /// `same year` (0), `following year` (+1), `previous year` (-1).
    Same(Unit, i32),
    Range(Box<Raw>, Box<Raw>),
}

#[derive(Debug, Clone)]
struct Cand {
    start: usize,
    end: usize,
    raw: Raw,
}

/// One date pattern, searched only where it can start.
///
/// A whole-text scan of each pattern ran the lazy DFA over every byte ten
/// times (a fifth of kinex's time); instead `DateFinder::starts` lists
/// the word starts each pattern can begin at, a search without captures
/// tests each one anchored, and only a hit has its groups taken, by a
/// search anchored at its start and bounded by its end. Every pattern
/// begins with an ASCII word boundary, so the matches are the ones a
/// captures scan of the whole text finds (a test checks it). One compiled
/// regex serves both searches: a second copy for the captures doubled the
/// start-up.
struct Family {
    re: meta::Regex,
    /// The pattern's source, for the tests' whole-text scan.
    #[cfg(test)]
    pattern: String,
    /// The start bits (`S_*`) at any of which the pattern is tried.
    bit: u16,
}

impl Family {
    fn new(p: &str, bit: u16) -> Self {
        Family {
            re: meta_re(p),
            #[cfg(test)]
            pattern: p.to_owned(),
            bit,
        }
    }

    /// Calls `f` with each match, leftmost first and non-overlapping, as
    /// a captures scan of `t` would, but tries only the starts in `starts`.
    fn each<'t>(&self, t: &'t str, starts: &[(usize, u16)], mut f: impl FnMut(Caps<'t>)) {
        self.each_or_plain(
            t,
            starts,
            |_| false,
            |hit| {
                if let Hit::Groups(c) = hit {
                    f(c);
                }
            },
        );
    }

    /// As `each`, but a match whose text `is_plain` accepts is passed as
    /// its span alone: its groups follow from its text, and the captures
    /// search (a backtracker over the match, the dearest step) is skipped.
    fn each_or_plain<'t>(
        &self,
        t: &'t str,
        starts: &[(usize, u16)],
        is_plain: impl Fn(&str) -> bool,
        mut f: impl FnMut(Hit<'t>),
    ) {
        let mut pos = 0;
        for &(c, bits) in starts {
            if bits & self.bit == 0 || c < pos {
                continue;
            }
            let input = Input::new(t).range(c..).anchored(Anchored::Yes);
            let Some(half) = self.re.search_half(&input) else {
                continue;
            };
            let end = half.offset();
            if t.get(c..end).is_some_and(&is_plain) {
                pos = end.max(c + 1);
                f(Hit::Plain(c, end));
                continue;
            }
            if let Some(caps) = self.groups(t, c, end) {
                pos = end.max(c + 1);
                f(Hit::Groups(caps));
            }
        }
    }

    /// The groups of the match found at `start..end`. Leftmost-first, the
    /// path that won on the whole text lies inside the window and still
    /// wins there: no other path that fits it ranks above it (the window
    /// keeps the text around it, so `\b` at its edges reads the same).
    fn groups<'t>(&self, t: &'t str, start: usize, end: usize) -> Option<Caps<'t>> {
        let mut caps = self.re.create_captures();
        let input = Input::new(t).range(start..end).anchored(Anchored::Yes);
        self.re.search_captures(&input, &mut caps);
        Caps::of(t, caps)
    }
}

/// The groups of one date match, read like `regex::Captures`.
struct Caps<'t> {
    text: &'t str,
    caps: captures::Captures,
}

impl<'t> Caps<'t> {
    /// `None` if `caps` holds no match.
    fn of(text: &'t str, caps: captures::Captures) -> Option<Self> {
        caps.is_match().then_some(Caps { text, caps })
    }

    fn get(&self, i: usize) -> Option<Group<'t>> {
        self.group(self.caps.get_group(i))
    }

    fn name(&self, name: &str) -> Option<Group<'t>> {
        self.group(self.caps.get_group_by_name(name))
    }

    fn group(&self, span: Option<regex_automata::Span>) -> Option<Group<'t>> {
        span.map(|s| Group {
            text: self.text,
            start: s.start,
            end: s.end,
        })
    }
}

/// One group of a [`Caps`]: a span of the text.
#[derive(Debug, Clone, Copy)]
struct Group<'t> {
    text: &'t str,
    start: usize,
    end: usize,
}

impl<'t> Group<'t> {
    fn as_str(&self) -> &'t str {
        self.text.get(self.start..self.end).unwrap_or_default()
    }

    fn start(&self) -> usize {
        self.start
    }

    fn end(&self) -> usize {
        self.end
    }

    #[cfg(test)]
    fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// A match of a `Family`: its captures, or the span of a match whose
/// groups its text alone gives (see `Family::each_or_plain`).
enum Hit<'t> {
    Groups(Caps<'t>),
    Plain(usize, usize),
}

const S_MONTH_DAY: u16 = 1;
const S_DAY_MONTH: u16 = 2;
const S_MONTH_YEAR: u16 = 4;
const S_MONTH: u16 = 8;
const S_NUMERIC: u16 = 16;
const S_YEAR: u16 = 32;
const S_RELATIVE: u16 = 64;
const S_WEEKDAY: u16 = 128;
const S_SEASON: u16 = 256;
/// A quote mark before `80s` (`'80s`); not in `S_ALL`, which is for word starts.
const S_APOS: u16 = 512;
/// A count (`3`, `two`, `a`) that may open a relative date (`3 days
/// ago`); kept only with a direction word (`S_DIR`) close enough after it.
const S_REL_N: u16 = 1024;
/// `ago`, `later`, `earlier`: no pattern starts here.
const S_DIR: u16 = 2048;
/// In a word's token flags only ([`StartWords::of_word`]): not a plain
/// word with a letter first, so its starts are found in the text.
const S_SCAN: u16 = 4096;
/// The most bytes from a count's start to its direction word's: the
/// longest count (`seventy-seven`), unit (`centuries`) and two runs of
/// six three-byte spaces.
const REL_SPAN: usize = 13 + 18 + 9 + 18;
/// Every word-start pattern, and a possible direction word: for a run
/// that goes on in a letter that case-folds to ASCII (`Auguſt`).
const S_ALL: u16 = 0x1ff | S_DIR;

/// `rest` begins with one of the two non-ASCII letters that case-fold to
/// ASCII ones (`ſ` to `s`, the Kelvin sign `K` to `k`): under `(?i)` the
/// word may go on (`Auguſt`), so every pattern is tried there. Any other
/// non-ASCII char ends the ASCII word as a space would.
fn folds_to_ascii(rest: &[u8]) -> bool {
    // One byte test first: a run is almost always followed by ASCII.
    rest.first().is_some_and(|&b| b >= 0x80)
        && (rest.starts_with("ſ".as_bytes()) || rest.starts_with("\u{212A}".as_bytes()))
}

/// The patterns that can open with the ASCII alphanumeric run `run`
/// (which begins with a digit), given the byte after it: the digit count
/// and letter tail each pattern allows (`12th`, `1960s`, `2025`, `12-`).
fn digit_starts(run: &[u8], next: Option<u8>) -> u16 {
    let d = run.iter().take_while(|x| x.is_ascii_digit()).count();
    let tail = &run[d..];
    let ordinal = [b"st", b"nd", b"rd", b"th"]
        .iter()
        .any(|o| tail.eq_ignore_ascii_case(*o));
    let plural = tail.eq_ignore_ascii_case(b"s");
    let mut bits = 0;
    if d <= 2 && (tail.is_empty() || ordinal) {
        bits |= S_DAY_MONTH;
    }
    if matches!(d, 1 | 2 | 4) && tail.is_empty() && matches!(next, Some(b'-' | b'/' | b'.')) {
        bits |= S_NUMERIC;
    }
    if (d <= 2 && ordinal) || (d == 4 && (tail.is_empty() || plural)) || (d == 2 && plural) {
        bits |= S_YEAR;
    }
    if d <= 3 && tail.is_empty() {
        bits |= S_REL_N;
    }
    bits
}

/// The first word of every alternative each pattern can open with, and
/// the patterns (`S_*`) each opens.
fn start_word_bits() -> HashMap<&'static [u8], u16> {
    const WD_ABBR: &str = "mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun";
    const MON_ABBR: &str = "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec";
    const MODS: &str = "early|mid|late";
    const REL: &str = "this|last|next";
    const DECADES: &str = "twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties";
    let mut m = HashMap::new();
    let mut add = |list: &'static str, bit: u16| {
        for w in list.split('|') {
            // `twenty-first`, `a hundred`: the first ASCII word.
            let first = w
                .split(|c: char| !c.is_ascii_alphanumeric())
                .next()
                .unwrap_or(w);
            *m.entry(first.as_bytes()).or_insert(0) |= bit;
        }
    };
    add(WEEKDAYS, S_MONTH_DAY | S_DAY_MONTH | S_WEEKDAY);
    add(WD_ABBR, S_MONTH_DAY | S_DAY_MONTH);
    add(MONTHS, S_MONTH_DAY | S_MONTH_YEAR | S_MONTH);
    add(MON_ABBR, S_MONTH_DAY | S_MONTH_YEAR);
    add(MODS, S_MONTH_YEAR | S_MONTH | S_YEAR | S_SEASON);
    add(REL, S_MONTH | S_RELATIVE | S_WEEKDAY);
    add(ORD, S_YEAR);
    add(DECADES, S_YEAR);
    add(
        "same|following|previous|preceding|that|yesterday|tomorrow|today",
        S_RELATIVE,
    );
    add(TENS, S_REL_N);
    add(TEENS, S_REL_N);
    add(UNITS_WORDS, S_REL_N);
    add("an|a|hundred", S_REL_N);
    add("ago|later|earlier", S_DIR);
    add("spring|summer|fall|autumn|winter", S_SEASON);
    m
}

pub(crate) fn start_words() -> StartWords {
    let m = start_word_bits();
    StartWords {
        shapes: WordShapes::of(m.keys()),
        map: ShortWords::new(m),
    }
}

/// The start words, with a filter by first letter, last letter and
/// length that turns most other words away before the lookup.
pub(crate) struct StartWords {
    map: ShortWords<u16>,
    /// The shapes of the start words.
    shapes: WordShapes,
}

impl std::fmt::Debug for StartWords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StartWords").finish_non_exhaustive()
    }
}

impl StartWords {
    /// For word token `w`: if it is one run of ASCII letters and digits
    /// with a letter first (a [`plain`](Token::plain) token), the
    /// patterns (`S_*`) that may open at it as far as its own bytes tell;
    /// for any other word, [`S_SCAN`]: the token must be read in its text
    /// (`12th`, `mid-1990s`). A function of the bytes alone, so a per-word
    /// memo may keep it (see [`TOKEN_SHIFT`]).
    pub(crate) fn of_word(&self, w: &[u8]) -> u16 {
        let letter_run =
            w.first().is_some_and(u8::is_ascii_alphabetic) && w.iter().all(|&x| is_ascii_alnum(x));
        if !letter_run {
            S_SCAN
        } else if self.shapes.may_hold(w) {
            self.map.get(w).unwrap_or(0)
        } else {
            0
        }
    }
}

/// Where a token's [`StartWords::of_word`] bits sit in the 64-bit
/// token flags the rules compute for every token
/// ([`Patterns::flags_into`](crate::patterns::Patterns::flags_into)):
/// that pass looks each word up in its memo anyway, so the date finder
/// reads its start words there instead of testing every word again.
pub(crate) const TOKEN_SHIFT: u32 = 48;

/// Finds date mentions; build once and reuse (construction compiles regexes).
pub struct DateFinder {
    month_day: Family,
    day_month: Family,
    month_year: Family,
    month: Family,
    numeric: Family,
    year: Family,
    apos_decade: Family,
    relative: Family,
    weekday: Family,
    season_year: Family,
    /// Lowercase first word → the patterns (`S_*`) that can start with it.
    start_words: StartWords,
    connector: Regex,
    present: Regex,
    ticker: Regex,
    place: Regex,
    label: Regex,
    trail: Regex,
}

impl Default for DateFinder {
    fn default() -> Self {
        Self::new()
    }
}

// Bounded repetitions everywhere keep every search linear (no long look-ahead).
const SP: &str = r"[ \t\u{A0}\u{2009}\u{202F}]{1,6}";
const SPO: &str = r"[ \t\u{A0}\u{2009}\u{202F}]{0,6}";
// ASCII word boundary keeps the lazy DFA usable on non-ASCII text.
const B: &str = r"(?-u:\b)";
const MONTHS: &str =
    "january|february|march|april|may|june|july|august|september|october|november|december";
const WEEKDAYS: &str = "monday|tuesday|wednesday|thursday|friday|saturday|sunday";
const CONN: &str = r"(?:-|–|—|‒|to|through|thru|until|till)";
const ORD: &str = "twenty-first|twenty first|twentieth|nineteenth|eighteenth|seventeenth|\
sixteenth|fifteenth|fourteenth|thirteenth|twelfth|eleventh|tenth|ninth|eighth|seventh|sixth|\
fifth|fourth|third|second|first";
const UNITS_WORDS: &str = "one|two|three|four|five|six|seven|eight|nine";
const TEENS: &str =
    "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen";
const TENS: &str = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety";

fn mon(name: &str) -> String {
    format!(
        r"(?P<{name}>(?:{MONTHS}){B}|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec){B}\.?)"
    )
}
fn day(name: &str) -> String {
    format!(r"(?P<{name}>[0-3]?[0-9])(?:st|nd|rd|th)?{B}")
}
fn year(name: &str) -> String {
    format!(r"(?P<{name}>1[0-9]{{3}}|20[0-9]{{2}}){B}")
}
fn wd() -> String {
    format!(r"(?P<wd>(?:{WEEKDAYS}|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun){B}\.?)")
}

fn re(p: &str) -> Regex {
    // Patterns are constants: failure is a programming error, caught by tests.
    Regex::new(p).expect("date pattern compiles")
}

/// `p` as a `regex-automata` regex, with the `regex` crate's defaults
/// (Unicode, UTF-8, the same size limits).
fn meta_re(p: &str) -> meta::Regex {
    meta::Regex::builder()
        .configure(
            meta::Config::new()
                .nfa_size_limit(Some(10 * (1 << 20)))
                .hybrid_cache_capacity(2 * (1 << 20)),
        )
        .build(p)
        .expect("date pattern compiles")
}

/// Words before a month or weekday that make it a date (`in May`, `on Sunday`).
#[rustfmt::skip]
const PREP: &[&str] = &[
    "in", "since", "until", "till", "by", "from", "during", "through", "throughout", "before",
    "after", "of", "on", "between", "around", "for", "to", "early", "mid", "late", "last", "this",
    "next", "end", "beginning", "start", "and", "or", "as", "at", "into", "starting", "until",
];

/// Prepositions that make a bare month or weekday a date even before a capital.
#[rustfmt::skip]
const TEMPORAL: &[&str] = &[
    "on", "in", "since", "until", "till", "by", "from", "during", "before", "after", "through",
    "throughout", "early", "mid", "late",
];

/// Nouns after a number that make it a quantity, not a year.
#[rustfmt::skip]
const QUANTITY_NOUNS: &[&str] = &[
    "people", "persons", "km", "kilometres", "kilometers", "miles", "meters", "metres", "m", "kg",
    "tons", "tonnes", "hectares", "ha", "sq", "square", "feet", "ft", "seats", "copies", "viewers",
    "spectators", "entries", "films", "movies", "titles", "works", "submissions", "participants",
    "tenge", "dollars", "euros", "rubles", "roubles", "soms", "som", "sum", "usd", "kzt", "eur",
    "rub", "percent", "per", "cent", "hours", "minutes", "seconds", "days", "weeks", "months",
    "years", "times", "pages", "words", "students", "members", "screens", "cinemas", "theaters",
    "theatres", "employees", "votes", "pieces", "units", "items", "episodes", "px", "mm", "cm",
    "mb", "gb", "kb", "guests", "visitors", "applications", "projects", "children", "men", "women",
    "of", "x", "pixels", "rpm", "mhz", "kw", "calories", "steps", "dpi", "fps",
];

/// Words before a number that make it a quantity or an identifier.
#[rustfmt::skip]
const QUANTITY_BEFORE: &[&str] = &[
    "no", "nos", "number", "page", "pages", "p", "pp", "vol", "volume", "issue", "chapter", "room",
    "route", "flight", "version", "v", "ver", "tel", "phone", "fax", "isbn", "issn", "code",
    "model", "usd", "kzt", "eur", "rub", "tenge", "top", "episode", "ep", "id", "nearly", "almost",
    "approximately", "roughly", "over", "some", "than", "least", "exactly", "only", "total",
    "totalling", "totaling", "costs", "cost", "paid", "earned", "grossed", "sold", "attracted",
    "had", "of", "about",
];

/// Determiners and prepositions after which a following plural noun still
/// leaves the number a year (`the 2014 elections`, `in 2019 films …`).
#[rustfmt::skip]
const YEAR_LICENSE: &[&str] = &[
    "the", "his", "her", "its", "their", "our", "my", "your", "a", "in", "since", "until", "till",
    "by", "from", "during", "before", "after", "around", "circa", "c", "early", "mid", "late",
    "year", "spring", "summer", "fall", "autumn", "winter", "between", "and", "to", "this",
];

/// Lower-case words ending in `s` that are not plural nouns.
#[rustfmt::skip]
const NOT_PLURAL: &[&str] = &[
    "his", "its", "was", "has", "is", "as", "this", "thus", "plus", "across", "us", "whereas",
    "yes", "less", "unless", "news", "series", "always", "perhaps", "besides", "afterwards",
    "towards", "sometimes", "nevertheless", "does", "goes", "hers", "ours", "yours", "theirs",
    "was", "versus", "various", "famous", "previous", "serious", "numerous", "bus", "gas",
    "status", "focus", "campus", "chaos", "thanks", "analysis", "basis", "crisis", "thesis",
];

fn in_list(w: &str, list: &[&str]) -> bool {
    list.iter().any(|x| x.eq_ignore_ascii_case(w))
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\u{A0}' || c == '\u{2009}' || c == '\u{202F}'
}

fn prev_char(t: &str, i: usize) -> Option<char> {
    t.get(..i)?.chars().next_back()
}

fn next_char(t: &str, i: usize) -> Option<char> {
    t.get(i..)?.chars().next()
}

/// Char after `i`'s first char.
fn second_char(t: &str, i: usize) -> Option<char> {
    let mut it = t.get(i..)?.chars();
    it.next();
    it.next()
}

/// The word (letters/digits, at most 24 chars) ending just before `i`, skipping
/// a few spaces; returns the word and its start. `None` across a line break or
/// punctuation.
fn prev_word(t: &str, i: usize) -> Option<(&str, usize)> {
    let head = t.get(..i)?;
    let mut end = i;
    for (spaces, (k, c)) in head.char_indices().rev().enumerate() {
        if is_space(c) {
            if spaces >= 8 {
                return None;
            }
            end = k;
            continue;
        }
        // A dot right after a word (`No.`, `p.`) still counts.
        let word_end = if c == '.' && end == k + 1 { k } else { end };
        if c != '.' && !is_alphanumeric(c) {
            return None;
        }
        let start = word_start(head, word_end);
        return (start < word_end).then(|| (&t[start..word_end], start));
    }
    None
}

/// Start of the run of at most 24 letters/digits ending at `k`.
fn word_start(t: &str, k: usize) -> usize {
    let Some(head) = t.get(..k) else { return k };
    head.char_indices()
        .rev()
        .take(24)
        .take_while(|(_, c)| is_alphanumeric(*c))
        .last()
        .map_or(k, |(p, _)| p)
}

/// The word starting after `i`, skipping a few spaces.
fn next_word(t: &str, i: usize) -> Option<&str> {
    let tail = t.get(i..)?;
    let mut start = None;
    let mut spaces = 0;
    for (k, c) in tail.char_indices() {
        match start {
            None if is_space(c) => {
                spaces += 1;
                if spaces > 8 {
                    return None;
                }
            }
            None if is_alphanumeric(c) => start = Some(k),
            None => return None,
            Some(s) => {
                if !is_alphanumeric(c) || k - s > 96 {
                    return Some(&tail[s..k]);
                }
            }
        }
    }
    start.map(|s| &tail[s..])
}

fn starts_upper(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

fn month_num(w: &str) -> Option<i8> {
    let w = w.trim_end_matches('.').to_ascii_lowercase();
    let k = match w.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(k)
}

fn weekday_num(w: &str) -> Option<i8> {
    let w = w.to_ascii_lowercase();
    let k = match w.get(..3)? {
        "mon" => 1,
        "tue" => 2,
        "wed" => 3,
        "thu" => 4,
        "fri" => 5,
        "sat" => 6,
        "sun" => 7,
        _ => return None,
    };
    Some(k)
}

fn ordinal_num(w: &str) -> Option<i16> {
    let w = w.to_ascii_lowercase().replace(' ', "-");
    let all = [
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
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
        "twentieth",
        "twenty-first",
    ];
    all.iter()
        .position(|x| *x == w)
        .and_then(|p| i16::try_from(p + 1).ok())
}

/// `30`, `thirty`, `twenty-five`, `a`, `an`.
fn number_value(w: &str) -> Option<i32> {
    let w = w.to_ascii_lowercase();
    if let Ok(n) = w.parse::<i32>() {
        return Some(n);
    }
    let small = |s: &str| -> Option<i32> {
        let units = [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ];
        units
            .iter()
            .position(|x| *x == s)
            .and_then(|p| i32::try_from(p + 1).ok())
    };
    let tens = |s: &str| -> Option<i32> {
        let t = [
            "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
        ];
        t.iter()
            .position(|x| *x == s)
            .and_then(|p| i32::try_from(p * 10 + 20).ok())
    };
    match w.as_str() {
        "a" | "an" => return Some(1),
        "hundred" | "a hundred" => return Some(100),
        _ => {}
    }
    if let Some(n) = small(&w).or_else(|| tens(&w)) {
        return Some(n);
    }
    let (a, b) = w.split_once(['-', ' '])?;
    Some(tens(a)? + small(b.trim())?)
}

fn unit_of(w: &str) -> Option<Unit> {
    let w = w.to_ascii_lowercase();
    Some(match w.as_str() {
        "day" | "days" => Unit::Day,
        "week" | "weeks" => Unit::Week,
        "month" | "months" => Unit::Month,
        "year" | "years" => Unit::Year,
        "decade" | "decades" => Unit::Decade,
        "century" | "centuries" => Unit::Century,
        _ => return None,
    })
}

fn valid_day(y: Option<i16>, m: i8, d: i8) -> bool {
    match y {
        Some(y) => Date::new(y, m, d).is_ok(),
        // Without a year, 29 February is still possible.
        None => Date::new(2000, m, d).is_ok(),
    }
}

fn num<T: std::str::FromStr>(c: &Caps, name: &str) -> Option<T> {
    c.name(name)?.as_str().parse().ok()
}

fn week_of(d: Date) -> (i16, i8) {
    let w = d.iso_week_date();
    (w.year(), w.week())
}

fn plus_days(d: Date, n: i64) -> Option<Date> {
    d.checked_add(Span::new().try_days(n).ok()?).ok()
}

fn plus_months(d: Date, n: i64) -> Option<Date> {
    d.checked_add(Span::new().try_months(n).ok()?).ok()
}

fn year_ok(y: i32) -> Option<i16> {
    (1..=9999)
        .contains(&y)
        .then(|| i16::try_from(y).ok())
        .flatten()
}

struct Ctx {
    anchor: Option<Date>,
    last_year: Option<i16>,
    last_month: Option<(i16, i8)>,
    last_day: Option<Date>,
}

impl Ctx {
    fn anchor_year(&self) -> Option<i32> {
        self.anchor.map(|a| i32::from(a.year()))
    }

    fn fill(&self, t: &Timex) -> Timex {
        let ay = self.anchor.map(|a| a.year());
        match t {
            Timex::Day(None, Some(m), Some(d)) => match ay {
                Some(y) if valid_day(Some(y), *m, *d) => Timex::Day(Some(y), Some(*m), Some(*d)),
                _ => t.clone(),
            },
            Timex::Month(None, m) => Timex::Month(ay, *m),
            _ => t.clone(),
        }
    }

    fn resolve(&self, raw: &Raw) -> Option<Timex> {
        let a = self.anchor;
        Some(match raw {
            Raw::Abs(t) => self.fill(t),
            Raw::Range(l, r) => {
                let mut lt = self.resolve(l)?;
                let mut rt = self.resolve(r)?;
                // `December 28 – January 3` crosses into the next year.
                if let (Timex::Day(Some(y1), Some(m1), d1), Timex::Day(Some(y2), Some(m2), d2)) =
                    (&lt, &rt)
                {
                    if y1 == y2 && m1 > m2 && matches!(**l, Raw::Abs(Timex::Day(None, ..))) {
                        let y = year_ok(i32::from(*y2) + 1);
                        if y.is_some() && valid_day(y, *m2, d2.unwrap_or(1)) {
                            rt = Timex::Day(y, Some(*m2), *d2);
                        } else {
                            lt = Timex::Day(None, Some(*m1), *d1);
                        }
                    }
                }
                Timex::Range(Box::new(lt), Box::new(rt))
            }
            Raw::RelYear(k) => Timex::Year(self.anchor_year().and_then(|y| year_ok(y + k))),
            Raw::RelMonth(k) => {
                match a.and_then(|a| plus_months(a.first_of_month(), (*k).into())) {
                    Some(d) => Timex::Month(Some(d.year()), Some(d.month())),
                    None => Timex::Month(None, None),
                }
            }
            Raw::RelWeek(k) => {
                Timex::Week(a.and_then(|a| plus_days(a, 7 * i64::from(*k))).map(week_of))
            }
            Raw::RelWeekend(k) => {
                Timex::Weekend(a.and_then(|a| plus_days(a, 7 * i64::from(*k))).map(week_of))
            }
            Raw::RelDay(k) => match a.and_then(|a| plus_days(a, (*k).into())) {
                Some(d) => Timex::Day(Some(d.year()), Some(d.month()), Some(d.day())),
                None => Timex::Day(None, None, None),
            },
            Raw::RelCentury(k) => Timex::Century(
                self.anchor_year()
                    .and_then(|y| i16::try_from(y / 100 + k).ok()),
            ),
            Raw::RelSeason(k, s) => {
                let y = self.anchor.map(|a| {
                    let (y, m) = (i32::from(a.year()), a.month());
                    match k {
                        -1 if s.start_month() + 2 < m => y,
                        -1 => y - 1,
                        1 if s.start_month() > m => y,
                        1 => y + 1,
                        _ => y,
                    }
                });
                Timex::Season(y.and_then(year_ok), *s)
            }
            Raw::RelMonthName(k, m) => {
                let y = self.anchor.map(|a| {
                    let (y, am) = (i32::from(a.year()), a.month());
                    match k {
                        -1 if *m < am => y,
                        -1 => y - 1,
                        1 if *m > am => y,
                        1 => y + 1,
                        _ => y,
                    }
                });
                Timex::Month(y.and_then(year_ok), Some(*m))
            }
            Raw::Weekday(k, w) => match a {
                None => Timex::Weekday(*w),
                Some(a) => {
                    let aw = i64::from(a.weekday().to_monday_one_offset());
                    let w64 = i64::from(*w);
                    let back = (aw - w64).rem_euclid(7);
                    let fwd = (w64 - aw).rem_euclid(7);
                    let delta = match k {
                        -1 if back == 0 => -7,
                        -1 => -back,
                        1 if fwd == 0 => 7,
                        1 => fwd,
                        2 => fwd,
                        _ => -back,
                    };
                    let d = plus_days(a, delta)?;
                    Timex::Day(Some(d.year()), Some(d.month()), Some(d.day()))
                }
            },
            Raw::Ago(n, u) => shift(a, -*n, *u),
            Raw::Later(n, u) => {
                let base = match u {
                    Unit::Day | Unit::Week => self.last_day?,
                    Unit::Month => {
                        let (y, m) = self.last_month?;
                        Date::new(y, m, 1).ok()?
                    }
                    _ => Date::new(self.last_year?, 1, 1).ok()?,
                };
                shift(Some(base), *n, *u)
            }
            Raw::Same(u, k) => match u {
                Unit::Year => Timex::Year(self.last_year.and_then(|y| year_ok(i32::from(y) + k))),
                Unit::Month => match self
                    .last_month
                    .and_then(|(y, m)| Date::new(y, m, 1).ok())
                    .and_then(|d| plus_months(d, (*k).into()))
                {
                    Some(d) => Timex::Month(Some(d.year()), Some(d.month())),
                    None => Timex::Month(None, None),
                },
                _ => match self.last_day.and_then(|d| plus_days(d, (*k).into())) {
                    Some(d) => Timex::Day(Some(d.year()), Some(d.month()), Some(d.day())),
                    None => Timex::Day(None, None, None),
                },
            },
        })
    }

    fn remember(&mut self, t: &Timex) {
        if let Some(y) = t.known_year() {
            self.last_year = Some(y);
        }
        match t.last() {
            Timex::Month(Some(y), Some(m)) => self.last_month = Some((*y, *m)),
            Timex::Day(Some(y), Some(m), Some(d)) => {
                self.last_month = Some((*y, *m));
                self.last_day = Date::new(*y, *m, *d).ok();
            }
            _ => {}
        }
    }
}

/// `base` shifted by `n` units, at that unit's granularity; X parts without a base.
fn shift(base: Option<Date>, n: i32, u: Unit) -> Timex {
    let n64 = i64::from(n);
    match u {
        Unit::Day => match base.and_then(|b| plus_days(b, n64)) {
            Some(d) => Timex::Day(Some(d.year()), Some(d.month()), Some(d.day())),
            None => Timex::Day(None, None, None),
        },
        Unit::Week => Timex::Week(base.and_then(|b| plus_days(b, 7 * n64)).map(week_of)),
        Unit::Month => match base.and_then(|b| plus_months(b.first_of_month(), n64)) {
            Some(d) => Timex::Month(Some(d.year()), Some(d.month())),
            None => Timex::Month(None, None),
        },
        Unit::Year => Timex::Year(base.and_then(|b| year_ok(i32::from(b.year()) + n))),
        Unit::Decade => Timex::Decade(
            base.and_then(|b| year_ok(i32::from(b.year()) + 10 * n))
                .map(|y| y / 10),
        ),
        Unit::Century => Timex::Century(
            base.and_then(|b| year_ok(i32::from(b.year()) + 100 * n))
                .map(|y| y / 100),
        ),
    }
}

impl DateFinder {
    /// Compiles every pattern once.
    pub fn new() -> Self {
        let (m1, m2, d1, d2, y) = (mon("m1"), mon("m2"), day("d1"), day("d2"), year("y"));
        let wd = wd();
        let num_words = format!(
            r"(?:{TENS})(?:[- ](?:{UNITS_WORDS}))?|{TEENS}|{UNITS_WORDS}|an|a|a hundred|hundred"
        );
        DateFinder {
            month_day: Family::new(
                &format!(
                    r"(?i){B}(?:{wd},?{SP})?{m1}{SPO}{d1}(?:{SPO}(?P<conn>{CONN}){SPO}(?:{m2}{SPO})?{d2})?(?:,?{SP}{y})?"
                ),
                S_MONTH_DAY,
            ),
            day_month: Family::new(
                &format!(
                    r"(?i){B}(?:{wd},?{SP})?{d1}(?:{SP}{m1})?(?:{SPO}(?P<conn>{CONN}){SPO}{d2})?{SP}(?:of{SP})?{m2}(?:,?{SP}{y})?"
                ),
                S_DAY_MONTH,
            ),
            month_year: Family::new(
                &format!(r"(?i){B}(?:(?P<mod>early|mid|late)(?:-|{SP}))?{m1}(?:,|{SP}of)?{SP}{y}"),
                S_MONTH_YEAR,
            ),
            month: Family::new(
                &format!(
                    r"(?i){B}(?:(?P<rel>this|last|next|early|mid|late)(?:-|{SP}))?(?P<m>{MONTHS}){B}"
                ),
                S_MONTH,
            ),
            numeric: Family::new(
                r"(?-u:\b)(?:(?P<iy>[12][0-9]{3})(?P<is>[-/.])(?P<im>[01]?[0-9])(?P<is2>[-/.])(?P<id>[0-3]?[0-9])|(?P<ed>[0-3]?[0-9])(?P<es>[-/.])(?P<em>[0-3]?[0-9])(?P<es2>[-/.])(?P<ey>[12][0-9]{3}))",
                S_NUMERIC,
            ),
            year: Family::new(
                &format!(
                    r"(?i){B}(?:(?P<mod>early|mid|late)(?:-|{SP}))?(?:(?P<cn>[0-9]{{1,2}})(?:st|nd|rd|th)(?:-|{SP})century|(?P<cw>{ORD})(?:-|{SP})century|(?P<dec>1[0-9]{{2}}0|20[0-9]0)s|(?P<y>1[0-9]{{3}}|20[0-9]{{2}})(?:(?P<yys>[-–/])(?P<yy>[0-9]{{2}}))?|(?P<dec2>[0-9]0)s|(?P<decw>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)){B}"
                ),
                S_YEAR,
            ),
            apos_decade: Family::new(&format!(r"['’‘](?P<d>[0-9]0)s{B}"), S_APOS),
            relative: Family::new(
                &format!(
                    r"(?i){B}(?:(?P<rel>this|last|next){SP}(?P<unit>year|month|weekend|week|century|spring|summer|fall|autumn|winter)|(?P<ana>same|following|previous|preceding){SP}(?P<aunit>year|month|day)|(?P<that>that){SP}year|(?P<n>[0-9]{{1,3}}|{num_words})(?:{SP}|-)(?P<nunit>years?|months?|weeks?|days?|decades?|centuries|century){SP}(?P<dir>ago|later|earlier)|(?P<dayw>yesterday|tomorrow|today)){B}"
                ),
                S_RELATIVE | S_REL_N,
            ),
            weekday: Family::new(
                &format!(r"(?i){B}(?:(?P<rel>this|last|next){SP})?(?P<wd>{WEEKDAYS}){B}"),
                S_WEEKDAY,
            ),
            season_year: Family::new(
                &format!(
                    r"(?i){B}(?:(?P<mod>early|mid|late)(?:-|{SP}))?(?P<s>spring|summer|fall|autumn|winter)(?:{SP}of)?{SP}{y}"
                ),
                S_SEASON,
            ),
            connector: re(
                r"(?i)^[ \t\u{A0}]{0,3}(?:-|–|—|‒|to|through|until|till|and)[ \t\u{A0}]{0,3}$",
            ),
            present: re(&format!(
                r"(?i)^(?:{SPO}(?:-|–|—){SPO}|{SP}(?:to|until|till){SP}(?:the{SP})?)present{B}"
            )),
            ticker: re(
                r"[A-Z]{3}/[A-Z]{3}\s{0,3}=|=\s{0,3}[0-9.,]{1,20}\s{0,3}[-+]?[0-9.,]{0,20}\s{0,3}%",
            ),
            place: re(
                r"^\p{Lu}[\p{L}'’.-]+(?:[ \t]\p{Lu}[\p{L}'’.-]+){0,2}(?:[ \t]{1,3}\([^)\n]{1,30}\))?[ \t]{0,3}[,–—-][ \t]{0,3}",
            ),
            label: re(
                r"(?i)^(?:(?:published|posted|date|dated|created|released|issued)(?:[ \t]{1,3}on)?[ \t]{0,3}[:|–—-]?[ \t]{0,3})",
            ),
            start_words: start_words(),
            trail: re(
                r"(?i)^[\s,|·•–—-]{0,8}(?:(?:at\s{1,3})?[0-9]{1,2}[:.][0-9]{2}(?::[0-9]{2})?\s{0,3}(?:[ap]\.?m\.?)?\s{0,3}(?:[a-z]{2,5}(?:[+-][0-9]{1,2}(?::?[0-9]{2})?)?)?)?\s{0,8}$",
            ),
        }
    }

    /// All date mentions of `text`, in order, non-overlapping. `anchor` is the document date.
    ///
    /// ```
    /// use kinex::dates::DateFinder;
    ///
    /// let finder = DateFinder::new();
    /// let anchor = jiff::civil::date(2026, 2, 7);
    /// let text = "On January 6, 1961, the studio was renamed; last year it opened June 11-15.";
    /// let found: Vec<(&str, String)> = finder
    ///     .find(text, Some(anchor))
    ///     .into_iter()
    ///     .map(|m| (&text[m.start..m.end], m.value))
    ///     .collect();
    /// assert_eq!(
    ///     found,
    ///     [
    ///         ("January 6, 1961", "1961-01-06".to_string()),
    ///         ("last year", "2025".to_string()),
    ///         ("June 11-15", "2026-06-11/2026-06-15".to_string()),
    ///     ]
    /// );
    /// ```
    pub fn find(&self, text: &str, anchor: Option<Date>) -> Vec<DateMention> {
        let mut toks = Vec::new();
        tokenize(text, &mut toks);
        self.find_in(text, &toks, anchor)
    }

    /// As [`DateFinder::find`], given the tokens of `text`
    /// ([`tokenize`]): the patterns are tried at the word starts they
    /// give, and the text between them is not read again.
    pub fn find_in(&self, text: &str, toks: &[Token], anchor: Option<Date>) -> Vec<DateMention> {
        self.mentions(text, toks, None, anchor)
    }

    /// As [`DateFinder::find_in`], given also the tokens' flags from
    /// [`Patterns::flags_into`](crate::patterns::Patterns::flags_into)
    /// (one per token): the same mentions, with the start words read off
    /// the flags instead of looked up again.
    pub fn find_flagged(
        &self,
        text: &str,
        toks: &[Token],
        flags: &[u64],
        anchor: Option<Date>,
    ) -> Vec<DateMention> {
        self.mentions(text, toks, Some(flags), anchor)
    }

    fn mentions(
        &self,
        text: &str,
        toks: &[Token],
        flags: Option<&[u64]>,
        anchor: Option<Date>,
    ) -> Vec<DateMention> {
        self.timex_in(text, toks, flags, anchor)
            .into_iter()
            .map(|(start, end, t)| DateMention {
                start,
                end,
                value: t.to_string(),
            })
            .collect()
    }

    /// Like [`DateFinder::find`], with the values as [`Timex`].
    pub fn find_timex(&self, text: &str, anchor: Option<Date>) -> Vec<(usize, usize, Timex)> {
        let mut toks = Vec::new();
        tokenize(text, &mut toks);
        self.timex_in(text, &toks, None, anchor)
    }

    fn timex_in(
        &self,
        text: &str,
        toks: &[Token],
        flags: Option<&[u64]>,
        anchor: Option<Date>,
    ) -> Vec<(usize, usize, Timex)> {
        let mut cands = Vec::new();
        self.collect(text, toks, flags, &mut cands);
        let chosen = self.merge(text, select(cands));
        let mut ctx = Ctx {
            anchor,
            last_year: None,
            last_month: None,
            last_day: None,
        };
        let mut out = Vec::with_capacity(chosen.len());
        for c in chosen {
            if let Some(t) = ctx.resolve(&c.raw) {
                ctx.remember(&t);
                out.push((c.start, c.end, t));
            }
        }
        out
    }

    /// The article's own dateline: a date standing alone on one of the first few non-empty lines
    /// (`07 February 2026`, `Feb. 7, 2026`, `2026-02-07`, `Published: …`, `date 2025-06-16`);
    /// returns the mention (its span is a date entity too) and the date. Not a `Last update:` line, not a ticker.
    pub fn dateline(&self, text: &str) -> Option<(DateMention, Date)> {
        let mut offset = 0;
        let mut seen = 0;
        for line in text.split_inclusive('\n') {
            let line_start = offset;
            offset += line.len();
            let body = line.trim();
            if body.is_empty() || (body.len() < 200 && self.ticker.is_match(body)) {
                continue;
            }
            seen += 1;
            if seen > 6 {
                break;
            }
            if body.len() > 120 {
                continue;
            }
            let lower = body.to_lowercase();
            if [
                "last update",
                "updated",
                "last modified",
                "modified",
                "edited",
            ]
            .iter()
            .any(|p| lower.starts_with(p))
            {
                continue;
            }
            let body_start = line_start + (line.len() - line.trim_start().len());
            // `Published: …`, or a place dateline: `BISHKEK, …`,
            // `Almaty (Kazinform) – …`.
            let label = self
                .label
                .find(body)
                .or_else(|| {
                    // `+` in the pattern (a counted Unicode class is slow
                    // to search); a place name has no word over 26 letters.
                    self.place.find(body).filter(|m| {
                        let head = m.as_str().split('(').next().unwrap_or("");
                        head.split([' ', '\t', ',', '–', '—'])
                            .all(|w| w.chars().count() <= 26)
                    })
                })
                .map_or(0, |m| m.end());
            let rest = &body[label..];
            let found = self.find_timex(rest, None);
            let Some((s, e, t)) = found.first() else {
                continue;
            };
            let Some(date) = t.date() else {
                continue;
            };
            // `18/06/2025 - Uzbek director …`: a dateline leading the
            // first paragraph.
            let lede = {
                let t = rest[*e..].trim_start_matches([' ', '\t']);
                (t.starts_with("- ") || t.starts_with("– ") || t.starts_with("— "))
                    && rest[*e..].starts_with(' ')
            };
            if *s != 0 || !(self.trail.is_match(&rest[*e..]) || lede) {
                continue;
            }
            let start = body_start + label;
            let m = DateMention {
                start,
                end: start + e,
                value: t.to_string(),
            };
            return Some((m, date));
        }
        None
    }

    fn collect(&self, t: &str, toks: &[Token], flags: Option<&[u64]>, out: &mut Vec<Cand>) {
        let starts = self.starts(t, toks, flags);
        self.month_day
            .each(t, &starts, |c| self.on_month_day(t, &c, out));
        self.day_month
            .each(t, &starts, |c| self.on_day_month(t, &c, out));
        self.month_year.each(t, &starts, |c| on_month_year(&c, out));
        self.month.each_or_plain(
            t,
            &starts,
            |m| plain_words(m).is_some(),
            |hit| on_month(t, &hit, out),
        );
        self.numeric.each(t, &starts, |c| on_numeric(t, &c, out));
        self.year
            .each_or_plain(t, &starts, year_is_plain, |hit| on_year(t, &hit, out));
        // Always plain: the two digits are the group.
        self.apos_decade.each_or_plain(
            t,
            &starts,
            |_| true,
            |hit| {
                if let Hit::Plain(s, e) = hit {
                    on_apos_decade(t, s, e, out);
                }
            },
        );
        self.relative.each_or_plain(
            t,
            &starts,
            |m| plain_words(m).is_some(),
            |hit| on_relative(t, &hit, out),
        );
        self.weekday.each(t, &starts, |c| on_weekday(t, &c, out));
        self.season_year
            .each(t, &starts, |c| on_season_year(&c, out));
    }

    /// The word starts of `t` where some date pattern may begin, with the
    /// patterns (`S_*`) that may. Every pattern opens with an ASCII word
    /// boundary and an ASCII letter or digit, so only the starts of runs
    /// of ASCII letters and digits count, not after `_`; a run that goes
    /// on into `ſ` or `K` may be a case variant (`Auguſt`) and is tried
    /// with every pattern. Every such run lies inside one word token: a
    /// [`plain`](Token::plain) token is one run, other words are scanned.
    ///
    /// With `flags`, the tokens' flags from
    /// [`Patterns::flags_into`](crate::patterns::Patterns::flags_into)
    /// (see [`TOKEN_SHIFT`]), only the tokens whose flags hold start-word
    /// bits, or ask for a scan, are looked at: the same starts, without a
    /// test of every token's kind and bytes (words and marks alternate
    /// too irregularly for a branch on them to be predicted).
    fn starts(&self, t: &str, toks: &[Token], flags: Option<&[u64]>) -> Vec<(usize, u16)> {
        let b = t.as_bytes();
        let mut out = Vec::new();
        match flags {
            Some(flags) if flags.len() == toks.len() => {
                for (tok, &f) in toks.iter().zip(flags) {
                    let word = (f >> TOKEN_SHIFT) as u16;
                    if word & S_SCAN != 0 {
                        self.word_starts(b, tok, &mut out);
                    } else if word != 0 {
                        self.plain_word_start(b, tok.start, tok.end, word, &mut out);
                    }
                }
            }
            _ => {
                for tok in toks.iter().filter(|t| t.kind == Kind::Word) {
                    self.word_starts(b, tok, &mut out);
                }
            }
        }
        keep_counts_with_direction(&mut out);
        out
    }

    /// The starts inside word token `tok`.
    #[inline(always)]
    fn word_starts(&self, b: &[u8], tok: &Token, out: &mut Vec<(usize, u16)>) {
        if tok.plain {
            self.run_start(b, tok.start, tok.end, out);
            return;
        }
        let mut i = tok.start;
        while let Some(k) = b
            .get(i..tok.end)
            .and_then(|r| r.iter().position(|&x| is_ascii_alnum(x)))
        {
            i += k;
            let j = b[i..tok.end]
                .iter()
                .position(|&x| !is_ascii_alnum(x))
                .map_or(tok.end, |k| i + k);
            self.run_start(b, i, j, out);
            i = j;
        }
    }

    /// As [`run_start`](Self::run_start) for a plain token `b[i..j]` with
    /// a letter first whose [`StartWords::of_word`] bits are `word`: no
    /// `'80s` can start there, and the text around it decides the rest.
    /// (The char after a plain token is no letter, so no `ſ` or `K`
    /// either; it is tested all the same, as `run_start` does.)
    #[inline(always)]
    fn plain_word_start(
        &self,
        b: &[u8],
        i: usize,
        j: usize,
        word: u16,
        out: &mut Vec<(usize, u16)>,
    ) {
        let bits = if folds_to_ascii(b.get(j..).unwrap_or_default()) {
            S_ALL
        } else {
            word
        };
        if bits != 0 && !(i > 0 && b.get(i - 1) == Some(&b'_')) {
            out.push((i, bits));
        }
    }

    /// Records the patterns that may begin at `b[i..j]`, a maximal run of
    /// ASCII letters and digits.
    #[inline(always)]
    fn run_start(&self, b: &[u8], i: usize, j: usize, out: &mut Vec<(usize, u16)>) {
        let rest = b.get(j..).unwrap_or_default();
        let run = b.get(i..j).unwrap_or_default();
        // Most runs are words of no start word's shape: turned away by one
        // table load, inline, before the tests of rarer cases.
        let Some(&first) = run.first() else { return };
        if let Some(q) = apos_before(b, i, run) {
            out.push((q, S_APOS));
        }
        if first.is_ascii_alphabetic()
            && !self.start_words.shapes.may_hold(run)
            && !folds_to_ascii(rest)
        {
            return;
        }
        if i > 0 && b.get(i - 1) == Some(&b'_') {
            return;
        }
        let bits = if folds_to_ascii(rest) {
            S_ALL
        } else if first.is_ascii_digit() {
            digit_starts(run, rest.first().copied())
        } else {
            self.start_words.map.get(run).unwrap_or(0)
        };
        if bits != 0 {
            out.push((i, bits));
        }
    }

    fn on_month_day(&self, t: &str, c: &Caps, out: &mut Vec<Cand>) {
        let (Some(all), Some(m1)) = (c.get(0), c.name("m1")) else {
            return;
        };
        if !starts_upper(m1.as_str()) || is_quantity_day(t, all.start()) {
            return;
        }
        let Some(mn1) = month_num(m1.as_str()) else {
            return;
        };
        let Some(dd1) = num::<i8>(c, "d1") else {
            return;
        };
        let y: Option<i16> = num(c, "y");
        // A lower-case weekday is left out of the span rather than failing the date.
        let start = match c.name("wd") {
            Some(w) if starts_upper(w.as_str()) => all.start(),
            _ => m1.start(),
        };
        let second = c.name("d2").and_then(|d2| {
            let dd2: i8 = d2.as_str().parse().ok()?;
            let mn2 = match c.name("m2") {
                Some(m2) if !starts_upper(m2.as_str()) => return None,
                Some(m2) => month_num(m2.as_str())?,
                None => mn1,
            };
            (mn2 != mn1 || dd2 > dd1).then_some((mn2, dd2))
        });
        let (raw, end) = match second {
            Some((mn2, dd2)) => {
                // `December 28 – January 3, 2026`: the start is in the year before.
                let y1 = if mn1 > mn2 {
                    y.and_then(|y| year_ok(i32::from(y) - 1))
                } else {
                    y
                };
                if !valid_day(y1, mn1, dd1) || !valid_day(y, mn2, dd2) {
                    return;
                }
                let raw = Raw::Range(
                    Box::new(Raw::Abs(Timex::Day(y1, Some(mn1), Some(dd1)))),
                    Box::new(Raw::Abs(Timex::Day(y, Some(mn2), Some(dd2)))),
                );
                (raw, all.end())
            }
            None if c.name("d2").is_some() => {
                // An impossible range: keep the first day alone.
                let Some(d1) = c.name("d1") else { return };
                if !valid_day(None, mn1, dd1) {
                    return;
                }
                let end = day_end(t, d1.end());
                (Raw::Abs(Timex::Day(None, Some(mn1), Some(dd1))), end)
            }
            None => {
                if !valid_day(y, mn1, dd1) {
                    return;
                }
                (Raw::Abs(Timex::Day(y, Some(mn1), Some(dd1))), all.end())
            }
        };
        out.push(Cand { start, end, raw });
    }

    fn on_day_month(&self, t: &str, c: &Caps, out: &mut Vec<Cand>) {
        let (Some(all), Some(m2), Some(d1)) = (c.get(0), c.name("m2"), c.name("d1")) else {
            return;
        };
        if !starts_upper(m2.as_str()) || is_quantity_day(t, d1.start()) {
            return;
        }
        if matches!(
            prev_char(t, d1.start()),
            Some('.' | ',' | '$' | '€' | '£' | '#' | '/' | '+')
        ) {
            return;
        }
        let (Some(mn2), Some(dd1)) = (month_num(m2.as_str()), num::<i8>(c, "d1")) else {
            return;
        };
        let y: Option<i16> = num(c, "y");
        let start = match c.name("wd") {
            Some(w) if starts_upper(w.as_str()) => all.start(),
            _ => d1.start(),
        };
        let raw = match (c.name("m1"), num::<i8>(c, "d2")) {
            (Some(m1), Some(dd2)) => {
                if !starts_upper(m1.as_str()) {
                    return;
                }
                let Some(mn1) = month_num(m1.as_str()) else {
                    return;
                };
                let y1 = if mn1 > mn2 {
                    y.and_then(|y| year_ok(i32::from(y) - 1))
                } else {
                    y
                };
                if !valid_day(y1, mn1, dd1) || !valid_day(y, mn2, dd2) || (mn1 == mn2 && dd2 <= dd1)
                {
                    return;
                }
                Raw::Range(
                    Box::new(Raw::Abs(Timex::Day(y1, Some(mn1), Some(dd1)))),
                    Box::new(Raw::Abs(Timex::Day(y, Some(mn2), Some(dd2)))),
                )
            }
            (None, Some(dd2)) => {
                if dd2 <= dd1 || !valid_day(y, mn2, dd1) || !valid_day(y, mn2, dd2) {
                    return;
                }
                Raw::Range(
                    Box::new(Raw::Abs(Timex::Day(y, Some(mn2), Some(dd1)))),
                    Box::new(Raw::Abs(Timex::Day(y, Some(mn2), Some(dd2)))),
                )
            }
            // `3 March 5 June` cannot happen without a connector; ignore.
            (Some(_), None) => return,
            (None, None) => {
                if !valid_day(y, mn2, dd1) {
                    return;
                }
                Raw::Abs(Timex::Day(y, Some(mn2), Some(dd1)))
            }
        };
        out.push(Cand {
            start,
            end: all.end(),
            raw,
        });
    }

    /// Joins `A – B`, `A to B`, `between A and B` into ranges, and `A-present`.
    fn merge(&self, t: &str, cands: Vec<Cand>) -> Vec<Cand> {
        let mut out: Vec<Cand> = Vec::with_capacity(cands.len());
        for c in cands {
            if let Some(prev) = out.last_mut() {
                if let Some(merged) = self.try_merge(t, prev, &c) {
                    *prev = merged;
                    continue;
                }
            }
            out.push(c);
        }
        for c in &mut out {
            let year_like = matches!(
                c.raw,
                Raw::Abs(Timex::Year(Some(_)) | Timex::Decade(Some(_)) | Timex::Century(Some(_)))
            );
            if !year_like {
                continue;
            }
            let Some(tail) = t.get(c.end..) else { continue };
            // A short look-ahead is enough and keeps this linear.
            let cut = (0..=tail.len().min(40))
                .rev()
                .find(|&k| tail.is_char_boundary(k))
                .unwrap_or(0);
            let tail = &tail[..cut];
            if let Some(m) = self.present.find(tail) {
                c.end += m.end();
                let left = std::mem::replace(&mut c.raw, Raw::RelDay(0));
                c.raw = Raw::Range(Box::new(left), Box::new(Raw::Abs(Timex::PresentRef)));
            }
        }
        out
    }

    fn try_merge(&self, t: &str, a: &Cand, b: &Cand) -> Option<Cand> {
        if b.start < a.end || b.start - a.end > 12 {
            return None;
        }
        let gap = t.get(a.end..b.start)?;
        if !self.connector.is_match(gap) {
            return None;
        }
        let is_and = gap.trim().eq_ignore_ascii_case("and");
        let (Raw::Abs(x), Raw::Abs(y)) = (&a.raw, &b.raw) else {
            return None;
        };
        let yearish = |v: &Timex| {
            matches!(
                v,
                Timex::Year(Some(_)) | Timex::Decade(Some(_)) | Timex::Century(Some(_))
            )
        };
        let dayish = |v: &Timex| matches!(v, Timex::Day(..) | Timex::Month(..));
        let (x, y) = if yearish(x) && yearish(y) {
            (x.clone(), y.clone())
        } else if dayish(x) && dayish(y) {
            inherit_year(x, y)
        } else {
            return None;
        };
        let mut start = a.start;
        if is_and {
            // Only `between A and B` is a range; `in 2012 and 2013` is two dates.
            let (w, ws) = prev_word(t, a.start)?;
            if !w.eq_ignore_ascii_case("between") {
                return None;
            }
            start = ws;
        }
        Some(Cand {
            start,
            end: b.end,
            raw: Raw::Range(Box::new(Raw::Abs(x)), Box::new(Raw::Abs(y))),
        })
    }
}

/// Drops `S_REL_N` from the counts with no direction word (`S_DIR`)
/// within `REL_SPAN` bytes after them: a count opens a relative date only
/// as `3 days ago`, and most counts (`a`, `one`, `12`) are none.
fn keep_counts_with_direction(starts: &mut [(usize, u16)]) {
    let mut dir: Option<usize> = None;
    for (p, bits) in starts.iter_mut().rev() {
        if *bits & S_DIR != 0 {
            dir = Some(*p);
        }
        if *bits & S_REL_N != 0 && dir.is_none_or(|d| d.saturating_sub(*p) > REL_SPAN) {
            *bits &= !S_REL_N;
        }
    }
}

/// In `June 28 – July 3, 2025` the first date takes the year of the second.
fn inherit_year(x: &Timex, y: &Timex) -> (Timex, Timex) {
    let parts = |v: &Timex| match v {
        Timex::Day(y, m, _) | Timex::Month(y, m) => (*y, *m),
        _ => (None, None),
    };
    let with_year = |v: &Timex, yr: Option<i16>| match v {
        Timex::Day(_, m, d) if m.is_some_and(|m| valid_day(yr, m, d.unwrap_or(1))) => {
            Timex::Day(yr, *m, *d)
        }
        Timex::Month(_, m) => Timex::Month(yr, *m),
        _ => v.clone(),
    };
    let ((y1, m1), (y2, m2)) = (parts(x), parts(y));
    match (y1, y2) {
        (None, Some(yy)) => {
            let yr = if m1 > m2 {
                year_ok(i32::from(yy) - 1)
            } else {
                Some(yy)
            };
            (with_year(x, yr), y.clone())
        }
        (Some(yx), None) => {
            let yr = if m1 > m2 {
                year_ok(i32::from(yx) + 1)
            } else {
                Some(yx)
            };
            (x.clone(), with_year(y, yr))
        }
        _ => (x.clone(), y.clone()),
    }
}

/// End of a day number with its ordinal suffix (`14th`).
fn day_end(t: &str, e: usize) -> usize {
    let tail = t.get(e..e + 2).unwrap_or("");
    if ["st", "nd", "rd", "th"]
        .iter()
        .any(|s| tail.eq_ignore_ascii_case(s))
    {
        e + 2
    } else {
        e
    }
}

/// `5,14 January`, `1.5 May`: the day number is part of a larger number.
fn is_quantity_day(t: &str, start: usize) -> bool {
    matches!(prev_char(t, start), Some(c) if c.is_ascii_digit())
}

/// Keeps the candidates that cover most text: longest first, no overlaps.
fn select(mut cands: Vec<Cand>) -> Vec<Cand> {
    cands.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(a.start.cmp(&b.start))
    });
    let mut taken: BTreeMap<usize, Cand> = BTreeMap::new();
    for c in cands {
        if c.end <= c.start {
            continue;
        }
        let before = taken.range(..c.end).next_back();
        if before.is_some_and(|(_, p)| p.end > c.start) {
            continue;
        }
        taken.insert(c.start, c);
    }
    taken.into_values().collect()
}

fn on_month_year(c: &Caps, out: &mut Vec<Cand>) {
    let (Some(all), Some(m)) = (c.get(0), c.name("m1")) else {
        return;
    };
    if !starts_upper(m.as_str()) {
        return;
    }
    let (Some(mn), y) = (month_num(m.as_str()), num::<i16>(c, "y")) else {
        return;
    };
    let start = if c.name("mod").is_some() {
        all.start()
    } else {
        m.start()
    };
    out.push(Cand {
        start,
        end: all.end(),
        raw: Raw::Abs(Timex::Month(y, Some(mn))),
    });
}

/// The two parts of a match of one or two runs of ASCII letters with
/// spaces or tabs between them (`last year`), as offsets into `m`: the
/// second part is empty for one word. `None` for any other text (a
/// hyphen, a digit, a no-break space, a third word, a non-ASCII letter).
fn plain_words(m: &str) -> Option<((usize, usize), (usize, usize))> {
    let b = m.as_bytes();
    let first = b
        .iter()
        .position(|x| !x.is_ascii_alphabetic())
        .unwrap_or(b.len());
    if first == 0 {
        return None;
    }
    if first == b.len() {
        return Some(((0, first), (first, first)));
    }
    let second = first + b[first..].iter().position(|x| !matches!(x, b' ' | b'\t'))?;
    (b[second..].iter().all(u8::is_ascii_alphabetic) && second < b.len())
        .then_some(((0, first), (second, b.len())))
}

/// A word of a match, as a byte span `(start, end)` of the text.
type Part = (usize, usize);

/// [`plain_words`] of the match `t[s..e]`, as spans of `t`: the first
/// word and, if there is one, the second.
fn plain_spans(t: &str, s: usize, e: usize) -> Option<(Part, Option<Part>)> {
    let ((a0, a1), (b0, b1)) = plain_words(t.get(s..e)?)?;
    Some(((s + a0, s + a1), (b0 < b1).then_some((s + b0, s + b1))))
}

/// The groups of a month match, as spans.
struct MonthGroups {
    all: (usize, usize),
    m: (usize, usize),
    rel: Option<(usize, usize)>,
}

impl MonthGroups {
    /// A plain match is the name alone (`May`) or a modifier and the name
    /// (`last June`).
    fn of(t: &str, hit: &Hit) -> Option<Self> {
        let span = |m: Group| (m.start(), m.end());
        Some(match hit {
            Hit::Plain(s, e) => match plain_spans(t, *s, *e)? {
                (first, None) => MonthGroups {
                    all: (*s, *e),
                    m: first,
                    rel: None,
                },
                (first, Some(second)) => MonthGroups {
                    all: (*s, *e),
                    m: second,
                    rel: Some(first),
                },
            },
            Hit::Groups(c) => MonthGroups {
                all: c.get(0).map(span)?,
                m: c.name("m").map(span)?,
                rel: c.name("rel").map(span),
            },
        })
    }
}

fn on_month(t: &str, hit: &Hit, out: &mut Vec<Cand>) {
    let Some(c) = MonthGroups::of(t, hit) else {
        return;
    };
    let text = |(s, e): (usize, usize)| t.get(s..e).unwrap_or_default();
    let name = text(c.m);
    if !starts_upper(name) {
        return;
    }
    let Some(mn) = month_num(name) else { return };
    let rel = c.rel.map(|r| text(r).to_ascii_lowercase());
    let raw = match rel.as_deref() {
        Some("this") => Raw::RelMonthName(0, mn),
        Some("last") => Raw::RelMonthName(-1, mn),
        Some("next") => Raw::RelMonthName(1, mn),
        Some(_) => Raw::Abs(Timex::Month(None, Some(mn))),
        None => {
            if !bare_name_is_date(t, c.m.0, c.m.1, matches!(mn, 3 | 5)) {
                return;
            }
            Raw::Abs(Timex::Month(None, Some(mn)))
        }
    };
    out.push(Cand {
        start: c.all.0,
        end: c.all.1,
        raw,
    });
}

/// Whether a bare month or weekday name is a date and not part of a name
/// (`August Diehl`, `Bloody Sunday`) or a verb (`may`, `march`).
fn bare_name_is_date(t: &str, start: usize, end: usize, strict: bool) -> bool {
    let prev = prev_word(t, start);
    let prev_is_prep = prev.is_some_and(|(w, _)| in_list(w, PREP));
    if prev.is_some_and(|(w, _)| in_list(w, &["each", "every"])) {
        return false;
    }
    if strict {
        // `May` and `March` need a preposition, or a list of months before.
        return prev_is_prep
            || prev.is_some_and(|(w, _)| MONTHS.split('|').any(|m| m.eq_ignore_ascii_case(w)));
    }
    let next_upper = next_word(t, end).is_some_and(starts_upper)
        && !matches!(next_char(t, end), Some(',' | '.' | ';' | ':'));
    // `to Sunday Morning` is a title; `on Sunday Kazakh filmmakers …` a date.
    if prev_is_prep && (!next_upper || prev.is_some_and(|(w, _)| in_list(w, TEMPORAL))) {
        return true;
    }
    // `Bloody Sunday`, `Director June Kim`: part of a name.
    if prev.is_some_and(|(w, _)| starts_upper(w)) {
        return false;
    }
    !next_upper
}

fn on_numeric(t: &str, c: &Caps, out: &mut Vec<Cand>) {
    let Some(all) = c.get(0) else { return };
    // Part of a longer number, a version or an IP address.
    if matches!(prev_char(t, all.start()), Some(ch) if ch.is_ascii_digit() || matches!(ch, '.' | '-' | '/' | ',' | ':'))
    {
        return;
    }
    if prev_word(t, all.start()).is_some_and(|(w, _)| {
        in_list(
            w,
            &[
                "version", "v", "ver", "release", "build", "no", "number", "ip",
            ],
        )
    }) {
        return;
    }
    match next_char(t, all.end()) {
        Some(ch) if is_alphanumeric(ch) && ch != 'T' => return,
        Some('T') if !second_char(t, all.end()).is_some_and(|d| d.is_ascii_digit()) => return,
        Some('.' | '-' | '/' | ',' | ':')
            if second_char(t, all.end()).is_some_and(|d| d.is_ascii_digit()) =>
        {
            return
        }
        _ => {}
    }
    let (y, m, d) = if c.name("iy").is_some() {
        if c.name("is").map(|m| m.as_str()) != c.name("is2").map(|m| m.as_str()) {
            return;
        }
        let (Some(y), Some(m), Some(d)) =
            (num::<i16>(c, "iy"), num::<i8>(c, "im"), num::<i8>(c, "id"))
        else {
            return;
        };
        (y, m, d)
    } else {
        let sep = c.name("es").map(|m| m.as_str());
        if sep != c.name("es2").map(|m| m.as_str()) {
            return;
        }
        let (Some(y), Some(a), Some(b)) =
            (num::<i16>(c, "ey"), num::<i8>(c, "ed"), num::<i8>(c, "em"))
        else {
            return;
        };
        // Day first, as in the region's press; month first only if it must be.
        if a <= 31 && b <= 12 {
            (y, b, a)
        } else if sep == Some("/") && a <= 12 && b <= 31 {
            (y, a, b)
        } else {
            return;
        }
    };
    if !(1000..=2099).contains(&y) || !valid_day(Some(y), m, d) {
        return;
    }
    out.push(Cand {
        start: all.start(),
        end: all.end(),
        raw: Raw::Abs(Timex::Day(Some(y), Some(m), Some(d))),
    });
}

/// Whether a bare four-digit number is a quantity, an identifier or money.
fn year_is_quantity(t: &str, start: usize, end: usize) -> bool {
    if matches!(prev_char(t, start), Some(ch) if ch.is_ascii_digit() || matches!(ch, '.' | ',' | '$' | '€' | '£' | '¥' | '₸' | '₽' | '#' | '/' | ':' | '+' | '=' | '@' | '_' | '\\' | '№' | '×'))
    {
        return true;
    }
    let after = next_char(t, end);
    let after2 = second_char(t, end);
    match after {
        Some('%' | '×' | '_' | '@') => return true,
        Some('.' | ',' | ':' | '/') if after2.is_some_and(|d| d.is_ascii_digit()) => return true,
        Some('-') if after2.is_some_and(|d| d.is_ascii_lowercase()) => {
            // `2000-year-old`, `1500-seat`, but `1990-present` is a range.
            let w = next_word(t, end + 1).unwrap_or("");
            if !w.eq_ignore_ascii_case("present") {
                return true;
            }
        }
        // `width="1060"`: an attribute value.
        Some('"' | '\'')
            if t.get(..start)
                .is_some_and(|h| h.ends_with("=\"") || h.ends_with("='")) =>
        {
            return true;
        }
        _ => {}
    }
    let prev = prev_word(t, start);
    // `+7 727 2001 555`: one group of a phone or account number.
    let digits = |w: &str| w.chars().all(|c| c.is_ascii_digit());
    if prev.is_some_and(|(w, _)| digits(w)) || next_word(t, end).is_some_and(digits) {
        return true;
    }
    if prev.is_some_and(|(w, _)| in_list(w, QUANTITY_BEFORE)) {
        // `some 1939 …` never happens, `some 1500 people` does; but `of 1916` is
        // common for years, so `of`/`about` only count before a quantity noun.
        let weak = prev.is_some_and(|(w, _)| in_list(w, &["of", "about", "over", "some"]));
        if !weak {
            return true;
        }
    }
    if let Some(w) = next_word(t, end) {
        // `1500 people`; skip over `,`-less continuation only (no punctuation between).
        if next_char(t, end).is_some_and(is_space) {
            if in_list(w, QUANTITY_NOUNS) {
                return true;
            }
            let plural = w.len() > 3
                && w.ends_with('s')
                && w.chars().all(|c| c.is_ascii_lowercase())
                && !in_list(w, NOT_PLURAL);
            let licensed = prev.is_some_and(|(p, _)| in_list(p, YEAR_LICENSE));
            if plural && !licensed {
                return true;
            }
            if plural || in_list(w, &["million", "billion", "thousand"]) {
                let weak = prev.is_some_and(|(p, _)| in_list(p, &["of", "about", "over", "some"]));
                if weak || !licensed {
                    return true;
                }
            }
        }
    }
    // `over 2000` / `about 1500` without a noun: read as years only after `about`.
    prev.is_some_and(|(w, _)| in_list(w, &["over", "some"]))
        && !next_word(t, end).is_some_and(starts_upper)
}

/// `2025` or `1980s`: the two shapes most matches of the year pattern
/// take. Four digits can only be its `y` group (every other alternative
/// needs a letter); four digits and an `s` only its `dec` group (`y` would
/// need a word boundary before the `s`, `dec2` has two digits).
fn year_is_plain(m: &str) -> bool {
    let b = m.as_bytes();
    match b.len() {
        4 => b.iter().all(u8::is_ascii_digit),
        5 => b[..4].iter().all(u8::is_ascii_digit) && matches!(b[4], b's' | b'S'),
        _ => false,
    }
}

/// The groups of a year match, as spans.
#[derive(Default)]
struct YearGroups {
    all: (usize, usize),
    modifier: Option<(usize, usize)>,
    cn: Option<(usize, usize)>,
    cw: Option<(usize, usize)>,
    dec: Option<(usize, usize)>,
    dec2: Option<(usize, usize)>,
    decw: Option<(usize, usize)>,
    y: Option<(usize, usize)>,
    yys: Option<(usize, usize)>,
    yy: Option<(usize, usize)>,
}

impl YearGroups {
    fn of(hit: &Hit) -> Option<Self> {
        let span = |m: Group| (m.start(), m.end());
        Some(match hit {
            Hit::Plain(s, e) if e - s == 4 => YearGroups {
                all: (*s, *e),
                y: Some((*s, *e)),
                ..Default::default()
            },
            Hit::Plain(s, e) => YearGroups {
                all: (*s, *e),
                dec: Some((*s, *s + 4)),
                ..Default::default()
            },
            Hit::Groups(c) => {
                let g = |name| c.name(name).map(span);
                YearGroups {
                    all: c.get(0).map(span)?,
                    modifier: g("mod"),
                    cn: g("cn"),
                    cw: g("cw"),
                    dec: g("dec"),
                    dec2: g("dec2"),
                    decw: g("decw"),
                    y: g("y"),
                    yys: g("yys"),
                    yy: g("yy"),
                }
            }
        })
    }
}

fn on_year(t: &str, hit: &Hit, out: &mut Vec<Cand>) {
    let Some(c) = YearGroups::of(hit) else { return };
    let text = |(s, e): (usize, usize)| &t[s..e];
    let (start, mut end) = c.all;
    let raw = if let Some(n) = c.cn {
        let Ok(n) = text(n).parse::<i16>() else {
            return;
        };
        if !(1..=21).contains(&n) {
            return;
        }
        Timex::Century(Some(n - 1))
    } else if let Some(w) = c.cw {
        let Some(n) = ordinal_num(text(w)) else {
            return;
        };
        Timex::Century(Some(n - 1))
    } else if let Some(d) = c.dec {
        let Ok(d) = text(d).parse::<i16>() else {
            return;
        };
        match d {
            1000 => return,
            // `the 1800s` is a century; `the 2000s` is the decade.
            d if d % 100 == 0 && d != 2000 => Timex::Century(Some(d / 100)),
            d => Timex::Decade(Some(d / 10)),
        }
    } else if let Some(d) = c.dec2.or(c.decw) {
        // `the 90s`, `the nineties`, but `her 90s` is an age.
        let head = c.modifier.map_or(start, |m| m.0);
        if !prev_word(t, head).is_some_and(|(w, _)| w.eq_ignore_ascii_case("the")) {
            return;
        }
        let k: i16 = match text(d).to_ascii_lowercase().as_str() {
            "twenties" => 2,
            "thirties" => 3,
            "forties" => 4,
            "fifties" => 5,
            "sixties" => 6,
            "seventies" => 7,
            "eighties" => 8,
            "nineties" => 9,
            s => match s.parse::<i16>() {
                Ok(v) => v / 10,
                Err(_) => return,
            },
        };
        Timex::Decade(Some(if k >= 2 { 190 + k } else { 200 + k }))
    } else if let Some(ym) = c.y {
        let Ok(y) = text(ym).parse::<i16>() else {
            return;
        };
        let mut value = Timex::Year(Some(y));
        if let Some(yy) = c.yy {
            let two: i16 = text(yy).parse().unwrap_or(-1);
            let end_year = y - y % 100 + two;
            let sep_ok = c.yys.is_some_and(|s| text(s) != "-" || two != 0);
            if two >= 0 && end_year > y && end_year - y <= 10 && sep_ok {
                value = Timex::Range(
                    Box::new(Timex::Year(Some(y))),
                    Box::new(Timex::Year(Some(end_year))),
                );
            } else {
                end = ym.1;
            }
        }
        if year_is_quantity(t, ym.0, end) {
            return;
        }
        value
    } else {
        return;
    };
    let raw = match raw {
        Timex::Range(a, b) => Raw::Range(Box::new(Raw::Abs(*a)), Box::new(Raw::Abs(*b))),
        v => Raw::Abs(v),
    };
    out.push(Cand { start, end, raw });
}

/// Where the quote mark of a `'80s` decade starts, if the ASCII run
/// `run` at `i` is the `80s` after one (`'`, `‘` or `’`).
fn apos_before(b: &[u8], i: usize, run: &[u8]) -> Option<usize> {
    if !matches!(run, [d, b'0', b's'] if d.is_ascii_digit()) {
        return None;
    }
    match b.get(..i)? {
        [.., b'\''] => Some(i - 1),
        [.., 0xE2, 0x80, 0x98 | 0x99] => Some(i - 3),
        _ => None,
    }
}

/// The `'80s` decade matched at `t[start..end]`.
fn on_apos_decade(t: &str, start: usize, end: usize, out: &mut Vec<Cand>) {
    if prev_char(t, start).is_some_and(is_alphanumeric) {
        return;
    }
    // The match ends with the two digits and `s`.
    let Some(Ok(k)) = end
        .checked_sub(3)
        .and_then(|d| t.get(d..end - 1))
        .map(str::parse::<i16>)
    else {
        return;
    };
    let k = k / 10;
    let dec = if k >= 2 { 190 + k } else { 200 + k };
    out.push(Cand {
        start,
        end,
        raw: Raw::Abs(Timex::Decade(Some(dec))),
    });
}

/// The groups of a relative match, as spans.
#[derive(Debug, Default, PartialEq, Eq)]
struct RelGroups {
    all: (usize, usize),
    rel: Option<(usize, usize)>,
    unit: Option<(usize, usize)>,
    ana: Option<(usize, usize)>,
    aunit: Option<(usize, usize)>,
    that: Option<(usize, usize)>,
    n: Option<(usize, usize)>,
    nunit: Option<(usize, usize)>,
    dir: Option<(usize, usize)>,
    dayw: Option<(usize, usize)>,
}

impl RelGroups {
    /// A plain match is one word (`today`: only the last alternative
    /// matches one word) or two (`last year`, `same day`, `that year`:
    /// the count alternative needs three); its first word tells which
    /// alternative matched.
    fn of(t: &str, hit: &Hit) -> Option<Self> {
        let span = |m: Group| (m.start(), m.end());
        Some(match hit {
            Hit::Plain(s, e) => {
                let all = (*s, *e);
                let (first, second) = plain_spans(t, *s, *e)?;
                let Some(second) = second else {
                    return Some(RelGroups {
                        all,
                        dayw: Some(first),
                        ..Default::default()
                    });
                };
                let w = t.get(first.0..first.1)?.to_ascii_lowercase();
                match w.as_str() {
                    "this" | "last" | "next" => RelGroups {
                        all,
                        rel: Some(first),
                        unit: Some(second),
                        ..Default::default()
                    },
                    "same" | "following" | "previous" | "preceding" => RelGroups {
                        all,
                        ana: Some(first),
                        aunit: Some(second),
                        ..Default::default()
                    },
                    "that" => RelGroups {
                        all,
                        that: Some(first),
                        ..Default::default()
                    },
                    _ => return None,
                }
            }
            Hit::Groups(c) => {
                let g = |name| c.name(name).map(span);
                RelGroups {
                    all: c.get(0).map(span)?,
                    rel: g("rel"),
                    unit: g("unit"),
                    ana: g("ana"),
                    aunit: g("aunit"),
                    that: g("that"),
                    n: g("n"),
                    nunit: g("nunit"),
                    dir: g("dir"),
                    dayw: g("dayw"),
                }
            }
        })
    }
}

fn on_relative(t: &str, hit: &Hit, out: &mut Vec<Cand>) {
    let Some(c) = RelGroups::of(t, hit) else {
        return;
    };
    let text = |(s, e): (usize, usize)| t.get(s..e).unwrap_or_default();
    let (start, end) = c.all;
    let prev = prev_word(t, start).map(|(w, _)| w.to_ascii_lowercase());
    let prev = prev.as_deref();
    let raw = if let (Some(rel), Some(unit)) = (c.rel.map(text), c.unit.map(text)) {
        let rel = rel.to_ascii_lowercase();
        let k = match rel.as_str() {
            "last" => -1,
            "next" => 1,
            _ => 0,
        };
        let unit = unit.to_ascii_lowercase();
        // `the last year` / `over the next month` are durations.
        if prev == Some("the") && k != 0 && unit != "century" {
            return;
        }
        match unit.as_str() {
            "year" => Raw::RelYear(k),
            "month" => Raw::RelMonth(k),
            "week" => Raw::RelWeek(k),
            "weekend" => Raw::RelWeekend(k),
            "century" => Raw::RelCentury(k),
            s => match Season::from_word(s) {
                Some(season) => Raw::RelSeason(k, season),
                None => return,
            },
        }
    } else if let (Some(ana), Some(unit)) = (c.ana.map(text), c.aunit.map(text)) {
        if !matches!(prev, Some("the" | "that")) {
            return;
        }
        let k = match ana.to_ascii_lowercase().as_str() {
            "same" => 0,
            "following" => 1,
            _ => -1,
        };
        let Some(u) = unit_of(unit) else {
            return;
        };
        Raw::Same(u, k)
    } else if c.that.is_some() {
        Raw::Same(Unit::Year, 0)
    } else if let (Some(n), Some(unit), Some(dir)) =
        (c.n.map(text), c.nunit.map(text), c.dir.map(text))
    {
        let (Some(n), Some(u)) = (number_value(n), unit_of(unit)) else {
            return;
        };
        match dir.to_ascii_lowercase().as_str() {
            "ago" => Raw::Ago(n, u),
            "later" => Raw::Later(n, u),
            _ => Raw::Later(-n, u),
        }
    } else if let Some(w) = c.dayw.map(text) {
        let w = w.to_ascii_lowercase();
        if prev == Some("of") {
            return;
        }
        match w.as_str() {
            "yesterday" => Raw::RelDay(-1),
            "tomorrow" => Raw::RelDay(1),
            _ => {
                if !today_is_date(t, end, prev) {
                    return;
                }
                Raw::RelDay(0)
            }
        }
    } else {
        return;
    };
    out.push(Cand { start, end, raw });
}

/// `today` as the date of the news (`announced today`, `today at 7 pm`), not
/// the generic present (`Today, Kazakhstan produces …`, `today's world`).
fn today_is_date(t: &str, end: usize, prev: Option<&str>) -> bool {
    #[rustfmt::skip]
    const VERBS: &[&str] = &[
        "earlier", "later", "announced", "announces", "opens", "opened", "starts", "started",
        "begins", "began", "premieres", "premiered", "launches", "launched", "closes", "closed",
        "ends", "ended", "released", "unveiled", "said", "says", "told", "revealed", "reported",
        "held", "open", "start", "begin", "premiere", "launch", "close", "end", "kicks", "kicked",
        "published", "signed", "confirmed", "issued",
    ];
    if matches!(next_char(t, end), Some('\'' | '’')) {
        return false;
    }
    if prev.is_some_and(|w| in_list(w, VERBS)) || prev == Some("off") {
        return true;
    }
    match next_word(t, end) {
        Some(w) if in_list(w, &["morning", "afternoon", "evening", "night"]) => true,
        Some("at") => {
            next_word(t, end + 3).is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        }
        _ => {
            // `today (Feb. 7)` / `today, Monday,`.
            let tail = t.get(end..).unwrap_or("");
            let tail = tail.trim_start_matches([' ', ',', '(']);
            weekday_num(tail.get(..3).unwrap_or("")).is_some()
                && tail
                    .get(..6)
                    .is_some_and(|s| s.to_ascii_lowercase().contains("day"))
        }
    }
}

fn on_weekday(t: &str, c: &Caps, out: &mut Vec<Cand>) {
    let (Some(all), Some(w)) = (c.get(0), c.name("wd")) else {
        return;
    };
    if !starts_upper(w.as_str()) {
        return;
    }
    let Some(n) = weekday_num(w.as_str()) else {
        return;
    };
    let k = match c
        .name("rel")
        .map(|r| r.as_str().to_ascii_lowercase())
        .as_deref()
    {
        Some("last") => -1,
        Some("next") => 1,
        Some(_) => 2,
        None => {
            if !bare_name_is_date(t, w.start(), w.end(), false) {
                return;
            }
            0
        }
    };
    out.push(Cand {
        start: all.start(),
        end: all.end(),
        raw: Raw::Weekday(k, n),
    });
}

fn on_season_year(c: &Caps, out: &mut Vec<Cand>) {
    let (Some(all), Some(s)) = (c.get(0), c.name("s")) else {
        return;
    };
    let (Some(season), Some(y)) = (Season::from_word(s.as_str()), num::<i16>(c, "y")) else {
        return;
    };
    out.push(Cand {
        start: all.start(),
        end: all.end(),
        raw: Raw::Abs(Timex::Season(Some(y), season)),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    /// One finder for the proptests: building one takes a while.
    static FINDER: std::sync::LazyLock<DateFinder> = std::sync::LazyLock::new(DateFinder::new);

    fn spans(text: &str, anchor: Option<Date>) -> Vec<(String, String)> {
        DateFinder::new()
            .find(text, anchor)
            .into_iter()
            .map(|m| (text[m.start..m.end].to_string(), m.value))
            .collect()
    }

    fn one(text: &str, anchor: Option<Date>) -> (String, String) {
        let v = spans(text, anchor);
        assert_eq!(v.len(), 1, "{text}: {v:?}");
        v[0].clone()
    }

    #[test]
    fn timex_display() {
        assert_eq!(
            Timex::Day(None, Some(1), Some(14)).to_string(),
            "XXXX-01-14"
        );
        assert_eq!(Timex::Decade(Some(193)).to_string(), "193X");
        assert_eq!(Timex::Century(Some(17)).to_string(), "17XX");
        assert_eq!(Timex::Week(Some((2026, 6))).to_string(), "2026-W06");
        assert_eq!(Timex::Weekday(7).to_string(), "XXXX-WXX-7");
        assert_eq!(
            Timex::Range(
                Box::new(Timex::Decade(Some(201))),
                Box::new(Timex::PresentRef)
            )
            .to_string(),
            "201X/PRESENT_REF"
        );
    }

    #[test]
    fn anchored_relatives() {
        let a = Some(date(2026, 2, 7));
        assert_eq!(one("It opened last year.", a).1, "2025");
        assert_eq!(one("It opens this week.", a).1, "2026-W06");
        assert_eq!(one("It opens next month.", a).1, "2026-03");
        assert_eq!(one("It happened 30 years ago.", a).1, "1996");
        assert_eq!(one("It opened on Sunday.", a).1, "2026-02-01");
        assert_eq!(one("It opened on Saturday.", a).1, "2026-02-07");
        assert_eq!(one("a story from the last century", a).1, "19XX");
    }

    #[test]
    fn unanchored_relatives_keep_x() {
        assert_eq!(one("It opened last year.", None).1, "XXXX");
        assert_eq!(one("It opened on Sunday.", None).1, "XXXX-WXX-7");
        assert_eq!(one("It opens Jan. 14.", None).1, "XXXX-01-14");
    }

    #[test]
    fn anaphora_follows_previous_year() {
        let v = spans("It won in 2008, and in the same year it toured.", None);
        assert_eq!(v[1], ("same year".into(), "2008".into()));
        let v = spans("It opened on June 5, 2020. Two days later it closed.", None);
        assert_eq!(v[1], ("Two days later".into(), "2020-06-07".into()));
        assert!(spans("Two days later it closed.", None).is_empty());
    }

    #[test]
    fn leap_years_and_invalid_days() {
        assert_eq!(one("on February 29, 2024", None).1, "2024-02-29");
        assert!(spans("on February 29, 2025", None)
            .iter()
            .all(|(_, v)| !v.contains("02-29")));
        assert_eq!(one("on 29.02.2024", None).1, "2024-02-29");
    }

    /// Every start word, in any ASCII case, passes the shape filter and
    /// is found with its bits.
    #[test]
    fn start_word_filter_turns_no_word_away() {
        let f = DateFinder::new();
        let all = start_word_bits();
        assert!(all.len() > 50);
        // A key the short-word map could not hold would read as 0 here.
        for (&w, &bits) in &all {
            let title: Vec<u8> = w
                .iter()
                .enumerate()
                .map(|(i, b)| if i == 0 { b.to_ascii_uppercase() } else { *b })
                .collect();
            for v in [w.to_vec(), title, w.to_ascii_uppercase()] {
                let sw = &f.start_words;
                assert!(sw.shapes.may_hold(&v), "{}", String::from_utf8_lossy(&v));
                assert_eq!(
                    sw.map.get(&v),
                    Some(bits),
                    "{}",
                    String::from_utf8_lossy(&v)
                );
            }
        }
        assert_eq!(f.start_words.map.get(b"the"), None);
    }

    /// Searching only at the listed starts finds exactly what a scan of
    /// the whole text finds, for every family, on real and odd text.
    #[test]
    fn start_lists_miss_no_match() {
        let f = DateFinder::new();
        let root = env!("CARGO_MANIFEST_DIR");
        let mut texts: Vec<String> = vec![
            "Tueſday, Auguſt 5, 2024 and ſpring 2020; KELVIN \u{212A} mid-1990s, the twenty-first century".into(),
            "a year ago, an hour later, 3 days earlier, A HUNDRED YEARS AGO, Mayday, May_1, 12/05/2024".into(),
            "seventy-seven\u{2009}\u{2009}\u{2009}\u{2009}\u{2009}\u{2009}centuries\u{202F}\u{202F}\u{202F}\u{202F}\u{202F}\u{202F}later".into(),
            "3 days agoſ".into(),
            "two weeks_ago; a year  ago_".into(),
            "from 1937 to 1959, in the '90s, last Monday, this spring, the same year, Sept. 4–6".into(),
            "the ’80s, ‘70s, x'60s, '50s_, '905, '90S, ''20s, ’10sſ, '00s".into(),
            "the 12TH century, the 1960S and 90s, 21st-century, 5-year, 2024-05-01, 3/4/2024, 12ſt century, 1st of May, 2 June, 1990–91, 100 days ago, 12345".into(),
        ];
        for dir in ["samples", "tests/dev"] {
            for e in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|x| x == "txt") {
                    texts.push(std::fs::read_to_string(p).unwrap());
                }
            }
        }
        let table = std::fs::read_to_string(format!("{root}/tests/data/dates.tsv")).unwrap();
        texts.push(table);
        for t in &texts {
            let starts = starts_of(&f, t);
            for fam in [
                &f.month_day,
                &f.day_month,
                &f.month_year,
                &f.month,
                &f.numeric,
                &f.year,
                &f.relative,
                &f.weekday,
                &f.season_year,
                &f.apos_decade,
            ] {
                // The reference: the `regex` crate's captures scan of
                // the whole text, groups and all.
                let scan: Vec<_> = Regex::new(&fam.pattern)
                    .unwrap()
                    .captures_iter(t)
                    .map(|c| c.iter().map(|g| g.map(|g| g.range())).collect::<Vec<_>>())
                    .collect();
                let mut found = Vec::new();
                fam.each(t, &starts, |c| {
                    found.push(
                        (0..c.caps.group_len())
                            .map(|i| c.get(i).map(|g| g.range()))
                            .collect::<Vec<_>>(),
                    )
                });
                assert_eq!(found, scan, "{}", fam.pattern);
            }
        }
    }

    fn starts_of(f: &DateFinder, t: &str) -> Vec<(usize, u16)> {
        let mut toks = Vec::new();
        tokenize(t, &mut toks);
        f.starts(t, &toks, None)
    }

    /// The start list read off the bytes, as `starts` did before it took
    /// tokens: every maximal run of ASCII letters and digits not after `_`.
    fn starts_by_bytes(f: &DateFinder, t: &str) -> Vec<(usize, u16)> {
        let b = t.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if !b[i].is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let j = (i..b.len())
                .find(|&k| !b[k].is_ascii_alphanumeric())
                .unwrap_or(b.len());
            f.run_start(b, i, j, &mut out);
            i = j;
        }
        keep_counts_with_direction(&mut out);
        out
    }

    /// The rules' flags of `t`'s tokens, and the starts read off them.
    fn starts_flagged(f: &DateFinder, t: &str) -> Vec<(usize, u16)> {
        static PATTERNS: std::sync::LazyLock<crate::patterns::Patterns> =
            std::sync::LazyLock::new(|| {
                let g = crate::gazetteer::Gazetteer::embedded().unwrap();
                crate::patterns::Patterns::new(g.lexicons())
            });
        let mut toks = Vec::new();
        tokenize(t, &mut toks);
        let mut flags = Vec::new();
        let mut memo = crate::patterns::FlagMemo::new();
        PATTERNS.flags_into(t, &toks, &mut memo, &mut flags);
        f.starts(t, &toks, Some(&flags))
    }

    #[test]
    fn start_words_come_with_the_token_flags() {
        let t = "On May 5, last spring, MARCH 2020 and _May, two years ago; Auguſt.";
        let got = starts_flagged(&FINDER, t);
        assert_eq!(got, starts_of(&FINDER, t));
        let at = |w: &str| {
            got.iter()
                .find(|(p, _)| *p == t.find(w).unwrap())
                .map(|&(_, b)| b)
        };
        assert_eq!(at("May").map(|b| b & S_MONTH != 0), Some(true));
        assert_eq!(at("MARCH").map(|b| b & S_MONTH_YEAR != 0), Some(true));
        assert_eq!(at("last").map(|b| b & S_RELATIVE != 0), Some(true));
        assert_eq!(at("ago"), Some(S_DIR));
        assert_eq!(at("two").map(|b| b & S_REL_N != 0), Some(true));
        // A word after `_` starts nothing; one that goes on in `ſ` may
        // start any pattern.
        assert_eq!(at("May,"), None);
        assert_eq!(at("Augu"), Some(S_ALL));
    }

    proptest::proptest! {
        /// Word starts from tokens are the word starts of the bytes, on
        /// text where runs meet marks, joins, `_` and the two letters
        /// that fold to ASCII.
        #[test]
        fn starts_from_tokens_are_the_byte_scan(
            t in "([a-zA-Z0-9]|May|1990s|[-'’_ /.,\n]|é|ſ|\u{212A}|\u{301}|Ж){0,50}"
        ) {
            proptest::prop_assert_eq!(starts_of(&FINDER, &t), starts_by_bytes(&FINDER, &t));
        }

        /// Start words read off the rules' token flags are the ones the
        /// start-word table gives, in any case, beside any mark.
        #[test]
        fn starts_from_token_flags_are_the_table_lookups(
            t in "([a-z0-9]|May|MARCH|june|Mid|spring|Monday|ago|two|a|last|The|1990s|[-'’_ /.,\n]|ſ|\u{212A}|é){0,40}"
        ) {
            proptest::prop_assert_eq!(starts_flagged(&FINDER, &t), starts_of(&FINDER, &t));
        }
    }

    /// The plain hits of `family` over `text`, each with the groups its
    /// captures give and the text of the match.
    fn plain_hits<'t>(
        family: &Family,
        text: &'t str,
        is_plain: impl Fn(&str) -> bool,
    ) -> Vec<(Hit<'t>, Hit<'t>)> {
        let f = DateFinder::new();
        let starts = starts_of(&f, text);
        let mut hits = Vec::new();
        family.each_or_plain(text, &starts, is_plain, |hit| {
            let Hit::Plain(s, e) = hit else { return };
            let caps = family.groups(text, s, e).unwrap();
            assert_eq!(caps.get(0).unwrap().range(), s..e);
            hits.push((hit, Hit::Groups(caps)));
        });
        hits
    }

    /// A month or relative match passed as plain has the groups its
    /// captures have; matches with a hyphen, a no-break space, a number
    /// or a case-folded letter are not plain.
    #[test]
    fn plain_months_and_relative_dates_have_the_captured_groups() {
        let f = DateFinder::new();
        let text = "in May, last June, mid-July, early August 2020, this\tOctober, DECEMBER, \
                    Auguſt, next  May, today, Yesterday, TOMORROW, last year, this  week, \
                    next\tmonth, Last Weekend, same day, the following year, that year, \
                    previous month, preceding day, this century, last summer, a year ago, \
                    two-year, 3 days later, last\u{A0}year, thiſ year, today's, last-year";
        let months = plain_hits(&f.month, text, |m| plain_words(m).is_some());
        let words: Vec<&str> = months
            .iter()
            .map(|(h, _)| match h {
                Hit::Plain(s, e) => &text[*s..*e],
                Hit::Groups(_) => unreachable!(),
            })
            .collect();
        assert_eq!(
            words,
            [
                "May",
                "last June",
                "early August",
                "this\tOctober",
                "DECEMBER",
                "next  May"
            ]
        );
        for (hit, caps) in &months {
            let (got, want) = (
                MonthGroups::of(text, hit).unwrap(),
                MonthGroups::of(text, caps).unwrap(),
            );
            assert_eq!((got.all, got.m, got.rel), (want.all, want.m, want.rel));
        }
        let rel = plain_hits(&f.relative, text, |m| plain_words(m).is_some());
        let words: Vec<&str> = rel
            .iter()
            .map(|(h, _)| match h {
                Hit::Plain(s, e) => &text[*s..*e],
                Hit::Groups(_) => unreachable!(),
            })
            .collect();
        assert_eq!(
            words,
            [
                "today",
                "Yesterday",
                "TOMORROW",
                "last year",
                "this  week",
                "next\tmonth",
                "Last Weekend",
                "same day",
                "following year",
                "that year",
                "previous month",
                "preceding day",
                "this century",
                "last summer",
                "today"
            ]
        );
        for (hit, caps) in &rel {
            let got = RelGroups::of(text, hit).unwrap();
            assert_eq!(got, RelGroups::of(text, caps).unwrap());
        }
    }

    #[test]
    fn plain_words_are_one_or_two_ascii_words() {
        assert_eq!(plain_words("today"), Some(((0, 5), (5, 5))));
        assert_eq!(plain_words("last \t year"), Some(((0, 4), (7, 11))));
        for m in [
            "",
            " year",
            "last ",
            "last-year",
            "a year ago",
            "last\u{A0}year",
            "thiſ year",
            "3 days",
        ] {
            assert_eq!(plain_words(m), None, "{m:?}");
        }
    }

    /// A year match passed as plain has the groups its captures have.
    #[test]
    fn plain_years_have_the_captured_groups() {
        let f = DateFinder::new();
        let text = "in 2025, the 1980s and 1990S, 2000s, 1800s, 1000s, 1024, 2099, \
                    1999-2000, 1990–91, mid-1990s, the 90s, 21st century, 12345, 2024s, 1985s";
        let starts = starts_of(&f, text);
        let mut plain = 0;
        f.year.each_or_plain(text, &starts, year_is_plain, |hit| {
            let Hit::Plain(s, e) = hit else { return };
            plain += 1;
            let caps = Regex::new(&f.year.pattern)
                .unwrap()
                .captures_at(text, s)
                .map(|c| c.get(0).unwrap().end())
                .and_then(|end| f.year.groups(text, s, end))
                .unwrap();
            assert_eq!(caps.get(0).unwrap().range(), s..e);
            let want = YearGroups::of(&Hit::Groups(caps)).unwrap();
            let got = YearGroups::of(&Hit::Plain(s, e)).unwrap();
            let all = |g: &YearGroups| {
                [
                    g.modifier, g.cn, g.cw, g.dec, g.dec2, g.decw, g.y, g.yys, g.yy,
                ]
            };
            assert_eq!(
                (got.all, all(&got)),
                (want.all, all(&want)),
                "{}",
                &text[s..e]
            );
        });
        assert!(plain >= 8, "{plain}");
        // What is plain, and what is not.
        assert!(year_is_plain("2025") && year_is_plain("1980s") && year_is_plain("1990S"));
        assert!(!year_is_plain("90s") && !year_is_plain("1990-91") && !year_is_plain("mid-1990s"));
    }

    #[test]
    fn dateline_forms() {
        let f = DateFinder::new();
        let text = "• KZT/USD = 0.00202 0%\n07 February 2026\n\nTitle here\n";
        let (m, d) = f.dateline(text).expect("dateline");
        assert_eq!(&text[m.start..m.end], "07 February 2026");
        assert_eq!(d, date(2026, 2, 7));
        let text = "Title\nPublished: Feb. 7, 2026 10:32\nBody text.";
        let (m, _) = f.dateline(text).expect("dateline");
        assert_eq!(&text[m.start..m.end], "Feb. 7, 2026");
        assert!(f
            .dateline("Title\nLast update: April 19, 2024\nBody")
            .is_none());
        assert!(f
            .dateline("Title\nIt opened on Feb. 7, 2026 in Almaty.\n")
            .is_none());
        let (_, d) = f.dateline("date 2025-06-16\nTitle").expect("dateline");
        assert_eq!(d, date(2025, 6, 16));
    }

    #[test]
    fn huge_inputs_are_fast() {
        let f = DateFinder::new();
        let digits = "7".repeat(1_000_000);
        assert!(f.find(&digits, None).is_empty());
        let words = "June 11-15 May 2024 in 1939 last year ".repeat(5_000);
        let t = std::time::Instant::now();
        let n = f.find(&words, Some(date(2026, 2, 7))).len();
        assert!(n >= 15_000, "{n}");
        assert!(t.elapsed().as_secs() < 20);
        let spaces = format!("June{}14", " ".repeat(1_000_000));
        assert!(f.find(&spaces, None).iter().all(|m| m.end - m.start < 20));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn never_panics_and_spans_are_sane(s in "\\PC{0,200}", y in 1i16..9999, m in 1i8..=12, d in 1i8..=28) {
            let f = DateFinder::new();
            let anchor = Date::new(y, m, d).ok();
            let ms = f.find(&s, anchor);
            let mut last = 0;
            for m in &ms {
                prop_assert!(m.start >= last && m.start < m.end && m.end <= s.len());
                prop_assert!(s.is_char_boundary(m.start) && s.is_char_boundary(m.end));
                prop_assert!(!m.value.is_empty());
                last = m.end;
            }
            let _ = f.dateline(&s);
        }

        #[test]
        fn date_like_soup_never_panics(s in "([0-9]{1,5}|June|May|Sunday|last|year|years|ago|the|1930s|'90s|century|[-–./, ]|between|and|to|present|today|\n){0,40}") {
            let f = DateFinder::new();
            let ms = f.find(&s, Some(date(2026, 2, 7)));
            for w in ms.windows(2) {
                prop_assert!(w[0].end <= w[1].start);
            }
            let _ = f.dateline(&s);
        }
    }
}
