//! Invariants of `Segmenter::split` on arbitrary input.

use kinex::segment::Segmenter;
use proptest::prelude::*;

fn check(text: &str) -> Result<(), TestCaseError> {
    let seg = Segmenter::new();
    let ranges = seg.split(text);
    let mut covered = vec![false; text.len()];
    let mut prev_end = 0;
    for r in &ranges {
        prop_assert!(r.start < r.end, "empty range {r:?}");
        prop_assert!(r.start >= prev_end, "overlap or disorder at {r:?}");
        prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        let s = &text[r.clone()];
        prop_assert!(
            !s.starts_with(char::is_whitespace),
            "leading space in {s:?}"
        );
        prop_assert!(!s.ends_with(char::is_whitespace), "trailing space in {s:?}");
        covered[r.clone()].iter_mut().for_each(|c| *c = true);
        prev_end = r.end;
    }
    for (i, c) in text.char_indices() {
        prop_assert!(
            c.is_whitespace() || covered[i],
            "char {c:?} at {i} is in no sentence"
        );
    }
    // `split_into` appends and agrees with `split`.
    let mut out = Vec::new();
    out.push(0..0); // a sentinel: split_into must keep it
    seg.split_into(text, &mut out);
    prop_assert_eq!(&out[1..], &ranges[..]);
    Ok(())
}

/// Text made of the pieces the segmenter cares about, so the rules actually fire.
fn newsy() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "Dr", "U.S", "a.m", "p.m", "J", "I", "The", "he", "No", "5", "3.5", "Jan", "co", "etc",
        "Yahoo", "1", "a", "b", "2", ".", "...", "…", ". . .", "!", "?", "?!", "”", "“", "\"", "'",
        ")", "(", "[4]", "[", "]", "•", "⁃", "-", " ", " ", " ", "\n", "\n\n", "\t", "\u{a0}",
        "。", "」", "é", "\u{301}", "\u{2028}", "\r\n", "$", "@",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn invariants_on_arbitrary_unicode(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn invariants_on_newsy_text(text in newsy()) {
        check(&text)?;
    }
}
