//! Scores the segmenter on the English Golden Rules (48 cases from pySBD, MIT licence; see
//! `tests/data/golden_rules_en.md`): a rule passes when the list of sentence strings matches
//! the expected list exactly.

use kinex::segment::Segmenter;

/// Rules passed when this floor was set; raise it when the segmenter improves.
const FLOOR: usize = 48;

#[test]
fn golden_rules_en() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/golden_rules_en.jsonl"
    );
    let data = std::fs::read_to_string(path).expect("read golden_rules_en.jsonl");
    let seg = Segmenter::new();
    let mut total = 0;
    let mut failed = Vec::new();
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let rule: serde_json::Value = serde_json::from_str(line).expect("valid JSON line");
        let id = rule["id"].as_u64().expect("id");
        let text = rule["text"].as_str().expect("text");
        let want: Vec<&str> = rule["sentences"]
            .as_array()
            .expect("sentences")
            .iter()
            .map(|s| s.as_str().expect("sentence").trim())
            .collect();
        let got: Vec<&str> = seg
            .split(text)
            .into_iter()
            .map(|r| text[r].trim())
            .collect();
        total += 1;
        if got != want {
            eprintln!("rule {id} failed\n  want: {want:?}\n  got:  {got:?}");
            failed.push(id);
        }
    }
    let passed = total - failed.len();
    println!("golden rules: {passed}/{total} passed; failing ids: {failed:?}");
    assert_eq!(total, 48, "expected 48 rules in the data file");
    assert!(
        passed >= FLOOR,
        "golden rules score {passed} fell below the floor {FLOOR}"
    );
}
