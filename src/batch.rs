//! Batch runs: which documents to read, in what order, on how many threads,
//! and where the JSON lines go.
//!
//! Takes paths (files, folders walked recursively with a glob, `-` for
//! stdin) or JSON Lines on stdin; gives one JSON line per document to a
//! writer, in sorted path order whatever the thread count. Each thread
//! reads and runs about 512 KB of documents at a time, one stage at a
//! time over them ([`Pipeline::extract_batch`]), and a bounded window of
//! finished lines waits to be written in order, so a folder of 100k
//! articles is never held in memory. A document that cannot be read
//! (unreadable, binary, a dangling link, a malformed JSONL line) gets an
//! error record and a `path: reason` line on stderr, and the run goes
//! on; [`Summary::failed`] counts them so the binary can exit 2.

use crate::error::Error;
use crate::pipeline::{Doc, Pipeline, Worker};
use crate::record::{ErrorRecord, RecordRef};
use globset::{Glob, GlobMatcher};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};

/// How many JSON Lines documents are read and processed together at
/// most (and four batches' worth of text per thread); bounds memory.
const JSONL_LINES: usize = 1024;

/// The JSON line buffers kept at first.
const CHUNK: usize = 64;

/// Raw bytes a thread gathers into one batch: the pipeline runs each
/// stage over the whole batch before the next
/// ([`Pipeline::extract_batch`]), which keeps each stage's automata and
/// tables in cache. Batches of 512 KB ran as fast as batches of 1 MB
/// (`PERFORMANCE.md`, "Thirteenth pass") with less memory; the
/// documents' buffers grow with the batch.
const BATCH_BYTES: usize = 1 << 19;

/// How far past the next line to write a thread may take documents: the
/// finished lines held back to keep the output in order stay within this
/// many documents.
const WINDOW: usize = 256;

/// At most this many documents in a batch, however small: each keeps
/// its own buffers in the worker.
const BATCH_DOCS: usize = 64;

/// Written lines' buffers kept for reuse; the rest are freed. Keeping
/// 64 cost ~20 MB of peak RSS on two threads and no measurable time.
const FREE_LINES: usize = 16;

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

/// Appends a document to `buf` and gives the range it fills; on an error
/// (the reason to report), `buf` is left as it was. Binary files (a NUL
/// byte, as ripgrep does) are refused.
fn append_input(input: &Input, buf: &mut Vec<u8>) -> Result<std::ops::Range<usize>, String> {
    let from = buf.len();
    let read = read_into(input, buf).and_then(|()| match memchr::memchr(0, &buf[from..]) {
        Some(at) => Err(format!(
            "looks like a binary file (NUL byte at offset {at}); skipped"
        )),
        None => Ok(from..buf.len()),
    });
    if read.is_err() {
        buf.truncate(from);
    }
    read
}

fn read_into(input: &Input, buf: &mut Vec<u8>) -> Result<(), String> {
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
    Ok(())
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
    // An empty buffer kept from an earlier line is replaced, not grown:
    // realloc would copy all of it, cleared or not.
    if buf.is_empty() && buf.capacity() < guess {
        *buf = Vec::with_capacity(guess);
    } else {
        buf.reserve(guess);
    }
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
    /// A batch's documents, read one after another.
    raw: Vec<u8>,
    /// The documents that went into the pipeline (the rest failed to
    /// read): their place in `lines` and their bytes in `raw`.
    taken: Vec<(usize, std::ops::Range<usize>)>,
    /// A batch's documents: index in the run and line.
    lines: Vec<(usize, Line)>,
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

    /// Runs `f` on each group of consecutive items (the ends of the
    /// groups, in order, the last being `items.len()`) with the items'
    /// emptied slots, the groups in parallel, then writes the slots'
    /// lines in item order. `f` writes each item's line and returns, for
    /// each, the bytes it read and, for a failed item, the `(doc,
    /// reason)` to report on stderr.
    fn run_groups<T: Sync>(
        &mut self,
        items: &[T],
        ends: &[usize],
        f: impl Fn(&[T], &mut [Vec<u8>]) -> Vec<(u64, Option<(String, String)>)> + Sync,
        w: &mut Writer,
    ) -> io::Result<()> {
        if self.json.len() < items.len() {
            self.json.resize_with(items.len(), Vec::new);
        }
        let mut groups = Vec::with_capacity(ends.len());
        let (mut rest, mut from) = (&mut self.json[..items.len()], 0);
        for &end in ends {
            let (head, tail) = rest.split_at_mut(end - from);
            groups.push((&items[from..end], head));
            (rest, from) = (tail, end);
        }
        let done: Vec<(u64, Option<(String, String)>)> = groups
            .into_par_iter()
            .map(|(items, jsons)| {
                jsons.iter_mut().for_each(Vec::clear);
                f(items, jsons)
            })
            .flatten_iter()
            .collect();
        for ((n, failed), json) in done.into_iter().zip(self.json.iter_mut()) {
            w.write_line(json, n, failed)?;
        }
        Ok(())
    }
}

/// Runs the pipeline over `inputs`, writing one JSON line each to `out`
/// and `path: reason` lines to `err` for documents that failed.
///
/// As many threads as the current rayon pool has
/// (`rayon::current_num_threads`; for one, the calling thread does it
/// all) each take the next documents in order until they hold
/// `BATCH_BYTES` (512 KB), run them as one batch, and hand their lines
/// back; the calling thread writes the lines in input order as they
/// complete. No
/// thread waits for a slower one's batch unless it has run `WINDOW`
/// (256) documents ahead of the output.
pub fn run_files(
    pipeline: &Pipeline,
    inputs: &[Input],
    date: Option<jiff::civil::Date>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    progress: &dyn Progress,
) -> io::Result<Summary> {
    let threads = rayon::current_num_threads().max(1);
    run_files_sized(
        pipeline,
        inputs,
        date,
        (out, err, progress),
        threads,
        (BATCH_BYTES, WINDOW),
    )
}

/// A finished document's line and what the summary counts of it.
struct Line {
    json: Vec<u8>,
    bytes: u64,
    /// `(doc, reason)` for a document that could not be read.
    failed: Option<(String, String)>,
}

/// What the threads of a run share.
struct Queue {
    state: Mutex<QueueState>,
    /// Signalled when a line is finished, the output moves on, or the
    /// run stops.
    changed: Condvar,
}

#[derive(Default)]
struct QueueState {
    /// The next document no thread has taken.
    next_take: usize,
    /// The next document whose line is to be written.
    next_write: usize,
    /// Finished lines not yet written, by document index.
    done: BTreeMap<usize, Line>,
    /// Written lines' buffers, for the threads to reuse.
    free: Vec<Vec<u8>>,
    /// Writing failed: take no more documents.
    stop: bool,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, QueueState> {
        // A thread that panicked while holding the lock left the state
        // consistent (each update is one assignment or one insert).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn run_files_sized(
    pipeline: &Pipeline,
    inputs: &[Input],
    date: Option<jiff::civil::Date>,
    (out, err, progress): (&mut dyn Write, &mut dyn Write, &dyn Progress),
    threads: usize,
    (batch_bytes, window): (usize, usize),
) -> io::Result<Summary> {
    let queue = Queue {
        state: Mutex::new(QueueState::default()),
        changed: Condvar::new(),
    };
    let mut writer = Writer {
        out,
        err,
        progress,
        summary: Summary::default(),
    };
    let work = || {
        // A thread that panics stops the run, so the writer does not wait
        // for its lines forever (the scope then passes the panic on).
        let _stop = StopOnPanic(&queue);
        with_local(
            |l| {
                while run_batch(pipeline, inputs, date, &queue, l, (batch_bytes, window)) {}
            },
        )
    };
    if threads == 1 {
        // All on the calling thread: each batch, then its lines.
        with_local(|l| -> io::Result<()> {
            while run_batch(pipeline, inputs, date, &queue, l, (batch_bytes, window)) {
                writer.write_ready(&queue)?;
            }
            Ok(())
        })?;
        return Ok(writer.summary);
    }
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(work);
        }
        let written = writer.write_all(&queue, inputs.len());
        if written.is_err() {
            queue.lock().stop = true;
            queue.changed.notify_all();
        }
        written
    })?;
    Ok(writer.summary)
}

struct StopOnPanic<'a>(&'a Queue);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.lock().stop = true;
            self.0.changed.notify_all();
        }
    }
}

/// The index of the next document to take, if any is left and the run
/// goes on. A thread that already `holds` documents does not wait for
/// the output to catch up with the window: it runs what it has.
fn take_one(q: &Queue, n: usize, window: usize, holds: bool) -> Option<usize> {
    let mut st = q.lock();
    loop {
        if st.stop || st.next_take >= n {
            return None;
        }
        if st.next_take < st.next_write + window {
            st.next_take += 1;
            return Some(st.next_take - 1);
        }
        if holds {
            return None;
        }
        st = q.changed.wait(st).unwrap_or_else(|e| e.into_inner());
    }
}

/// Takes documents until they hold `batch_bytes`, reads them, runs
/// them through the pipeline as one batch and puts their lines in the
/// queue. False when there was nothing left to take.
fn run_batch(
    pipeline: &Pipeline,
    inputs: &[Input],
    date: Option<jiff::civil::Date>,
    q: &Queue,
    l: &mut Local,
    (batch_bytes, window): (usize, usize),
) -> bool {
    let Local {
        worker,
        raw,
        taken,
        lines,
    } = l;
    raw.clear();
    taken.clear();
    lines.clear();
    while raw.len() < batch_bytes && lines.len() < BATCH_DOCS {
        let Some(i) = take_one(q, inputs.len(), window, !lines.is_empty()) else {
            break;
        };
        let mut json = q.lock().free.pop().unwrap_or_default();
        json.clear();
        let (bytes, failed) = match append_input(&inputs[i], raw) {
            Ok(r) => {
                let n = r.len() as u64;
                taken.push((lines.len(), r));
                (n, None)
            }
            Err(error) => {
                let doc = inputs[i].doc();
                write_error_json(doc, &error, &mut json);
                (0, Some((doc.to_string(), error)))
            }
        };
        lines.push((
            i,
            Line {
                json,
                bytes,
                failed,
            },
        ));
    }
    if lines.is_empty() {
        return false;
    }
    let docs: Vec<Doc> = taken
        .iter()
        .map(|(k, r)| Doc {
            name: inputs[lines[*k].0].doc(),
            raw: &raw[r.clone()],
            date,
        })
        .collect();
    pipeline.extract_batch(&docs, worker, |j, rec| {
        write_json(&rec, &mut lines[taken[j].0].1.json);
    });
    trim(raw);
    let mut st = q.lock();
    st.done.extend(lines.drain(..));
    drop(st);
    q.changed.notify_all();
    true
}

/// The calling thread's end of a run: writes finished lines in input
/// order and counts them.
struct Writer<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    progress: &'a dyn Progress,
    summary: Summary,
}

impl Writer<'_> {
    /// Writes one finished line (its newline added), counts it, and
    /// reports a failed document on stderr.
    fn write_line(
        &mut self,
        json: &mut Vec<u8>,
        bytes: u64,
        failed: Option<(String, String)>,
    ) -> io::Result<()> {
        self.summary.documents += 1;
        self.summary.bytes += bytes;
        // One write per line, newline included: stdout is line buffered
        // and scans each write backwards for its last newline, which a
        // record written apart from its newline makes a scan of the
        // whole record.
        json.push(b'\n');
        self.out.write_all(json)?;
        trim(json);
        if let Some((doc, error)) = failed {
            self.summary.failed += 1;
            // stderr failing must not stop the run.
            let _ = writeln!(self.err, "{doc}: {error}");
        }
        Ok(())
    }

    /// Writes the lines that are next in order and finished.
    fn write_ready(&mut self, q: &Queue) -> io::Result<()> {
        let ready = {
            let mut st = q.lock();
            let mut ready = Vec::new();
            loop {
                let next = st.next_write;
                let Some(line) = st.done.remove(&next) else {
                    break;
                };
                ready.push(line);
                st.next_write += 1;
            }
            ready
        };
        if ready.is_empty() {
            return Ok(());
        }
        // The window moved: a thread may be waiting to take more.
        q.changed.notify_all();
        let n = ready.len() as u64;
        let mut spent = Vec::with_capacity(ready.len());
        for mut line in ready {
            self.write_line(&mut line.json, line.bytes, line.failed)?;
            spent.push(line.json);
        }
        self.progress.advance(n);
        let mut st = q.lock();
        let room = FREE_LINES.saturating_sub(st.free.len());
        st.free.extend(spent.into_iter().take(room));
        Ok(())
    }

    /// Writes every line, waiting for each in turn.
    fn write_all(&mut self, q: &Queue, n: usize) -> io::Result<()> {
        loop {
            self.write_ready(q)?;
            let st = q.lock();
            if st.next_write >= n {
                return Ok(());
            }
            if st.stop {
                return Err(io::Error::other("a worker thread stopped"));
            }
            if !st.done.contains_key(&st.next_write) {
                drop(q.changed.wait(st).unwrap_or_else(|e| e.into_inner()));
            }
        }
    }
}

#[derive(Deserialize)]
struct JsonlDoc {
    id: serde_json::Value,
    text: String,
    #[serde(default)]
    date: Option<String>,
}

/// Parses one JSONL input line into (id, text, date).
fn parse_jsonl(line: &str, n: usize) -> Result<Parsed, (String, String)> {
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
    let mut writer = Writer {
        out,
        err,
        progress: &Quiet,
        summary: Summary::default(),
    };
    let mut slots = Slots::new();
    let mut n = 0usize;
    let mut eof = false;
    let threads = rayon::current_num_threads().max(1);
    while !eof {
        // A chunk holds a few batches per thread, so that the threads
        // rarely wait for each other at its end.
        let mut batch: Vec<(usize, String)> = Vec::with_capacity(CHUNK);
        let mut bytes = 0;
        while batch.len() < JSONL_LINES && bytes < 4 * threads * BATCH_BYTES {
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
            bytes += line.len();
            batch.push((n, line));
        }
        let parsed: Vec<_> = batch
            .iter()
            .map(|(n, line)| parse_jsonl(line.trim_end_matches(['\n', '\r']), *n))
            .collect();
        // Consecutive documents in groups of about BATCH_BYTES of text.
        let mut ends = Vec::new();
        let mut held = 0;
        for (k, p) in parsed.iter().enumerate() {
            held += p.as_ref().map_or(0, |(_, text, _)| text.len());
            if held >= BATCH_BYTES || k + 1 - ends.last().copied().unwrap_or(0) >= BATCH_DOCS {
                ends.push(k + 1);
                held = 0;
            }
        }
        if ends.last() != Some(&parsed.len()) {
            ends.push(parsed.len());
        }
        let group = |items: &[Result<Parsed, (String, String)>], jsons: &mut [Vec<u8>]| {
            let mut done = Vec::with_capacity(items.len());
            let mut docs = Vec::with_capacity(items.len());
            let mut at = Vec::with_capacity(items.len());
            for (k, (item, json)) in items.iter().zip(jsons.iter_mut()).enumerate() {
                match item {
                    Ok((id, text, date)) => {
                        docs.push(Doc {
                            name: id,
                            raw: text.as_bytes(),
                            date: date.or(default_date),
                        });
                        at.push(k);
                        done.push((text.len() as u64, None));
                    }
                    Err((doc, error)) => {
                        write_error_json(doc, error, json);
                        done.push((0, Some((doc.clone(), error.clone()))));
                    }
                }
            }
            with_local(|l| {
                pipeline.extract_batch(&docs, &mut l.worker, |j, rec| {
                    write_json(&rec, &mut jsons[at[j]]);
                });
            });
            done
        };
        slots.run_groups(&parsed, &ends, group, &mut writer)?;
    }
    Ok(writer.summary)
}

/// A JSON Lines document: id, text, date.
type Parsed = (String, String, Option<jiff::civil::Date>);

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
        // The same lines in the same order whatever the number of threads,
        // the batch size (one document each, a few, ~all) and how far
        // ahead of the output threads may run (one document: in turn).
        let sizes = [
            (BATCH_BYTES, WINDOW),
            (1, 1),
            (1, 2),
            (30_000, 5),
            (100_000, 40),
        ];
        for (threads, (batch, window)) in [1, 2, 3]
            .into_iter()
            .flat_map(|t| sizes.into_iter().map(move |s| (t, s)))
        {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let counted = Counted::default();
            let s = run_files_sized(
                &pipeline,
                &inputs,
                None,
                (&mut out, &mut err, &counted),
                threads,
                (batch, window),
            )
            .unwrap();
            let got: Vec<&[u8]> = out
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .collect();
            assert_eq!(
                got.len(),
                want.len(),
                "{threads} threads, {batch}, {window}"
            );
            for (k, (g, w)) in got.iter().zip(&want).enumerate() {
                assert!(
                    g == w,
                    "line {k} differs ({threads} threads, {batch}, {window})"
                );
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

    /// Every JSON Lines record equals its document's record extracted on
    /// its own (with its own date), across chunks and batches, with
    /// malformed lines in between, whatever the number of threads.
    #[test]
    fn jsonl_lines_give_each_document_its_own_record() {
        let pipeline = Pipeline::new(crate::gazetteer::Gazetteer::embedded().unwrap());
        let long = "Parasite won the Palme d'Or at Cannes on May 25, 2019. ".repeat(3_000);
        let mut input = String::new();
        let mut want = Vec::new();
        for k in 0..(JSONL_LINES + 100) {
            let text = if k % 200 == 0 {
                long.clone()
            } else {
                format!("Bong Joon-ho spoke last year, on {} March.", k % 28 + 1)
            };
            let line = match (k % 97 == 5, k % 3 == 1) {
                (true, _) => format!("{{\"id\": {k}, \"text\": "),
                (false, true) => {
                    serde_json::json!({"id": k, "text": text, "date": "2021-06-01"}).to_string()
                }
                (false, false) => {
                    serde_json::json!({"id": k.to_string(), "text": text}).to_string()
                }
            };
            let mut json = Vec::new();
            match parse_jsonl(&line, k + 1) {
                Ok((id, text, date)) => {
                    let rec = pipeline.extract(&id, text.as_bytes(), date, &mut Worker::new());
                    serde_json::to_writer(&mut json, &rec).unwrap();
                }
                Err((doc, error)) => write_error_json(&doc, &error, &mut json),
            }
            json.push(b'\n');
            want.extend(json);
            input.push_str(&line);
            input.push('\n');
        }
        for threads in [1, 2, 3] {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let s = in_pool(threads, || {
                run_jsonl(&pipeline, &mut input.as_bytes(), None, &mut out, &mut err)
            })
            .unwrap();
            assert_eq!(s.documents, JSONL_LINES + 100, "{threads} threads");
            assert_eq!(s.failed, 12, "{threads} threads");
            assert!(out == want, "{threads} threads: the lines differ");
        }
    }

    /// Writes `n` files `000.txt`, `001.txt`, ... with `text(k)` into
    /// `dir`, as inputs.
    fn files_in(dir: &Path, n: usize, text: impl Fn(usize) -> String) -> Vec<Input> {
        (0..n)
            .map(|k| {
                let doc = format!("{k:03}.txt");
                let path = dir.join(&doc);
                std::fs::write(&path, text(k)).unwrap();
                Input::File { path, doc }
            })
            .collect()
    }

    /// Runs `f` in a rayon pool of `threads` threads.
    fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(f)
    }

    /// `run_files` takes its thread count from the pool it runs in.
    #[test]
    fn run_files_uses_the_pools_threads() {
        let dir = tempfile::tempdir().unwrap();
        let pipeline = Pipeline::new(crate::gazetteer::Gazetteer::embedded().unwrap());
        let inputs = files_in(dir.path(), 5, |k| {
            format!("Aktan Abdykalykov spoke on {} May.", k + 1)
        });
        let mut lines = Vec::new();
        for threads in [1, 2] {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let s = in_pool(threads, || {
                run_files(&pipeline, &inputs, None, &mut out, &mut err, &Quiet)
            })
            .unwrap();
            assert_eq!((s.documents, s.failed), (5, 0));
            lines.push(out);
        }
        assert_eq!(lines[0], lines[1]);
        assert_eq!(lines[0].iter().filter(|&&b| b == b'\n').count(), 5);
    }

    /// A writer that fails after `left` bytes.
    struct Full {
        left: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if buf.len() > self.left {
                return Err(io::Error::other("disk full"));
            }
            self.left -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Output that cannot be written stops the run with its error,
    /// whatever the threads are doing: none is left waiting (a run that
    /// hangs fails here after a minute instead of hanging the tests).
    #[test]
    fn a_failed_write_stops_the_run() {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let dir = tempfile::tempdir().unwrap();
            let pipeline = Pipeline::new(crate::gazetteer::Gazetteer::embedded().unwrap());
            let inputs = files_in(dir.path(), 300, |_| "Tomiris opened on 5 May 2019.".into());
            for threads in [1, 2, 3] {
                let mut out = Full { left: 2_000 };
                let r = run_files_sized(
                    &pipeline,
                    &inputs,
                    None,
                    (&mut out, &mut Vec::new(), &Quiet),
                    threads,
                    (100, 4),
                );
                tx.send((threads, r.map_err(|e| e.to_string()))).unwrap();
            }
        });
        for threads in [1, 2, 3] {
            let got = rx
                .recv_timeout(std::time::Duration::from_secs(60))
                .expect("the run did not stop");
            assert_eq!(got, (threads, Err("disk full".to_string())));
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
