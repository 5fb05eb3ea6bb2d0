//! Regression tests for super-linear time on long documents: each input
//! is timed at N and 8N units in one process; linear growth gives a ratio
//! near 8, the quadratic bug this pins gave ~60. (The other quadratic fix, the
//! negative scan in `resolve`, shows only from ~40 MB: checked by hand.)

use kinex::pipeline::{Pipeline, Worker};
use std::time::{Duration, Instant};

fn time(p: &Pipeline, raw: &[u8]) -> Duration {
    let t = Instant::now();
    let rec = p.extract("x.txt", raw, None, &mut Worker::new());
    assert_eq!(rec.bytes, raw.len());
    t.elapsed()
}

fn ratio(unit: &str, n: usize) -> f64 {
    let p = Pipeline::embedded().expect("embedded gazetteers");
    let small = unit.repeat(n);
    let big = unit.repeat(8 * n);
    let _ = time(&p, small.as_bytes()); // warm up
    let a = time(&p, small.as_bytes()).min(time(&p, small.as_bytes()));
    let b = time(&p, big.as_bytes());
    let r = b.as_secs_f64() / a.as_secs_f64().max(1e-3);
    println!(
        "{} bytes x{n}: {a:?}, x{}: {b:?}, ratio {r:.1}",
        unit.len(),
        8 * n
    );
    r
}

/// `line_is_only` searched for both ends of the line around every quote:
/// one long line of `“A” ` was quadratic (160k quotes: 19 s in release,
/// 1.2 s after the fix). Timing needs an optimized build: in a debug build
/// the linear work hides the quadratic part at any size a test can afford,
/// so run it with `cargo test --release --test scaling -- --include-ignored`.
#[test]
#[cfg_attr(debug_assertions, ignore = "timing test: run with --release")]
fn quadratic_line_is_only_on_one_long_line_of_quotes() {
    let r = ratio("“A” ", 20_000);
    assert!(r < 24.0, "8x the quotes took {r:.1}x the time");
}
