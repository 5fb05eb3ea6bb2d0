//! Per-stage and end-to-end benchmarks: `cargo bench` (or `cargo bench --
//! clean` for one stage). Throughput is reported in bytes of raw input.
//!
//! Each stage is timed on the path `kinex extract` runs: dates and the
//! matchers read one token stream made once per document (the `tokens`
//! benchmark times that), dates and the pattern rules read the tokens'
//! flags, looked up once per token through the thread's memo (`flags`),
//! records are written by `RecordRef::write_json`.
//! What `end_to_end` takes beyond the stages' sum is resolve, the
//! mapping of spans back to raw offsets, and the stages evicting each
//! other's tables from the cache at every document, which
//! `extract_batches_1_thread` (batches of 512 KB, each stage over a
//! whole batch, as the batch runner runs them) takes back.
//!
//! The corpus is generated in memory from `samples/` with a fixed seed
//! (`kinex::corpus::docs`, the generator behind `kinex gen-corpus`), so
//! every run times the same bytes. Each benchmark first computes what it
//! finds (noise ranges, sentences, dates, matches, entities, JSON bytes)
//! and compares it with the constant below, so a change that makes a stage
//! fast by making it wrong fails here. When a rule or a gazetteer changes
//! on purpose, update the constants: the panic message gives the new count.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kinex::clean::Cleaner;
use kinex::corpus;
use kinex::dates::DateFinder;
use kinex::gazetteer::Gazetteer;
use kinex::offsets::CleanText;
use kinex::patterns::{FlagMemo, Patterns};
use kinex::pipeline::{Doc, Pipeline, Worker};
use kinex::record::RecordRef;
use kinex::segment::Segmenter;
use kinex::tokens::{tokenize, Token};
use std::hint::black_box;
use std::time::Duration;

/// Seed and size of the benchmark corpus.
const SEED: u64 = 42;
const BYTES: u64 = 2_000_000;
/// Raw bytes per batch in the batched end-to-end benchmark, as the batch
/// runner takes them.
const BATCH: usize = 512 * 1024;

// What each stage finds on that corpus (see the module doc).
const NOISE: usize = 4_759;
const SENTENCES: usize = 13_359;
const TOKENS: usize = 279_195;
const FLAGGED: usize = 135_346;
const DATES: usize = 3_976;
const MATCHES: usize = 27_310;
const ENTITIES: usize = 12_713;
const JSON_BYTES: usize = 3_456_585;

fn check(what: &str, got: usize, want: usize) {
    assert_eq!(
        got, want,
        "{what}: the benchmark corpus gave {got}, expected {want}; if the change is intended, update the constant in benches/stages.rs"
    );
}

struct Fixture {
    docs: Vec<(String, String)>,
    clean: Vec<String>,
    /// The tokens of each clean text.
    toks: Vec<Vec<Token>>,
    bytes: u64,
    pipeline: Pipeline,
}

fn fixture() -> Fixture {
    let gaz = Gazetteer::embedded().expect("embedded gazetteer");
    let docs = corpus::docs(&gaz, SEED, BYTES);
    let bytes = docs.iter().map(|(_, d)| d.len() as u64).sum();
    let cleaner = Cleaner::new();
    let clean: Vec<String> = docs
        .iter()
        .map(|(_, d)| cleaner.clean(d.as_bytes()).1.as_str().to_string())
        .collect();
    let toks = clean
        .iter()
        .map(|t| {
            let mut v = Vec::new();
            tokenize(t, &mut v);
            v
        })
        .collect();
    Fixture {
        docs,
        clean,
        toks,
        bytes,
        pipeline: Pipeline::new(gaz),
    }
}

fn stages(c: &mut Criterion) {
    let f = fixture();
    let mut g = c.benchmark_group("stage");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::BytesDecimal(f.bytes));

    // clean: noise detection and the cleaned text with its offset map.
    let cleaner = Cleaner::new();
    let clean_all = |noise: &mut Vec<_>, out: &mut CleanText| {
        let mut n = 0;
        for (_, d) in &f.docs {
            cleaner.clean_into(d.as_bytes(), noise, out);
            n += noise.len();
        }
        n
    };
    let (mut noise, mut out) = (Vec::new(), CleanText::default());
    check("noise ranges", clean_all(&mut noise, &mut out), NOISE);
    g.bench_function("clean", |b| {
        b.iter(|| black_box(clean_all(&mut noise, &mut out)))
    });

    // segment: sentence boundaries on clean text.
    let seg = Segmenter::new();
    let segment_all = |out: &mut Vec<_>| {
        let mut n = 0;
        for t in &f.clean {
            out.clear();
            seg.split_into(t, out);
            n += out.len();
        }
        n
    };
    let mut sents = Vec::new();
    check("sentences", segment_all(&mut sents), SENTENCES);
    g.bench_function("segment", |b| b.iter(|| black_box(segment_all(&mut sents))));

    // tokens: the token stream that dates, the matchers and resolve read.
    let tokens_all = |out: &mut Vec<_>| {
        let mut n = 0;
        for t in &f.clean {
            tokenize(t, out);
            n += out.len();
        }
        n
    };
    let mut toks = Vec::new();
    check("tokens", tokens_all(&mut toks), TOKENS);
    g.bench_function("tokens", |b| b.iter(|| black_box(tokens_all(&mut toks))));

    // flags: each token's word-list, trigger and date start-word bits,
    // through the thread's memo, as the dates and the rules read them.
    let gaz = f.pipeline.gazetteer();
    let patterns = Patterns::new(gaz.lexicons());
    let mut memo = FlagMemo::new();
    let mut flags_all = |flags: &mut Vec<Vec<u64>>| {
        let mut n = 0;
        for ((t, toks), out) in f.clean.iter().zip(&f.toks).zip(flags.iter_mut()) {
            patterns.flags_into(t, toks, &mut memo, out);
            n += out.iter().filter(|&&x| x != 0).count();
        }
        n
    };
    let mut flags = vec![Vec::new(); f.clean.len()];
    check("tokens with flags", flags_all(&mut flags), FLAGGED);
    g.bench_function("flags", |b| b.iter(|| black_box(flags_all(&mut flags))));

    // dates: every date expression with its normalized value, from the
    // tokens and their flags.
    let dates = DateFinder::new();
    let anchor = Some(jiff::civil::date(2026, 2, 7));
    let dates_all = || {
        f.clean
            .iter()
            .zip(&f.toks)
            .zip(&flags)
            .map(|((t, toks), fl)| dates.find_flagged(t, toks, fl, anchor).len())
            .sum::<usize>()
    };
    check("dates", dates_all(), DATES);
    g.bench_function("dates", |b| b.iter(|| black_box(dates_all())));

    // match: the gazetteer automaton and the pattern rules, from the
    // tokens and their flags.
    let match_all = |gm: &mut Vec<_>, cands: &mut Vec<_>| {
        let mut n = 0;
        for ((t, toks), fl) in f.clean.iter().zip(&f.toks).zip(&flags) {
            gm.clear();
            gaz.find_in(t, toks, gm);
            cands.clear();
            patterns.find_flagged(t, toks, fl, cands);
            n += gm.len() + cands.len();
        }
        n
    };
    let (mut gm, mut cands) = (Vec::new(), Vec::new());
    check(
        "gazetteer matches + pattern candidates",
        match_all(&mut gm, &mut cands),
        MATCHES,
    );
    g.bench_function("match", |b| {
        b.iter(|| black_box(match_all(&mut gm, &mut cands)))
    });

    // emit: the JSON line of each finished record, as `kinex extract`
    // writes it. A record borrows its worker, so each keeps its own.
    let mut workers: Vec<Worker> = f.docs.iter().map(|_| Worker::new()).collect();
    let records: Vec<RecordRef> = f
        .docs
        .iter()
        .zip(&mut workers)
        .map(|((name, d), w)| f.pipeline.extract_ref(name, d.as_bytes(), None, w))
        .collect();
    let mut buf = Vec::with_capacity(1 << 20);
    let emit_all = |buf: &mut Vec<u8>| {
        let mut n = 0;
        for r in &records {
            buf.clear();
            r.write_json(buf).expect("serialize");
            buf.push(b'\n');
            n += buf.len();
        }
        n
    };
    check("JSON bytes", emit_all(&mut buf), JSON_BYTES);
    g.bench_function("emit", |b| b.iter(|| black_box(emit_all(&mut buf))));
    g.finish();

    // end to end: raw bytes in, JSON lines out, one thread; document by
    // document, and in batches of ~512 KB as `kinex extract` runs them.
    let mut g = c.benchmark_group("end_to_end");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::BytesDecimal(f.bytes));
    let e2e = |w: &mut Worker, buf: &mut Vec<u8>| {
        let mut n = 0;
        buf.clear();
        for (name, d) in &f.docs {
            let r = f.pipeline.extract_ref(name, d.as_bytes(), None, w);
            n += r.entities.len();
            r.write_json(buf).expect("serialize");
            buf.push(b'\n');
        }
        n
    };
    let mut w = Worker::new();
    check("entities", e2e(&mut w, &mut buf), ENTITIES);
    g.bench_function("extract_1_thread", |b| {
        b.iter(|| black_box(e2e(&mut w, &mut buf)))
    });
    let mut batches: Vec<Vec<Doc>> = vec![Vec::new()];
    let mut held = 0;
    for (name, d) in &f.docs {
        if held >= BATCH {
            batches.push(Vec::new());
            held = 0;
        }
        held += d.len();
        batches.last_mut().expect("one batch").push(Doc {
            name,
            raw: d.as_bytes(),
            date: None,
        });
    }
    let batched = |w: &mut Worker, buf: &mut Vec<u8>| {
        let mut n = 0;
        buf.clear();
        for batch in &batches {
            f.pipeline.extract_batch(batch, w, |_, r| {
                n += r.entities.len();
                r.write_json(buf).expect("serialize");
                buf.push(b'\n');
            });
        }
        n
    };
    check("entities", batched(&mut w, &mut buf), ENTITIES);
    g.bench_function("extract_batches_1_thread", |b| {
        b.iter(|| black_box(batched(&mut w, &mut buf)))
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
