//! Stage 1, clean: find the noise in a raw article and cut it out.
//!
//! Takes the raw bytes of one article exactly as read (any bytes at all);
//! gives the list of removed [`Noise`] ranges (raw offsets, sorted, never
//! overlapping) and the cleaned text with its [`CleanText`] offset map.
//! Guarantees: every noise range starts and ends on a char boundary of the
//! raw text; invalid UTF-8 bytes and a byte-order mark are noise of kind
//! `encoding` (so the cleaned text is valid UTF-8 and no offset shifts);
//! every byte not in a noise range is copied to the cleaned text once, in
//! order; where noise is cut out between two non-space chars a single space
//! separator is put in so words do not glue together.
//!
//! Detectors are written from the shapes in ANNOTATION.md, generalized to
//! how other sites write the same thing: market tickers (`• KZT/USD =
//! 0.00202 0%`, `$1 – 12724.84`), shortcodes (`[caption …]…[/caption]`),
//! photo captions and credits, wiki citation markers, reference lists,
//! maintenance notices and infoboxes, newsletter and share footers,
//! pagination, `Last update:` lines, bare bylines, `[+see also: …]` blocks,
//! and extraction debris (`null` glued before a paragraph, image file names).

use crate::offsets::CleanText;
use crate::span::{Noise, NoiseKind};
use crate::tokens::words_up_to;
use regex::Regex;
use regex_automata::{meta, Anchored, Input};

/// The compiled noise detectors. Build once, share across threads.
#[derive(Debug)]
pub struct Cleaner {
    shortcode: Bracketed,
    shortcode_tag: Bracketed,
    link_block: Bracketed,
    citation: Bracketed,
    ticker: LineTest,
    template: LineTest,
    footer_start: LineTest,
    social: Regex,
    navigation: LineTest,
    credit: LineTest,
    credit_inline: Regex,
    caption: LineTest,
    null_artifact: Regex,
    /// The literal every `null_artifact` match holds, searched first.
    null_word: memchr::memmem::Finder<'static>,
    image_file: LineTest,
    share_word: LineTest,
    reference_item: LineTest,
    reference_heading: LineTest,
    glued: LineTest,
    wiki_citation_count: Regex,
    quote_line: Regex,
    market_line: LineTest,
}

impl Default for Cleaner {
    fn default() -> Self {
        Self::new()
    }
}

const MONTHS: &str =
    "January|February|March|April|May|June|July|August|September|October|November|December";

/// A pattern whose every match begins with `[`: tried anchored at each
/// `[` of the text (found with `memchr`), which gives the matches
/// `find_iter` would. An unanchored search let the regex engine pick an
/// inner literal (`more`, `video`) and run a reverse scan at each hit.
#[derive(Debug)]
struct Bracketed(meta::Regex);

impl Bracketed {
    fn new(pattern: &str) -> Self {
        debug_assert!(pattern
            .trim_start_matches("(?is)")
            .trim_start_matches("(?i)")
            .starts_with("\\["));
        Bracketed(
            meta::Regex::new(pattern)
                .unwrap_or_else(|e| panic!("bad built-in regex {pattern:?}: {e}")),
        )
    }

    /// Calls `f(start, end)` for each match, leftmost first, not
    /// overlapping.
    fn each(&self, text: &str, mut f: impl FnMut(usize, usize)) {
        let mut pos = 0;
        for p in memchr::memchr_iter(b'[', text.as_bytes()) {
            if p < pos {
                continue;
            }
            let input = Input::new(text).range(p..).anchored(Anchored::Yes);
            if let Some(m) = self.0.search(&input) {
                f(m.start(), m.end());
                // An empty match cannot happen (`[` is consumed).
                pos = m.end().max(p + 1);
            }
        }
    }
}

/// A test of a whole line by a regex whose every match starts where the
/// line does (`^…`), screened by the line's first byte: the bytes a match
/// may begin with are read off the parsed pattern once, and a line that
/// begins with another byte (most lines, for most tests) is turned away
/// without entering the regex engine, whose set-up alone cost a few
/// hundred instructions per line and test.
#[derive(Debug)]
struct LineTest {
    re: meta::Regex,
    /// The bytes a match may begin with; `None` if the regex may match
    /// elsewhere than at the start, or the empty text (then every line is
    /// searched).
    first: Option<[bool; 256]>,
}

impl LineTest {
    fn new(pattern: &str) -> Self {
        // Parsed once, for the regex and its first bytes. The patterns are
        // constants of this module: a failure is a bug caught by every
        // test run, never something input can trigger.
        let hir = regex_syntax::parse(pattern)
            .unwrap_or_else(|e| panic!("bad built-in regex {pattern:?}: {e}"));
        let first = hir
            .properties()
            .look_set_prefix()
            .contains(regex_syntax::hir::Look::Start)
            .then(|| first_bytes(&hir))
            .and_then(|(first, empty)| (!empty).then_some(first));
        let re = meta::Regex::builder()
            // The `regex` crate's size limits.
            .configure(
                meta::Config::new()
                    .nfa_size_limit(Some(10 * (1 << 20)))
                    .hybrid_cache_capacity(2 * (1 << 20)),
            )
            .build_from_hir(&hir)
            .unwrap_or_else(|e| panic!("bad built-in regex {pattern:?}: {e}"));
        LineTest { re, first }
    }

    fn is_match(&self, s: &str) -> bool {
        let may = match (&self.first, s.as_bytes().first()) {
            (Some(first), Some(&b)) => first[usize::from(b)],
            _ => true,
        };
        may && self.re.is_match(s)
    }
}

/// The bytes the non-empty texts `hir` matches may begin with (a
/// superset: a Unicode class gives every lead byte between those of its
/// ends), and whether it matches the empty text. Assertions match the
/// empty text.
fn first_bytes(hir: &regex_syntax::hir::Hir) -> ([bool; 256], bool) {
    use regex_syntax::hir::{Class, HirKind};
    let mut first = [false; 256];
    let mut mark = |lo: u8, hi: u8| first[usize::from(lo)..=usize::from(hi)].fill(true);
    let lead = |c: char| c.encode_utf8(&mut [0; 4]).as_bytes()[0];
    let empty = match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(lit) => match lit.0.first() {
            Some(&b) => {
                mark(b, b);
                false
            }
            None => true,
        },
        HirKind::Class(Class::Unicode(c)) => {
            c.ranges()
                .iter()
                .for_each(|r| mark(lead(r.start()), lead(r.end())));
            false
        }
        HirKind::Class(Class::Bytes(c)) => {
            c.ranges().iter().for_each(|r| mark(r.start(), r.end()));
            false
        }
        HirKind::Repetition(r) => {
            let (f, e) = first_bytes(&r.sub);
            first = f;
            e || r.min == 0
        }
        HirKind::Capture(c) => {
            let (f, e) = first_bytes(&c.sub);
            first = f;
            e
        }
        HirKind::Concat(parts) => {
            // The first part that cannot be empty ends the prefix.
            let mut empty = true;
            for part in parts {
                let (f, e) = first_bytes(part);
                first.iter_mut().zip(f).for_each(|(a, b)| *a |= b);
                if !e {
                    empty = false;
                    break;
                }
            }
            empty
        }
        HirKind::Alternation(alts) => {
            let mut empty = false;
            for alt in alts {
                let (f, e) = first_bytes(alt);
                first.iter_mut().zip(f).for_each(|(a, b)| *a |= b);
                empty |= e;
            }
            empty
        }
    };
    (first, empty)
}

fn re(pattern: &str) -> Regex {
    // The patterns are constants of this module: a failure is a bug caught
    // by every test run, never something input can trigger.
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad built-in regex {pattern:?}: {e}"))
}

impl Cleaner {
    pub fn new() -> Self {
        Self {
            shortcode: Bracketed::new(
                // ASCII `\b` (here and below): with the Unicode one, the
                // lazy DFA gives up at the first non-ASCII byte and the
                // search falls back to a slower engine.
                r"(?is)\[(?:caption|wp_caption|gallery|embed|video|audio)(?-u:\b)[^\]\n]*\].*?\[/(?:caption|wp_caption|gallery|embed|video|audio)\]",
            ),
            shortcode_tag: Bracketed::new(
                r"(?i)\[/?(?:caption|wp_caption|gallery|embed|video|audio)(?-u:\b)[^\]\n]*\]",
            ),
            link_block: Bracketed::new(
                r"(?i)\[\s*\+?\s*(?:see also|read more|read also|related|more)\s*:[^\]\n]*\]",
            ),
            citation: Bracketed::new(
                r"\[(?:\d{1,4}|[a-z]|[a-z]?\s?\d{1,3}|citation needed|clarification needed|verification needed|when\?|who\?|dubious[^\]\n]{0,40}|note \d{1,3}|nb \d{1,3}|edit)\]",
            ),
            ticker: LineTest::new(
                r"^[\s\u{a0}]*(?:[•·▪►*\-]\s*)?(?:[A-Z]{3}\s*/\s*[A-Z]{3}|[$€£¥₸₽]\s*1|1\s*[$€£¥₸₽]|(?:USD|EUR|RUB|CNY|GBP|KZT|KGS|UZS|TJS|TMT|JPY|TRY)(?-u:\b))\s*(?:[=:–—\-]\s*)?[$€£¥₸₽]?\s*\d[\d.,\u{a0} ]*\s*(?:[A-Z]{3}|tenge|som|sum|rubles?)?\s*(?:\(?\s*[+\-−▲▼↑↓]?\s*[\d.,]*\s*%\s*\)?)?\s*[▲▼↑↓]?$",
            ),
            template: LineTest::new(&format!(
                r"(?i)^(?:this (?:article|section|list|biography|page|film|entry|subsection|paragraph)(?-u:\b).{{0,300}}?(?-u:\b)(?:needs?|does not|may|has (?:multiple|no)|is (?:missing|an orphan|written|incomplete)|relies|lacks|requires|contains|is a stub)(?-u:\b).{{0,300}}?(?:help|\((?:{MONTHS}) \d{{4}}\)|remove this (?:template|message))|please help improve|unsourced material may be challenged|learn how and when to remove|find sources:)"
            )),
            footer_start: LineTest::new(
                r"(?i)^(?:get (?:the )?.{0,40}(?:stories|news|updates|newsletter)|sign up|subscribe|follow us|join us on|join our|like us on|share this|share on|share article|download (?:our|the) app|don't miss|click to share|stay (?:up to date|informed|connected)|never miss)",
            ),
            social: re(
                // ASCII `\b`: the Unicode one makes the fast engines give
                // up on any line with a non-ASCII character.
                r"(?-u:\b)(?:Twitter|Facebook|Instagram|Telegram|YouTube|Youtube|TikTok|Tiktok|WhatsApp|LinkedIn|VKontakte|Pinterest|Reddit|Threads)(?-u:\b)",
            ),
            navigation: LineTest::new(&format!(
                r"(?i)^(?:(?:viewing|showing|displaying)\s+(?:results|items|entries|articles|posts)?\s*\d+\s*[-–]\s*\d+\s+of\s+\d+.*|page\s+\d+\s+of\s+\d+|(?:last\s+update[ds]?|updated(?:\s+on)?|last\s+modified)\s*:?\s*(?:(?:{MONTHS}|\d).{{0,60}})?|from\s+wikipedia,\s+the\s+free\s+encyclopedia|sort\s+by\s*:.*|(?:read\s+more|continue\s+reading|read\s+also|also\s+read|see\s+also|related(?:\s+(?:articles?|news|stories|posts|content))?|more\s+(?:on\s+this|stories|news)|recommended(?:\s+for\s+you)?|you\s+may\s+also\s+like|most\s+(?:read|popular)|trending(?:\s+now)?|tags?|categories|previous(?:\s+(?:article|post|story))?|next(?:\s+(?:article|post|story))?|back\s+to\s+top|skip\s+to\s+(?:main\s+)?content|external\s+links|further\s+reading|advertisement|comments?(?:\s*\(\d+\))?|loading\.*)\s*[:»>.→]?(?:\s.{{0,120}})?|by|home\s*[»>/|].*|[«‹<]?\s*(?:prev(?:ious)?|newer|older|next|first|last|\d{{1,4}}|…|\.\.\.)(?:\s+(?:prev(?:ious)?|newer|older|next|first|last|\d{{1,4}}|…|\.\.\.))+\s*[»›>]?|(?:viewing|showing)\s+\d+\s*[-–]\s*\d+\s+of\s+\d+.*)$"
            )),
            credit: LineTest::new(
                r"(?i)^(?:(?:photo|image|picture|video|cover\s+photo|main\s+photo|top\s+photo|illustration|pictures?|photos?|images?)\s*(?:credits?|courtesy|by|source)?|credits?|courtesy|source|фото)\s*:|^(?:photo|image|pictures?|photos?)\s+(?:by|courtesy\s+of)\s|^©\s*\S",
            ),
            credit_inline: re(
                r"(?i)(?:(?:photo|image|picture|video)s?\s*(?:credits?|courtesy|source)\s*:|(?:^|;\s*|\s)(?:photo|image)s?\s*:\s*\S)",
            ),
            caption: LineTest::new(
                r"(?i)^(?:(?:a\s+)?(?:screenshot|screen\s+grab|still|stills|film\s+still|frame|shot|scene|poster)s?\s+(?:from|of)\s|pictured\s*:|photo\s+(?:from|of)\s)",
            ),
            null_artifact: re(
                r"(?m)(?:^|[\s\u{a0}])(null)(?:[A-Z“\x22«‘]|\s*$)|^[\s\u{a0}]*(null)\s+[A-Z“\x22«‘]",
            ),
            null_word: memchr::memmem::Finder::new(b"null").into_owned(),
            // Unbounded classes here and below: a counted repetition of a
            // Unicode class compiles to one copy per count, which made the
            // lazy DFA give up and the search fall back to slower engines.
            // Callers bound the line length instead.
            image_file: LineTest::new(r"(?i)^[\w\-. ()%]+\.(?:jpe?g|png|gif|webp|svg|bmp|tiff?)$"),
            share_word: LineTest::new(
                r"(?i)^(?:share|tweet|pin(?:\s+it)?|email|e-mail|print|copy\s+link|whatsapp|telegram|facebook|twitter|vk|linkedin)$",
            ),
            reference_item: LineTest::new(r"^[\s\u{a0}]*(?:\d{1,4}\.\s*)?\^\s"),
            reference_heading: LineTest::new(
                r"(?i)^(?:references|notes|footnotes|citations|sources|bibliography|notes and references)$",
            ),
            glued: LineTest::new(
                r"^[\s\u{a0}•·]*[A-Z][0-9A-Za-z_.'’ ]{0,40}?(?:[a-z][\d$€£₸]|[a-z]\s?\$|by[A-Z]|[a-z]{2}[A-Z][a-z])",
            ),
            wiki_citation_count: re(r"\[\d{1,4}\]"),
            quote_line: re(r"[.!?]\s|[.!?]$"),
            market_line: LineTest::new(
                r"^[\s\u{a0}]*(?:[•·▪►*\-]\s*)?[A-Z][A-Za-z&/ .]{1,24}\s+[$€£]?\d[\d.,]*\s*(?:[▲▼↑↓]\s*[+\-−]?[\d.,]+\s*%|[+\-−][\d.,]+\s*%|\(\s*[+\-−][\d.,]+\s*%\s*\))\s*$",
            ),
        }
    }

    /// Finds the noise of `raw` and writes the cleaned text into `out`
    /// (cleared first). `noise` is cleared and filled, sorted by start.
    pub fn clean_into(&self, raw: &[u8], noise: &mut Vec<Noise>, out: &mut CleanText) {
        noise.clear();
        // The cleaned text is never longer than the raw bytes.
        out.clear_for(raw.len());
        // Invalid bytes become one-byte placeholders so every offset of the
        // working text is a raw offset; they are reported as noise below.
        let owned;
        let text: &str = match std::str::from_utf8(raw) {
            Ok(t) => {
                out.set_raw_utf8(true);
                t
            }
            Err(_) => {
                owned = replace_invalid(raw, noise);
                &owned
            }
        };
        if text.starts_with('\u{feff}') {
            noise.push(Noise {
                start: 0,
                end: 3,
                kind: NoiseKind::Encoding,
            });
        }
        self.detect(text, noise);
        normalize(noise);
        build_clean(text, noise, out);
    }

    /// Convenience wrapper around [`Cleaner::clean_into`].
    ///
    /// ```
    /// let raw = "Kazakhfilm was renamed in 1984.[12]\nPhoto credit: Kazinform\n";
    /// let (noise, clean) = kinex::clean::Cleaner::new().clean(raw.as_bytes());
    /// assert_eq!(&raw[noise[0].start..noise[0].end], "[12]");
    /// assert_eq!(noise[1].kind, kinex::span::NoiseKind::Credit);
    /// assert_eq!(clean.as_str(), "Kazakhfilm was renamed in 1984.\n\n");
    /// ```
    pub fn clean(&self, raw: &[u8]) -> (Vec<Noise>, CleanText) {
        let mut noise = Vec::new();
        let mut out = CleanText::with_capacity(raw.len());
        self.clean_into(raw, &mut noise, &mut out);
        (noise, out)
    }

    fn detect(&self, text: &str, noise: &mut Vec<Noise>) {
        let mut push = |start: usize, end: usize, kind: NoiseKind| {
            if start < end {
                noise.push(Noise { start, end, kind });
            }
        };
        // The length limits keep a stray opening tag from swallowing a
        // page; a shortcode too long to be a caption still loses its tags.
        self.shortcode.each(text, |s, e| {
            if e - s <= 2_600 {
                push(s, e, NoiseKind::Caption);
            }
        });
        self.shortcode_tag.each(text, |s, e| {
            if e - s <= 520 {
                push(s, e, NoiseKind::Caption);
            }
        });
        self.link_block.each(text, |s, e| {
            if e - s <= 1_040 {
                push(s, e, NoiseKind::Navigation);
            }
        });
        let mut citations = 0usize;
        self.citation.each(text, |s, e| {
            let kind = if &text[s..e] == "[edit]" {
                NoiseKind::Navigation
            } else {
                citations += 1;
                NoiseKind::Citation
            };
            push(s, e, kind);
        });
        let wiki = citations >= 3 && self.wiki_citation_count.find_iter(text).nth(2).is_some();

        let (all, seps) = lines_and_seps(text);
        // A reference item has a `^`: most texts have none at all.
        let carets = memchr::memchr(b'^', text.as_bytes()).is_some();
        let mut i = 0;
        while i < all.len() {
            let line = all[i];
            let body = line.trimmed(text);
            if body.is_empty() {
                i += 1;
                continue;
            }
            if carets && self.is_reference_item(line.text(text)) {
                // A reference list runs to the end of its block of items;
                // blank lines and wrapped entries between items belong to it.
                let mut last = i;
                for (j, l) in all.iter().enumerate().skip(i + 1) {
                    let b = l.trimmed(text);
                    if b.is_empty() {
                        continue;
                    }
                    if !self.is_reference_item(l.text(text)) && starts_prose(b) {
                        break;
                    }
                    last = j;
                }
                push(line.start, all[last].content_end(text), NoiseKind::Citation);
                i = last + 1;
                continue;
            }
            // A table row (`Title | Director | Year`, a neighbour with as
            // many separators) is data, not a menu.
            let in_table = [i.checked_sub(1), Some(i + 1)]
                .into_iter()
                .flatten()
                .filter_map(|k| seps.get(k))
                .any(|n| (0..2).any(|c| n[c] >= 2 && n[c] == seps[i][c]));
            if let Some(kind) = self
                .classify_line(body)
                .filter(|k| !(in_table && *k == NoiseKind::Navigation && self.is_menu(body)))
            {
                let mut end = line.content_end(text);
                // The link list under a `See also` / `Related` heading, up
                // to the next blank line, is navigation too.
                let heading = body.trim_end_matches(':').to_ascii_lowercase();
                if kind == NoiseKind::Navigation
                    && matches!(
                        heading.as_str(),
                        "see also"
                            | "related"
                            | "related articles"
                            | "read also"
                            | "read more"
                            | "more on this"
                            | "also read"
                    )
                {
                    let mut j = i + 1;
                    while let Some(l) = all.get(j) {
                        let b = l.trimmed(text);
                        if b.is_empty() && j == i + 1 {
                            j += 1;
                            continue;
                        }
                        if b.is_empty() || b.len() > 100 || b.ends_with(['.', '!', '?']) {
                            break;
                        }
                        end = l.content_end(text);
                        j += 1;
                    }
                    push(line.start, end, kind);
                    i = j;
                    continue;
                }
                push(line.start, end, kind);
                i += 1;
                continue;
            }
            if body.len() <= 400 && self.caption.is_match(body) {
                let s = line.body_start(text);
                let e = line.content_end(text);
                match self.credit_inline.find(&text[s..e]) {
                    Some(c) if c.start() > 0 => {
                        let cs = s + c.start() + leading_ws(&text[s + c.start()..e]);
                        push(s, trim_end_at(text, s, s + c.start()), NoiseKind::Caption);
                        push(cs, e, NoiseKind::Credit);
                    }
                    _ => push(s, e, NoiseKind::Caption),
                }
                i += 1;
                continue;
            }
            if body.len() <= 30
                && self.reference_heading.is_match(body)
                && self.next_is_reference(&all, i, text)
            {
                push(line.start, line.content_end(text), NoiseKind::Citation);
                i += 1;
                continue;
            }
            let has_null = self.null_word.find(body.as_bytes()).is_some();
            if let Some(m) = has_null
                .then(|| self.null_artifact.captures(line.text(text)))
                .flatten()
            {
                if let Some(g) = m.get(1).or_else(|| m.get(2)) {
                    let s = line.start + g.start();
                    push(s, s + 4, NoiseKind::Artifact);
                }
            }
            // Infobox: a run of short unpunctuated lines where labels and
            // values are glued together (`Directed bySergey Dvortsevoy`).
            if let Some(j) = self.infobox_end(&all, i, text) {
                push(line.start, all[j].content_end(text), NoiseKind::Template);
                i = j + 1;
                continue;
            }
            if wiki && self.is_wiki_caption(&all, i, text) {
                push(
                    line.body_start(text),
                    line.content_end(text),
                    NoiseKind::Caption,
                );
            }
            i += 1;
        }
    }

    fn classify_line(&self, body: &str) -> Option<NoiseKind> {
        if body.len() <= 120 && (self.ticker.is_match(body) || self.market_line.is_match(body)) {
            return Some(NoiseKind::Ticker);
        }
        if body.len() <= 200 && self.is_menu(body) {
            return Some(NoiseKind::Navigation);
        }
        if body.len() <= 600 && self.template.is_match(body) {
            return Some(NoiseKind::Template);
        }
        if body.len() <= 400 {
            let socials = self.social.find_iter(body).count();
            if socials >= 3 || (socials >= 1 && self.footer_start.is_match(body)) {
                return Some(NoiseKind::Footer);
            }
            if self.footer_start.is_match(body)
                && body.len() <= 160
                && !body.contains(". ")
                && words_up_to(body, 21) <= 20
            {
                return Some(NoiseKind::Footer);
            }
        }
        if body.len() <= 200 && self.navigation.is_match(body) && !looks_like_prose(body) {
            return Some(NoiseKind::Navigation);
        }
        if body.len() <= 200 && self.credit.is_match(body) {
            return Some(NoiseKind::Credit);
        }
        if body.len() <= 200 && (self.image_file.is_match(body) || self.share_word.is_match(body)) {
            return Some(NoiseKind::Artifact);
        }
        None
    }

    /// `Films · Festivals · Interviews · About`, `Newest | A–Z | Runtime`:
    /// three or more short items between menu separators, no sentence.
    fn is_menu(&self, body: &str) -> bool {
        for sep in ['·', '|', '•', '»', '/'] {
            // Three items need two separators: most lines have none, and
            // are spared the item list.
            if !twice(body, sep) {
                continue;
            }
            let items: Vec<&str> = body.split(sep).map(str::trim).collect();
            if items.len() >= 3
                && items
                    .iter()
                    .all(|it| !it.is_empty() && words_up_to(it, 5) <= 4 && it.len() <= 40)
                && !self.quote_line.is_match(body)
                && !body.chars().any(|c| c.is_ascii_digit() || c == ':')
                && items
                    .iter()
                    .filter(|it| it.chars().next().is_some_and(char::is_uppercase))
                    .count()
                    * 2
                    >= items.len()
            {
                return true;
            }
        }
        false
    }

    fn next_is_reference(&self, all: &[Line], i: usize, text: &str) -> bool {
        all[i + 1..]
            .iter()
            .find(|l| !l.trimmed(text).is_empty())
            .is_some_and(|l| self.is_reference_item(l.text(text)))
    }

    /// A line of a wiki reference list (`1. ^ Smith, J. …`). Every item
    /// has a `^`: a byte test spares the regex on all other lines.
    fn is_reference_item(&self, line: &str) -> bool {
        memchr::memchr(b'^', line.as_bytes()).is_some() && self.reference_item.is_match(line)
    }

    fn infobox_like(&self, body: &str) -> bool {
        if body.is_empty() || body.len() > 100 {
            return false;
        }
        let b = strip_citations(body);
        !b.ends_with(['.', '!', '?', ':', ';', ',', '"', '”']) && !has_inner_sentence_break(body)
    }

    /// Index of the last line of an infobox block starting at `i`, if one
    /// starts there.
    fn infobox_end(&self, all: &[Line], i: usize, text: &str) -> Option<usize> {
        let first = all[i].trimmed(text);
        if !self.infobox_like(first) || !self.glued.is_match(first) {
            return None;
        }
        let mut glued = 0;
        let mut last = i;
        for (j, l) in all.iter().enumerate().skip(i) {
            let b = l.trimmed(text);
            if !self.infobox_like(b) {
                break;
            }
            let is_glued = self.glued.is_match(b);
            if is_glued {
                glued += 1;
            }
            if is_glued || self.wiki_citation_count.is_match(b) {
                last = j;
            }
        }
        (glued >= 2).then_some(last)
    }

    /// A wiki image caption: a one-sentence paragraph with no citation
    /// marker, standing between blank lines, in an article that cites.
    fn is_wiki_caption(&self, all: &[Line], i: usize, text: &str) -> bool {
        let body = all[i].trimmed(text);
        // Cheapest tests first: this runs on every line of a wiki page.
        body.ends_with('.')
            && (i == 0 || all[i - 1].trimmed(text).is_empty())
            && all.get(i + 1).is_none_or(|l| l.trimmed(text).is_empty())
            && !body.contains('[')
            && (5..=40).contains(&words_up_to(body, 41))
            && !has_inner_sentence_break(body)
    }
}

fn looks_like_prose(body: &str) -> bool {
    // `By the end of the screening, …` is prose, `By Jane Doe` a byline.
    let words = words_up_to(body, 15);
    words > 14 || (body.ends_with('.') && words > 6)
}

fn starts_prose(body: &str) -> bool {
    body.len() > 200 || body.ends_with('.') && words_up_to(body, 13) > 12
}

fn has_inner_sentence_break(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(3).enumerate().any(|(k, w)| {
        matches!(w[0], b'.' | b'!' | b'?')
            && w[1] == b' '
            && w[2].is_ascii_uppercase()
            && k + 3 < b.len()
    })
}

/// `text[12][a]` → `text`.
fn strip_citations(mut s: &str) -> &str {
    while let Some(open) = s.strip_suffix(']').and_then(|t| t.rfind('[')) {
        if s.len() - open > 6 {
            break;
        }
        s = &s[..open];
    }
    s
}

fn leading_ws(s: &str) -> usize {
    s.len() - s.trim_start().len()
}

fn trim_end_at(text: &str, start: usize, end: usize) -> usize {
    start + text[start..end].trim_end().len()
}

/// Replaces each invalid byte by a one-byte placeholder (U+001A) and
/// records the invalid runs as `encoding` noise.
fn replace_invalid(raw: &[u8], noise: &mut Vec<Noise>) -> String {
    let mut s = String::with_capacity(raw.len());
    for chunk in raw.utf8_chunks() {
        s.push_str(chunk.valid());
        let bad = chunk.invalid();
        if !bad.is_empty() {
            let start = s.len();
            for _ in bad {
                s.push('\u{1a}');
            }
            noise.push(Noise {
                start,
                end: s.len(),
                kind: NoiseKind::Encoding,
            });
        }
    }
    s
}

/// Sorts, merges overlapping ranges (the first kind wins) and joins
/// touching ranges of the same kind (`[5][6]` is one citation).
fn normalize(noise: &mut Vec<Noise>) {
    noise.sort_by_key(|n| (n.start, std::cmp::Reverse(n.end)));
    let mut out: Vec<Noise> = Vec::with_capacity(noise.len());
    for n in noise.drain(..) {
        match out.last_mut() {
            Some(last) if n.start < last.end || (n.start == last.end && n.kind == last.kind) => {
                last.end = last.end.max(n.end);
            }
            _ => out.push(n),
        }
    }
    *noise = out;
}

fn build_clean(text: &str, noise: &[Noise], out: &mut CleanText) {
    let mut pos = 0;
    for n in noise {
        if n.start > pos {
            out.copy(&text[pos..n.start], pos);
        }
        let before = text[..n.start].chars().next_back();
        let after = text[n.end..].chars().next();
        if let (Some(b), Some(a)) = (before, after) {
            if !b.is_whitespace() && !a.is_whitespace() {
                out.separator(' ', n.start);
            }
        }
        pos = n.end;
    }
    if pos < text.len() {
        out.copy(&text[pos..], pos);
    }
}

/// A line of the working text: `[start, end)` without its `\n`.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
}

impl Line {
    fn text<'a>(&self, t: &'a str) -> &'a str {
        &t[self.start..self.end]
    }
    fn trimmed<'a>(&self, t: &'a str) -> &'a str {
        self.text(t).trim_matches(|c: char| c.is_whitespace())
    }
    fn body_start(&self, t: &str) -> usize {
        let s = self.text(t);
        self.start + (s.len() - s.trim_start().len())
    }
    /// End of the line without trailing whitespace (and `\r`).
    fn content_end(&self, t: &str) -> usize {
        self.start + self.text(t).trim_end().len()
    }
}

/// Where `sep` occurs in `s`: `memchr` (vectorized; `str::matches` steps
/// a word at a time, `memmem` builds a searcher per call) finds the
/// char's last byte, and the bytes before it must be the rest of the char.
fn occurrences(s: &str, sep: char) -> impl Iterator<Item = usize> + '_ {
    let mut buf = [0; 4];
    let len = sep.encode_utf8(&mut buf).len();
    let b = s.as_bytes();
    memchr::memchr_iter(buf[len - 1], b).filter(move |&k| b[..=k].ends_with(&buf[..len]))
}

/// `sep` occurs at least twice in `s`.
fn twice(s: &str, sep: char) -> bool {
    occurrences(s, sep).nth(1).is_some()
}

/// The lines of `text` (without their `\n`) and, for each, its count of
/// menu separators `|` and `·`.
fn lines_and_seps(text: &str) -> (Vec<Line>, Vec<[usize; 2]>) {
    // Sized by one vectorized count: collected blind, the list grew
    // by doubling, each step a copy, on a long page. The lines come
    // from one search for line breaks, not one search per line.
    let bytes = text.as_bytes();
    let mut all = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', bytes) {
        all.push(Line { start, end: nl });
        start = nl + 1;
    }
    if start < bytes.len() {
        all.push(Line {
            start,
            end: bytes.len(),
        });
    }
    // Menu separators (`|`, `·`) per line, counted once: the table test
    // of `detect` compares each line with its neighbours. One search over
    // the text for both: most lines have neither, and a count per
    // line cost two searches a line.
    let mut seps = vec![[0usize; 2]; all.len()];
    let mut li = 0;
    for p in memchr::memchr2_iter(b'|', 0xB7, bytes) {
        // `·` is C2 B7; other chars end in B7 too (`ķ`).
        let k = match bytes[p] {
            b'|' => 0,
            _ if p > 0 && bytes[p - 1] == 0xC2 => 1,
            _ => continue,
        };
        while all.get(li).is_some_and(|l| l.end <= p) {
            li += 1;
        }
        if let Some(n) = seps.get_mut(li) {
            n[k] += 1;
        }
    }
    (all, seps)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line tests, by name.
    fn line_tests(c: &Cleaner) -> Vec<(&'static str, &LineTest)> {
        vec![
            ("ticker", &c.ticker),
            ("template", &c.template),
            ("footer_start", &c.footer_start),
            ("navigation", &c.navigation),
            ("credit", &c.credit),
            ("caption", &c.caption),
            ("image_file", &c.image_file),
            ("share_word", &c.share_word),
            ("reference_item", &c.reference_item),
            ("reference_heading", &c.reference_heading),
            ("glued", &c.glued),
            ("market_line", &c.market_line),
        ]
    }

    #[test]
    fn every_line_test_is_screened_by_its_first_byte() {
        let c = Cleaner::new();
        for (name, t) in line_tests(&c) {
            let first = t
                .first
                .unwrap_or_else(|| panic!("{name}: no first-byte screen"));
            assert!(first.iter().any(|&b| !b), "{name}: screens nothing");
        }
        // Keyword tests pass their words' first letters, in either case.
        let f = c.share_word.first.unwrap();
        assert!(f[usize::from(b's')] && f[usize::from(b'S')] && f[usize::from(b'v')]);
        assert!(!f[usize::from(b'a')] && !f[usize::from(b' ')] && !f[usize::from(b'1')]);
        // A pattern that may match anywhere, or match nothing, gets no
        // screen; one that must begin at the start does.
        assert!(LineTest::new(r"(?i)\bphoto").first.is_none());
        assert!(LineTest::new(r"^a|b").first.is_none());
        assert!(LineTest::new(r"^\s*").first.is_none());
        let f = LineTest::new(r"^(?:a|\s*[ж€])").first.unwrap();
        let on: Vec<u8> = (0..=255u8).filter(|&b| f[usize::from(b)]).collect();
        // `a`, the ASCII and other spaces' lead bytes, `ж` (D0), `€` (E2).
        assert!(
            on.contains(&b'a') && on.contains(&b' ') && on.contains(&0xD0) && on.contains(&0xE2)
        );
        assert!(!on.contains(&b'b') && !on.contains(&b'A'));
    }

    proptest::proptest! {
        /// Screened or not, every line test answers alike: on lines made
        /// of the tests' own first words and marks, and of any chars.
        #[test]
        fn line_tests_answer_as_their_regexes(
            line in "((Photo|photo|PHOTO|Share|share|Subscribe|This article|Page 2 of 3|USD|EUR/USD|©|фото|References|1\\. \\^ |[•·]|Director|img\\.JPG|Last updated:|[A-Za-z0-9]{1,6}|[ :.$€%+\\-▲]|ſ|\u{212A}|é|\u{a0}|\\^)){0,8}",
        ) {
            static CLEANER: std::sync::LazyLock<Cleaner> = std::sync::LazyLock::new(Cleaner::new);
            for (name, t) in line_tests(&CLEANER) {
                proptest::prop_assert_eq!(t.is_match(&line), t.re.is_match(&line), "{}", name);
            }
        }
    }

    proptest::proptest! {
        /// The lines and separator counts are those of a split at `\n`
        /// and a count per line.
        #[test]
        fn lines_and_seps_match_a_split_and_count(text in "([a |·ķ\n]|\u{B7}|\u{C2}){0,40}") {
            let (lines, seps) = lines_and_seps(&text);
            let mut want = Vec::new();
            let mut pos = 0;
            while pos < text.len() {
                let end = text[pos..].find('\n').map_or(text.len(), |k| pos + k);
                let l = &text[pos..end];
                want.push(((pos, end), [l.matches('|').count(), l.matches('·').count()]));
                pos = end + 1;
            }
            let got: Vec<_> = lines.iter().map(|l| (l.start, l.end)).zip(seps).collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    fn kinds(raw: &str) -> Vec<(String, &'static str)> {
        let (noise, _) = Cleaner::new().clean(raw.as_bytes());
        noise
            .iter()
            .map(|n| (raw[n.start..n.end].to_string(), n.kind.as_str()))
            .collect()
    }

    #[test]
    fn twice_counts_whole_chars() {
        assert!(twice("News · Film · TV", '·'));
        assert!(!twice("News · Film", '·'));
        // `ķ` ends in the same byte as `·` (B7): not a separator.
        assert!(!twice("ķ News · Film ķ", '·'));
        assert!(twice("a||b", '|'));
        assert!(!twice("Home » Films", '»'));
        assert!(twice("Home » Films » 2024", '»'));
        assert!(!twice("", '/'));
    }

    #[test]
    fn bracketed_matches_are_find_iter_matches() {
        // Tried anchored at each `[`, a pattern must find exactly what an
        // unanchored `find_iter` finds.
        let c = Cleaner::new();
        let texts = [
            "A film.[4] Next.[5][6] [[7]] [citation needed] [edit] [a] [ 12]",
            "[caption id=\"x\"]Photo [b] by X[/caption] and [CAPTION]y[/caption] [/video]",
            "[+ Read more: the story] [see also: X] [[more]] [Related: a [b]] [more:",
            "no brackets at all",
            "[[[[",
        ];
        for (b, pattern) in [
            (&c.shortcode, c.shortcode.0.pattern_len()),
            (&c.shortcode_tag, c.shortcode_tag.0.pattern_len()),
            (&c.link_block, c.link_block.0.pattern_len()),
            (&c.citation, c.citation.0.pattern_len()),
        ] {
            assert_eq!(pattern, 1);
            for t in texts {
                let mut got = Vec::new();
                b.each(t, |s, e| got.push((s, e)));
                let want: Vec<_> = b.0.find_iter(t).map(|m| (m.start(), m.end())).collect();
                assert_eq!(got, want, "{t}");
            }
        }
    }

    #[test]
    fn an_overlong_shortcode_loses_only_its_tags() {
        let body = "Long prose inside an unclosed gallery. ".repeat(80);
        let raw = format!("Before.\n[gallery ids=\"1\"]{body}[/gallery]\nAfter.");
        let got = kinds(&raw);
        assert_eq!(
            got,
            [
                ("[gallery ids=\"1\"]".to_string(), "caption"),
                ("[/gallery]".to_string(), "caption")
            ]
        );
        // A tag whose attributes run past 500 bytes is not a tag.
        let raw = format!("[caption {}]", "x".repeat(600));
        assert!(kinds(&raw).is_empty());
    }

    #[test]
    fn image_file_names_are_artifacts_up_to_200_bytes() {
        let name = format!("{}.jpg", "a".repeat(150));
        assert_eq!(kinds(&format!("{name}\n")), [(name.clone(), "artifact")]);
        let long = format!("{}.jpg", "a".repeat(250));
        assert!(kinds(&format!("{long}\n")).is_empty());
    }

    #[test]
    fn noise_table() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("• KGS/USD = 0.01143 0%\n  • KZT/USD = 0.00202 0%\nText.", &[("• KGS/USD = 0.01143 0%", "ticker"), ("  • KZT/USD = 0.00202 0%", "ticker")]),
            ("$1 – 12724.84\nNews here.", &[("$1 – 12724.84", "ticker")]),
            ("EUR 512.30 +0.4%\n", &[("EUR 512.30 +0.4%", "ticker")]),
            ("A film.[4] Next.[5][6]\n", &[("[4]", "citation"), ("[5][6]", "citation")]),
            ("America. [caption id=\"a\" width=\"10\"] Still from X[/caption] From", &[("[caption id=\"a\" width=\"10\"] Still from X[/caption]", "caption")]),
            ("Screenshot from the movie “Gulmira.” Photo credit:\n", &[("Screenshot from the movie “Gulmira.”", "caption"), ("Photo credit:", "credit")]),
            ("Photo credit:\n\nProse.", &[("Photo credit:", "credit")]),
            ("Image: VCG\n", &[("Image: VCG", "credit")]),
            ("This section needs expansion. You can help by adding to it. (February 2017)\n", &[("This section needs expansion. You can help by adding to it. (February 2017)", "template")]),
            ("Get The Astana Times stories sent directly to you! Sign up via the website or subscribe to our Twitter, Facebook, Instagram!", &[("Get The Astana Times stories sent directly to you! Sign up via the website or subscribe to our Twitter, Facebook, Instagram!", "footer")]),
            ("Subscribe to our newsletter\n", &[("Subscribe to our newsletter", "footer")]),
            ("Viewing results 1 - 6 of 12\n", &[("Viewing results 1 - 6 of 12", "navigation")]),
            ("Last update: April 19, 2024\n", &[("Last update: April 19, 2024", "navigation")]),
            ("by\nJohn Smith\n", &[("by", "navigation")]),
            ("by Nigora Saidova\n", &[]),
            ("« Previous  1  2  3  4  Next »\n", &[("« Previous  1  2  3  4  Next »", "navigation")]),
            ("Viewing 7–12 of 24 films\n", &[("Viewing 7–12 of 24 films", "navigation")]),
            ("See also\n", &[("See also", "navigation")]),
            ("See also\nCinema of Kazakhstan\nCinema of Uzbekistan\n\nProse here.", &[("See also\nCinema of Kazakhstan\nCinema of Uzbekistan", "navigation")]),
            ("Read more: Kazakh film wins in Busan\n", &[("Read more: Kazakh film wins in Busan", "navigation")]),
            ("text [+see also: film profile, trailer] more", &[("[+see also: film profile, trailer]", "navigation")]),
            ("nullThe film opens in May.\n", &[("null", "artifact")]),
            ("null Kazakh director Dariga Tulegenova spoke.\n", &[("null", "artifact")]),
            ("poster_2024.jpg\n", &[("poster_2024.jpg", "artifact")]),
            ("Share\n", &[("Share", "artifact")]),
            ("Brent 66.12 ▼1.2%\n", &[("Brent 66.12 ▼1.2%", "ticker")]),
            ("Gold $2,315.40 +0.8%\n", &[("Gold $2,315.40 +0.8%", "ticker")]),
            ("Films · Festivals · Interviews · Streaming · About\n", &[("Films · Festivals · Interviews · Streaming · About", "navigation")]),
            ("Kazakh | Русский | English\n", &[("Kazakh | Русский | English", "navigation")]),
            ("Sort by: Newest | A–Z | Runtime\n", &[("Sort by: Newest | A–Z | Runtime", "navigation")]),
            ("From Wikipedia, the free encyclopedia\n", &[("From Wikipedia, the free encyclopedia", "navigation")]),
            ("Continue reading: Page 3 — Independence years\n", &[("Continue reading: Page 3 — Independence years", "navigation")]),
            ("Title\nDirected bySergey Dvortsevoy\nStarringSamal Yeslyamova\nCountryKazakhstan\n\nProse.", &[("Directed bySergey Dvortsevoy\nStarringSamal Yeslyamova\nCountryKazakhstan", "template")]),
            ("See more.\n\n  1. ^ a b \"Kazakh Film\". Retrieved 2014.\n  2. ^ \"Other\". 2013.\n", &[("  1. ^ a b \"Kazakh Film\". Retrieved 2014.\n  2. ^ \"Other\". 2013.", "citation")]),
        ];
        for (raw, want) in cases {
            let got = kinds(raw);
            let want: Vec<(String, &str)> = want.iter().map(|(t, k)| (t.to_string(), *k)).collect();
            assert_eq!(got, want, "input: {raw:?}");
        }
    }

    #[test]
    fn prose_is_not_noise() {
        for raw in [
            "By the end of the screening, the audience will have an opportunity to share opinions.",
            "The film was shot in 2019 and released in 2021 to great acclaim.",
            "Share prices rose after the studio announced a new film about Abai.",
            "07 February 2026",
            "Film schools",
            "The photo shows the director on set with the crew of the film.",
            "Director: Aizhan Kassymbek | Kazakhstan | 2023 | 92 min",
            "Title | Director | Genre\nYigit | Bakhodir Yuldashev | Drama\nThe Road | Zulfikar Musakov | Comedy",
            "The value was null and void.",
            "Kazakhstan 2 – 1 Uzbekistan",
        ] {
            assert_eq!(kinds(raw), vec![], "input: {raw:?}");
        }
    }

    #[test]
    fn invalid_utf8_and_bom_are_encoding_noise() {
        let raw = b"\xef\xbb\xbfAbc \xff\xfe def";
        let (noise, clean) = Cleaner::new().clean(raw);
        assert_eq!(
            noise,
            vec![
                Noise {
                    start: 0,
                    end: 3,
                    kind: NoiseKind::Encoding
                },
                Noise {
                    start: 7,
                    end: 9,
                    kind: NoiseKind::Encoding
                },
            ]
        );
        assert_eq!(clean.as_str(), "Abc  def");
    }

    #[test]
    fn separator_keeps_words_apart() {
        let (_, clean) = Cleaner::new().clean("Kazakhstan[4]Today".as_bytes());
        assert_eq!(clean.as_str(), "Kazakhstan Today");
    }
}
