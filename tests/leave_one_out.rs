//! Leave-one-out: for each sample, drop every gazetteer entry whose names
//! occur in that sample and in no other, then score that sample alone.
//! This is the honest predictor of how kinex does on articles it has never
//! seen; the table is printed (`cargo test --test leave_one_out -- --nocapture`)
//! and each sample has a floor.

use kinex::eval::{evaluate, load_gold};
use kinex::gazetteer::GazetteerBuilder;
use kinex::pipeline::{Pipeline, Worker};
use std::path::Path;

fn occurs(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[test]
fn leave_one_out_scores() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let gold = load_gold(&root.join("samples/gold")).unwrap();
    let texts: Vec<String> = gold
        .iter()
        .map(|g| {
            String::from_utf8_lossy(&std::fs::read(root.join("samples").join(&g.doc)).unwrap())
                .into_owned()
        })
        .collect();
    // Floors per sample (strict F1 over all types); they only go up.
    let floors = [0.99, 0.99, 0.99, 0.99, 0.99];
    println!(
        "{:<28} {:>7} {:>9} {:>8}",
        "sample", "dropped", "strict F1", "full F1"
    );
    let full = Pipeline::embedded().unwrap();
    for (k, g) in gold.iter().enumerate() {
        let mut dropped = 0;
        let mut b = GazetteerBuilder::new();
        b.add_embedded(true).unwrap();
        b.retain(|_, names| {
            let names = || names.iter();
            let here = names().any(|n| occurs(&texts[k], n));
            let elsewhere = texts
                .iter()
                .enumerate()
                .any(|(j, t)| j != k && names().any(|n| occurs(t, n)));
            let drop = here && !elsewhere;
            dropped += usize::from(drop);
            !drop
        });
        let p = Pipeline::new(b.build().unwrap());
        let raw = std::fs::read(root.join("samples").join(&g.doc)).unwrap();
        let rec = p.extract(&g.doc, &raw, None, &mut Worker::new());
        let rec_full = full.extract(&g.doc, &raw, None, &mut Worker::new());
        let one = std::slice::from_ref(g);
        let f1 = evaluate(one, &[rec]).overall.strict_f1;
        let f1_full = evaluate(one, &[rec_full]).overall.strict_f1;
        println!("{:<28} {:>7} {:>9.3} {:>8.3}", g.doc, dropped, f1, f1_full);
        assert!(
            f1 >= floors[k],
            "{}: leave-one-out F1 {f1:.3} below floor {}",
            g.doc,
            floors[k]
        );
    }
}
