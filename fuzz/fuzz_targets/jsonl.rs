//! The JSON Lines input path on arbitrary bytes: no panic, no I/O error
//! into a Vec, and exactly one output line per non-blank input line.
#![no_main]

use kinex::batch::run_jsonl;
use kinex::pipeline::Pipeline;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static PIPELINE: OnceLock<Pipeline> = OnceLock::new();

fuzz_target!(|raw: &[u8]| {
    let p = PIPELINE.get_or_init(|| Pipeline::embedded().expect("embedded gazetteers"));
    let mut input = raw;
    let mut out = Vec::new();
    let mut err = Vec::new();
    let s =
        run_jsonl(p, &mut input, None, &mut out, &mut err).expect("writing to a Vec cannot fail");
    let lines = out.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count();
    assert_eq!(lines, s.documents);
    for line in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let v: serde_json::Value = serde_json::from_slice(line).expect("output is JSON");
        assert!(v.get("doc").is_some());
    }
});
