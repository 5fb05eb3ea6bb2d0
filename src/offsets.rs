//! The offset map from cleaned text back to raw bytes.
//!
//! Takes the pieces the cleaner keeps (`copy`) and the separators it puts
//! where noise was cut out (`separator`); gives the cleaned text and a map
//! that turns any [`CleanSpan`] into the [`RawSpan`] it came from. The map is
//! a sorted list of segments, not a per-byte table: a copied segment maps
//! byte for byte, a separator maps to nothing. A span's start is mapped by
//! its first byte and its end by its last byte, so a span never swallows
//! noise at its edges; [`CleanText::to_raw`] refuses a span that would cross
//! removed noise or start or end on a separator, which is what guarantees
//! that no entity ever touches noise.

use crate::span::{CleanSpan, RawSpan};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    clean: usize,
    raw: usize,
    len: usize,
    /// A separator the cleaner inserted; it has no raw bytes of its own.
    synthetic: bool,
}

/// Cleaned text plus the map back to raw offsets.
#[derive(Debug, Default, Clone)]
pub struct CleanText {
    text: String,
    segments: Vec<Segment>,
    /// The raw bytes were valid UTF-8 (the cleaner checked them once).
    raw_utf8: bool,
}

impl CleanText {
    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            text: String::with_capacity(bytes),
            segments: Vec::new(),
            raw_utf8: false,
        }
    }

    /// Empties the text and the map, keeping their allocations.
    pub fn clear(&mut self) {
        self.text.clear();
        self.segments.clear();
        self.raw_utf8 = false;
    }

    /// Empties the text and the map, with room for `bytes` of text made
    /// at once: a fresh buffer if the old one is smaller (growing it
    /// would copy it, cleared or not, at every doubling).
    pub fn clear_for(&mut self, bytes: usize) {
        self.clear();
        if self.text.capacity() < bytes {
            self.text = String::with_capacity(bytes);
        }
    }

    /// Whether the raw bytes this text was cleaned from are valid UTF-8,
    /// so that a later stage need not validate them again.
    pub fn raw_is_utf8(&self) -> bool {
        self.raw_utf8
    }

    pub(crate) fn set_raw_utf8(&mut self, valid: bool) {
        self.raw_utf8 = valid;
    }

    /// Appends `piece`, which is `raw[raw_start..raw_start + piece.len()]`.
    pub fn copy(&mut self, piece: &str, raw_start: usize) {
        if piece.is_empty() {
            return;
        }
        let clean = self.text.len();
        if let Some(last) = self.segments.last_mut() {
            if !last.synthetic && last.clean + last.len == clean && last.raw + last.len == raw_start
            {
                last.len += piece.len();
                self.text.push_str(piece);
                return;
            }
        }
        self.segments.push(Segment {
            clean,
            raw: raw_start,
            len: piece.len(),
            synthetic: false,
        });
        self.text.push_str(piece);
    }

    /// Appends a separator char standing for removed text at `raw_at`.
    pub fn separator(&mut self, ch: char, raw_at: usize) {
        let clean = self.text.len();
        self.text.push(ch);
        self.segments.push(Segment {
            clean,
            raw: raw_at,
            len: ch.len_utf8(),
            synthetic: true,
        });
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The last segment starting at or before `clean`, found by walking on
    /// from segment `from` when that one starts there or before, else by
    /// bisection: the same segment either way.
    fn last_from(&self, clean: usize, from: Option<usize>) -> Option<usize> {
        match from {
            Some(mut i) if self.segments.get(i).is_some_and(|s| s.clean <= clean) => {
                while self.segments.get(i + 1).is_some_and(|s| s.clean <= clean) {
                    i += 1;
                }
                Some(i)
            }
            _ => self
                .segments
                .partition_point(|s| s.clean <= clean)
                .checked_sub(1),
        }
    }

    /// Segment `i`, if it holds the clean byte `clean`.
    fn holding(&self, i: usize, clean: usize) -> Option<usize> {
        let s = self.segments.get(i)?;
        (clean < s.clean + s.len).then_some(i)
    }

    /// The segments holding the first and last bytes of the non-empty
    /// `span`, looked for from `from` (see `last_from`), which moves to
    /// the first one's place.
    fn ends(&self, span: CleanSpan, from: &mut Option<usize>) -> Option<(usize, usize)> {
        let first = self.last_from(span.start, *from)?;
        *from = Some(first);
        let first = self.holding(first, span.start)?;
        let last = self.last_from(span.end - 1, Some(first))?;
        Some((first, self.holding(last, span.end - 1)?))
    }

    /// A [`RawMapper`] over this text.
    pub fn mapper(&self) -> RawMapper<'_> {
        RawMapper {
            text: self,
            at: None,
        }
    }

    /// The raw span of a clean span that lies wholly in copied text with no
    /// removed noise inside it; `None` otherwise (or when out of range).
    pub fn to_raw(&self, span: CleanSpan) -> Option<RawSpan> {
        self.to_raw_from(span, &mut None)
    }

    fn to_raw_from(&self, span: CleanSpan, from: &mut Option<usize>) -> Option<RawSpan> {
        if span.is_empty() {
            return None;
        }
        let (first, last) = self.ends(span, from)?;
        for i in first..=last {
            let s = self.segments.get(i)?;
            if s.synthetic {
                return None;
            }
            if i > first {
                let p = self.segments.get(i - 1)?;
                if p.raw + p.len != s.raw {
                    return None;
                }
            }
        }
        let (f, l) = (self.segments.get(first)?, self.segments.get(last)?);
        Some(RawSpan::new(
            f.raw + (span.start - f.clean),
            l.raw + (span.end - 1 - l.clean) + 1,
        ))
    }

    /// The raw extent of a clean span, noise inside it included (for
    /// sentences, which may contain a removed citation marker).
    pub fn to_raw_extent(&self, span: CleanSpan) -> Option<RawSpan> {
        self.to_raw_extent_from(span, &mut None)
    }

    fn to_raw_extent_from(&self, span: CleanSpan, from: &mut Option<usize>) -> Option<RawSpan> {
        if span.is_empty() {
            return None;
        }
        let (mut first, mut last) = self.ends(span, from)?;
        // Separators at the edges have no raw bytes: step inwards.
        while self.segments.get(first)?.synthetic && first < last {
            first += 1;
        }
        while self.segments.get(last)?.synthetic && last > first {
            last -= 1;
        }
        let (f, l) = (self.segments.get(first)?, self.segments.get(last)?);
        if f.synthetic {
            return None;
        }
        let start = f.raw + span.start.saturating_sub(f.clean).min(f.len);
        let end_in = (span.end - 1)
            .saturating_sub(l.clean)
            .min(l.len.saturating_sub(1));
        Some(RawSpan::new(start, l.raw + end_in + 1))
    }
}

/// [`CleanText::to_raw`] and [`CleanText::to_raw_extent`] for spans
/// asked in order of start, as a document's entities and its sentences
/// are: each lookup walks on from the segment where the last one began
/// instead of bisecting the segments again (bisection's steps are
/// branches no predictor learns). A span that starts before the last is
/// looked up by bisection, so the answers never depend on the order.
///
/// ```
/// use kinex::offsets::CleanText;
/// use kinex::span::{CleanSpan, RawSpan};
/// let mut c = CleanText::default();
/// c.copy("Qash", 0);
/// c.separator(' ', 4);
/// c.copy(" wins.", 7); // raw "Qash[1] wins."
/// let mut m = c.mapper();
/// assert_eq!(m.to_raw(CleanSpan::new(0, 4)), Some(RawSpan::new(0, 4)));
/// assert_eq!(m.to_raw(CleanSpan::new(6, 10)), Some(RawSpan::new(8, 12)));
/// assert_eq!(m.to_raw_extent(CleanSpan::new(0, 11)), Some(RawSpan::new(0, 13)));
/// ```
#[derive(Debug, Clone)]
pub struct RawMapper<'a> {
    text: &'a CleanText,
    /// The segment where the last span asked for began.
    at: Option<usize>,
}

impl RawMapper<'_> {
    /// As [`CleanText::to_raw`].
    pub fn to_raw(&mut self, span: CleanSpan) -> Option<RawSpan> {
        self.text.to_raw_from(span, &mut self.at)
    }

    /// As [`CleanText::to_raw_extent`].
    pub fn to_raw_extent(&mut self, span: CleanSpan) -> Option<RawSpan> {
        self.text.to_raw_extent_from(span, &mut self.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clear_for_empties_and_makes_room() {
        let mut c = build("abc def", &[(0, 3), (4, 7)]);
        c.set_raw_utf8(true);
        c.clear_for(1000);
        assert_eq!(c.as_str(), "");
        assert!(c.segments.is_empty() && !c.raw_is_utf8());
        assert!(c.text.capacity() >= 1000);
        c.copy("xyz", 5);
        assert_eq!(c.to_raw(CleanSpan::new(0, 3)), Some(RawSpan::new(5, 8)));
    }

    fn build(raw: &str, keep: &[(usize, usize)]) -> CleanText {
        let mut c = CleanText::default();
        let mut prev_end = None;
        for &(s, e) in keep {
            if prev_end.is_some() {
                c.separator(' ', s);
            }
            c.copy(&raw[s..e], s);
            prev_end = Some(e);
        }
        c
    }

    #[test]
    fn maps_copied_text_byte_for_byte() {
        let raw = "Qash[1] wins. Seitov[2] said.";
        let c = build(raw, &[(0, 4), (7, 20), (23, 29)]);
        assert_eq!(c.as_str(), "Qash  wins. Seitov  said.");
        let seitov = c.as_str().find("Seitov").unwrap();
        let r = c.to_raw(CleanSpan::new(seitov, seitov + 6)).unwrap();
        assert_eq!(&raw[r.range()], "Seitov");
        let r = c.to_raw(CleanSpan::new(0, 4)).unwrap();
        assert_eq!(r, RawSpan::new(0, 4));
    }

    #[test]
    fn refuses_spans_over_noise_or_separators() {
        let raw = "ab[1]cd";
        let c = build(raw, &[(0, 2), (5, 7)]);
        assert_eq!(c.as_str(), "ab cd");
        assert_eq!(c.to_raw(CleanSpan::new(0, 5)), None);
        assert_eq!(c.to_raw(CleanSpan::new(2, 3)), None);
        assert_eq!(c.to_raw(CleanSpan::new(3, 5)), Some(RawSpan::new(5, 7)));
        assert_eq!(c.to_raw(CleanSpan::new(3, 9)), None);
        assert_eq!(
            c.to_raw_extent(CleanSpan::new(0, 5)),
            Some(RawSpan::new(0, 7))
        );
    }

    proptest::proptest! {
        /// The mapper gives what the bisecting lookups give, for spans in
        /// any order: sorted (its walk), repeated, or going back.
        #[test]
        fn mapper_answers_as_the_lookups(
            cuts in proptest::collection::vec(0usize..40, 0..12),
            spans in proptest::collection::vec((0usize..44, 0usize..8), 0..24),
            sorted in proptest::bool::ANY,
        ) {
            let raw = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
            let mut cuts = cuts;
            cuts.sort_unstable();
            cuts.dedup();
            // Keep the stretches between the cuts, every other one dropped
            // as noise.
            let mut keep = Vec::new();
            let mut from = 0;
            for (k, &c) in cuts.iter().chain([&raw.len()]).enumerate() {
                if k % 2 == 0 && from < c {
                    keep.push((from, c));
                }
                from = c;
            }
            let c = build(raw, &keep);
            let mut spans: Vec<CleanSpan> =
                spans.iter().map(|&(s, n)| CleanSpan::new(s, s + n)).collect();
            if sorted {
                spans.sort_by_key(|s| s.start);
            }
            let (mut m, mut e) = (c.mapper(), c.mapper());
            for &span in &spans {
                proptest::prop_assert_eq!(m.to_raw(span), c.to_raw(span), "{:?}", span);
                proptest::prop_assert_eq!(e.to_raw_extent(span), c.to_raw_extent(span), "{:?}", span);
            }
        }
    }

    #[test]
    fn adjacent_copies_merge_into_one_segment() {
        let mut c = CleanText::default();
        c.copy("ab", 0);
        c.copy("cd", 2);
        assert_eq!(c.segments.len(), 1);
        assert_eq!(c.to_raw(CleanSpan::new(1, 3)), Some(RawSpan::new(1, 3)));
    }
}
