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
use crate::record::{ErrorRecord, RecordRef};
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

impl Input {
    /// The document's name in its record.
    fn doc(&self) -> &str {
        match self {
            Input::File { doc, .. } | Input::Broken { doc, .. } => doc,
            Input::Stdin => "-",
        }
    }
}

/// Reads a document into `buf` (emptied first), refusing binary files (a
/// NUL byte, as ripgrep does); the error is the reason to report.
fn read_input(input: &Input, buf: &mut Vec<u8>) -> Result<(), String> {
    buf.clear();
    match input {
        Input::Broken { error, .. } => return Err(error.clone()),
        Input::Stdin => {
            io::stdin()
                .lock()
                .read_to_end(buf)
                .map_err(|e| io_reason(&e))?;
        }
        Input::File { path, .. } => {
            let mut f = std::fs::File::open(path).map_err(|e| io_reason(&e))?;
            // One allocation at most, as `fs::read` would do.
            if let Ok(m) = f.metadata() {
                buf.reserve(usize::try_from(m.len()).unwrap_or(0));
            }
            f.read_to_end(buf).map_err(|e| io_reason(&e))?;
        }
    }
    match memchr::memchr(0, buf) {
        Some(at) => Err(format!(
            "looks like a binary file (NUL byte at offset {at}); skipped"
        )),
        None => Ok(()),
    }
}

/// Writes a record's JSON (UTF-8, as serde_json writes it, no newline)
/// to `buf`, which is empty.
fn write_json(rec: &RecordRef, buf: &mut Vec<u8>) {
    // Sized up front: growing from empty copies a long line many times.
    let guess = 256
        + 224 * rec.entities.len()
        + 128 * rec.resolved.len()
        + 32 * rec.sentences.len()
        + 56 * rec.noise.len();
    buf.reserve(guess);
    if let Err(e) = rec.write_json(buf) {
        buf.clear();
        write_error_json(rec.doc, &e.to_string(), buf);
    }
}

fn write_error_json(doc: &str, error: &str, buf: &mut Vec<u8>) {
    let rec = ErrorRecord {
        doc: doc.to_string(),
        error: error.to_string(),
    };
    if serde_json::to_writer(&mut *buf, &rec).is_err() {
        buf.clear();
        buf.extend_from_slice(b"{\"doc\":\"?\",\"error\":\"unprintable\"}");
    }
}

/// Hooks the binary uses to report progress; the library prints nothing.
pub trait Progress: Sync {
    fn advance(&self, _docs: u64) {}
}

/// No progress reporting.
pub struct Quiet;
impl Progress for Quiet {}

/// What each thread keeps for the whole run: the pipeline's [`Worker`]
/// and the buffer documents are read into. Both grow to the largest
/// document once and are reused from then on (rayon's `map_init` would
/// make fresh ones for every split of every chunk), so a run does not
/// allocate per document what it can keep.
#[derive(Default)]
struct Local {
    worker: Worker,
    raw: Vec<u8>,
}

thread_local! {
    static LOCAL: std::cell::RefCell<Local> = std::cell::RefCell::default();
}

fn with_local<T>(f: impl FnOnce(&mut Local) -> T) -> T {
    LOCAL.with(|l| match l.try_borrow_mut() {
        Ok(mut l) => f(&mut l),
        // Re-entered on the same thread (never in practice): use a fresh one.
        Err(_) => f(&mut Local::default()),
    })
}

/// A buffer that grew past this for one outsized document is given back,
/// so that one huge file does not pin its size for the rest of the run.
const KEEP: usize = 4 << 20;

fn trim(buf: &mut Vec<u8>) {
    if buf.capacity() > KEEP {
        *buf = Vec::new();
    }
}

/// One JSON line buffer per document of a chunk, kept from chunk to
/// chunk.
struct Slots {
    json: Vec<Vec<u8>>,
}

impl Slots {
    fn new() -> Self {
        Slots {
            json: (0..CHUNK).map(|_| Vec::new()).collect(),
        }
    }

    /// Runs `f` on each item and its emptied slot, in parallel, then
    /// writes the slots' lines in item order. `f` writes the item's line
    /// and returns the bytes it read and, for a failed item, the
    /// `(doc, reason)` to report on stderr.
    fn run<T: Sync>(
        &mut self,
        items: &[T],
        f: impl Fn(&T, &mut Vec<u8>) -> (u64, Option<(String, String)>) + Sync,
        out: &mut dyn Write,
        err: &mut dyn Write,
        s: &mut Summary,
    ) -> io::Result<()> {
        if self.json.len() < items.len() {
            self.json.resize_with(items.len(), Vec::new);
        }
        let done: Vec<(u64, Option<(String, String)>)> = items
            .par_iter()
            .zip(self.json.par_iter_mut())
            .map(|(item, json)| {
                json.clear();
                f(item, json)
            })
            .collect();
        for ((n, failed), json) in done.into_iter().zip(self.json.iter_mut()) {
            s.documents += 1;
            s.bytes += n;
            // One write per line, newline included: stdout is line
            // buffered and scans each write backwards for its last
            // newline, which a record written apart from its newline
            // makes a scan of the whole record.
            json.push(b'\n');
            out.write_all(json)?;
            trim(json);
            if let Some((doc, error)) = failed {
                s.failed += 1;
                // stderr failing must not stop the run.
                let _ = writeln!(err, "{doc}: {error}");
            }
        }
        Ok(())
    }
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
    let mut slots = Slots::new();
    for chunk in inputs.chunks(CHUNK) {
        let one = |input: &Input, json: &mut Vec<u8>| {
            with_local(|l| {
                let doc = input.doc();
                let r = match read_input(input, &mut l.raw) {
                    Ok(()) => {
                        let rec = pipeline.extract_ref(doc, &l.raw, date, &mut l.worker);
                        write_json(&rec, json);
                        (l.raw.len() as u64, None)
                    }
                    Err(error) => {
                        write_error_json(doc, &error, json);
                        (0, Some((doc.to_string(), error)))
                    }
                };
                trim(&mut l.raw);
                r
            })
        };
        slots.run(chunk, one, out, err, &mut summary)?;
        progress.advance(chunk.len() as u64);
    }
    Ok(summary)
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
    let mut slots = Slots::new();
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
        let one = |(n, line): &(usize, String), json: &mut Vec<u8>| match parse_jsonl(
            line.trim_end_matches(['\n', '\r']),
            *n,
        ) {
            Ok((id, text, date)) => {
                with_local(|l| {
                    let rec = pipeline.extract_ref(
                        &id,
                        text.as_bytes(),
                        date.or(default_date),
                        &mut l.worker,
                    );
                    write_json(&rec, json);
                });
                (text.len() as u64, None)
            }
            Err((doc, error)) => {
                write_error_json(&doc, &error, json);
                (0, Some((doc, error)))
            }
        };
        slots.run(&batch, one, out, err, &mut summary)?;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

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

    /// Every line of a run equals the record of its document extracted on
    /// its own, though buffers are reused from document to document and
    /// chunk to chunk: long and short documents alternate, one is binary,
    /// one is missing.
    #[test]
    fn reused_buffers_give_each_document_its_own_line() {
        let dir = tempfile::tempdir().unwrap();
        let long = "Parasite won the Palme d'Or at Cannes on May 25, 2019. ".repeat(400);
        let mut inputs = Vec::new();
        let mut want: Vec<Vec<u8>> = Vec::new();
        let pipeline = Pipeline::new(crate::gazetteer::Gazetteer::embedded().unwrap());
        for k in 0..(2 * CHUNK + 7) {
            let doc = format!("{k:03}.txt");
            let path = dir.path().join(&doc);
            let text = match k % 3 {
                0 => long.clone(),
                1 => format!("Bong Joon-ho spoke on {} March 2020.", k % 28 + 1),
                _ => String::new(),
            };
            let bytes = if k == 70 {
                b"bin\0ary".to_vec()
            } else {
                text.into_bytes()
            };
            std::fs::write(&path, &bytes).unwrap();
            let line = if k == 70 {
                br#"{"doc":"070.txt","error":"looks like a binary file (NUL byte at offset 3); skipped"}"#.to_vec()
            } else {
                let rec = pipeline.extract(&doc, &bytes, None, &mut Worker::new());
                serde_json::to_vec(&rec).unwrap()
            };
            inputs.push(Input::File { path, doc });
            want.push(line);
        }
        inputs.push(Input::File {
            path: dir.path().join("gone.txt"),
            doc: "gone.txt".into(),
        });
        want.push(br#"{"doc":"gone.txt","error":"no such file or directory"}"#.to_vec());
        // The same lines in the same order whatever the number of threads.
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let counted = Counted::default();
            let s = pool
                .install(|| run_files(&pipeline, &inputs, None, &mut out, &mut err, &counted))
                .unwrap();
            let got: Vec<&[u8]> = out
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .collect();
            assert_eq!(got.len(), want.len(), "{threads} threads");
            for (k, (g, w)) in got.iter().zip(&want).enumerate() {
                assert!(g == w, "line {k} differs ({threads} threads)");
            }
            assert_eq!((s.documents, s.failed), (want.len(), 2));
            assert_eq!(counted.0.load(Ordering::Relaxed), want.len() as u64);
            assert_eq!(
                String::from_utf8(err).unwrap(),
                "070.txt: looks like a binary file (NUL byte at offset 3); skipped\n\
                 gone.txt: no such file or directory\n"
            );
        }
    }

    /// Counts the documents the progress bar is moved past.
    #[derive(Default)]
    struct Counted(AtomicU64);

    impl Progress for Counted {
        fn advance(&self, docs: u64) {
            self.0.fetch_add(docs, Ordering::Relaxed);
        }
    }
}
