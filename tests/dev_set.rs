//! Regression test on the dev set (`tests/dev/`): eight articles written
//! and annotated from ANNOTATION.md by someone who had not seen the rules,
//! in the genres kinex is scored on (festival results, award news, a
//! review, a wiki page, a listing page, an interview, industry news, a
//! history piece). Floors only ever go up.

mod common;
use kinex::pipeline::Pipeline;

#[test]
fn full_pipeline_on_the_dev_set() {
    let r = common::score(&Pipeline::embedded().unwrap(), "tests/dev", "tests/dev");
    common::assert_floors(
        &r,
        &[
            ("film", 0.95),
            ("person", 0.95),
            ("date", 0.97),
            ("award", 0.97),
            ("festival", 0.93),
        ],
        0.97,
        0.98,
    );
    assert!(
        r.overall.strict_f1 >= 0.97,
        "overall {:.3}",
        r.overall.strict_f1
    );
}

#[test]
fn patterns_only_on_the_dev_set() {
    let r = common::score(
        &Pipeline::patterns_only().unwrap(),
        "tests/dev",
        "tests/dev",
    );
    common::assert_floors(
        &r,
        &[
            ("film", 0.92),
            ("person", 0.95),
            ("date", 0.97),
            ("award", 0.86),
            ("festival", 0.80),
        ],
        0.97,
        0.98,
    );
    assert!(
        r.overall.strict_f1 >= 0.95,
        "overall {:.3}",
        r.overall.strict_f1
    );
}
