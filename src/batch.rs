//! Batch runs: which documents to read, in what order, on how many threads,
//! and where the JSON lines go.
//!
//! Takes paths (files, folders walked recursively with a glob, `-` for
//! stdin) or JSON Lines on stdin; gives one JSON line per document to a
//! writer, in sorted path order whatever the thread count. Documents are
//! streamed in bounded chunks, so a folder of 100k articles is never held
//! in memory. A document that cannot be read (unreadable, binary, a
//! dangling link, a malformed JSONL line) gets an error record and a
//! `path: reason` line on stderr, and the run goes on; [`Summary::failed`]
//! counts them so the binary can exit 2.

use crate::error::Error;
use crate::pipeline::{Pipeline, Worker};
use crate::record::{ErrorRecord, Record};
use globset::{Glob, GlobMatcher};
use rayon::prelude::*;
use serde::Deserialize;
use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};

/// How many documents are read and processed together; bounds memory.
const CHUNK: usize = 64;

/// One document to process.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file; `doc` is its name in the record.
    File { path: PathBuf, doc: String },
    /// Standard input as one plain-text document.
    Stdin,
    /// A problem found while listing inputs (dangling link, loop…).
    Broken { doc: String, error: String },
}

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub documents: usize,
    pub failed: usize,
    pub bytes: u64,
}

/// Lists the documents behind `paths`, in order: each argument in turn, a
/// folder's files sorted by path.
pub fn collect_inputs(paths: &[PathBuf], glob: &str) -> Result<Vec<Input>, Error> {
    let matcher: GlobMatcher = Glob::new(glob)
        .map_err(|e| Error::Input {
            path: PathBuf::from("--glob"),
            line: 0,
            message: format!("bad glob {glob:?}: {e}"),
        })?
        .compile_matcher();
    let mut out = Vec::new();
    if paths.is_empty() {
        out.push(Input::Stdin);
    }
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk(p, &matcher, &mut out),
            Ok(_) => out.push(Input::File {
                path: p.clone(),
                doc: p.file_name().map_or_else(
                    || p.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                ),
            }),
            Err(e) => out.push(Input::Broken {
                doc: p.display().to_string(),
                error: io_reason(&e),
            }),
        }
    }
    Ok(out)
}

fn walk(root: &Path, matcher: &GlobMatcher, out: &mut Vec<Input>) {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name();
    let mut found = Vec::new();
    for entry in walker {
        match entry {
            Ok(e) => {
                if e.file_type().is_dir() {
                    continue;
                }
                let name = e.file_name().to_string_lossy();
                if !matcher.is_match(name.as_ref()) {
                    continue;
                }
                let rel = e.path().strip_prefix(root).unwrap_or(e.path());
                found.push((
                    rel.to_string_lossy().replace('\\', "/"),
                    Ok(e.path().to_path_buf()),
                ));
            }
            Err(err) => {
                let path = err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                let rel = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                let reason = if err.loop_ancestor().is_some() {
                    "symbolic link loop; skipped".to_string()
                } else if let Some(ioe) = err.io_error() {
                    if path.is_symlink() && ioe.kind() == io::ErrorKind::NotFound {
                        "dangling symbolic link; skipped".to_string()
                    } else {
                        io_reason(ioe)
                    }
                } else {
                    err.to_string()
                };
                // A link or folder the glob would not pick is not an error.
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if err.loop_ancestor().is_some() || matcher.is_match(&name) || path.is_dir() {
                    found.push((rel, Err(reason)));
                }
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    for (doc, r) in found {
        out.push(match r {
            Ok(path) => Input::File { path, doc },
            Err(error) => Input::Broken { doc, error },
        });
    }
}

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Reads a document, refusing binary files (a NUL byte, as ripgrep does).
fn read_input(input: &Input) -> Result<(String, Vec<u8>), (String, String)> {
    match input {
        Input::Broken { doc, error } => Err((doc.clone(), error.clone())),
        Input::Stdin => {
            let mut buf = Vec::new();
            io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .map_err(|e| ("-".to_string(), io_reason(&e)))?;
            check_binary("-", buf)
        }
        Input::File { path, doc } => {
            let buf = std::fs::read(path).map_err(|e| (doc.clone(), io_reason(&e)))?;
            check_binary(doc, buf)
        }
    }
}

fn check_binary(doc: &str, buf: Vec<u8>) -> Result<(String, Vec<u8>), (String, String)> {
    match memchr::memchr(0, &buf) {
        Some(at) => Err((
            doc.to_string(),
            format!("looks like a binary file (NUL byte at offset {at}); skipped"),
        )),
        None => Ok((doc.to_string(), buf)),
    }
}

/// One output line, or a per-document error.
enum Line {
    /// A record's JSON (UTF-8, as serde_json writes it), without the newline.
    Ok(Vec<u8>),
    Failed {
        doc: String,
        error: String,
        json: String,
    },
}

/// The JSON of a record, in a buffer sized for it up front: growing one
/// from empty copies a long record's line many times over.
fn to_json(rec: &Record) -> Vec<u8> {
    let guess = 256
        + 224 * rec.entities.len()
        + 128 * rec.resolved.len()
        + 32 * rec.sentences.len()
        + 56 * rec.noise.len();
    let mut buf = Vec::with_capacity(guess);
    match serde_json::to_writer(&mut buf, rec) {
        Ok(()) => buf,
        Err(e) => error_json(&rec.doc, &e.to_string()).into_bytes(),
    }
}

fn to_line(r: Result<Record, (String, String)>) -> Line {
    match r {
        Ok(rec) => Line::Ok(to_json(&rec)),
        Err((doc, error)) => Line::Failed {
            json: error_json(&doc, &error),
            doc,
            error,
        },
    }
}

fn error_json(doc: &str, error: &str) -> String {
    let rec = ErrorRecord {
        doc: doc.to_string(),
        error: error.to_string(),
    };
    serde_json::to_string(&rec)
        .unwrap_or_else(|_| String::from("{\"doc\":\"?\",\"error\":\"unprintable\"}"))
}

/// Hooks the binary uses to report progress; the library prints nothing.
pub trait Progress: Sync {
    fn advance(&self, _docs: u64) {}
}

/// No progress reporting.
pub struct Quiet;
impl Progress for Quiet {}

thread_local! {
    /// One [`Worker`] per thread for the whole run: its buffers grow to the
    /// largest document once and are reused from then on (rayon's
    /// `map_init` would make a fresh one for every split of every chunk).
    static WORKER: std::cell::RefCell<Worker> = std::cell::RefCell::new(Worker::new());
}

fn with_worker<T>(f: impl FnOnce(&mut Worker) -> T) -> T {
    WORKER.with(|w| match w.try_borrow_mut() {
        Ok(mut w) => f(&mut w),
        // Re-entered on the same thread (never in practice): use a fresh one.
        Err(_) => f(&mut Worker::new()),
    })
}

/// Runs the pipeline over `inputs`, writing one JSON line each to `out`
/// and `path: reason` lines to `err` for documents that failed.
pub fn run_files(
    pipeline: &Pipeline,
    inputs: &[Input],
    date: Option<jiff::civil::Date>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    progress: &dyn Progress,
) -> io::Result<Summary> {
    let mut summary = Summary::default();
    for chunk in inputs.chunks(CHUNK) {
        let lines: Vec<(u64, Line)> = chunk
            .par_iter()
            .map(|input| {
                let r = read_input(input);
                let n = r.as_ref().map_or(0, |(_, b)| b.len() as u64);
                let r = r.map(|(doc, raw)| with_worker(|w| pipeline.extract(&doc, &raw, date, w)));
                (n, to_line(r))
            })
            .collect();
        write_lines(lines, out, err, &mut summary)?;
        progress.advance(chunk.len() as u64);
    }
    Ok(summary)
}

fn write_lines(
    lines: Vec<(u64, Line)>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    s: &mut Summary,
) -> io::Result<()> {
    for (n, line) in lines {
        s.documents += 1;
        s.bytes += n;
        match line {
            Line::Ok(json) => {
                out.write_all(&json)?;
                out.write_all(b"\n")?;
            }
            Line::Failed { doc, error, json } => {
                s.failed += 1;
                writeln!(out, "{json}")?;
                // stderr failing must not stop the run.
                let _ = writeln!(err, "{doc}: {error}");
            }
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct JsonlDoc {
    id: serde_json::Value,
    text: String,
    #[serde(default)]
    date: Option<String>,
}

/// Parses one JSONL input line into (id, text, date).
fn parse_jsonl(
    line: &str,
    n: usize,
) -> Result<(String, String, Option<jiff::civil::Date>), (String, String)> {
    let fallback = format!("<stdin>:{n}");
    let d: JsonlDoc = serde_json::from_str(line).map_err(|e| {
        (
            fallback.clone(),
            format!("line {n}: malformed JSON input: {e}"),
        )
    })?;
    let id = match d.id {
        serde_json::Value::String(s) => s,
        serde_json::Value::Number(x) => x.to_string(),
        _ => {
            return Err((
                fallback,
                format!("line {n}: \"id\" must be a string or a number"),
            ))
        }
    };
    let date = match d.date.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            s.parse()
                .map_err(|e| (id.clone(), format!("line {n}: bad \"date\" {s:?}: {e}")))?,
        ),
    };
    Ok((id, d.text, date))
}

/// Runs the pipeline over JSON Lines `{"id", "text", "date"?}` read from
/// `input`: one record out per line in, carrying the id. `date` in a line
/// overrides `default_date`.
pub fn run_jsonl(
    pipeline: &Pipeline,
    input: &mut dyn BufRead,
    default_date: Option<jiff::civil::Date>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Summary> {
    let mut summary = Summary::default();
    let mut n = 0usize;
    let mut eof = false;
    while !eof {
        let mut batch: Vec<(usize, String)> = Vec::with_capacity(CHUNK);
        while batch.len() < CHUNK {
            let mut buf = Vec::new();
            if input.read_until(b'\n', &mut buf)? == 0 {
                eof = true;
                break;
            }
            n += 1;
            let line = String::from_utf8(buf)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            if line.trim().is_empty() {
                continue;
            }
            batch.push((n, line));
        }
        let lines: Vec<(u64, Line)> = batch
            .par_iter()
            .map(|(n, line)| {
                let r = parse_jsonl(line.trim_end_matches(['\n', '\r']), *n);
                let bytes = r.as_ref().map_or(0, |(_, t, _)| t.len() as u64);
                let r = r.map(|(id, text, date)| {
                    with_worker(|w| {
                        pipeline.extract(&id, text.as_bytes(), date.or(default_date), w)
                    })
                });
                (bytes, to_line(r))
            })
            .collect();
        write_lines(lines, out, err, &mut summary)?;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_lines_parse_or_say_why() {
        let (id, text, date) =
            parse_jsonl(r#"{"id": 7, "text": "Hi", "date": "2026-02-07"}"#, 1).unwrap();
        assert_eq!((id.as_str(), text.as_str()), ("7", "Hi"));
        assert_eq!(date.map(|d| d.to_string()).as_deref(), Some("2026-02-07"));
        let (doc, e) = parse_jsonl("{not json", 3).unwrap_err();
        assert_eq!(doc, "<stdin>:3");
        assert!(e.starts_with("line 3: malformed JSON input: "), "{e}");
        let (doc, e) = parse_jsonl(r#"{"id": "a", "text": "x", "date": "Feb 7"}"#, 4).unwrap_err();
        assert_eq!(doc, "a");
        assert!(e.starts_with("line 4: bad \"date\" \"Feb 7\""), "{e}");
        let (_, e) = parse_jsonl(r#"{"id": [1], "text": "x"}"#, 5).unwrap_err();
        assert_eq!(e, "line 5: \"id\" must be a string or a number");
    }
}
