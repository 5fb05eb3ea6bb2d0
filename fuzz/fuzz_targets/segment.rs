//! The sentence segmenter on arbitrary text: ranges in order, non-empty,
//! non-overlapping, on char boundaries.
#![no_main]

use kinex::segment::Segmenter;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static SEG: OnceLock<Segmenter> = OnceLock::new();

fuzz_target!(|raw: &[u8]| {
    let text = String::from_utf8_lossy(raw);
    let seg = SEG.get_or_init(Segmenter::new);
    let mut prev = 0;
    for r in seg.split(&text) {
        assert!(r.start < r.end && r.end <= text.len(), "{r:?}");
        assert!(r.start >= prev, "{r:?} after {prev}");
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        prev = r.end;
    }
});
