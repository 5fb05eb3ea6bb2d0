//! Shared by the corpus regression tests: run a pipeline over a folder of
//! `*.txt` documents with gold `*.json`, check the offset invariant, score.

use kinex::eval::{evaluate, load_gold, Report};
use kinex::pipeline::{Pipeline, Worker};
use std::path::Path;

/// Extracts every document of `dir` (relative to the crate root) that has
/// a gold file in `gold_dir`, asserts `raw[start..end] == text` for every
/// entity, and returns the evaluation report.
pub fn score(pipeline: &Pipeline, dir: &str, gold_dir: &str) -> Report {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let gold = load_gold(&root.join(gold_dir)).unwrap();
    let mut w = Worker::new();
    let mut recs = Vec::new();
    for g in &gold {
        let raw = std::fs::read(root.join(dir).join(&g.doc)).unwrap();
        let rec = pipeline.extract(&g.doc, &raw, None, &mut w);
        for e in &rec.entities {
            assert_eq!(
                &raw[e.start..e.end],
                e.text.as_bytes(),
                "{}: {e:?}",
                rec.doc
            );
        }
        recs.push(rec);
    }
    let report = evaluate(&gold, &recs);
    println!("{dir}:\n{}", report.table());
    report
}

/// Asserts per-type strict F1 floors, date value accuracy and noise F1.
pub fn assert_floors(report: &Report, floors: &[(&str, f64)], date_acc: f64, noise_f1: f64) {
    for (ty, floor) in floors {
        let f1 = report.by_type[*ty].strict_f1;
        assert!(
            f1 >= *floor,
            "{ty}: strict F1 {f1:.3} fell below its floor {floor}"
        );
    }
    assert!(
        report.date_value_accuracy >= date_acc,
        "date values {:.3} below {date_acc}",
        report.date_value_accuracy
    );
    assert!(
        report.noise_f1 >= noise_f1,
        "noise F1 {:.3} below {noise_f1}",
        report.noise_f1
    );
}
