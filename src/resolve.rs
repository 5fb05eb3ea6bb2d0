//! Stage 3c, resolve: from overlapping candidates to one entity per byte,
//! linked within the document.
//!
//! Takes the clean text, its tokens, the gazetteer matches and the pattern
//! and date candidates of one document; gives [`Mention`]s sorted by start,
//! never overlapping, each with a canonical id (an [`Id`]: a gazetteer
//! entry's, or one derived in the document and kept in [`Ids`]; both come
//! back as one [`Resolved`]). In order:
//! 1. gazetteer matches become candidates; an entry marked
//!    `context=required` (a title that is also an ordinary word) counts
//!    only with film context; a negative entry (place, nationality,
//!    company) suppresses pattern persons and films on its span;
//! 2. overlaps: strong evidence (a context cue, a gazetteer entry, a date)
//!    beats shape alone, then the longer span, then the higher priority;
//! 3. linking, like GATE's OrthoMatcher: once `Akan Satayev` is found, a
//!    later `Satayev` is the same person; a title found once is found again
//!    wherever it recurs; `Qash (Run)` makes `Run` a second title of the
//!    same film;
//! 4. ids: the gazetteer's id when an entry is known, else one derived from
//!    the fullest name in the document (`person:akan-satayev`).

use crate::gazetteer::{slug_into, GazMatch, Gazetteer};
use crate::patterns::Patterns;
use crate::prefilter::{FirstBytes, WordShapes};
use crate::span::{Candidate, CleanSpan, EntityType, Source};
use crate::tokens::{is_alphanumeric, Kind, Token};
use foldhash::{HashMap, HashMapExt, HashSet};
use std::cmp::Reverse;

/// A resolved mention in clean coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub span: CleanSpan,
    pub ty: EntityType,
    pub source: Source,
    pub value: Option<String>,
    /// Read with [`Ids::get`].
    pub id: Id,
}

/// A mention's canonical id. A gazetteer entry's id is the entry's; any
/// other is derived in the document and kept in its [`Ids`]. A mention
/// holds a handle: linking one mention to another copies it, where a
/// `String` per mention was allocated, copied and freed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Id {
    /// Not assigned yet.
    #[default]
    None,
    /// The id of gazetteer entry `n` ([`Gazetteer::entries`]).
    Entry(u32),
    /// The `n`th id derived in the document.
    Derived(usize),
}

/// A document's mentions, sorted by start, and the ids derived for them.
#[derive(Debug, Default)]
pub struct Resolved {
    pub mentions: Vec<Mention>,
    pub ids: Ids,
}

/// The ids derived in one document, one after another in one buffer
/// that is reused from document to document.
#[derive(Debug, Default)]
pub struct Ids {
    text: String,
    ends: Vec<usize>,
}

impl Ids {
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// A new id: what `write` appends to the buffer.
    fn derive(&mut self, write: impl FnOnce(&mut String)) -> Id {
        write(&mut self.text);
        self.ends.push(self.text.len());
        Id::Derived(self.ends.len() - 1)
    }

    /// `kind:slug-of-name`.
    fn slug(&mut self, kind: &str, name: &str) -> Id {
        self.derive(|s| {
            s.push_str(kind);
            s.push(':');
            slug_into(name, s);
        })
    }

    /// The text of `id`: an entry's from `gazetteer`, empty for none.
    pub fn get<'a>(&'a self, id: Id, gazetteer: &'a Gazetteer) -> &'a str {
        match id {
            Id::None => "",
            Id::Entry(e) => gazetteer.id(e),
            Id::Derived(i) => {
                let start = i.checked_sub(1).and_then(|j| self.ends.get(j)).copied();
                self.ends
                    .get(i)
                    .and_then(|&end| self.text.get(start.unwrap_or(0)..end))
                    .unwrap_or("")
            }
        }
    }
}

/// Priority of a gazetteer match (plus the entry's own priority).
pub const P_GAZ: i32 = 20;
/// Priority of a date.
pub const P_DATE: i32 = 25;

const FILM_CONTEXT: &[&str] = &[
    "film",
    "films",
    "movie",
    "documentary",
    "feature",
    "short",
    "drama",
    "comedy",
    "picture",
    "titled",
    "cartoon",
    "series",
    "thriller",
    "epic",
    "premiere",
    "screening",
    "directed",
    "starring",
    "starred",
    "sequel",
    "remake",
];

/// A candidate's place in the order of `resolve` (see [`by_strength`]).
type SortKey = (bool, Reverse<usize>, Reverse<i32>, usize, EntityType, usize);

/// The bits of a packed key (see [`packed_key`]) that hold the index.
const KEY_INDEX: u128 = (1 << 28) - 1;

/// Reusable buffers for one thread.
#[derive(Debug, Default)]
pub struct Scratch {
    negatives: Vec<CleanSpan>,
    taken: Taken,
    /// The candidates' packed sort keys (see `by_strength`).
    keys: Vec<u128>,
    /// The candidates' indices, strongest first.
    order: Vec<usize>,
    /// The kept candidates as (start, index), put in text order.
    kept: Vec<(usize, usize)>,
    /// The mentions `link` adds, and where it merges them with the others.
    added: Vec<Mention>,
    merged: Vec<Mention>,
    /// The strong persons' spans (see `promote_containing`).
    strong: Vec<(usize, usize)>,
    /// The tokens `link` looks at (see `key_starts`).
    hits: Vec<(usize, u8)>,
}

pub struct Resolver<'a> {
    pub gazetteer: &'a Gazetteer,
    pub patterns: &'a Patterns,
}

impl Resolver<'_> {
    /// Resolves `cands` (pattern and date candidates) together with the
    /// gazetteer matches `gm` into `resolved` (cleared first).
    pub fn resolve(
        &self,
        text: &str,
        toks: &[Token],
        gm: &[GazMatch],
        cands: &mut Vec<Candidate>,
        scratch: &mut Scratch,
        resolved: &mut Resolved,
    ) {
        let Resolved { mentions: out, ids } = resolved;
        out.clear();
        ids.clear();
        scratch.negatives.clear();
        self.gazetteer_candidates(text, toks, gm, cands, &mut scratch.negatives);
        // Sorted by start with the running maximum of ends, so each test
        // is a binary search: a scan of every negative per candidate was
        // quadratic on long documents.
        let negatives = &mut scratch.negatives;
        negatives.sort_unstable_by_key(|n| (n.start, n.end));
        let mut max_end = Vec::with_capacity(negatives.len());
        max_end.extend(negatives.iter().scan(0, |m, n| {
            *m = (*m).max(n.end);
            Some(*m)
        }));
        // The largest end among the negatives starting before (or, with
        // `or_at`, at) `pos`.
        let reach = |pos: usize, or_at: bool| {
            let k = negatives.partition_point(|n| n.start < pos || (or_at && n.start == pos));
            k.checked_sub(1).and_then(|k| max_end.get(k)).copied()
        };
        cands.retain(|c| {
            if !matches!(c.source, Source::Pattern(_)) {
                return true;
            }
            let hit = match c.ty {
                // Some negative overlaps it.
                EntityType::Person => reach(c.span.end, false).is_some_and(|e| e > c.span.start),
                // Some negative contains it.
                EntityType::Film | EntityType::Festival | EntityType::Award => {
                    reach(c.span.start, true).is_some_and(|e| e >= c.span.end)
                }
                EntityType::Date => false,
            };
            !hit
        });
        promote_containing(cands, &mut scratch.strong);
        let fits = text.len() <= u32::MAX as usize && cands.len() <= KEY_INDEX as usize + 1;
        by_strength(cands, fits, &mut scratch.keys, &mut scratch.order);
        let taken = &mut scratch.taken;
        taken.reset(text.len());
        let kept = &mut scratch.kept;
        kept.clear();
        for &k in scratch.order.iter() {
            let span = cands[k].span;
            if span.is_empty() || overlaps_any(taken, span) {
                continue;
            }
            take_span(taken, span);
            kept.push((span.start, k));
        }
        // Kept spans are non-empty and never overlap, so their starts
        // differ: sorting these pairs gives the order a stable sort of the
        // mentions by start would, without moving mentions around.
        kept.sort_unstable();
        // A kept candidate's value and id move into its mention: only the
        // spans, types and sources of `cands` are read below.
        out.extend(kept.iter().map(|&(_, k)| {
            let c = &mut cands[k];
            Mention {
                span: c.span,
                ty: c.ty,
                source: c.source.clone(),
                value: c.value.take(),
                id: c.entry.map_or(Id::None, Id::Entry),
            }
        }));
        retype_by_document(text, cands, out);
        // Ids first, so linked mentions (surnames, alternate titles) copy
        // the id of what they link to; then ids for the linked ones left.
        self.assign_ids(text, out, ids);
        self.link(
            text,
            toks,
            out,
            taken,
            [&mut scratch.added, &mut scratch.merged],
            &mut scratch.hits,
        );
        self.assign_ids(text, out, ids);
    }

    fn gazetteer_candidates(
        &self,
        text: &str,
        toks: &[Token],
        gm: &[GazMatch],
        cands: &mut Vec<Candidate>,
        negatives: &mut Vec<CleanSpan>,
    ) {
        let entries = self.gazetteer.entries();
        for m in gm {
            let ids = self.gazetteer.entries_of(m.surface);
            let negative = ids
                .iter()
                .any(|&e| entries.get(e as usize).is_some_and(|e| e.ty.is_none()));
            if negative {
                negatives.push(m.span);
            }
            for &e in ids {
                let Some(entry) = entries.get(e as usize) else {
                    continue;
                };
                let Some(ty) = entry.ty else { continue };
                // A one-word title or prize that is also a given name
                // (`Kairat`, `César`) needs context like an ordinary word.
                let span_text = &text[m.span.range()];
                let name_like = ty != EntityType::Person
                    && !span_text.contains(' ')
                    && (self.patterns.is_given(span_text) || self.patterns.is_ordinary(span_text));
                if (entry.context_required || negative || name_like)
                    && !film_context(text, toks, m.span, ty)
                {
                    continue;
                }
                let mut c = Candidate::new(
                    m.span,
                    ty,
                    Source::Gazetteer(entry.file),
                    P_GAZ + entry.priority,
                );
                c.entry = Some(e);
                cands.push(c);
            }
        }
    }

    /// Step 3: surnames and given names of people found in full, repeated
    /// titles, alternate titles in parentheses.
    fn link(
        &self,
        text: &str,
        toks: &[Token],
        out: &mut Vec<Mention>,
        taken: &mut Taken,
        [added, merged]: [&mut Vec<Mention>; 2],
        hits: &mut Vec<(usize, u8)>,
    ) {
        // Name parts of multi-word persons → the full name's mention index.
        // The maps are sized up front: grown from empty, each would be
        // rehashed some seven times per document.
        let persons = out.iter().filter(|m| m.ty == EntityType::Person).count();
        let films = out.iter().filter(|m| m.ty == EntityType::Film).count();
        let mut parts: HashMap<&str, Option<usize>> = HashMap::with_capacity(2 * persons);
        let mut titles: HashMap<&str, usize> = HashMap::with_capacity(films);
        for (k, m) in out.iter().enumerate() {
            let s = &text[m.span.range()];
            match m.ty {
                EntityType::Person => {
                    let mut words = s.split_whitespace();
                    let (first, last) = (words.next(), words.next_back());
                    // A one-word name found by a cue (`a boy named Aslan`)
                    // is linked again wherever it recurs.
                    let cued = matches!(m.source, Source::Pattern(r) if matches!(r, "role-cue" | "speaker-label" | "apposition" | "speech" | "character-cast"));
                    if first.is_some() && last.is_none() && cued && !self.patterns.is_ordinary(s) {
                        parts.entry(s).or_insert(Some(k));
                    }
                    if let (Some(first), Some(last)) = (first, last) {
                        for w in [first, last] {
                            if w.chars().count() < 3
                                || !w.chars().next().is_some_and(char::is_uppercase)
                            {
                                continue;
                            }
                            parts
                                .entry(w)
                                .and_modify(|v| {
                                    // Two different people share the word:
                                    // ambiguous, link neither.
                                    if let Some(prev) = *v {
                                        if !compatible_names(&text[out[prev].span.range()], s) {
                                            *v = None;
                                        }
                                    }
                                })
                                .or_insert(Some(k));
                        }
                    }
                }
                EntityType::Film => {
                    titles.entry(s).or_insert(k);
                }
                _ => {}
            }
        }
        added.clear();
        // `Arym Kubat` after `Aktan Arym Kubat`: the last two words of a
        // longer name, linked as one mention.
        let mut tails: HashMap<(&str, &str), usize> = HashMap::with_capacity(persons);
        for (k, m) in out.iter().enumerate() {
            if m.ty == EntityType::Person {
                let mut words = text[m.span.range()].split_whitespace().rev();
                if let (Some(last), Some(before), Some(_)) =
                    (words.next(), words.next(), words.next())
                {
                    tails.insert((before, last), k);
                }
            }
        }
        // The tokens that may start a key of the three loops below (name
        // tails, name parts, the first words of titles), found in one pass
        // by their first byte: most tokens start no key, and each loop then
        // walks its own few instead of every token (three passes over the
        // tokens and their first bytes cost more than the loops' work).
        let mut title_list: Vec<(&str, usize)> = titles.iter().map(|(&t, &k)| (t, k)).collect();
        title_list.sort();
        let by_first = titles_by_first_word(&title_list);
        let hits = key_starts(
            toks,
            [
                FirstBytes::of(tails.keys().map(|k| k.0)),
                FirstBytes::of(parts.keys().copied()),
                FirstBytes::of(by_first.keys().copied()),
            ],
            hits,
        );
        let starting = |key: u8| {
            hits.iter()
                .filter(move |&&(_, m)| m & key != 0)
                .map(|&(i, _)| i)
        };
        // The first words' shapes turn most of those tokens away unhashed
        // (many words share a first letter), as for name parts below.
        let tail_shapes = WordShapes::of(tails.keys().map(|k| k.0));
        for i in starting(TAIL) {
            let Some(n) = toks.get(i + 1) else { break };
            let t = &toks[i];
            let a = t.text(text);
            if !tail_shapes.may_hold(a.as_bytes()) {
                continue;
            }
            let b = n.text(text);
            let b_stem = &b[..possessive_stem(b)];
            let Some(&k) = tails.get(&(a, b_stem)) else {
                continue;
            };
            let span = CleanSpan::new(t.start, n.start + b_stem.len());
            if n.space_before && !n.line_start && !overlaps_any(taken, span) {
                take_span(taken, span);
                added.push(Mention {
                    span,
                    ty: EntityType::Person,
                    source: Source::Resolved("name-part"),
                    value: None,
                    id: out[k].id,
                });
            }
        }
        // Persons by name part.
        // Many capitalized words share a name part's first letter; their
        // shapes (first and last byte, length) turn most away unhashed.
        let part_shapes = WordShapes::of(parts.keys());
        for i in starting(PART) {
            let t = &toks[i];
            if t.kind != Kind::Word {
                continue;
            }
            let w = t.text(text);
            let stem = &w[..possessive_stem(w)];
            if !part_shapes.may_hold(stem.as_bytes()) {
                continue;
            }
            let Some(Some(k)) = parts.get(stem) else {
                continue;
            };
            let span = CleanSpan::new(t.start, t.start + stem.len());
            if overlaps_any(taken, span) {
                continue;
            }
            // `“Oysha”` in quotes is the film of that name, not the heroine.
            let quoted = text[..span.start].ends_with(['“', '"', '«'])
                && text[span.end..].starts_with(['”', '"', '»']);
            if quoted && titles.contains_key(stem) {
                continue;
            }
            // Part of a longer capitalized name (`Yulia Kim` vs `Yulia`):
            // leave it to the rules that saw the whole name.
            let next_cap = toks.get(i + 1).is_some_and(|n| {
                n.kind == Kind::Word
                    && n.space_before
                    && !n.line_start
                    && n.text(text).chars().next().is_some_and(char::is_uppercase)
            }) && stem.len() == w.len();
            let prev_cap = i > 0
                && toks[i - 1].kind == Kind::Word
                && t.space_before
                && !t.line_start
                && toks[i - 1]
                    .text(text)
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
                && !sentence_start(text, toks, i - 1)
                && !self.patterns.is_ordinary(toks[i - 1].text(text));
            if next_cap || prev_cap {
                continue;
            }
            let source = if out[*k].span.start < span.start {
                "name-part"
            } else {
                "name-part-before"
            };
            take_span(taken, span);
            added.push(Mention {
                span,
                ty: EntityType::Person,
                source: Source::Resolved(source),
                value: None,
                id: out[*k].id,
            });
        }
        // Titles found again: every whole-word occurrence.
        let occurrences = title_occurrences(text, toks, &title_list, &by_first, starting(TITLE));
        for ((title, k), found) in title_list.into_iter().zip(occurrences) {
            for pos in found {
                let span = CleanSpan::new(pos, pos + title.len());
                if !whole_word(text, span) || overlaps_any(taken, span) {
                    continue;
                }
                // A one-word title at a sentence start is too often just a
                // word; keep those that are not plain words of the language.
                take_span(taken, span);
                added.push(Mention {
                    span,
                    ty: EntityType::Film,
                    source: Source::Resolved("title-repeat"),
                    value: None,
                    id: out[k].id,
                });
            }
        }
        merge_by_start(out, added, merged);
        // Alternate titles: `Qash (Run)`, `Revenge (Месть)`.
        for k in 0..out.len() {
            if out[k].ty != EntityType::Film {
                continue;
            }
            let after = &text[out[k].span.end..];
            let Some(rest) = after.strip_prefix(" (") else {
                continue;
            };
            let Some(close) = rest.find(')') else {
                continue;
            };
            let inner = &rest[..close];
            let start = out[k].span.end + 2;
            let span = CleanSpan::new(start, start + inner.len());
            if alt_title_like(inner, self.patterns) && !overlaps_any(taken, span) {
                take_span(taken, span);
                added.push(Mention {
                    span,
                    ty: EntityType::Film,
                    source: Source::Resolved("alt-title"),
                    value: None,
                    id: out[k].id,
                });
            }
        }
        merge_by_start(out, added, merged);
    }

    fn assign_ids(&self, text: &str, out: &mut [Mention], ids: &mut Ids) {
        // Only a mention without an id is given one: with none (always so
        // after `link`, whose mentions copy the ids of those they link
        // to), the maps below need not be built.
        if out.iter().all(|m| m.id != Id::None) {
            return;
        }
        // The maps hold indices into `out`, not copies of ids: a mention
        // they point at already has its id (or is a multi-word name, which
        // the loops below never assign), so reading it later is the same.
        //
        // The fullest name of each person: surname and given-name mentions
        // take the id of the full name they were linked to (already copied);
        // the rest derive theirs from their own text.
        let mut by_text: HashMap<(EntityType, &str), usize> = HashMap::with_capacity(out.len());
        for (k, m) in out.iter().enumerate() {
            if m.id != Id::None {
                by_text.entry((m.ty, &text[m.span.range()])).or_insert(k);
            }
        }
        // A one-word person mention that is the first or last word of
        // exactly one fuller name in the document is that person
        // (`Issabayeva said` after `Zhanna Issabayeva`).
        let persons = out.iter().filter(|m| m.ty == EntityType::Person).count();
        let mut part_of: HashMap<&str, Option<usize>> = HashMap::with_capacity(2 * persons);
        for (k, m) in out
            .iter()
            .enumerate()
            .filter(|(_, m)| m.ty == EntityType::Person)
        {
            let full = &text[m.span.range()];
            let mut words = full.split_whitespace();
            let (Some(first), Some(last)) = (words.next(), words.next_back()) else {
                continue;
            };
            for w in [first, last] {
                part_of
                    .entry(w)
                    .and_modify(|v| {
                        if v.is_some_and(|f| !compatible_names(&text[out[f].span.range()], full)) {
                            *v = None;
                        }
                    })
                    .or_insert(Some(k));
            }
        }
        for k in 0..out.len() {
            let m = &out[k];
            if m.ty != EntityType::Person || m.id != Id::None {
                continue;
            }
            if let Some(&Some(f)) = part_of.get(&text[m.span.range()]) {
                out[k].id = match out[f].id {
                    Id::None => ids.slug("person", &text[out[f].span.range()]),
                    id => id,
                };
            }
        }
        for k in 0..out.len() {
            if out[k].id != Id::None {
                continue;
            }
            let m = &out[k];
            let s = &text[m.span.range()];
            out[k].id = match (&m.value, by_text.get(&(m.ty, s))) {
                (_, Some(&j)) => out[j].id,
                (Some(v), None) if m.ty == EntityType::Date => ids.derive(|id| {
                    id.push_str("date:");
                    id.push_str(v);
                }),
                _ => ids.slug(m.ty.as_str(), s),
            };
        }
    }
}

/// The indices of `cands` into `order` (cleared first), strongest first:
/// strong evidence first, then longer, then higher priority; ties by
/// position and type so the result never depends on input order, and
/// last by index, which makes the unstable sort of these keys give the
/// order a stable sort of the candidates would. The keys are sorted, not
/// the candidates (ten words each) nor indices compared through the
/// candidates (two scattered reads per comparison).
///
/// With `packed` (the caller checks that every span fits in 32 bits and
/// every index in 28), each key is one integer, compared at once instead
/// of field by field: that sort took a third of this step.
fn by_strength(cands: &[Candidate], packed: bool, keys: &mut Vec<u128>, order: &mut Vec<usize>) {
    order.clear();
    if packed {
        keys.clear();
        keys.extend(cands.iter().enumerate().map(|(k, c)| packed_key(c, k)));
        keys.sort_unstable();
        order.extend(keys.iter().map(|&key| (key & KEY_INDEX) as usize));
        return;
    }
    let mut tuples: Vec<SortKey> = cands
        .iter()
        .enumerate()
        .map(|(k, c)| {
            (
                c.priority < P_GAZ,
                Reverse(c.span.len()),
                Reverse(c.priority),
                c.span.start,
                c.ty,
                k,
            )
        })
        .collect();
    tuples.sort_unstable();
    order.extend(tuples.iter().map(|&(.., k)| k));
}

/// The key of [`by_strength`] in one integer, fields from the top: the
/// weak tier (1 bit), the length reversed (32), the priority reversed
/// (32, its sign bit flipped so that it orders as unsigned), the start
/// (32), the type (3), the index (28). The caller makes sure that the
/// span's ends fit in 32 bits and `k` in 28.
fn packed_key(c: &Candidate, k: usize) -> u128 {
    let weak = u128::from(c.priority < P_GAZ) << 127;
    let len = u128::from(u32::MAX - c.span.len() as u32) << 95;
    let priority = u128::from(!((c.priority as u32) ^ 0x8000_0000)) << 63;
    let start = u128::from(c.span.start as u32) << 31;
    let ty = u128::from(c.ty as u8) << 28;
    weak | len | priority | start | ty | (k as u128 & KEY_INDEX)
}

/// Moves `added` into `out` (sorted by start) in the order appending it
/// and sorting stably by start would give: `added` is sorted stably (it
/// is short), then the two runs are merged, `out` first on equal starts.
/// A stable sort of the whole list moved every mention and allocated its
/// buffer on each call. `buf` is scratch.
fn merge_by_start(out: &mut Vec<Mention>, added: &mut Vec<Mention>, buf: &mut Vec<Mention>) {
    if added.is_empty() {
        return;
    }
    added.sort_by_key(|m| m.span.start);
    buf.clear();
    // A fresh buffer if the kept one is too small: growing it would copy
    // all of it, cleared or not.
    let n = out.len() + added.len();
    if buf.capacity() < n {
        *buf = Vec::with_capacity(n);
    }
    let mut a = out.drain(..).peekable();
    let mut b = added.drain(..).peekable();
    while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
        let next = if y.span.start < x.span.start {
            b.next()
        } else {
            a.next()
        };
        buf.extend(next);
    }
    buf.extend(a);
    buf.extend(b);
    std::mem::swap(out, buf);
}

/// A weak candidate that strictly contains a strong one of the same type
/// (`Ulugbek Kadyrov` by name shape around `Ulugbek` from a list) is the
/// fuller reading of the same thing: it joins the strong tier.
///
/// Only weak persons are promoted, so only strong persons are listed.
fn promote_containing(cands: &mut [Candidate], strong: &mut Vec<(usize, usize)>) {
    let person = |c: &Candidate| c.ty == EntityType::Person;
    strong.clear();
    strong.extend(
        cands
            .iter()
            .filter(|c| c.priority >= P_GAZ && person(c))
            .map(|c| (c.span.start, c.span.end)),
    );
    if strong.is_empty() {
        return;
    }
    strong.sort_unstable();
    for c in cands.iter_mut().filter(|c| c.priority < P_GAZ && person(c)) {
        let from = strong.partition_point(|s| s.0 < c.span.start);
        let inside = strong[from..]
            .iter()
            .take_while(|s| s.0 < c.span.end)
            .any(|s| s.1 <= c.span.end && (s.1 - s.0) < c.span.len());
        if inside {
            c.priority = P_GAZ;
        }
    }
}

/// Ambiguity by context, across the document: a string that is both a film
/// and a person (`Magtymguly Pyragy` the film and the poet). A mention typed
/// person only by a list or by name shape, with no person cue of its own,
/// is a film when the same document calls that exact text a film by a cue
/// elsewhere; mentions with their own cue keep their type.
fn retype_by_document(text: &str, cands: &[Candidate], out: &mut [Mention]) {
    let cued_film =
        |m: &Mention| m.ty == EntityType::Film && matches!(m.source, Source::Pattern(_));
    // Sets, not lists: a scan of every film and every candidate per
    // mention was quadratic on long documents.
    let films: HashSet<&str> = out
        .iter()
        .filter(|m| cued_film(m))
        .map(|m| &text[m.span.range()])
        .collect();
    if films.is_empty() {
        return;
    }
    let person_cued: HashSet<CleanSpan> = cands
        .iter()
        .filter(|c| {
            c.ty == EntityType::Person
                && matches!(c.source, Source::Pattern(r) if r != "name-shape")
        })
        .map(|c| c.span)
        .collect();
    for m in out.iter_mut() {
        let weak = matches!(
            m.source,
            Source::Gazetteer(_) | Source::Pattern("name-shape")
        );
        if m.ty != EntityType::Person || !weak || !films.contains(&text[m.span.range()]) {
            continue;
        }
        let person_cue = person_cued.contains(&m.span);
        // The mention itself must sit like a title: followed by a
        // parenthesis (`X (Turkmenistan/Uzbekistan) taking…`) or in a
        // sentence about prizes.
        let after = text[m.span.end..].trim_start_matches(' ');
        let local = after.starts_with('(')
            || sentence_of(text, m.span)
                .split(|c: char| !is_alphanumeric(c))
                .any(|w| {
                    [
                        "award",
                        "prize",
                        "won",
                        "wins",
                        "winning",
                        "taking",
                        "nominated",
                        "screened",
                        "premiered",
                    ]
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(w))
                });
        if !person_cue && local {
            m.ty = EntityType::Film;
            m.source = Source::Resolved("film-in-document");
            m.id = Id::None;
        }
    }
}

/// Two full names of one person: the same first and last word
/// (`Davron Rahimov`, `Davron Saidovich Rahimov`).
fn compatible_names(a: &str, b: &str) -> bool {
    let (mut x, mut y) = (a.split_whitespace(), b.split_whitespace());
    x.next() == y.next()
        && x.next_back().or(a.split_whitespace().next())
            == y.next_back().or(b.split_whitespace().next())
}

/// The text of the sentence around `span` (bounded, for context checks).
fn sentence_of(text: &str, span: CleanSpan) -> &str {
    let lo = span.start.saturating_sub(300);
    let hi = (span.end + 300).min(text.len());
    let lo = (lo..=span.start)
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(span.start);
    let hi = (hi..=text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    let before = &text[lo..span.start];
    let start = before
        .rfind(['.', '!', '?', '\n'])
        .map_or(lo, |p| lo + p + 1);
    let after = &text[span.end..hi];
    let end = after
        .find(['.', '!', '?', '\n'])
        .map_or(hi, |p| span.end + p);
    &text[start..end]
}

/// Where each title occurs in `text`, left to right and not overlapping
/// each other, as `text.match_indices(title)` finds them at word starts:
/// one pass over the tokens, looking titles up by their first word, with no
/// per-document automaton or per-title scan of the text.
/// The titles of `titles` by their first word.
fn titles_by_first_word<'t>(titles: &[(&'t str, usize)]) -> HashMap<&'t str, Vec<usize>> {
    let mut by_first: HashMap<&str, Vec<usize>> = HashMap::with_capacity(titles.len());
    for (i, &(title, _)) in titles.iter().enumerate() {
        let first = title
            .split(|c: char| !(is_alphanumeric(c) || matches!(c, '-' | '\'' | '’')))
            .next()
            .unwrap_or(title);
        by_first.entry(first).or_default().push(i);
    }
    by_first
}

/// Where each title of `titles` occurs, looked for at the tokens
/// `candidates` (in order; those whose first byte starts a key of
/// `by_first`, see [`titles_by_first_word`]).
fn title_occurrences(
    text: &str,
    toks: &[Token],
    titles: &[(&str, usize)],
    by_first: &HashMap<&str, Vec<usize>>,
    candidates: impl Iterator<Item = usize>,
) -> Vec<Vec<usize>> {
    let mut found = vec![Vec::new(); titles.len()];
    let shapes = WordShapes::of(by_first.keys());
    for i in candidates {
        let t = &toks[i];
        let w = t.text(text);
        let stem = possessive_stem(w);
        if !shapes.may_hold(w.as_bytes()) && !shapes.may_hold(&w.as_bytes()[..stem]) {
            continue;
        }
        let Some(list) = by_first
            .get(w)
            .or_else(|| (stem < w.len()).then(|| by_first.get(&w[..stem])).flatten())
        else {
            continue;
        };
        for &i in list {
            let title = titles[i].0;
            // Many titles share a first word (`The`): their last bytes
            // turn most away before a whole compare.
            let last = (t.start + title.len())
                .checked_sub(1)
                .and_then(|e| text.as_bytes().get(e));
            if last == title.as_bytes().last()
                && text[t.start..].starts_with(title)
                && found[i]
                    .last()
                    .is_none_or(|&p: &usize| t.start >= p + title.len())
            {
                found[i].push(t.start);
            }
        }
    }
    found
}

/// Bits of [`key_starts`]: the token's first byte starts a name tail, a
/// name part, the first word of a title.
const TAIL: u8 = 1;
const PART: u8 = 2;
const TITLE: u8 = 4;

/// Into `out` (cleared first): each token whose first byte some key of
/// `firsts` (tails, parts, titles) starts with, with the bits of those
/// key sets; none when every set is empty.
fn key_starts<'o>(
    toks: &[Token],
    firsts: [FirstBytes; 3],
    out: &'o mut Vec<(usize, u8)>,
) -> &'o [(usize, u8)] {
    out.clear();
    let mut mask = [0u8; 256];
    for (b, m) in (0..=u8::MAX).zip(mask.iter_mut()) {
        for (set, bit) in firsts.iter().zip([TAIL, PART, TITLE]) {
            if set.has(b) {
                *m |= bit;
            }
        }
    }
    if mask.iter().all(|&m| m == 0) {
        return out;
    }
    // Every token is pushed and taken back unless it starts a key: no
    // branch on which do, an unpredictable test a filter mispredicted.
    out.reserve(toks.len());
    for (i, t) in toks.iter().enumerate() {
        let m = mask[usize::from(t.first)];
        out.push((i, m));
        out.truncate(out.len() - usize::from(m == 0));
    }
    out
}

fn possessive_stem(w: &str) -> usize {
    let b = w.as_bytes();
    if b.ends_with(b"'s") {
        b.len() - 2
    } else if b.ends_with("’s".as_bytes()) {
        b.len() - 4
    } else {
        b.len()
    }
}

fn sentence_start(text: &str, toks: &[Token], i: usize) -> bool {
    i == 0
        || toks[i].line_start
        || matches!(toks[i - 1].text(text), "." | "!" | "?" | "“" | "\"" | ":")
}

fn whole_word(text: &str, span: CleanSpan) -> bool {
    let before = text[..span.start].chars().next_back();
    let after = text[span.end..].chars().next();
    !before.is_some_and(is_alphanumeric) && !after.is_some_and(is_alphanumeric)
}

fn alt_title_like(inner: &str, patterns: &Patterns) -> bool {
    let words: Vec<&str> = inner.split_whitespace().collect();
    if words.is_empty() || words.len() > 8 || inner.len() > 80 {
        return false;
    }
    let first = inner.chars().next().unwrap_or(' ');
    if !first.is_uppercase() {
        return false;
    }
    if inner
        .chars()
        .any(|c| c.is_ascii_digit() || matches!(c, '/' | ',' | ';' | '%'))
    {
        return false;
    }
    // An acronym (`VGIK`), a country, or a person's name is not a title.
    if words.len() == 1 && !inner.chars().any(char::is_lowercase) {
        return false;
    }
    let is_country = crate::patterns::is_country(inner);
    !is_country
        && !(words.len() >= 2
            && (patterns.is_given(words[0]) || patterns.has_surname_suffix(words[words.len() - 1])))
}

/// Film context around a gazetteer match whose entry needs it: quotes
/// around it, a `(YEAR)` after it, or a film cue shortly before it.
fn film_context(text: &str, toks: &[Token], span: CleanSpan, ty: EntityType) -> bool {
    let before = text[..span.start].chars().next_back();
    let after = text[span.end..].chars().next();
    if before.is_some_and(|c| matches!(c, '“' | '"' | '«' | '‘'))
        && after.is_some_and(|c| matches!(c, '”' | '"' | '»' | '’' | '.' | ','))
    {
        return true;
    }
    let rest = &text[span.end..];
    if ty == EntityType::Film
        && rest.len() >= 7
        && rest.starts_with(" (")
        && rest.as_bytes()[2..6].iter().all(u8::is_ascii_digit)
    {
        return true;
    }
    let i = toks.partition_point(|t| t.end <= span.start);
    // `film X`, `the film titled X`: the cue right before the title.
    let reach = if i >= 2
        && matches!(
            toks[i - 1].text(text),
            "titled" | "called" | "named" | "," | "entitled"
        ) {
        2
    } else {
        1
    };
    let window = &toks[i.saturating_sub(reach)..i];
    let cue = |t: &Token| {
        FILM_CONTEXT
            .iter()
            .any(|w| w.eq_ignore_ascii_case(t.text(text)))
    };
    match ty {
        EntityType::Film => window.iter().any(cue),
        // A city standing for its festival: `in Cannes’ competition`.
        _ => {
            let j = toks.partition_point(|t| t.start < span.end);
            toks[i.saturating_sub(12)..(j + 12).min(toks.len())]
                .iter()
                .any(|t| {
                    let w = t.text(text);
                    [
                        "festival",
                        "won",
                        "wins",
                        "lion",
                        "bear",
                        "leopard",
                        "screened",
                        "section",
                        "competition",
                        "jury",
                        "premiere",
                        "premiered",
                        "prize",
                        "award",
                        "palme",
                        "lineup",
                        "selection",
                    ]
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(w))
                })
        }
    }
}

/// The bytes already given to an entity, one bit each: an overlap query
/// or an insertion touches a word or two, and clearing it for the next
/// document frees nothing (a sorted map allocated and freed nodes).
#[derive(Debug, Default)]
struct Taken {
    bits: Vec<u64>,
}

impl Taken {
    /// Empties the set for a text of `len` bytes.
    fn reset(&mut self, len: usize) {
        self.bits.clear();
        self.bits.resize(len / 64 + 1, 0);
    }

    /// The words covering `span` and, for each, the mask of its bytes.
    fn words(span: CleanSpan) -> impl Iterator<Item = (usize, u64)> {
        let (s, e) = (span.start, span.end);
        let last = e.saturating_sub(1) / 64;
        (s / 64..=last).filter(move |_| s < e).map(move |w| {
            let lo = if w == s / 64 { s % 64 } else { 0 };
            let hi = if w == last { (e - 1) % 64 } else { 63 };
            (w, (u64::MAX >> (63 - hi)) & (u64::MAX << lo))
        })
    }
}

/// Whether some byte of the non-empty `span` is taken.
fn overlaps_any(taken: &Taken, span: CleanSpan) -> bool {
    Taken::words(span).any(|(w, m)| taken.bits.get(w).is_some_and(|b| b & m != 0))
}

fn take_span(taken: &mut Taken, span: CleanSpan) {
    for (w, m) in Taken::words(span) {
        if w >= taken.bits.len() {
            taken.bits.resize(w + 1, 0);
        }
        taken.bits[w] |= m;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// The bit set answers as a list of taken spans would, across word
        /// edges and for spans past the length it was reset to.
        #[test]
        fn taken_bits_are_a_set_of_spans(
            len in 0usize..300,
            ops in proptest::collection::vec((0usize..320, 1usize..140), 0..40),
        ) {
            let mut taken = Taken::default();
            taken.reset(len);
            let mut list: Vec<CleanSpan> = Vec::new();
            for (start, n) in ops {
                let span = CleanSpan::new(start, start + n);
                let want = list.iter().any(|t| t.start < span.end && span.start < t.end);
                proptest::prop_assert_eq!(overlaps_any(&taken, span), want, "{:?}", span);
                if !want {
                    take_span(&mut taken, span);
                    list.push(span);
                }
            }
        }

        /// Merging gives what appending and a stable sort by start gave:
        /// equal starts (empty spans) keep `out` first, then `added` in
        /// its own order.
        #[test]
        fn merge_is_a_stable_sort_by_start(
            mut starts in proptest::collection::vec(0usize..30, 0..20),
            added in proptest::collection::vec((0usize..30, 0usize..3), 0..20),
        ) {
            let mention = |start: usize, len: usize, id: Id| Mention {
                span: CleanSpan::new(start, start + len),
                ty: EntityType::Person,
                source: Source::Resolved("t"),
                value: None,
                id,
            };
            starts.sort();
            let mut out: Vec<Mention> = starts
                .iter()
                .enumerate()
                .map(|(k, &s)| mention(s, 0, Id::Derived(k)))
                .collect();
            let mut add: Vec<Mention> = added
                .iter()
                .enumerate()
                .map(|(k, &(s, n))| mention(s, n, Id::Derived(100 + k)))
                .collect();
            let mut want = out.clone();
            want.extend(add.clone());
            want.sort_by_key(|m| m.span.start);
            let mut buf = vec![mention(99, 1, Id::Entry(7))];
            merge_by_start(&mut out, &mut add, &mut buf);
            proptest::prop_assert_eq!(out, want);
            proptest::prop_assert!(add.is_empty());
        }

        /// Each derived id reads back as written, whatever came before
        /// it in the buffer; no id reads as empty, an entry's as the
        /// gazetteer has it.
        #[test]
        fn derived_ids_read_back_as_written(names in proptest::collection::vec("[a-zé ]{0,6}", 0..12)) {
            static G: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
            let g = G.get_or_init(|| Gazetteer::embedded().expect("embedded gazetteer"));
            let mut ids = Ids::default();
            ids.derive(|s| s.push_str("stale"));
            ids.clear();
            let made: Vec<(Id, String)> = names
                .iter()
                .map(|n| (ids.derive(|s| s.push_str(n)), n.clone()))
                .collect();
            for (id, n) in &made {
                proptest::prop_assert_eq!(ids.get(*id, g), n.as_str());
            }
            proptest::prop_assert_eq!(ids.get(Id::None, g), "");
            proptest::prop_assert_eq!(ids.get(Id::Derived(made.len()), g), "");
            // An entry's id is its gazetteer's, `type:slug`.
            proptest::prop_assert_eq!(ids.get(Id::Entry(0), g), g.id(0));
            proptest::prop_assert!(g.id(0).split_once(':').is_some_and(|(t, s)| !t.is_empty() && !s.is_empty()));
        }

        /// The packed keys order candidates as the tuples do: ties in
        /// every field but the index, priorities of both signs and at the
        /// extremes, spans up to the 32-bit limit.
        #[test]
        fn packed_keys_order_as_the_tuples(
            cands in proptest::collection::vec(
                (
                    proptest::prop_oneof![0usize..8, proptest::strategy::Just(u32::MAX as usize - 9)],
                    0usize..4,
                    proptest::prop_oneof![-3i32..3, P_GAZ - 2..P_GAZ + 2, proptest::strategy::Just(i32::MIN), proptest::strategy::Just(i32::MAX)],
                    0usize..5,
                ),
                0..60,
            ),
        ) {
            let cands: Vec<Candidate> = cands
                .into_iter()
                .map(|(start, len, priority, ty)| {
                    let span = CleanSpan::new(start, start + len);
                    Candidate::new(span, EntityType::ALL[ty], Source::Pattern("t"), priority)
                })
                .collect();
            let (mut keys, mut packed, mut tuples) = (Vec::new(), vec![7], vec![7]);
            by_strength(&cands, true, &mut keys, &mut packed);
            by_strength(&cands, false, &mut keys, &mut tuples);
            proptest::prop_assert_eq!(packed, tuples);
        }
    }

    #[test]
    fn taken_bits_at_word_edges() {
        let mut taken = Taken::default();
        taken.reset(200);
        take_span(&mut taken, CleanSpan::new(63, 65));
        assert!(overlaps_any(&taken, CleanSpan::new(60, 64)));
        assert!(overlaps_any(&taken, CleanSpan::new(64, 70)));
        assert!(!overlaps_any(&taken, CleanSpan::new(0, 63)));
        assert!(!overlaps_any(&taken, CleanSpan::new(65, 128)));
        take_span(&mut taken, CleanSpan::new(128, 192));
        assert!(overlaps_any(&taken, CleanSpan::new(191, 192)));
        assert!(!overlaps_any(&taken, CleanSpan::new(192, 300)));
        taken.reset(200);
        assert!(!overlaps_any(&taken, CleanSpan::new(0, 200)));
    }
}
