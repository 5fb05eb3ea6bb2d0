//! The whole extraction on arbitrary bytes: no panic, and every entity
//! points at its own text in the raw bytes, touching no noise. The
//! bytes split at each 0xFF (never in UTF-8 text) also run as one batch
//! on a worker kept between inputs, and each part's record must be the
//! one it gets alone.
#![no_main]

use kinex::pipeline::{Doc, Pipeline, Worker};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::sync::OnceLock;

static PIPELINE: OnceLock<Pipeline> = OnceLock::new();

thread_local! {
    static BATCH_WORKER: RefCell<Worker> = RefCell::new(Worker::new());
    // A new worker per part would spend most of each run clearing its
    // word memo; a reused one gives the same records (tests/pipeline_props.rs).
    static ALONE_WORKER: RefCell<Worker> = RefCell::new(Worker::new());
}

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
        assert!(
            s.start < s.end && s.end <= raw.len() && s.start >= prev,
            "{s:?}"
        );
        prev = s.end;
    }
    // The record always serializes.
    serde_json::to_string(&rec).expect("record serializes");

    let docs: Vec<Doc> = raw
        .split(|&b| b == 0xFF)
        .map(|part| Doc {
            name: "part",
            raw: part,
            date: None,
        })
        .collect();
    let alone: Vec<String> = ALONE_WORKER.with(|w| {
        let mut w = w.borrow_mut();
        docs.iter()
            .map(|d| {
                let rec = p.extract_ref(d.name, d.raw, None, &mut w);
                serde_json::to_string(&rec).expect("serializes")
            })
            .collect()
    });
    BATCH_WORKER.with(|w| {
        let mut n = 0;
        p.extract_batch(&docs, &mut w.borrow_mut(), |i, rec| {
            assert_eq!(
                serde_json::to_string(&rec).expect("serializes"),
                alone[i],
                "part {i}"
            );
            n += 1;
        });
        assert_eq!(n, docs.len());
    });
});
