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
            ("film", 0.99),
            ("person", 0.98),
            ("date", 0.98),
            ("award", 1.0),
            ("festival", 0.96),
        ],
        0.97,
        0.99,
    );
    assert!(
        r.overall.strict_f1 >= 0.98,
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
            ("film", 0.96),
            ("person", 0.97),
            ("date", 0.98),
            ("award", 0.88),
            ("festival", 0.81),
        ],
        0.97,
        0.98,
    );
    assert!(
        r.overall.strict_f1 >= 0.96,
        "overall {:.3}",
        r.overall.strict_f1
    );
}
