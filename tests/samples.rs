//! Regression test on the bundled samples (`samples/`, gold copied
//! unchanged from the shared annotations): per-type strict F1 floors that
//! only ever go up, date value accuracy, noise byte F1, and the offset
//! invariant for every entity.

mod common;
use kinex::pipeline::Pipeline;

#[test]
fn full_pipeline_meets_its_floors() {
    let r = common::score(&Pipeline::embedded().unwrap(), "samples", "samples/gold");
    common::assert_floors(
        &r,
        &[
            ("film", 1.0),
            ("person", 1.0),
            ("date", 1.0),
            ("award", 1.0),
            ("festival", 1.0),
        ],
        0.99,
        0.99,
    );
}

#[test]
fn patterns_only_meet_their_floors() {
    let r = common::score(
        &Pipeline::patterns_only().unwrap(),
        "samples",
        "samples/gold",
    );
    common::assert_floors(
        &r,
        &[
            ("film", 1.0),
            ("person", 0.99),
            ("date", 1.0),
            ("award", 1.0),
            ("festival", 0.97),
        ],
        0.99,
        0.99,
    );
}
