//! Regression test on the bundled samples: per-type strict F1 floors (they
//! only ever go up), date value accuracy, noise byte F1, and the offset
//! invariant for every entity.

use kinex::eval::{evaluate, load_gold};
use kinex::pipeline::{Pipeline, Worker};
use std::path::Path;

fn run(pipeline: &Pipeline) -> (Vec<kinex::record::Record>, Vec<Vec<u8>>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    let mut w = Worker::new();
    let mut recs = Vec::new();
    let mut raws = Vec::new();
    for p in names {
        let raw = std::fs::read(&p).unwrap();
        let doc = p.file_name().unwrap().to_string_lossy().into_owned();
        recs.push(pipeline.extract(&doc, &raw, None, &mut w));
        raws.push(raw);
    }
    (recs, raws)
}

fn check(pipeline: &Pipeline, floors: &[(&str, f64)], date_acc: f64, noise_f1: f64) {
    let (recs, raws) = run(pipeline);
    for (rec, raw) in recs.iter().zip(&raws) {
        for e in &rec.entities {
            assert_eq!(
                &raw[e.start..e.end],
                e.text.as_bytes(),
                "{}: {e:?}",
                rec.doc
            );
        }
    }
    let gold = load_gold(&Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/gold")).unwrap();
    let report = evaluate(&gold, &recs);
    println!("{}", report.table());
    for (ty, floor) in floors {
        let f1 = report.by_type[*ty].strict_f1;
        assert!(
            f1 >= *floor,
            "{ty}: strict F1 {f1:.3} fell below its floor {floor}"
        );
    }
    assert!(
        report.date_value_accuracy >= date_acc,
        "date values {:.3}",
        report.date_value_accuracy
    );
    assert!(
        report.noise_f1 >= noise_f1,
        "noise F1 {:.3}",
        report.noise_f1
    );
}

#[test]
fn full_pipeline_meets_its_floors() {
    let p = Pipeline::embedded().unwrap();
    check(
        &p,
        &[
            ("film", 0.90),
            ("person", 0.60),
            ("date", 0.99),
            ("award", 0.95),
            ("festival", 0.99),
        ],
        0.99,
        0.99,
    );
}

#[test]
fn patterns_only_meet_their_floors() {
    let p = Pipeline::patterns_only().unwrap();
    check(
        &p,
        &[
            ("film", 0.80),
            ("person", 0.50),
            ("date", 0.99),
            ("award", 0.90),
            ("festival", 0.95),
        ],
        0.99,
        0.99,
    );
}
