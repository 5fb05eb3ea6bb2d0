//! The whole pipeline for one document: clean → segment → match → emit.
//!
//! Takes raw bytes and an optional document date; gives a [`Record`], or
//! a [`RecordRef`] that borrows its strings from the input and the worker
//! (what the batch runner writes out). A
//! [`Pipeline`] is built once per run (automata, regexes, gazetteers,
//! lexicons) and shared by reference across threads; each thread owns a
//! [`Worker`] whose buffers are reused from one document to the next.
//! [`Pipeline::extract_batch`] runs a batch of documents one stage at a
//! time, which is faster (each stage's tables stay in cache) and gives
//! the same records.
//! Guarantees: every entity satisfies `raw[start..end] == text`, lies on
//! char boundaries, overlaps no other entity and no noise; sentences are in
//! order and never overlap; the same input gives the same record.

use crate::clean::Cleaner;
use crate::dates::DateFinder;
use crate::error::Result;
use crate::gazetteer::{GazMatch, Gazetteer, GazetteerBuilder};
use crate::offsets::CleanText;
use crate::patterns::{FlagMemo, Patterns};
use crate::record::{DateSource, EntityRef, Record, RecordRef, ResolvedRef, SourceName};
use crate::resolve::{Resolved, Resolver, Scratch, P_DATE};
use crate::segment::Segmenter;
use crate::span::{Candidate, CleanSpan, EntityType, Noise, RawSpan, Source};
use crate::tokens::{tokenize, Token};
use foldhash::{HashMap, HashMapExt};
use std::ops::Range;

/// Everything compiled once per run.
pub struct Pipeline {
    cleaner: Cleaner,
    segmenter: Segmenter,
    dates: DateFinder,
    gazetteer: Gazetteer,
    patterns: Patterns,
}

/// Per-thread scratch space, reused between documents, and safe to
/// reuse between pipelines: what it remembers of one pipeline's lists
/// (the rules' per-word memo) is dropped when another uses it.
#[derive(Default)]
pub struct Worker {
    /// One set of buffers per document of a batch (one for
    /// [`Pipeline::extract_ref`]).
    docs: Vec<DocBufs>,
    scratch: Scratch,
    memo: FlagMemo,
    /// The sentences in raw coordinates, as the record lists them.
    raw_sentences: Vec<RawSpan>,
    groups: Vec<Group>,
    /// The resolved entities' mention lists, one after another.
    mention_list: Vec<usize>,
}

impl Worker {
    pub fn new() -> Self {
        Self::default()
    }
}

/// What one document leaves between the stages.
#[derive(Default)]
struct DocBufs {
    noise: Vec<Noise>,
    clean: CleanText,
    toks: Vec<Token>,
    /// Each token's flags ([`Patterns::flags_into`]), read by the dates
    /// and the rules.
    flags: Vec<u64>,
    sentences: Vec<Range<usize>>,
    gm: Vec<GazMatch>,
    cands: Vec<Candidate>,
    resolved: Resolved,
    anchor: Option<jiff::civil::Date>,
    date_source: Option<DateSource>,
}

/// Room for this many tokens beyond twice a document's is kept in its
/// buffers from batch to batch (~100 KB of text) once the worker's
/// buffers hold more than `KEPT_TOKENS`; more is given back.
const SPARE_TOKENS: usize = 16_384;

/// Token room (6 MB; a 512 KB batch of news text has ~100,000 tokens) a
/// worker keeps in its documents' buffers whatever the documents: below
/// it nothing is given back. Sizes vary from batch to batch, so a buffer
/// given back for one small document was mostly grown again, by doubling
/// copies into fresh pages, for the next large one.
const KEPT_TOKENS: usize = 1 << 18;

/// One document of a batch for [`Pipeline::extract_batch`].
#[derive(Debug, Clone, Copy)]
pub struct Doc<'a> {
    /// The name the record carries.
    pub name: &'a str,
    pub raw: &'a [u8],
    /// The document date, overriding a dateline.
    pub date: Option<jiff::civil::Date>,
}

impl Pipeline {
    /// A pipeline over the given gazetteer.
    pub fn new(gazetteer: Gazetteer) -> Self {
        Self::assemble(Cleaner::new(), DateFinder::new(), gazetteer)
    }

    /// A pipeline whose gazetteer `make` builds, while the cleaner's and
    /// the date finder's regexes compile on another core: start-up is
    /// what a run over a handful of files waits for.
    pub fn build(make: impl FnOnce() -> Result<Gazetteer> + Send) -> Result<Self> {
        let ((cleaner, dates), gazetteer) =
            rayon::join(|| (Cleaner::new(), DateFinder::new()), make);
        Ok(Self::assemble(cleaner, dates, gazetteer?))
    }

    fn assemble(cleaner: Cleaner, dates: DateFinder, gazetteer: Gazetteer) -> Self {
        let patterns = Patterns::new(gazetteer.lexicons());
        Self {
            cleaner,
            segmenter: Segmenter::new(),
            dates,
            gazetteer,
            patterns,
        }
    }

    /// The pipeline with the embedded gazetteers.
    ///
    /// ```
    /// use kinex::pipeline::{Pipeline, Worker};
    /// let p = Pipeline::embedded().unwrap();
    /// let raw = "Director Akan Satayev’s drama “Road to Mother” opens on Jan. 14.";
    /// let rec = p.extract("a.txt", raw.as_bytes(), None, &mut Worker::new());
    /// let found: Vec<(&str, &str)> = rec.entities.iter().map(|e| (e.ty.as_str(), e.text.as_str())).collect();
    /// assert_eq!(found, [("person", "Akan Satayev"), ("film", "Road to Mother"), ("date", "Jan. 14")]);
    /// assert_eq!(rec.entities[2].value.as_deref(), Some("XXXX-01-14"));
    /// for e in &rec.entities {
    ///     assert_eq!(&raw[e.start..e.end], e.text);
    /// }
    /// ```
    pub fn embedded() -> Result<Self> {
        Self::build(Gazetteer::embedded)
    }

    /// Patterns only: the embedded lexicons, no entity lists.
    pub fn patterns_only() -> Result<Self> {
        Self::build(|| GazetteerBuilder::new().add_embedded(false)?.build())
    }

    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// Runs every stage on one document.
    pub fn extract(
        &self,
        doc: &str,
        raw: &[u8],
        given_date: Option<jiff::civil::Date>,
        w: &mut Worker,
    ) -> Record {
        self.extract_ref(doc, raw, given_date, w).to_record()
    }

    /// As [`extract`](Self::extract), but the record borrows its strings
    /// from `raw` and `w` instead of copying each into its own `String`:
    /// what a caller that only writes the record out wants.
    ///
    /// ```
    /// use kinex::pipeline::{Pipeline, Worker};
    /// let p = Pipeline::embedded().unwrap();
    /// let raw = "Director Akan Satayev’s drama “Road to Mother” opens on Jan. 14.";
    /// let mut w = Worker::new();
    /// let json = serde_json::to_string(&p.extract_ref("a.txt", raw.as_bytes(), None, &mut w)).unwrap();
    /// let owned = p.extract("a.txt", raw.as_bytes(), None, &mut w);
    /// assert_eq!(json, serde_json::to_string(&owned).unwrap());
    /// ```
    pub fn extract_ref<'a>(
        &'a self,
        doc: &'a str,
        raw: &'a [u8],
        given_date: Option<jiff::civil::Date>,
        w: &'a mut Worker,
    ) -> RecordRef<'a> {
        let one = [Doc {
            name: doc,
            raw,
            date: given_date,
        }];
        self.stages(&one, w);
        self.emit(doc, raw, w, 0)
    }

    /// Runs every stage over `docs` and calls `sink(i, record)` for each
    /// document in order: the records are those
    /// [`extract_ref`](Self::extract_ref) gives one by one, but each
    /// stage runs over the whole batch before the next starts, so its
    /// automata, tables and memo stay in cache instead of being evicted
    /// by the other stages at every document: on the generated corpus,
    /// one thread runs batches of 0.5–1 MB of text 1.1–1.3× faster than
    /// the same documents one by one.
    ///
    /// ```
    /// use kinex::pipeline::{Doc, Pipeline, Worker};
    /// let p = Pipeline::embedded().unwrap();
    /// let texts = ["Tomiris opened on 5 May 2019.", "Akan Satayev spoke."];
    /// let docs: Vec<Doc> = texts
    ///     .iter()
    ///     .map(|t| Doc { name: "a.txt", raw: t.as_bytes(), date: None })
    ///     .collect();
    /// let mut w = Worker::new();
    /// let mut found = Vec::new();
    /// p.extract_batch(&docs, &mut w, |i, rec| found.push((i, rec.entities.len())));
    /// assert_eq!(found, [(0, 2), (1, 1)]);
    /// ```
    pub fn extract_batch(
        &self,
        docs: &[Doc<'_>],
        w: &mut Worker,
        mut sink: impl FnMut(usize, RecordRef<'_>),
    ) {
        self.stages(docs, w);
        for (i, d) in docs.iter().enumerate() {
            sink(i, self.emit(d.name, d.raw, w, i));
        }
        // Each document's buffers are sized for the largest document that
        // used them. Past `KEPT_TOKENS` in all, one sized far beyond the
        // document it just held is given back, and so are those this
        // batch did not use.
        let kept: usize = w.docs.iter().map(|b| b.toks.capacity()).sum();
        if kept > KEPT_TOKENS {
            w.docs.truncate(docs.len());
            for b in &mut w.docs {
                if b.toks.capacity() > 2 * b.toks.len() + SPARE_TOKENS {
                    *b = DocBufs::default();
                }
            }
        }
    }

    /// Each stage over every document of `docs`, one stage at a time,
    /// into `w.docs[..docs.len()]`.
    fn stages(&self, docs: &[Doc<'_>], w: &mut Worker) {
        if w.docs.len() < docs.len() {
            w.docs.resize_with(docs.len(), DocBufs::default);
        }
        let bufs = &mut w.docs[..docs.len()];
        for (d, b) in docs.iter().zip(bufs.iter_mut()) {
            self.cleaner.clean_into(d.raw, &mut b.noise, &mut b.clean);
            // The dateline is found for its entity either way; a given
            // date overrides it as the anchor.
            let dateline = self.dates.dateline(b.clean.as_str());
            (b.anchor, b.date_source) = match (d.date, &dateline) {
                (Some(d), _) => (Some(d), Some(DateSource::Given)),
                (None, Some((_, d))) => (Some(*d), Some(DateSource::Dateline)),
                (None, None) => (None, None),
            };
        }
        for b in bufs.iter_mut() {
            b.sentences.clear();
            self.segmenter
                .split_into(b.clean.as_str(), &mut b.sentences);
        }
        for b in bufs.iter_mut() {
            tokenize(b.clean.as_str(), &mut b.toks);
        }
        for b in bufs.iter_mut() {
            self.patterns
                .flags_into(b.clean.as_str(), &b.toks, &mut w.memo, &mut b.flags);
        }
        for b in bufs.iter_mut() {
            b.cands.clear();
            let text = b.clean.as_str();
            for d in self.dates.find_flagged(text, &b.toks, &b.flags, b.anchor) {
                let mut c = Candidate::new(
                    CleanSpan::new(d.start, d.end),
                    EntityType::Date,
                    Source::Pattern("date"),
                    P_DATE,
                );
                c.value = Some(d.value);
                b.cands.push(c);
            }
        }
        for b in bufs.iter_mut() {
            self.patterns
                .find_flagged(b.clean.as_str(), &b.toks, &b.flags, &mut b.cands);
        }
        for b in bufs.iter_mut() {
            b.gm.clear();
            self.gazetteer.find_in(b.clean.as_str(), &b.toks, &mut b.gm);
        }
        let resolver = Resolver {
            gazetteer: &self.gazetteer,
            patterns: &self.patterns,
        };
        for b in bufs.iter_mut() {
            resolver.resolve(
                b.clean.as_str(),
                &b.toks,
                &b.gm,
                &mut b.cands,
                &mut w.scratch,
                &mut b.resolved,
            );
        }
    }

    /// The record of document `i` of the last [`stages`](Self::stages).
    fn emit<'a>(
        &'a self,
        doc: &'a str,
        raw: &'a [u8],
        w: &'a mut Worker,
        i: usize,
    ) -> RecordRef<'a> {
        let Worker {
            docs,
            raw_sentences,
            groups,
            mention_list,
            ..
        } = w;
        let DocBufs {
            noise,
            clean,
            sentences,
            resolved: Resolved { mentions, ids },
            anchor,
            date_source,
            ..
        } = &docs[i];
        raw_sentences.clear();
        // Sentences and entities come in order of start: each is mapped,
        // and each entity's sentence found, by walking on from the last.
        let mut map = clean.mapper();
        raw_sentences.extend(
            sentences
                .iter()
                .filter_map(|r| map.to_raw_extent(CleanSpan::new(r.start, r.end))),
        );
        let sentences: &'a [RawSpan] = raw_sentences;
        let utf8 = clean.raw_is_utf8();
        let mut chars = CharCounter::new(raw, utf8);
        let mut entities = Vec::with_capacity(mentions.len());
        let mut map = clean.mapper();
        let mut sentence = 0;
        for m in mentions.iter() {
            // A span that would cross removed noise is dropped, never bent.
            let Some(span) = map.to_raw(m.span) else {
                continue;
            };
            // Copied clean text is the raw bytes themselves, so valid raw
            // need not be validated again, span by span.
            let text = if utf8 {
                clean.as_str().get(m.span.range())
            } else {
                raw.get(span.range())
                    .and_then(|b| std::str::from_utf8(b).ok())
            };
            let Some(text) = text else {
                continue;
            };
            // The first sentence not ending by the entity's start.
            if sentence > 0
                && sentences
                    .get(sentence - 1)
                    .is_some_and(|s| s.end > span.start)
            {
                sentence = sentences.partition_point(|s| s.end <= span.start);
            }
            while sentences.get(sentence).is_some_and(|s| s.end <= span.start) {
                sentence += 1;
            }
            let (char_start, char_end) = (chars.at(span.start), chars.at(span.end));
            entities.push(EntityRef {
                ty: m.ty,
                text,
                start: span.start,
                end: span.end,
                char_start,
                char_end,
                sentence: sentence.min(sentences.len().saturating_sub(1)),
                source: self.source_name(&m.source),
                value: m.value.as_deref(),
                id: ids.get(m.id, &self.gazetteer),
            });
        }
        let resolved = group(&entities, groups, mention_list);
        RecordRef {
            doc,
            bytes: raw.len(),
            date: *anchor,
            date_source: *date_source,
            noise,
            sentences,
            entities,
            resolved,
        }
    }

    fn source_name(&self, s: &Source) -> SourceName<'_> {
        match *s {
            Source::Gazetteer(f) => SourceName {
                kind: "gazetteer",
                name: self
                    .gazetteer
                    .files()
                    .get(f as usize)
                    .map_or("?", String::as_str),
            },
            Source::Pattern(name) => SourceName {
                kind: "pattern",
                name,
            },
            Source::Resolved(name) => SourceName {
                kind: "resolved",
                name,
            },
        }
    }
}

/// A distinct entity while grouping: its first mention, the mention that
/// names it, that name's length in chars, and its number of mentions.
#[derive(Debug, Clone, Copy)]
struct Group {
    first: usize,
    name: usize,
    name_chars: usize,
    count: usize,
}

/// Distinct entities by id, in order of first mention; the name is the
/// longest mention text (the first of the longest). Their mention lists
/// are consecutive runs of `list`, so a document makes one list, not one
/// per entity.
fn group<'a>(
    entities: &[EntityRef<'a>],
    groups: &mut Vec<Group>,
    list: &'a mut Vec<usize>,
) -> Vec<ResolvedRef<'a>> {
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(entities.len());
    groups.clear();
    // Each mention's group, parked in `list` until the lists are laid out.
    list.clear();
    for (k, e) in entities.iter().enumerate() {
        // The span's length in chars, already counted for the record:
        // counting `e.text` again cost 1% of a run.
        let chars = e.char_end - e.char_start;
        let g = *index.entry(e.id).or_insert_with(|| {
            groups.push(Group {
                first: k,
                name: k,
                name_chars: chars,
                count: 0,
            });
            groups.len() - 1
        });
        let gr = &mut groups[g];
        gr.count += 1;
        if gr.first != k && chars > gr.name_chars {
            gr.name = k;
            gr.name_chars = chars;
        }
        list.push(g);
    }
    // Where each group's run begins, then each mention placed in its run
    // (in order, so each run is ascending).
    // (`scan` gives no size: collected, the list would grow by copies.)
    let mut at = Vec::with_capacity(groups.len());
    at.extend(groups.iter().scan(0, |end, g| {
        let start = *end;
        *end += g.count;
        Some(start)
    }));
    let n = entities.len();
    list.resize(2 * n, 0);
    for k in 0..n {
        let g = list[k];
        list[n + at[g]] = k;
        at[g] += 1;
    }
    let list: &'a [usize] = &list[n..];
    let mut start = 0;
    groups
        .iter()
        .map(|g| {
            let r = ResolvedRef {
                id: entities[g.first].id,
                ty: entities[g.first].ty,
                name: entities[g.name].text,
                mentions: &list[start..start + g.count],
            };
            start += g.count;
            r
        })
        .collect()
}

/// Counts Unicode scalar values up to increasing byte offsets in one pass
/// (lossy decoding: one char per invalid sequence).
struct CharCounter<'a> {
    raw: &'a [u8],
    /// The raw bytes are valid UTF-8 (the cleaner has checked).
    utf8: bool,
    pos: usize,
    chars: usize,
}

impl<'a> CharCounter<'a> {
    fn new(raw: &'a [u8], utf8: bool) -> Self {
        Self {
            raw,
            utf8,
            pos: 0,
            chars: 0,
        }
    }

    fn count(&self, from: usize, to: usize) -> usize {
        let Some(bytes) = self.raw.get(from..to) else {
            return 0;
        };
        if self.utf8 {
            // In valid UTF-8 every char has exactly one byte that is not a
            // continuation byte (`10xxxxxx`): bytecount counts those with
            // the widest vectors the CPU has (this counts most of the raw
            // text of every document).
            bytecount::num_chars(bytes)
        } else {
            bytes
                .utf8_chunks()
                .map(|c| c.valid().chars().count() + usize::from(!c.invalid().is_empty()))
                .sum()
        }
    }

    /// Char offset of byte offset `at` (which must be a char boundary).
    fn at(&mut self, at: usize) -> usize {
        if at < self.pos {
            // Entities are sorted by start, but an end may pass the next
            // start only if spans overlapped, which they never do; recount
            // from zero rather than trust a wrong cursor.
            self.pos = 0;
            self.chars = 0;
        }
        self.chars += self.count(self.pos, at);
        self.pos = at;
        self.chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(p: &Pipeline, w: &mut Worker, texts: &[&str]) {
        let docs: Vec<Doc> = texts
            .iter()
            .map(|t| Doc {
                name: "t.txt",
                raw: t.as_bytes(),
                date: None,
            })
            .collect();
        p.extract_batch(&docs, w, |_, _| {});
    }

    #[test]
    fn buffers_are_kept_below_the_budget_and_given_back_above_it() {
        let p = Pipeline::embedded().expect("embedded gazetteers load");
        let mut w = Worker::new();
        run(&p, &mut w, &[&"word ".repeat(40_000), "a b"]);
        let cap = w.docs[0].toks.capacity();
        assert!(cap >= 40_000, "{cap}");
        // Below the budget a small batch keeps both documents' buffers.
        run(&p, &mut w, &["small"]);
        assert_eq!(w.docs.len(), 2);
        assert_eq!(w.docs[0].toks.capacity(), cap);
        // Past it, buffers far larger than their document are given back,
        // and the slots the batch did not use are dropped.
        run(&p, &mut w, &[&"w ".repeat(KEPT_TOKENS + 1), "a"]);
        run(&p, &mut w, &["small"]);
        assert_eq!(w.docs.len(), 1);
        assert!(w.docs[0].toks.capacity() < SPARE_TOKENS);
    }
}
