//! Embeds every gazetteer and lexicon file under `gazetteers/` into the
//! binary, so `kinex` runs anywhere with no set-up and a new list needs no
//! code change.

use std::fmt::Write as _;
use std::path::Path;

fn collect(dir: &Path, rel: &str, out: &mut Vec<(String, String)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if p.is_dir() {
            collect(&p, &format!("{rel}{name}/"), out);
        } else if name.ends_with(".txt") {
            out.push((format!("{rel}{name}"), p.display().to_string()));
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("gazetteers");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, "", &mut files);
    let mut src = String::from("/// Every list under `gazetteers/`: (path relative to it, contents).\npub static EMBEDDED: &[(&str, &str)] = &[\n");
    for (rel, abs) in &files {
        println!("cargo:rerun-if-changed={abs}");
        let _ = writeln!(src, "    ({rel:?}, include_str!({abs:?})),");
    }
    src.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(out, src).expect("write embedded.rs");
}
