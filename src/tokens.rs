//! A light token stream over clean text, for the pattern rules.
//!
//! Takes clean text; gives words and punctuation marks with their byte
//! spans, plus where lines start. A word is a run of letters, marks and
//! digits, joined across an inner hyphen or apostrophe (`Kyz-Zhibek`,
//! `Leila's`). No token owns a `String`: every token is a span into the
//! text, and the buffer is reused between documents.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    Punct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// A line break lies between this token and the previous one.
    pub line_start: bool,
    /// Whitespace lies between this token and the previous one.
    pub space_before: bool,
    /// A tab lies between this token and the previous one: a column
    /// break in a table, which a name does not run across.
    pub tab_before: bool,
    /// The token is one run of ASCII letters and digits: no char inside
    /// it ends a word, so a stage that looks for word starts need not
    /// look inside it.
    pub plain: bool,
    /// The token's first byte: the stages that screen tokens by it need
    /// not reach into the text (the field fills padding: a token is 24
    /// bytes either way).
    pub first: u8,
}

impl Token {
    pub fn text<'a>(&self, t: &'a str) -> &'a str {
        &t[self.start..self.end]
    }
}

fn is_word_char(c: char) -> bool {
    is_alphanumeric(c) || matches!(c, '\u{300}'..='\u{36f}')
}

/// The chars below it are read off [`ALNUM_BITS`].
const TABLE_END: usize = 0x2080;

/// One bit per char below [`TABLE_END`], set for the alphanumeric ones:
/// made once, from `char::is_alphanumeric` itself.
static ALNUM_BITS: std::sync::LazyLock<[u64; TABLE_END / 64]> = std::sync::LazyLock::new(|| {
    let mut t = [0; TABLE_END / 64];
    for (u, c) in (0..TABLE_END as u32).filter_map(|u| Some((u as usize, char::from_u32(u)?))) {
        if c.is_alphanumeric() {
            t[u / 64] |= 1 << (u % 64);
        }
    }
    t
});

/// `char::is_alphanumeric`, from a table below U+2080. News text outside
/// ASCII is mostly quotes, dashes, bullets and no-break spaces (U+00A0,
/// U+2000–U+206F), with Latin and Cyrillic letters; std answers each of
/// them with a search of its Unicode tables (~300 instructions), the
/// table with one load.
#[inline]
pub(crate) fn is_alphanumeric(c: char) -> bool {
    let u = c as usize;
    match ALNUM_BITS.get(u / 64) {
        Some(w) => w >> (u % 64) & 1 != 0,
        None => c.is_alphanumeric(),
    }
}

/// The char at byte `i` (a char boundary) and its length, with an ASCII
/// fast path: most of the text is ASCII.
#[inline]
fn char_at(text: &str, i: usize) -> Option<(char, usize)> {
    match *text.as_bytes().get(i)? {
        b if b < 0x80 => Some((char::from(b), 1)),
        _ => text.get(i..)?.chars().next().map(|c| (c, c.len_utf8())),
    }
}

/// What an ASCII byte is to the tokenizer; bytes from 0x80 up are
/// `HIGH` and decoded as chars.
const SPACE: u8 = 0;
const NEWLINE: u8 = 1;
const ALNUM: u8 = 2;
/// `-` and `'`: they join two words, or stand alone as punctuation.
const JOIN: u8 = 3;
const PUNCT: u8 = 4;
const HIGH: u8 = 5;

/// The class of every byte. Matches `char::is_whitespace` and
/// `is_word_char` on ASCII (a test checks all 128).
const CLASS: [u8; 256] = {
    let mut t = [HIGH; 256];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = match b {
            b'\n' => NEWLINE,
            b'\t' | 0x0B | 0x0C | b'\r' | b' ' => SPACE,
            b'-' | b'\'' => JOIN,
            _ if b.is_ascii_alphanumeric() => ALNUM,
            _ => PUNCT,
        };
        i += 1;
    }
    t
};

/// Appends the tokens of `text` to `out` (cleared first).
///
/// One byte-class lookup per ASCII byte; only non-ASCII text is decoded
/// into chars. This runs over every byte of every document.
pub fn tokenize(text: &str, out: &mut Vec<Token>) {
    out.clear();
    // News text has one token per ~5 bytes: room for one per 4 is made
    // at once, in a fresh buffer (growing one copies it, and realloc
    // copies even the cleared part), instead of by a dozen doublings.
    let room = text.len() / 4 + 16;
    if out.capacity() < room {
        *out = Vec::with_capacity(room);
    }
    let b = text.as_bytes();
    let class = |i: usize| b.get(i).map(|&x| CLASS[usize::from(x)]);
    let mut i = 0;
    let mut line_start = true;
    let mut space_before = false;
    let mut tab_before = false;
    while let Some(c) = class(i) {
        let start = i;
        let mut plain = false;
        let kind = match c {
            NEWLINE => {
                line_start = true;
                space_before = true;
                i += 1;
                continue;
            }
            SPACE => {
                space_before = true;
                tab_before |= b[i] == b'\t';
                i += 1;
                continue;
            }
            ALNUM => {
                // Most words are one run of ASCII letters and digits; only
                // a run that stops at a join or a non-ASCII byte needs the
                // full word scan.
                let e = ascii_run_end(b, i + 1);
                (i, plain) = match class(e) {
                    Some(JOIN | HIGH) => word_end(text, e),
                    _ => (e, true),
                };
                Kind::Word
            }
            JOIN | PUNCT => {
                i += 1;
                Kind::Punct
            }
            _ => {
                let Some((ch, n)) = char_at(text, i) else {
                    break;
                };
                if ch.is_whitespace() {
                    space_before = true;
                    i += n;
                    continue;
                }
                if is_word_char(ch) {
                    i = word_end(text, i + n).0;
                    Kind::Word
                } else {
                    i += n;
                    Kind::Punct
                }
            }
        };
        out.push(Token {
            start,
            end: i,
            kind,
            line_start,
            space_before,
            tab_before,
            plain,
            first: b.get(start).copied().unwrap_or(0),
        });
        line_start = false;
        space_before = false;
        tab_before = false;
    }
}

/// The number of whitespace-separated words of `s`, counted up to
/// `limit`: callers compare the count with a small bound, and a long
/// paragraph need not be walked to its end to fail it.
#[inline]
pub(crate) fn words_up_to(s: &str, limit: usize) -> usize {
    s.split_whitespace().take(limit).count()
}

/// An ASCII letter or digit, by the tokenizer's byte-class table.
#[inline(always)]
pub(crate) fn is_ascii_alnum(b: u8) -> bool {
    CLASS[usize::from(b)] == ALNUM
}

/// The end of the run of ASCII letters and digits at `from`: the bulk of
/// every word.
#[inline(always)]
fn ascii_run_end(b: &[u8], mut from: usize) -> usize {
    // Eight bytes at a time while eight are left: the first byte that is
    // not an ASCII letter or digit is the lowest marked one.
    while let Some(chunk) = b
        .get(from..from + 8)
        .and_then(|c| <[u8; 8]>::try_from(c).ok())
    {
        let stop = not_alnum8(u64::from_le_bytes(chunk));
        if stop != 0 {
            return from + (stop.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    while b.get(from).is_some_and(|&x| is_ascii_alnum(x)) {
        from += 1;
    }
    from
}

/// The high bit of each byte of `x` that is not an ASCII letter or digit.
/// Each range test subtracts bytewise with the high bits set (or the
/// byte below 0x80), so no borrow crosses into the next byte.
#[inline(always)]
fn not_alnum8(x: u64) -> u64 {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    let ascii = !x & H;
    // Below 0x80, a byte is at least `lo` when (byte | 0x80) - lo keeps
    // its high bit, and at most `hi` when (hi | 0x80) - byte does.
    let within = |y: u64, lo: u64, hi: u64| ((y | H) - lo * L) & (((hi | 0x80) * L) - (y & !H)) & H;
    let digit = within(x, 0x30, 0x39);
    let letter = within(x | (0x20 * L), 0x61, 0x7a);
    !((digit | letter) & ascii) & H
}

/// The end of the word whose next char starts at `end`: word chars, and
/// one inner hyphen or apostrophe at a time when a word char follows it;
/// and whether the word went on in ASCII letters and digits alone.
#[inline(never)]
fn word_end(text: &str, mut end: usize) -> (usize, bool) {
    let b = text.as_bytes();
    let joins_at = |k: usize| char_at(text, k).is_some_and(|(e, _)| is_word_char(e));
    let mut plain = true;
    loop {
        end = ascii_run_end(b, end);
        match b.get(end).map(|&x| CLASS[usize::from(x)]) {
            Some(JOIN) if joins_at(end + 1) => end += 1,
            Some(HIGH) => {
                let Some((d, m)) = char_at(text, end) else {
                    return (end, plain);
                };
                if is_word_char(d) || (matches!(d, '’' | '‑') && joins_at(end + m)) {
                    end += m;
                } else {
                    return (end, plain);
                }
            }
            _ => return (end, plain),
        }
        plain = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn alphanumeric_is_std_for_every_char() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{:?}", c);
        }
    }

    /// The tokenizer as it was before its byte-class table: char by
    /// char, every char asked of Unicode. The reference `tokenize` must
    /// agree with, token for token.
    fn tokenize_by_chars(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        let mut i = 0;
        let mut line_start = true;
        let mut space_before = false;
        let mut tab_before = false;
        while let Some((c, n)) = char_at(text, i) {
            if c == '\n' {
                line_start = true;
                space_before = true;
                i += n;
                continue;
            }
            if c.is_whitespace() {
                space_before = true;
                tab_before |= c == '\t';
                i += n;
                continue;
            }
            let (end, kind) = if is_word_char(c) {
                (word_end_by_chars(text, i + n), Kind::Word)
            } else {
                (i + n, Kind::Punct)
            };
            out.push(Token {
                start: i,
                end,
                kind,
                line_start,
                space_before,
                tab_before,
                plain: kind == Kind::Word
                    && text[i..end].bytes().all(|b| b.is_ascii_alphanumeric()),
                first: text.as_bytes().get(i).copied().unwrap_or(0),
            });
            line_start = false;
            space_before = false;
            tab_before = false;
            i = end;
        }
        out
    }

    #[test]
    fn byte_classes_agree_with_char_tests() {
        for b in 0u8..128 {
            let c = char::from(b);
            let want = if c == '\n' {
                NEWLINE
            } else if c.is_whitespace() {
                SPACE
            } else if is_word_char(c) {
                ALNUM
            } else if matches!(c, '-' | '\'') {
                JOIN
            } else {
                PUNCT
            };
            assert_eq!(CLASS[usize::from(b)], want, "{b:#x}");
        }
        assert!(CLASS[128..].iter().all(|&c| c == HIGH));
    }

    /// Word ends found char by char: the reference for `word_end`.
    fn word_end_by_chars(text: &str, mut end: usize) -> usize {
        while let Some((d, m)) = char_at(text, end) {
            let joins = matches!(d, '-' | '\'' | '’' | '‑')
                && char_at(text, end + m).is_some_and(|(e, _)| is_word_char(e));
            if !(is_word_char(d) || joins) {
                break;
            }
            end += m;
        }
        end
    }

    /// The first byte rides in the padding: a token stays 24 bytes.
    #[test]
    fn a_token_is_three_words() {
        assert_eq!(std::mem::size_of::<Token>(), 24);
    }

    proptest! {
        #[test]
        fn tokens_agree_with_a_char_by_char_tokenizer(
            text in "([a-zA-Z0-9]|[-'’‑ .,()_\t\r\n\u{b}]|é|Ж|\u{301}|\u{a0}|\u{2003}|\u{85}|“|😀){0,60}"
        ) {
            let mut toks = Vec::new();
            tokenize(&text, &mut toks);
            for t in &toks {
                prop_assert_eq!(Some(&t.first), text.as_bytes().get(t.start));
            }
            prop_assert_eq!(toks, tokenize_by_chars(&text));
        }

        /// A token's kind follows from its bytes alone: its text, read
        /// apart, is that one token of that kind (so the rules' memo may
        /// key words and marks by their bytes).
        #[test]
        fn a_token_is_its_own_tokenization(
            text in "([a-zA-Z0-9]|[-'’‑ .,()_\t\r\n\u{b}]|é|Ж|\u{301}|\u{a0}|\u{2003}|\u{85}|“|😀){0,60}"
        ) {
            let (mut toks, mut alone) = (Vec::new(), Vec::new());
            tokenize(&text, &mut toks);
            for t in &toks {
                tokenize(t.text(&text), &mut alone);
                let got: Vec<_> = alone.iter().map(|a| (a.start, a.end, a.kind)).collect();
                prop_assert_eq!(got, vec![(0, t.end - t.start, t.kind)], "{:?}", t.text(&text));
            }
        }

        #[test]
        fn words_end_where_a_char_by_char_scan_ends_them(
            text in "([a-zA-Z0-9]|[-'’‑ .,\n]|é|Ж|\u{301}|_){0,40}"
        ) {
            let mut toks = Vec::new();
            tokenize(&text, &mut toks);
            for t in toks.iter().filter(|t| t.kind == Kind::Word) {
                let first = text[t.start..].chars().next().map_or(0, char::len_utf8);
                prop_assert_eq!(t.end, word_end_by_chars(&text, t.start + first), "{:?}", t.text(&text));
            }
        }
    }

    #[test]
    fn words_join_inner_hyphens_and_apostrophes() {
        let text = "Kyz-Zhibek (1970), Leila's Prayer.\nNext";
        let mut toks = Vec::new();
        tokenize(text, &mut toks);
        let got: Vec<&str> = toks.iter().map(|t| t.text(text)).collect();
        assert_eq!(
            got,
            vec![
                "Kyz-Zhibek",
                "(",
                "1970",
                ")",
                ",",
                "Leila's",
                "Prayer",
                ".",
                "Next"
            ]
        );
        assert!(toks[8].line_start);
        assert!(!toks[7].space_before);
    }

    #[test]
    fn words_are_counted_up_to_the_limit() {
        // No-break space and a tab separate words as a space does.
        let s = "one two\u{a0}three\tfour  five";
        assert_eq!(words_up_to(s, 100), 5);
        assert_eq!(words_up_to(s, 5), 5);
        assert_eq!(words_up_to(s, 3), 3);
        assert_eq!(words_up_to("  ", 3), 0);
    }

    /// Every byte value at every place of an 8-byte chunk, among ASCII
    /// letters and digits: the chunk test marks exactly the others.
    #[test]
    fn chunk_test_marks_every_byte_that_is_not_alnum() {
        for b in 0..=u8::MAX {
            for p in 0..8 {
                let mut chunk = *b"aZ09zA9m";
                chunk[p] = b;
                let want = if is_ascii_alnum(b) {
                    0
                } else {
                    0x80u64 << (8 * p)
                };
                assert_eq!(not_alnum8(u64::from_le_bytes(chunk)), want, "{b:#x} at {p}");
            }
        }
    }

    proptest! {
        /// Runs found eight bytes at a time end where the byte loop ends them.
        #[test]
        fn runs_end_where_the_byte_loop_ends_them(
            b in proptest::collection::vec(prop_oneof![b'0'..=b'9', b'a'..=b'z', b'A'..=b'Z', any::<u8>()], 0..40),
            from in 0usize..41,
        ) {
            let mut want = from;
            while b.get(want).is_some_and(|&x| x.is_ascii_alphanumeric()) {
                want += 1;
            }
            prop_assert_eq!(ascii_run_end(&b, from), want);
        }

        #[test]
        fn bounded_count_is_the_count_cut_at_the_limit(s in "[a \u{a0}\n.]{0,60}", n in 0usize..12) {
            prop_assert_eq!(words_up_to(&s, n), s.split_whitespace().count().min(n));
        }
    }
}
