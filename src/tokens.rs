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
}

impl Token {
    pub fn text<'a>(&self, t: &'a str) -> &'a str {
        &t[self.start..self.end]
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '\u{300}'..='\u{36f}')
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

/// Appends the tokens of `text` to `out` (cleared first).
pub fn tokenize(text: &str, out: &mut Vec<Token>) {
    out.clear();
    let mut i = 0;
    let mut line_start = true;
    let mut space_before = false;
    while let Some((c, n)) = char_at(text, i) {
        if c == '\n' {
            line_start = true;
            space_before = true;
            i += n;
            continue;
        }
        if c.is_whitespace() {
            space_before = true;
            i += n;
            continue;
        }
        let start = i;
        let mut end = i + n;
        let kind = if is_word_char(c) {
            loop {
                // ASCII letters and digits, the bulk of every word, are
                // passed over without decoding a char or asking Unicode.
                end += text
                    .as_bytes()
                    .get(end..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
                let Some((d, m)) = char_at(text, end) else {
                    break;
                };
                if is_word_char(d) {
                    end += m;
                } else if matches!(d, '-' | '\'' | '’' | '‑')
                    && char_at(text, end + m).is_some_and(|(e, _)| is_word_char(e))
                {
                    // Join across one inner hyphen or apostrophe.
                    end += m;
                } else {
                    break;
                }
            }
            Kind::Word
        } else {
            Kind::Punct
        };
        out.push(Token {
            start,
            end,
            kind,
            line_start,
            space_before,
        });
        line_start = false;
        space_before = false;
        i = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Word ends found char by char, as `tokenize` did before its ASCII
    /// run scan: the reference it must agree with.
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

    proptest! {
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
}
