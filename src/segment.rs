//! Sentence segmentation for news text.
//!
//! [`Segmenter`] takes a `&str` and gives the byte ranges of its sentences. The boundary
//! grammar is the one of UAX #29 (a terminator, then closing quotes or brackets, then
//! spaces, ends a sentence; a paragraph separator always does), with the fixes news needs:
//! abbreviations and initials (`Dr.`, `U.S.`, `J. R. R. Tolkien`, `a.m.`), numbers
//! (`$63.6 million`, `No. 5`), ellipses (`...`, `…`, `. . .`), `Yahoo! in`, citation marks
//! (`.[4]`), bullets and numbered list items, and every line break ends a sentence (so a
//! heading line is a sentence of its own). Characters outside the small built-in tables are
//! classified by asking `unicode-segmentation` itself, so CJK, Arabic or Devanagari
//! terminators work too. The pass is a single left-to-right scan with bounded look-around:
//! linear in the input, no allocation besides pushing to the output, never panics.
//! Guarantees: the ranges are in order, non-overlapping, non-empty, on char boundaries,
//! neither start nor end with whitespace (`char::is_whitespace`), and every non-whitespace
//! char of the input lies in exactly one of them.
//!
//! `unicode-segmentation`'s own sentence iterator is not used on the whole text: its SB8
//! look-ahead is quadratic on long runs of quotes or spaces after a period.

use foldhash::HashSet;
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// Prepositive titles and Latin markers: never end a sentence (within a line).
#[rustfmt::skip]
const STRICT: &[&str] = &[
    "mr", "mrs", "ms", "mx", "messrs", "mme", "mmes", "mlle", "dr", "drs", "prof", "profs", "rev",
    "revd", "fr", "hon", "sen", "sens", "rep", "reps", "gov", "govs", "gen", "lt", "col", "sgt",
    "capt", "cmdr", "cdr", "adm", "maj", "brig", "cpl", "pvt", "pres", "supt", "insp", "det",
    "msgr", "e.g", "i.e", "cf", "viz", "vs",
];

/// Abbreviations that usually continue the sentence (`St. Louis`, `Mt. Fuji`) but may end
/// one (`Main St. The ...`): they end it only before a typical sentence opener.
#[rustfmt::skip]
const SOFT: &[&str] = &[
    "st", "mt", "ft", "pt", "mts", "dept", "univ", "assn", "approx", "ca",
];

/// Words that typically open a sentence (title case). After an ambiguous abbreviation they
/// tip the balance towards a boundary: `in the U.S. How about you?` vs `U.S. Government`.
#[rustfmt::skip]
const STARTERS: &[&str] = &[
    "The", "A", "An", "This", "That", "These", "Those", "There", "Here", "It", "Its", "He", "She",
    "We", "They", "I", "You", "His", "Her", "Their", "Our", "My", "Your", "In", "On", "At", "By",
    "For", "From", "With", "Without", "After", "Before", "During", "When", "While", "Where",
    "What", "Who", "Whom", "Whose", "Why", "How", "Which", "If", "But", "And", "Or", "Nor", "So",
    "Yet", "Then", "Now", "Also", "However", "Meanwhile", "Still", "Some", "Many", "Most", "All",
    "Both", "Each", "Every", "As", "Although", "Though", "Because", "Since", "Once", "Did", "Do",
    "Does", "Is", "Are", "Was", "Were", "Could", "Would", "Should", "Shall", "Must", "Has", "Have",
    "Had", "Not", "Yes", "According", "Another", "Such", "Despite", "Instead", "Later", "Earlier",
    "Today", "Yesterday", "Tomorrow", "Among", "Unlike", "Nevertheless", "Moreover", "Furthermore",
    "Thus", "Therefore", "Indeed", "Overall", "Finally",
];

/// Words that continue a time expression after `a.m.`/`p.m.`: `7 p.m. Friday`, `9 a.m. ET`.
#[rustfmt::skip]
const TIME_FOLLOWERS: &[&str] = &[
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Mon", "Tue",
    "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "ET",
    "EST", "EDT", "CT", "CST", "CDT", "MT", "MST", "MDT", "PT", "PST", "PDT", "GMT", "UTC", "BST",
    "CET", "CEST", "EET", "EEST", "MSK", "IST", "JST", "KST", "HKT", "SGT", "AEST", "AEDT", "ALMT",
    "Eastern", "Central", "Mountain", "Pacific", "local", "Local",
];

/// Openers of a sentence-initial time phrase (`At 5 a.m. Mr. Smith went ...`).
#[rustfmt::skip]
const INTRO_PREPS: &[&str] = &[
    "at", "by", "before", "after", "until", "till", "from", "since", "around", "about", "shortly",
    "just", "starting", "beginning", "between", "circa", "approximately", "roughly", "as", "early",
    "late", "on", "past",
];

/// Lowercase name particles: `Ludwig van B. Smith` keeps the initial.
#[rustfmt::skip]
const PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "la", "le", "bin", "ibn",
    "al", "el", "dos", "das", "ter", "ten", "y", "zu",
];

/// Bullet symbols that open list items (not `-` or `*`, which are too often prose dashes).
#[rustfmt::skip]
const BULLETS: &[char] = &[
    '•', '‣', '⁃', '◦', '▪', '▫', '●', '○', '■', '□', '►', '▶', '➢', '➤', '✓', '✔', '◆', '◇',
];

/// Splits text into sentences; build once, share freely (it is `Send + Sync`).
#[derive(Debug, Clone)]
pub struct Segmenter {
    strict: HashSet<&'static str>,
    soft: HashSet<&'static str>,
    starters: HashSet<&'static str>,
    time_followers: HashSet<&'static str>,
    intro_preps: HashSet<&'static str>,
    particles: HashSet<&'static str>,
}

impl Default for Segmenter {
    fn default() -> Self {
        Self::new()
    }
}

/// Sentence role of a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Period,
    Ellipsis,
    /// `!`, `?` and the other UAX #29 terminators (`。`, `؟`, `।`, ...).
    Stop,
    /// Quotes and brackets that may follow a terminator and belong to its sentence.
    Close,
    Other,
}

fn kind(c: char) -> Kind {
    match c {
        '.' => Kind::Period,
        '…' => Kind::Ellipsis,
        // Common terminators and closers, listed to skip the UAX #29 probe (a test checks
        // that they agree with it).
        '!' | '?' | '。' | '！' | '？' | '｡' | '؟' | '।' | '॥' | '‼' | '⁇' | '⁈' | '⁉' => {
            Kind::Stop
        }
        '"' | '\'' | ')' | ']' | '}' | '”' | '’' | '“' | '‘' | '»' | '«' | '›' | '‹' | '」'
        | '』' | '）' | '］' | '】' | '〕' | '〉' | '》' | '｣' => Kind::Close,
        c if c.is_ascii() || crate::tokens::is_alphanumeric(c) || c.is_whitespace() => Kind::Other,
        c => uax_kind(c),
    }
}

/// Classifies a rare character by probing UAX #29 on a tiny stack buffer: a terminator
/// breaks `a? A` before `A`; a closer is absorbed in `a.) A` (the break comes after it).
fn uax_kind(c: char) -> Kind {
    let mut buf = [0u8; 16];
    let n = c.len_utf8();
    buf[0] = b'a';
    c.encode_utf8(&mut buf[1..1 + n]);
    buf[1 + n..3 + n].copy_from_slice(b" A");
    if let Ok(s) = std::str::from_utf8(&buf[..3 + n]) {
        if s.split_sentence_bound_indices().any(|(i, _)| i == 2 + n) {
            return Kind::Stop;
        }
    }
    let mut buf = [0u8; 16];
    buf[..2].copy_from_slice(b"a.");
    c.encode_utf8(&mut buf[2..2 + n]);
    buf[2 + n..4 + n].copy_from_slice(b" A");
    if let Ok(s) = std::str::from_utf8(&buf[..4 + n]) {
        if s.split_sentence_bound_indices().any(|(i, _)| i == 3 + n) {
            return Kind::Close;
        }
    }
    Kind::Other
}

fn is_terminator(k: Kind) -> bool {
    matches!(k, Kind::Period | Kind::Ellipsis | Kind::Stop)
}

/// No line break in `bytes` but `\n`: no `\r`, vertical tab, form feed,
/// NEL, line or paragraph separator (a NEL that is the last char ends
/// nothing the end of the text does not).
fn only_newlines(bytes: &[u8]) -> bool {
    memchr::memchr3(b'\r', 0x0B, 0x0C, bytes).is_none()
        && memchr::memchr2_iter(0xC2, 0xE2, bytes).all(|i| {
            !matches!(
                bytes.get(i..i + 3),
                Some([0xC2, 0x85, _] | [0xE2, 0x80, 0xA8 | 0xA9])
            )
        })
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '(' | '[' | '{' | '“' | '‘' | '«' | '‹' | '„' | '¿' | '¡'
    )
}

/// The next whitespace-delimited token in `text[from..end]`, as a byte range.
fn next_token(text: &str, from: usize, end: usize) -> Option<(usize, usize)> {
    let end = end.min(text.len());
    let bytes = text.as_bytes();
    let mut i = from;
    let start = loop {
        match char_at(text, i, end) {
            None => return None,
            Some(c) if c.is_whitespace() => i += c.len_utf8(),
            Some(_) => break i,
        }
    };
    loop {
        // Printable ASCII is never whitespace: step over it byte by byte
        // (most of every token), and decode only at the rest.
        while i < end && matches!(bytes[i], 0x21..=0x7e) {
            i += 1;
        }
        match char_at(text, i, end) {
            Some(c) if !c.is_whitespace() => i += c.len_utf8(),
            _ => break,
        }
    }
    Some((start, i))
}

/// Bytes that make a token worth a look mid-sentence: the ASCII
/// terminators and closers (and the `]` of a citation mark) that
/// `cluster_at` may start from, and any non-ASCII byte (a non-ASCII
/// terminator, closer or space).
const NOT_PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0x80;
    while b < 256 {
        t[b] = true;
        b += 1;
    }
    let mut k = 0;
    let marks = b".!?\"')]}";
    while k < marks.len() {
        t[marks[k] as usize] = true;
        k += 1;
    }
    t
};

/// The high bit of each byte of `x` that may end [`skip_plain`]'s scan:
/// an ASCII terminator (`.`, `!`, `?`) or any non-ASCII byte (part of a
/// non-ASCII terminator, closer or space). A zero byte of `y` is found
/// exactly: its low seven bits plus 0x7f carry nothing into the high bit,
/// and no sum carries into the next byte.
#[inline(always)]
fn stops8(x: u64) -> u64 {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    let zero = |y: u64| !(((y & !H) + !H) | y) & H;
    (x & H)
        | zero(x ^ (L * u64::from(b'.')))
        | zero(x ^ (L * u64::from(b'!')))
        | zero(x ^ (L * u64::from(b'?')))
}

/// Skips the plain tokens of `text[from..end]`: ASCII tokens with no
/// terminator, which the per-token loop would pass over without a
/// decision (`cluster_at` finds no terminator in them, closers or not;
/// `inner_stops` passes ASCII tokens). Returns where the first other
/// token starts (or `end`), and the last plain token skipped, if any, as
/// the loop's previous token. Reads eight bytes at a time: this scan
/// covers most of every text.
fn skip_plain(text: &str, from: usize, end: usize) -> (usize, Option<(usize, usize)>) {
    let bytes = &text.as_bytes()[..end.min(text.len())];
    let mut i = from;
    let found = loop {
        match bytes
            .get(i..i + 8)
            .and_then(|c| <[u8; 8]>::try_from(c).ok())
        {
            Some(chunk) => {
                let m = stops8(u64::from_le_bytes(chunk));
                if m != 0 {
                    break Some(i + (m.trailing_zeros() / 8) as usize);
                }
                i += 8;
            }
            None => {
                break bytes
                    .get(i..)
                    .and_then(|rest| {
                        rest.iter()
                            .position(|&b| b >= 0x80 || matches!(b, b'.' | b'!' | b'?'))
                    })
                    .map(|k| i + k)
            }
        }
    };
    let Some(q) = found else {
        // No decision is left on this line.
        return (bytes.len().max(from), None);
    };
    // All of `from..q` is ASCII: its whitespace is ASCII whitespace.
    let ws = |b: &u8| b.is_ascii_whitespace() || *b == 0x0B;
    let start = bytes[from..q]
        .iter()
        .rposition(ws)
        .map_or(from, |k| from + k + 1);
    let Some(pe) = bytes[from..start]
        .iter()
        .rposition(|b| !ws(b))
        .map(|k| from + k + 1)
    else {
        return (start, None);
    };
    let ps = bytes[from..pe]
        .iter()
        .rposition(ws)
        .map_or(from, |k| from + k + 1);
    (start, Some((ps, pe)))
}

/// The char at byte `i` if `i < end`, with an ASCII fast path (this is the hot loop).
#[inline]
fn char_at(text: &str, i: usize, end: usize) -> Option<char> {
    if i >= end {
        return None;
    }
    match text.as_bytes().get(i) {
        Some(&b) if b < 0x80 => Some(char::from(b)),
        _ => text.get(i..end)?.chars().next(),
    }
}

/// A run of terminators at the end of a token (plus, for `. . .`, the following dot tokens).
#[derive(Debug)]
struct Cluster {
    /// The word before the terminators, without leading openers.
    word: Range<usize>,
    /// Start of the terminator run.
    term_start: usize,
    /// End of the last token of the cluster (after closers).
    end: usize,
    has_closers: bool,
    dots: usize,
    has_ellipsis_char: bool,
    has_stop: bool,
    /// Dots separated by spaces: `. . .`.
    spaced: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Keep,
    Break,
    /// `word. . . . Next`: the period ends the sentence, the ellipsis opens the next.
    BreakAfterFirstDot,
}

/// Class of the first alphanumeric character after a boundary candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    Lower,
    Upper,
    Digit,
    Nothing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MarkerKind {
    Number,
    Lower,
    Upper,
}

/// Punctuation of a list marker: `1.`, `1)`, `1.)`, `(1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MarkerStyle {
    Dot,
    Paren,
    DotParen,
    Parens,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Marker {
    kind: MarkerKind,
    style: MarkerStyle,
    value: u32,
}

/// A token that opens a list item: a bullet, a marker, or both (`•`, `9.`, `⁃9.`).
#[derive(Debug, Clone, Copy)]
struct ListOpen {
    bullet: Option<char>,
    marker: Option<Marker>,
}

fn parse_list_open(tok: &str) -> Option<ListOpen> {
    let first = tok.chars().next()?;
    let (bullet, rest) = if BULLETS.contains(&first) {
        (Some(first), &tok[first.len_utf8()..])
    } else {
        (None, tok)
    };
    let marker = parse_marker(rest);
    if marker.is_none() && (bullet.is_none() || !rest.is_empty()) {
        return None;
    }
    Some(ListOpen { bullet, marker })
}

fn parse_marker(s: &str) -> Option<Marker> {
    if s.len() > 6 {
        return None;
    }
    let (inner, style) = if let Some(x) = s.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        (x, MarkerStyle::Parens)
    } else if let Some(x) = s.strip_suffix(".)") {
        (x, MarkerStyle::DotParen)
    } else if let Some(x) = s.strip_suffix(')') {
        (x, MarkerStyle::Paren)
    } else if let Some(x) = s.strip_suffix('.') {
        (x, MarkerStyle::Dot)
    } else {
        return None;
    };
    let b = inner.as_bytes();
    if !b.is_empty() && b.len() <= 3 && b.iter().all(u8::is_ascii_digit) {
        let value = inner.parse().ok()?;
        return Some(Marker {
            kind: MarkerKind::Number,
            style,
            value,
        });
    }
    match b {
        [c] if c.is_ascii_lowercase() => Some(Marker {
            kind: MarkerKind::Lower,
            style,
            value: u32::from(*c),
        }),
        // `A.` is far more often an initial than a list marker; `A)` is a marker.
        [c] if c.is_ascii_uppercase() && style != MarkerStyle::Dot => Some(Marker {
            kind: MarkerKind::Upper,
            style,
            value: u32::from(*c),
        }),
        _ => None,
    }
}

/// Per-line scan state.
struct LineState {
    sent_start: usize,
    at_start: bool,
    bullet: Option<char>,
    expect: Option<Marker>,
    prev_tok: Option<(usize, usize)>,
}

impl LineState {
    fn emit(&mut self, text: &str, end: usize, out: &mut Vec<Range<usize>>) {
        push_trimmed(text, self.sent_start, end, out);
        self.sent_start = end;
        self.at_start = true;
    }
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Range<usize>>) {
    let Some(seg) = text.get(start..end) else {
        return;
    };
    let left = seg.trim_start();
    let s = start + (seg.len() - left.len());
    let both = left.trim_end();
    if !both.is_empty() {
        out.push(s..s + both.len());
    }
}

impl Segmenter {
    /// Builds the abbreviation and word tables.
    pub fn new() -> Self {
        let set = |words: &[&'static str]| words.iter().copied().collect::<HashSet<_>>();
        Segmenter {
            strict: set(STRICT),
            soft: set(SOFT),
            starters: set(STARTERS),
            time_followers: set(TIME_FOLLOWERS),
            intro_preps: set(INTRO_PREPS),
            particles: set(PARTICLES),
        }
    }

    /// Appends the sentence byte ranges of `text` to `out` (does not clear it).
    pub fn split_into(&self, text: &str, out: &mut Vec<Range<usize>>) {
        let bytes = text.as_bytes();
        let mut line_start = 0;
        if only_newlines(bytes) {
            // The common case, with a vectorized search.
            for i in memchr::memchr_iter(b'\n', bytes) {
                self.split_line(text, line_start, i, out);
                line_start = i + 1;
            }
            self.split_line(text, line_start, text.len(), out);
            return;
        }
        // Byte scan: the line breaks are ASCII or have fixed UTF-8 encodings.
        let mut i = 0;
        while i < bytes.len() {
            let len = match bytes[i] {
                b'\n' | b'\r' | 0x0B | 0x0C => 1,
                0xC2 if bytes.get(i + 1) == Some(&0x85) => 2,
                0xE2 if bytes.get(i + 1) == Some(&0x80)
                    && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) =>
                {
                    3
                }
                _ => {
                    i += 1;
                    continue;
                }
            };
            self.split_line(text, line_start, i, out);
            i += len;
            line_start = i;
        }
        self.split_line(text, line_start, text.len(), out);
    }

    /// Returns the sentence byte ranges of `text`.
    ///
    /// ```
    /// use kinex::segment::Segmenter;
    ///
    /// let seg = Segmenter::new();
    /// let text = "Dr. Smith arrived at 5 p.m. on Jan. 14. He said: “It cost $63.6 million.” Then he left.";
    /// let sentences: Vec<&str> = seg.split(text).into_iter().map(|r| &text[r]).collect();
    /// assert_eq!(
    ///     sentences,
    ///     [
    ///         "Dr. Smith arrived at 5 p.m. on Jan. 14.",
    ///         "He said: “It cost $63.6 million.”",
    ///         "Then he left.",
    ///     ]
    /// );
    /// ```
    #[must_use]
    pub fn split(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        self.split_into(text, &mut out);
        out
    }

    /// Segments one line (no line breaks inside): a line always ends a sentence.
    fn split_line(&self, text: &str, ls: usize, le: usize, out: &mut Vec<Range<usize>>) {
        self.split_line_with::<true>(text, ls, le, out);
    }

    /// [`split_line`](Self::split_line), with or without `skip_plain`
    /// (the tests check both split alike).
    fn split_line_with<const SKIP: bool>(
        &self,
        text: &str,
        ls: usize,
        le: usize,
        out: &mut Vec<Range<usize>>,
    ) {
        let mut st = LineState {
            sent_start: ls,
            at_start: true,
            bullet: None,
            expect: None,
            prev_tok: None,
        };
        let mut pos = ls;
        loop {
            if SKIP && !st.at_start && st.bullet.is_none() && st.expect.is_none() {
                // Mid-sentence, outside a list: only a token with a
                // terminator or a non-ASCII byte can change anything.
                let (next, prev) = skip_plain(text, pos, le);
                pos = next;
                st.prev_tok = prev.or(st.prev_tok);
            }
            let Some((ts, te)) = next_token(text, pos, le) else {
                break;
            };
            pos = te;
            let tok = &text[ts..te];
            if !st.at_start && self.opens_next_item(tok, &st) {
                st.emit(text, ts, out);
            }
            if st.at_start {
                st.at_start = false;
                if let Some(open) = parse_list_open(tok) {
                    if open.bullet.is_some() {
                        st.bullet = open.bullet;
                    }
                    match open.marker {
                        Some(m) => {
                            st.expect = Some(Marker {
                                value: m.value + 1,
                                ..m
                            })
                        }
                        // A lone bullet: the marker, if any, is the next token.
                        None => st.at_start = true,
                    }
                    st.prev_tok = Some((ts, te));
                    continue;
                }
            }
            self.inner_stops(text, ts, te, &mut st, out);
            if ends_plainly(text, te) {
                // No terminator cluster can end here: the common case.
                st.prev_tok = Some((ts, te));
                continue;
            }
            if let Some(cl) = cluster_at(text, ts, te, le) {
                pos = cl.end;
                let next = next_token(text, cl.end, le);
                match self.decide(text, &cl, ts, next, &st) {
                    Decision::Keep => {}
                    Decision::Break => st.emit(text, cl.end, out),
                    Decision::BreakAfterFirstDot => {
                        st.emit(text, cl.term_start + 1, out);
                        st.at_start = false;
                    }
                }
            }
            st.prev_tok = Some((ts, te));
        }
        st.emit(text, le, out);
    }

    /// Whether a mid-sentence token starts the next item of the current list.
    fn opens_next_item(&self, tok: &str, st: &LineState) -> bool {
        if st.bullet.is_none() && st.expect.is_none() {
            return false;
        }
        let Some(open) = parse_list_open(tok) else {
            return false;
        };
        if open.bullet.is_some() && open.bullet == st.bullet {
            return true;
        }
        open.bullet.is_none() && open.marker.is_some() && open.marker == st.expect
    }

    /// Breaks after non-ASCII terminators inside a token (`今天。明天` has no spaces).
    fn inner_stops(
        &self,
        text: &str,
        ts: usize,
        te: usize,
        st: &mut LineState,
        out: &mut Vec<Range<usize>>,
    ) {
        let tok = &text[ts..te];
        if tok.is_ascii() {
            return;
        }
        let mut it = tok.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            if c.is_ascii() || kind(c) != Kind::Stop {
                continue;
            }
            let mut j = i + c.len_utf8();
            while let Some(&(k, d)) = it.peek() {
                let kd = kind(d);
                if !(is_terminator(kd) || kd == Kind::Close) {
                    break;
                }
                j = k + d.len_utf8();
                it.next();
            }
            match it.peek() {
                Some(&(_, d)) if !d.is_lowercase() => {
                    st.emit(text, ts + j, out);
                    st.at_start = false;
                }
                _ => {}
            }
        }
    }

    fn decide(
        &self,
        text: &str,
        cl: &Cluster,
        tok_start: usize,
        next: Option<(usize, usize)>,
        st: &LineState,
    ) -> Decision {
        // At the end of the line the line break closes the sentence anyway.
        let Some(nt) = next else {
            return Decision::Keep;
        };
        let next_class = classify_next(text, nt.0, nt.0.saturating_add(64));
        let ellipsis = cl.dots >= 2 || cl.has_ellipsis_char;
        let attached = !cl.word.is_empty();
        if ellipsis && !attached && text[..cl.term_start].ends_with(['[', '(']) {
            return Decision::Keep; // `[...]` marks an omission inside a quotation
        }
        if cl.has_stop {
            // `Yahoo! in ...`, `"Why?" she asked`
            return if next_class == Next::Lower {
                Decision::Keep
            } else {
                Decision::Break
            };
        }
        if ellipsis {
            if next_class != Next::Upper {
                return Decision::Keep;
            }
            if cl.spaced && attached && cl.dots >= 4 && text[cl.term_start..].starts_with(". ") {
                return Decision::BreakAfterFirstDot;
            }
            if cl.spaced && !attached && cl.dots < 4 {
                return Decision::Keep; // `the thing is . . . I didn't`: an omission
            }
            return Decision::Break;
        }
        match next_class {
            // UAX #29 SB8: a lowercase word continues the sentence; a number after a period
            // is far more often `No. 5`, `Jan. 14`, `N°. 1026` than a sentence start.
            Next::Lower | Next::Digit => return Decision::Keep,
            Next::Upper | Next::Nothing => {}
        }
        if cl.has_closers {
            return Decision::Break;
        }
        self.decide_abbreviation(text, cl, tok_start, nt, st)
    }

    /// A bare period followed by a capitalised word: is the word before it an abbreviation?
    fn decide_abbreviation(
        &self,
        text: &str,
        cl: &Cluster,
        tok_start: usize,
        nt: (usize, usize),
        st: &LineState,
    ) -> Decision {
        let w = &text[cl.word.clone()];
        let mut chars = w.chars();
        let initial = match (chars.next(), chars.next()) {
            (Some(c), None) => c.is_alphabetic(),
            _ => false,
        };
        let next_word = leading_word(&text[nt.0..nt.1]);
        let mut buf = [0u8; 16];
        let lower = lowercase_ascii(w, &mut buf);
        if let Some(l) = lower {
            if self.strict.contains(l) {
                return Decision::Keep;
            }
            if l == "a.m" || l == "p.m" {
                if self.time_followers.contains(next_word)
                    || self.intro_time_phrase(text, st.sent_start, tok_start)
                {
                    return Decision::Keep;
                }
                return Decision::Break;
            }
        }
        let soft = lower.is_some_and(|l| self.soft.contains(l));
        if !(soft || initial || is_dotted_abbreviation(w)) {
            return Decision::Break;
        }
        if is_initial_token(&text[nt.0..nt.1]) {
            return Decision::Keep; // `J. R. R. Tolkien`
        }
        if self.starters.contains(next_word) {
            return Decision::Break;
        }
        // `you and I. Mr. Smith ...`, `vitamin C. Researchers ...`: a capital letter after a
        // lowercase word is not a name initial.
        if initial && w.chars().all(char::is_uppercase) {
            if let Some((ps, pe)) = st.prev_tok {
                let prev = &text[ps..pe];
                if ps >= st.sent_start
                    && prev.chars().all(char::is_alphabetic)
                    && prev.chars().next().is_some_and(char::is_lowercase)
                    && !self.particles.contains(prev)
                {
                    return Decision::Break;
                }
            }
        }
        Decision::Keep
    }

    /// `At 5 a.m. Mr. Smith ...`: a short prepositional time phrase opening the sentence.
    fn intro_time_phrase(&self, text: &str, sent_start: usize, tok_start: usize) -> bool {
        if tok_start < sent_start || tok_start - sent_start > 48 {
            return false;
        }
        let mut pos = sent_start;
        let mut count = 0;
        let mut first_is_prep = false;
        while let Some((s, e)) = next_token(text, pos, tok_start) {
            if count == 0 {
                let w = leading_word(&text[s..e]);
                let mut buf = [0u8; 16];
                first_is_prep =
                    lowercase_ascii(w, &mut buf).is_some_and(|l| self.intro_preps.contains(l));
            }
            count += 1;
            pos = e;
        }
        first_is_prep && count <= 3
    }
}

/// The terminator cluster ending token `[ts, te)`, if the token ends with one.
fn cluster_at(text: &str, ts: usize, te: usize, le: usize) -> Option<Cluster> {
    let core_end = strip_closers(text, ts, te);
    let mut term_start = core_end;
    let mut dots = 0;
    let mut has_ellipsis_char = false;
    let mut has_stop = false;
    while let Some(c) = text[ts..term_start].chars().next_back() {
        match kind(c) {
            Kind::Period => dots += 1,
            Kind::Ellipsis => has_ellipsis_char = true,
            Kind::Stop => has_stop = true,
            _ => break,
        }
        term_start -= c.len_utf8();
    }
    if term_start == core_end {
        return None;
    }
    let word_start = ts
        + text[ts..term_start]
            .find(|c: char| !is_opener(c))
            .unwrap_or(term_start - ts);
    let mut cl = Cluster {
        word: word_start..term_start,
        term_start,
        end: te,
        has_closers: core_end < te,
        dots,
        has_ellipsis_char,
        has_stop,
        spaced: false,
    };
    // `. . .`: single dots separated by single spaces continue the cluster.
    while !cl.has_closers && text[..cl.end].ends_with('.') {
        let rest = &text[cl.end..le];
        let mut it = rest.chars();
        match (it.next(), it.next()) {
            (Some(' ' | '\u{a0}'), Some('.')) => {}
            _ => break,
        }
        let Some((s, e)) = next_token(text, cl.end, le) else {
            break;
        };
        let tok = &text[s..e];
        let Some(after_dot) = tok.strip_prefix('.') else {
            break;
        };
        if after_dot.is_empty() {
            cl.dots += 1;
            cl.end = e;
            cl.spaced = true;
        } else if after_dot.chars().all(|c| kind(c) == Kind::Close) {
            cl.dots += 1;
            cl.end = e;
            cl.spaced = true;
            cl.has_closers = true;
        } else {
            break;
        }
    }
    Some(cl)
}

/// The token ending at `te` ends in an ASCII byte that is neither a
/// terminator, a closer nor the `]` of a citation mark, so `cluster_at`
/// finds nothing there.
fn ends_plainly(text: &str, te: usize) -> bool {
    te.checked_sub(1)
        .and_then(|i| text.as_bytes().get(i))
        .is_some_and(|&b| !NOT_PLAIN[usize::from(b)])
}

/// End of `text[ts..te]` without trailing closers and citation marks (`.”`, `.)`, `.[4]`).
fn strip_closers(text: &str, ts: usize, te: usize) -> usize {
    let mut end = te;
    loop {
        let head = &text[ts..end];
        if let Some(cite) = citation_suffix_len(head) {
            end -= cite;
            continue;
        }
        match head.chars().next_back() {
            Some(c) if kind(c) == Kind::Close => end -= c.len_utf8(),
            _ => return end,
        }
    }
}

/// Length of a trailing `[12]` or `[a]` citation mark.
fn citation_suffix_len(s: &str) -> Option<usize> {
    let body = s.strip_suffix(']')?;
    // Look only at the last few bytes: a mark is short, and this keeps long tokens linear.
    let window = body.len().saturating_sub(4);
    let open = window + body.as_bytes()[window..].iter().rposition(|&b| b == b'[')?;
    let inner = body.get(open + 1..)?;
    let ok = match inner.as_bytes() {
        [c] if c.is_ascii_lowercase() => true,
        b => !b.is_empty() && b.len() <= 3 && b.iter().all(u8::is_ascii_digit),
    };
    ok.then_some(inner.len() + 2)
}

/// Class of the first alphanumeric character in `text[from..limit]`.
fn classify_next(text: &str, from: usize, limit: usize) -> Next {
    let Some(rest) = text.get(from..) else {
        return Next::Nothing;
    };
    for (i, c) in rest.char_indices() {
        if from + i >= limit || is_line_break(c) {
            break;
        }
        if c.is_numeric() {
            return Next::Digit;
        }
        if c.is_lowercase() {
            return Next::Lower;
        }
        if c.is_alphabetic() {
            return Next::Upper; // uppercase, titlecase or uncased (CJK, Arabic, ...)
        }
    }
    Next::Nothing
}

/// The letters at the start of a token, after opening quotes and brackets.
fn leading_word(tok: &str) -> &str {
    let s = tok.trim_start_matches(is_opener);
    let len = s.find(|c: char| !c.is_alphabetic()).unwrap_or(s.len());
    &s[..len]
}

/// `R.` or `J.R.`: a token that is itself a name initial.
fn is_initial_token(tok: &str) -> bool {
    let mut it = tok.chars();
    matches!((it.next(), it.next()), (Some(c), Some('.')) if c.is_uppercase())
}

/// `U.S`, `U.S.A`, `Ph.D`, `e.g`: letter groups of one or two joined by periods.
fn is_dotted_abbreviation(w: &str) -> bool {
    w.contains('.')
        && w.split('.').all(|part| {
            let n = part.chars().count();
            (1..=2).contains(&n) && part.chars().all(char::is_alphabetic)
        })
}

/// ASCII-lowercases a short word into `buf`; `None` if it is too long or not ASCII.
fn lowercase_ascii<'b>(w: &str, buf: &'b mut [u8; 16]) -> Option<&'b str> {
    if w.is_empty() || w.len() > buf.len() || !w.is_ascii() {
        return None;
    }
    let dst = &mut buf[..w.len()];
    dst.copy_from_slice(w.as_bytes());
    dst.make_ascii_lowercase();
    std::str::from_utf8(dst).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        Segmenter::new()
            .split(text)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn table() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("   \n\t ", &[]),
            (
                "Hello World. My name is Jonas.",
                &["Hello World.", "My name is Jonas."],
            ),
            (
                "The festival opens on Jan. 14. Tickets are sold out.",
                &["The festival opens on Jan. 14.", "Tickets are sold out."],
            ),
            (
                "Feb. 3 is the date. Dr. Who and Mr. Bean met St. Nick.",
                &["Feb. 3 is the date.", "Dr. Who and Mr. Bean met St. Nick."],
            ),
            (
                "It was No. 1 in the U.S. for weeks. The U.S.A. followed.",
                &[
                    "It was No. 1 in the U.S. for weeks.",
                    "The U.S.A. followed.",
                ],
            ),
            (
                "Doors open at 7 p.m. Friday. The show ends at 10 p.m. Tickets cost $5.",
                &[
                    "Doors open at 7 p.m. Friday.",
                    "The show ends at 10 p.m.",
                    "Tickets cost $5.",
                ],
            ),
            (
                "Bring food, e.g. Bread, i.e. Carbs, etc. and water.",
                &["Bring food, e.g. Bread, i.e. Carbs, etc. and water."],
            ),
            (
                "The Lord of the Rings by J. R. R. Tolkien was filmed. J.K. Rowling was not.",
                &[
                    "The Lord of the Rings by J. R. R. Tolkien was filmed.",
                    "J.K. Rowling was not.",
                ],
            ),
            (
                "It grossed $63.6 million. That was 3.5 times the budget.",
                &[
                    "It grossed $63.6 million.",
                    "That was 3.5 times the budget.",
                ],
            ),
            (
                "“I loved it,” he said. “The cast was great.” Then he left.",
                &[
                    "“I loved it,” he said.",
                    "“The cast was great.”",
                    "Then he left.",
                ],
            ),
            (
                "He won (again.) The jury agreed.",
                &["He won (again.)", "The jury agreed."],
            ),
            (
                "Wait... What? Really?! Yes… She nodded . . . slowly.",
                &[
                    "Wait...",
                    "What?",
                    "Really?!",
                    "Yes…",
                    "She nodded . . . slowly.",
                ],
            ),
            (
                "Film schools\nThe first school opened in 1930.\n\nAwards\n",
                &["Film schools", "The first school opened in 1930.", "Awards"],
            ),
            (
                "It is based in Almaty.[4] Films are made there.[5][6]\nNext",
                &[
                    "It is based in Almaty.[4]",
                    "Films are made there.[5][6]",
                    "Next",
                ],
            ),
            (
                "Winners: • Best Film • Best Actor",
                &["Winners: • Best Film • Best Actor"],
            ),
            ("• Best Film • Best Actor", &["• Best Film", "• Best Actor"]),
            (
                "1. Film one 2. Film two 3. Film three",
                &["1. Film one", "2. Film two", "3. Film three"],
            ),
            (
                "(a) the jury (b) the public",
                &["(a) the jury", "(b) the public"],
            ),
            (
                "今天下雨。明天晴天！好的",
                &["今天下雨。", "明天晴天！", "好的"],
            ),
            (
                "She works at Yahoo! in the city.",
                &["She works at Yahoo! in the city."],
            ),
            (
                "We met you and I. Mr. Smith came too.",
                &["We met you and I.", "Mr. Smith came too."],
            ),
            (
                "He lives on Main St. The house is old.",
                &["He lives on Main St.", "The house is old."],
            ),
            ("A\r\nB", &["A", "B"]),
            // A line break always ends a sentence, even after an abbreviation.
            ("Mr.\nSmith", &["Mr.", "Smith"]),
            (
                "“Why?” she asked. The show airs at 9 p.m. ET on HBO in Washington, D.C. It won.",
                &[
                    "“Why?” she asked.",
                    "The show airs at 9 p.m. ET on HBO in Washington, D.C.",
                    "It won.",
                ],
            ),
            (
                "The U.S. Supreme Court ruled for Acme Inc. and Sony Corp. The case ended.",
                &[
                    "The U.S. Supreme Court ruled for Acme Inc. and Sony Corp.",
                    "The case ended.",
                ],
            ),
            (
                "The jury (led by Ms. Lee) met. He said “no.” Then he left!",
                &[
                    "The jury (led by Ms. Lee) met.",
                    "He said “no.”",
                    "Then he left!",
                ],
            ),
            ("“你好。”他说。", &["“你好。”", "他说。"]),
        ];
        for (text, want) in cases {
            assert_eq!(&sentences(text), want, "input: {text:?}");
        }
    }

    #[test]
    fn every_line_break_ends_a_sentence() {
        for br in [
            "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}",
        ] {
            let text = format!("Mr.{br}Smith’s\u{a0}film{br}");
            assert_eq!(sentences(&text), ["Mr.", "Smith’s\u{a0}film"], "{br:?}");
            assert_eq!(only_newlines(text.as_bytes()), br == "\n", "{br:?}");
        }
        // A NEL that ends the text ends nothing more; near misses: bytes
        // that begin a separator's encoding.
        assert!(only_newlines("a\u{85}".as_bytes()));
        assert!(only_newlines("’ – \u{a0} \u{2027}\n\u{c2}".as_bytes()));
    }

    #[test]
    fn split_into_appends() {
        let seg = Segmenter::default();
        let mut out = Vec::new();
        out.push(0..0); // a sentinel: split_into must keep it
        seg.split_into("Hi. Bye.", &mut out);
        assert_eq!(out, vec![0..0, 0..3, 4..8]);
    }

    #[test]
    fn send_sync() {
        fn check<T: Send + Sync>() {}
        check::<Segmenter>();
    }

    /// Whether the token loop passes over `text[ts..te]` mid-sentence
    /// without a decision: ASCII, no terminator.
    fn is_plain(text: &str, ts: usize, te: usize) -> bool {
        text[ts..te].is_ascii() && !text[ts..te].contains(['.', '!', '?'])
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// A line splits the same with the plain-token skip as without it:
        /// the tokens it passes over (closers and all) decide nothing.
        #[test]
        fn skipping_plain_tokens_changes_no_split(
            line in "([a-zA-Z]{1,6}|[0-9]{1,3}|[.!?…]|[\"')\\]}”’»]|[(\\[“‘«]|\\[[0-9]{1,2}\\]|[-•*]|1\\.|a\\)|é|。| |  |\t|\u{a0}){0,60}",
        ) {
            let seg = Segmenter::new();
            let (mut with, mut without) = (Vec::new(), Vec::new());
            seg.split_line_with::<true>(&line, 0, line.len(), &mut with);
            seg.split_line_with::<false>(&line, 0, line.len(), &mut without);
            proptest::prop_assert_eq!(with, without);
        }

        /// `skip_plain` passes over plain tokens only, lands before a token
        /// boundary (the loop's next token is the one after those it
        /// skipped), and reports the last token it passed over.
        #[test]
        fn skip_plain_passes_over_plain_tokens_only(
            text in "[ab. \t\u{0B}!\"')é\u{a0}’?-]{0,40}",
            from in 0usize..40,
        ) {
            let from = (0..=from.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let (at, prev) = skip_plain(&text, from, text.len());
            let mut pos = from;
            let mut passed = None;
            while let Some((ts, te)) = next_token(&text, pos, text.len()) {
                if ts >= at {
                    // The loop goes on from `at` with this very token.
                    proptest::prop_assert_eq!(next_token(&text, at, text.len()), Some((ts, te)));
                    break;
                }
                proptest::prop_assert!(is_plain(&text, ts, te), "skipped {:?}", &text[ts..te]);
                passed = Some((ts, te));
                pos = te;
            }
            if at < text.len() {
                proptest::prop_assert_eq!(prev, passed);
            }
        }
    }

    #[test]
    fn fast_path_agrees_with_uax29() {
        for c in "!?。！？｡؟।॥‼⁇⁈⁉\"')]}”’“‘»«›‹」』）］】〕〉》｣".chars()
        {
            assert_eq!(kind(c), uax_kind(c), "{c:?}");
        }
    }

    #[test]
    fn uax_probe_classes() {
        assert_eq!(uax_kind('。'), Kind::Stop);
        assert_eq!(uax_kind('؟'), Kind::Stop);
        assert_eq!(uax_kind('」'), Kind::Close);
        assert_eq!(uax_kind('—'), Kind::Other);
        assert_eq!(uax_kind('•'), Kind::Other);
        assert_eq!(kind('…'), Kind::Ellipsis);
    }

    /// Pathological inputs must stay linear (quadratic would take minutes at these sizes).
    #[test]
    fn linear_on_pathological_input() {
        let seg = Segmenter::new();
        let inputs = [
            "a".repeat(10_000_000),
            ".".repeat(1_000_000),
            ". ".repeat(1_000_000),
            "\"".repeat(1_000_000),
            format!("a.{}", "\" ".repeat(500_000)),
            format!("a.{} A", "”".repeat(500_000)),
            "a. ".repeat(300_000),
            "J. ".repeat(300_000),
            format!("At{}", " 5 a.m. Mr.".repeat(100_000)),
            "[1]".repeat(300_000),
            "。".repeat(300_000),
        ];
        for text in &inputs {
            let t = std::time::Instant::now();
            let out = seg.split(text);
            assert!(!out.is_empty());
            assert!(
                t.elapsed().as_secs() < 10,
                "too slow on input of {} bytes",
                text.len()
            );
        }
    }
}
