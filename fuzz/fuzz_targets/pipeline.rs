//! The whole extraction on arbitrary bytes: no panic, and every entity
//! points at its own text in the raw bytes, touching no noise.
#![no_main]

use kinex::pipeline::{Pipeline, Worker};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static PIPELINE: OnceLock<Pipeline> = OnceLock::new();

fuzz_target!(|raw: &[u8]| {
    let p = PIPELINE.get_or_init(|| Pipeline::embedded().expect("embedded gazetteers"));
    let rec = p.extract("fuzz.txt", raw, None, &mut Worker::new());
    assert_eq!(rec.bytes, raw.len());
    let mut prev_end = 0;
    for e in &rec.entities {
        assert_eq!(raw.get(e.start..e.end), Some(e.text.as_bytes()), "{e:?}");
        assert!(e.start >= prev_end, "overlapping entities at {e:?}");
        prev_end = e.end;
        for n in &rec.noise {
            assert!(e.end <= n.start || e.start >= n.end, "{e:?} touches {n:?}");
        }
    }
    let mut prev = 0;
    for s in &rec.sentences {
        assert!(s.start < s.end && s.end <= raw.len() && s.start >= prev, "{s:?}");
        prev = s.end;
    }
    // The record always serializes.
    serde_json::to_string(&rec).expect("record serializes");
});
