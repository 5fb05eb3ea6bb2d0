//! The cleaner on arbitrary bytes: no panic, and its documented invariants.
#![no_main]

use kinex::clean::Cleaner;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static CLEANER: OnceLock<Cleaner> = OnceLock::new();

fuzz_target!(|raw: &[u8]| {
    let cleaner = CLEANER.get_or_init(Cleaner::new);
    let (noise, clean) = cleaner.clean(raw);
    let lossy_ok = std::str::from_utf8(raw).is_ok();
    let mut prev = 0;
    for n in &noise {
        assert!(n.start < n.end && n.end <= raw.len(), "{n:?}");
        assert!(n.start >= prev, "noise out of order or overlapping: {n:?}");
        if lossy_ok {
            let s = std::str::from_utf8(raw).unwrap();
            assert!(s.is_char_boundary(n.start) && s.is_char_boundary(n.end));
        }
        prev = n.end;
    }
    // The cleaned text is valid UTF-8 by type; it is never longer than the
    // raw text plus one separator per noise range.
    assert!(clean.as_str().len() <= raw.len() + noise.len());
});
