//! The CLI's output validates against the shipped JSON Schema, records and
//! error records alike.

use std::process::Command;

#[test]
fn cli_output_validates_against_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(kinex::record::SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    for f in std::fs::read_dir(format!("{root}/samples")).unwrap() {
        let p = f.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(dir.path().join("zz-binary.txt"), b"abc\0def").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kinex"))
        .arg("extract")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a binary file makes the run exit 2"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 6, "one line per document");
    for line in lines {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{line:.200}: {errors:?}");
    }
    let last: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["doc"], "zz-binary.txt");
    assert_eq!(
        last["error"],
        "looks like a binary file (NUL byte at offset 3); skipped"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("zz-binary.txt: looks like a binary file"),
        "{stderr}"
    );
}

#[test]
fn the_schema_rejects_a_broken_record() {
    let schema: serde_json::Value = serde_json::from_str(kinex::record::SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let bad = serde_json::json!({"doc": "a", "bytes": 1, "date": null, "date_source": null,
        "noise": [], "sentences": [], "entities": [{"type": "place", "text": "x"}], "resolved": []});
    assert!(!validator.is_valid(&bad));
}
