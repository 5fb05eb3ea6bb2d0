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

/// Appends the tokens of `text` to `out` (cleared first).
pub fn tokenize(text: &str, out: &mut Vec<Token>) {
    out.clear();
    let mut iter = text.char_indices().peekable();
    let mut line_start = true;
    let mut space_before = false;
    while let Some((i, c)) = iter.next() {
        if c == '\n' {
            line_start = true;
            space_before = true;
            continue;
        }
        if c.is_whitespace() {
            space_before = true;
            continue;
        }
        let mut end = i + c.len_utf8();
        let kind = if is_word_char(c) {
            loop {
                match iter.peek() {
                    Some(&(_, n)) if is_word_char(n) => {
                        end += n.len_utf8();
                        iter.next();
                    }
                    Some(&(j, n)) if matches!(n, '-' | '\'' | '’' | '‑') => {
                        // Join across one inner hyphen or apostrophe.
                        let after = text[j + n.len_utf8()..].chars().next();
                        if after.is_some_and(is_word_char) {
                            end = j + n.len_utf8();
                            iter.next();
                        } else {
                            break;
                        }
                    }
                    _ => break,
                }
            }
            Kind::Word
        } else {
            Kind::Punct
        };
        out.push(Token {
            start: i,
            end,
            kind,
            line_start,
            space_before,
        });
        line_start = false;
        space_before = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
