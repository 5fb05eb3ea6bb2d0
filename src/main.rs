//! The `kinex` command line: argument parsing and glue; all the work is in
//! the library.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use kinex::batch::{self, Input, Progress, Quiet, Summary};
use kinex::eval;
use kinex::gazetteer::GazetteerBuilder;
use kinex::pipeline::Pipeline;
use kinex::record::Record;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Extract films, people, dates, awards and festivals from news articles,
/// with byte offsets into the raw text.
#[derive(Parser)]
#[command(name = "kinex", version, about, long_about = None, after_help = "Exit status: 0 success; 1 `eval` below --min-f1; 2 an error (any input that could not be processed, a bad gazetteer, bad arguments).")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Extract entities: one JSON record per document on stdout (JSON Lines).
    Extract(ExtractArgs),
    /// Score predictions against gold annotations.
    Eval(EvalArgs),
    /// Write a synthetic corpus for benchmarks: recombined sample
    /// paragraphs and noise lines with gazetteer names substituted, 1 KB to
    /// 200 KB per file, in nested folders; the same seed gives the same
    /// files.
    GenCorpus(GenCorpusArgs),
    /// Write a gazetteer folder of N made-up film and person names.
    GenGazetteer(GenGazetteerArgs),
    /// Benchmark floor: read the files and run only a bare scan of the
    /// gazetteer automaton over them (every leftmost-longest match, word
    /// boundaries or not), on one thread; prints bytes, matches and MB/s.
    #[command(hide = true)]
    Floor(FloorArgs),
}

#[derive(Args)]
struct GenCorpusArgs {
    /// Folder to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Size of the corpus in MB (10^6 bytes).
    #[arg(long, value_name = "N")]
    mb: f64,
    /// Random seed.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
}

#[derive(Args)]
struct GenGazetteerArgs {
    /// Number of entries (half films, half persons).
    #[arg(long, value_name = "N")]
    entries: u64,
    /// Folder to write `films-generated.txt` and `persons-generated.txt` into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

#[derive(Args)]
struct FloorArgs {
    /// Files or folders.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct Common {
    /// Gazetteer folder: its `*.txt` lists are added to the embedded ones
    /// (files named films*, persons*, awards*, festivals*, negative*;
    /// `lexicon/*.txt` extend the pattern lexicons).
    #[arg(long, value_name = "DIR")]
    gazetteers: Option<PathBuf>,
    /// With --gazetteers: use only that folder's lists, not the embedded ones.
    #[arg(long, requires = "gazetteers")]
    replace_gazetteers: bool,
    /// Patterns only: no entity lists (the lexicons stay).
    #[arg(long, conflicts_with = "gazetteers")]
    no_gazetteers: bool,
    /// Worker threads (default: one per core).
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// Only files whose name matches this glob, in folders.
    #[arg(long, default_value = "*.txt", value_name = "GLOB")]
    glob: String,
    /// Document date for relative dates (`last year`), YYYY-MM-DD; overrides
    /// a dateline found in the article.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    date: Option<jiff::civil::Date>,
}

#[derive(Args)]
struct ExtractArgs {
    /// Files or folders (walked recursively); `-` or nothing reads one
    /// document from stdin.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Read JSON Lines `{"id", "text", "date"?}` from stdin; one record per line.
    #[arg(long, conflicts_with = "paths")]
    jsonl: bool,
    /// Write the records to FILE (atomically: a temp file renamed at the end).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct EvalArgs {
    /// Folder of gold JSON files (like samples/gold).
    #[arg(long, value_name = "DIR")]
    gold: PathBuf,
    /// A JSONL file of records, or files/folders to extract first.
    #[arg(value_name = "PRED.jsonl|PATH", required = true)]
    inputs: Vec<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Also list every missed, spurious and wrongly valued mention.
    #[arg(long)]
    errors: bool,
    /// Exit 1 when any type's strict F1 is below X.
    #[arg(long, value_name = "X")]
    min_f1: Option<f64>,
    #[command(flatten)]
    common: Common,
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.parse().map_err(|e| format!("expected YYYY-MM-DD: {e}"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match cli.cmd {
        Cmd::Extract(a) => extract(a),
        Cmd::Eval(a) => run_eval(a),
        Cmd::GenCorpus(a) => gen_corpus(a),
        Cmd::GenGazetteer(a) => gen_gazetteer(a),
        Cmd::Floor(a) => floor(a),
    };
    match r {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("kinex: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The pipeline `c` asks for; with `one_automaton`, its gazetteer is one
/// automaton however long (see `GazetteerBuilder::single_automaton`).
fn build_pipeline(c: &Common, one_automaton: bool) -> Result<Pipeline> {
    if let Some(n) = c.jobs {
        if n == 0 {
            bail!("--jobs must be at least 1");
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("cannot start the thread pool")?;
    }
    let (no, replace, dir) = (c.no_gazetteers, c.replace_gazetteers, c.gazetteers.clone());
    Ok(Pipeline::build(move || {
        let mut b = GazetteerBuilder::new();
        if one_automaton {
            b.single_automaton();
        }
        if no {
            b.add_embedded(false)?;
        } else {
            b.add_embedded(!replace)?;
            if let Some(dir) = &dir {
                b.add_dir(dir)?;
            }
        }
        b.build()
    })?)
}

struct Bar(indicatif::ProgressBar);
impl Progress for Bar {
    fn advance(&self, docs: u64) {
        self.0.inc(docs);
    }
}

fn run_paths(p: &Pipeline, c: &Common, paths: &[PathBuf], out: &mut dyn Write) -> Result<Summary> {
    let inputs = batch::collect_inputs(paths, &c.glob)?;
    let folder = paths.iter().any(|p| p.is_dir());
    // Not `lock()`ed for the whole run: a lock held here would deadlock
    // any write to stderr from a worker thread.
    let mut err = io::stderr();
    if folder && err.is_terminal() {
        let bar = indicatif::ProgressBar::new(
            inputs.iter().filter(|i| !matches!(i, Input::Stdin)).count() as u64,
        );
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} docs {per_sec} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let bar = Bar(bar);
        let s = batch::run_files(p, &inputs, c.date, out, &mut err, &bar)?;
        bar.0.finish_and_clear();
        Ok(s)
    } else {
        Ok(batch::run_files(p, &inputs, c.date, out, &mut err, &Quiet)?)
    }
}

fn extract(a: ExtractArgs) -> Result<ExitCode> {
    let p = build_pipeline(&a.common, false)?;
    let run = |out: &mut dyn Write| -> Result<Summary> {
        if a.jsonl {
            let stdin = io::stdin();
            Ok(batch::run_jsonl(
                &p,
                &mut stdin.lock(),
                a.common.date,
                out,
                &mut io::stderr(),
            )?)
        } else {
            run_paths(&p, &a.common, &a.paths, out)
        }
    };
    let summary = match &a.output {
        Some(path) => write_atomically(path, run)?,
        None => {
            let stdout = io::stdout();
            let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
            let s = run(&mut out)?;
            out.flush()?;
            s
        }
    };
    Ok(if summary.failed > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes through a temp file in the same folder, renamed over `path` only
/// when everything was written: an interrupted run leaves the old file.
fn write_atomically(
    path: &Path,
    run: impl FnOnce(&mut dyn Write) -> Result<Summary>,
) -> Result<Summary> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("{}: cannot create a temp file", dir.display()))?;
    let mut out = BufWriter::with_capacity(1 << 16, tmp);
    let s = run(&mut out)?;
    let tmp = out
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("{}: write failed", path.display()))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("{}: sync failed", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("{}: cannot rename the temp file into place", path.display()))?;
    Ok(s)
}

fn read_records(path: &Path) -> Result<Vec<Record>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not JSON", path.display(), n + 1))?;
        if v.get("error").is_some() {
            continue;
        }
        out.push(
            serde_json::from_value(v)
                .with_context(|| format!("{}:{}: not a kinex record", path.display(), n + 1))?,
        );
    }
    Ok(out)
}

fn run_eval(a: EvalArgs) -> Result<ExitCode> {
    let gold = eval::load_gold(&a.gold)?;
    let jsonl = a.inputs.len() == 1
        && a.inputs[0]
            .extension()
            .is_some_and(|x| x == "jsonl" || x == "json");
    let preds = if jsonl {
        read_records(&a.inputs[0])?
    } else {
        let p = build_pipeline(&a.common, false)?;
        let mut buf: Vec<u8> = Vec::new();
        run_paths(&p, &a.common, &a.inputs, &mut buf)?;
        let mut out = Vec::new();
        for line in buf.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let v: serde_json::Value = serde_json::from_slice(line)?;
            if v.get("error").is_none() {
                out.push(serde_json::from_value(v)?);
            }
        }
        out
    };
    let report = eval::evaluate(&gold, &preds);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", report.table())?;
    }
    if a.errors {
        for line in eval::errors(&gold, &preds) {
            writeln!(out, "{line}")?;
        }
    }
    if let Some(min) = a.min_f1 {
        let below = report.below(min);
        if !below.is_empty() {
            eprintln!("kinex: strict F1 below {min}: {}", below.join(", "));
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn gen_corpus(a: GenCorpusArgs) -> Result<ExitCode> {
    if a.mb.is_nan() || a.mb <= 0.0 {
        bail!("--mb must be positive");
    }
    let gaz = kinex::gazetteer::Gazetteer::embedded()?;
    let bytes = (a.mb * 1e6) as u64;
    let w = kinex::corpus::write_corpus(&a.out, bytes, a.seed, &gaz)
        .with_context(|| format!("{}: cannot write the corpus", a.out.display()))?;
    eprintln!(
        "wrote {} documents, {} bytes, under {}",
        w.documents,
        w.bytes,
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn gen_gazetteer(a: GenGazetteerArgs) -> Result<ExitCode> {
    kinex::corpus::write_gazetteer(&a.out, a.entries)
        .with_context(|| format!("{}: cannot write the gazetteer", a.out.display()))?;
    eprintln!("wrote {} entries under {}", a.entries, a.out.display());
    Ok(ExitCode::SUCCESS)
}

/// Reads every file and runs a bare unanchored scan of the gazetteer
/// automaton: the floor any extraction over the same bytes and the same
/// gazetteer has to stand on.
fn floor(a: FloorArgs) -> Result<ExitCode> {
    let t0 = std::time::Instant::now();
    // One automaton, scanned bare: the floor is aho-corasick's own scan.
    let p = build_pipeline(&a.common, true)?;
    let built = t0.elapsed();
    let inputs = batch::collect_inputs(&a.paths, &a.common.glob)?;
    let t1 = std::time::Instant::now();
    let (mut docs, mut bytes, mut matches) = (0u64, 0u64, 0u64);
    let mut buf = Vec::new();
    for i in &inputs {
        let Input::File { path, .. } = i else {
            continue;
        };
        use std::io::Read as _;
        buf.clear();
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_end(&mut buf))
            .with_context(|| format!("{}: cannot read", path.display()))?;
        let text = String::from_utf8_lossy(&buf);
        docs += 1;
        bytes += buf.len() as u64;
        let n = p
            .gazetteer()
            .scan_count(&text)
            .context("the gazetteer is not one automaton")?;
        matches += n as u64;
    }
    let secs = t1.elapsed().as_secs_f64();
    println!(
        "floor: {docs} documents, {bytes} bytes, {matches} gazetteer matches in {secs:.3} s = {:.1} MB/s, {:.0} docs/s (gazetteer built in {:.3} s)",
        bytes as f64 / 1e6 / secs,
        docs as f64 / secs,
        built.as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
