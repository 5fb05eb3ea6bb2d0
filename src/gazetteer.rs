//! Stage 3a, match by gazetteer: the lists of known films, people, awards
//! and festivals, compiled into one Aho-Corasick automaton.
//!
//! Takes gazetteer files (the embedded ones under `gazetteers/`, and any
//! a user adds with `--gazetteers DIR`); gives a frozen [`Gazetteer`] whose
//! [`Gazetteer::find_into`] reports whole-word matches in clean text (at
//! each word start, left to right, the longest form that ends at a word
//! end), each with the entries it may stand for. Guarantees: a
//! malformed line is an [`Error::Gazetteer`] naming the file and line, found
//! before any document is read; curly and straight apostrophes and quotes,
//! and hyphens and dashes, match each other; the automaton is built once.
//!
//! # Format
//!
//! One entity per line, `#` starts a comment line:
//!
//! ```text
//! # source: where the facts come from
//! Road to Mother | Anaga aparar zhol ; id=film:road-to-mother
//! Killer ; context=required
//! ```
//!
//! The canonical name, then aliases after ` | `, then `; key=value` pairs:
//! `id=<type>:<slug>` (default: derived from the name), `type=film|person|
//! award|festival|none` (default: from the file name prefix, `films…`,
//! `persons…`, `awards…`, `festivals…`, `negative…`), `priority=<int>`
//! (higher wins ties), `context=required` (the name is also an ordinary
//! word: match it only with film context). Type `none` lists things that
//! are never a person or film (places, nationalities, companies).
//! Files under `lexicon/` are plain word lists used by the patterns.

use crate::error::{Error, Result};
use crate::prefilter::FirstBytes;
use crate::span::{CleanSpan, EntityType};
use crate::tokens::{is_alphanumeric, tokenize, Kind, Token};
use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, Input, MatchKind};
use foldhash::HashMap;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// One gazetteer entry. Its name and id are kept by the gazetteer
/// ([`Gazetteer::name`], [`Gazetteer::id`]), all in one string each: a
/// million entries are not two million small heap strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// `None` for negative entries (type `none`).
    pub ty: Option<EntityType>,
    pub priority: i32,
    /// Only a match with film/festival context counts.
    pub context_required: bool,
    /// Index into [`Gazetteer::files`].
    pub file: u16,
}

/// A match of a surface form in clean text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GazMatch {
    pub span: CleanSpan,
    /// Index of the surface form; see [`Gazetteer::entries_of`].
    pub surface: u32,
}

/// The lexicons the pattern rules use (`gazetteers/lexicon/*.txt`), keyed
/// by file stem: one entry per line.
#[derive(Debug, Default, Clone)]
pub struct Lexicons {
    pub lists: HashMap<String, Vec<String>>,
}

impl Lexicons {
    pub fn get(&self, stem: &str) -> &[String] {
        self.lists.get(stem).map_or(&[], |v| v.as_slice())
    }
}

/// The frozen gazetteer: entries, surface forms and the automaton.
#[derive(Debug)]
pub struct Gazetteer {
    files: Vec<String>,
    entries: Vec<Entry>,
    names: Names,
    ids: Strs,
    surfaces: Surfaces,
    /// The surface forms as automata, each holding the forms of a range of
    /// first bytes; walked anchored from each word start (see
    /// [`Gazetteer::find_into`]).
    parts: Vec<Part>,
    /// The part holding the forms that begin with each byte.
    part_of: [u8; 256],
    /// Which word starts are worth a walk (see [`Prefixes`]).
    prefixes: Prefixes,
    lexicons: Lexicons,
}

/// Collects gazetteer files, then builds a [`Gazetteer`].
#[derive(Debug, Default)]
pub struct GazetteerBuilder {
    files: Vec<String>,
    entries: Vec<Entry>,
    names: Names,
    ids: Strs,
    lexicons: Lexicons,
    /// How many automata to build: `None` for one per thread on long
    /// lists (see [`GazetteerBuilder::single_automaton`]).
    pieces: Option<usize>,
}

/// One automaton of a [`Gazetteer`]: the forms of some first bytes.
#[derive(Debug)]
struct Part {
    nfa: NFA,
    start: StateID,
    /// The surface id of its pattern 0: its forms' ids follow on.
    base: u32,
}

impl Part {
    /// The automaton of `forms`, the first of which has surface id `base`.
    fn of<'a>(forms: impl Iterator<Item = &'a str>, base: u32) -> Result<Self> {
        let err = |e: &dyn std::fmt::Display| Error::Gazetteer {
            path: PathBuf::from("gazetteers"),
            line: 0,
            message: format!("cannot build the automaton: {e}"),
        };
        let nfa = NFA::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(forms)
            .map_err(|e| err(&e))?;
        let start = nfa.start_state(Anchored::Yes).map_err(|e| err(&e))?;
        Ok(Part { nfa, start, base })
    }
}

/// Lists of at least this many forms are built as one automaton per
/// thread, side by side: the build is aho-corasick's, on one core, and
/// for a million names it is most of a run's time. Shorter lists build in
/// milliseconds as one.
const SPLIT_FORMS: usize = 100_000;

/// Each entry's name and aliases: those of entry `i` are
/// `forms[first[i]..first[i + 1]]` (to the end for the last), the name
/// first.
#[derive(Debug, Default)]
struct Names {
    forms: Strs,
    first: Vec<u32>,
}

impl Names {
    /// The names of `entry`, none if there is no such entry.
    fn of(&self, entry: usize) -> impl Iterator<Item = &str> + Clone {
        let (a, b) = match self.first.get(entry) {
            Some(&a) => (
                a as usize,
                self.first
                    .get(entry + 1)
                    .map_or(self.forms.len(), |&b| b as usize),
            ),
            None => (0, 0),
        };
        (a..b).map(|i| self.forms.get(i))
    }
}

impl GazetteerBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the lists embedded in the binary. With `entities: false` only
    /// the lexicons are added (patterns-only extraction).
    pub fn add_embedded(&mut self, entities: bool) -> Result<&mut Self> {
        for (rel, text) in embedded::EMBEDDED {
            if entities || rel.starts_with("lexicon/") {
                self.add_str(rel, text)?;
            }
        }
        Ok(self)
    }

    /// Adds every `*.txt` file under `dir` (recursively, sorted by path).
    pub fn add_dir(&mut self, dir: &Path) -> Result<&mut Self> {
        let mut files = Vec::new();
        walk_txt(dir, dir, &mut files)?;
        files.sort();
        for (rel, path) in files {
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            self.add_named(&rel, &path, &text)?;
        }
        Ok(self)
    }

    /// Adds one file's contents; `rel` is its path relative to the
    /// gazetteer folder (its prefix gives the default type).
    pub fn add_str(&mut self, rel: &str, text: &str) -> Result<&mut Self> {
        self.add_named(rel, Path::new(rel), text)
    }

    fn add_named(&mut self, rel: &str, path: &Path, text: &str) -> Result<&mut Self> {
        let rel = rel.replace('\\', "/");
        if let Some(stem) = rel.strip_prefix("lexicon/") {
            let stem = stem.trim_end_matches(".txt").to_string();
            let list = self.lexicons.lists.entry(stem).or_default();
            for line in text.lines() {
                let l = line.trim();
                if !l.is_empty() && !l.starts_with('#') {
                    list.push(l.to_string());
                }
            }
            return Ok(self);
        }
        let file_name = rel.rsplit('/').next().unwrap_or(&rel);
        let default_ty = type_of_file(file_name).ok_or_else(|| Error::Gazetteer {
            path: path.to_path_buf(),
            line: 0,
            message: format!(
                "cannot tell the entity type from the file name {file_name:?}: start it with films, persons, awards, festivals or negative"
            ),
        })?;
        let file = u16::try_from(self.files.len()).map_err(|_| Error::Gazetteer {
            path: path.to_path_buf(),
            line: 0,
            message: "too many gazetteer files (at most 65535)".into(),
        })?;
        self.files.push(rel.clone());
        // Lines parse independently: a million-entry list parses on every
        // core, and the first bad line (by number) is the one reported.
        let lines = lines_of(text);
        let parsed: Vec<_> = lines
            .par_iter()
            .with_min_len(4096)
            .map(|line| parse_line(line, default_ty))
            .collect();
        self.entries.reserve(parsed.len());
        self.names.first.reserve(parsed.len());
        self.ids.reserve(text.len() / 2, parsed.len());
        self.names.forms.reserve(text.len(), parsed.len());
        for (n, p) in parsed.into_iter().enumerate() {
            let parsed = p.map_err(|message| Error::Gazetteer {
                path: path.to_path_buf(),
                line: n + 1,
                message,
            })?;
            if let Some(line) = parsed {
                self.push(&line, file).ok_or_else(|| Error::Gazetteer {
                    path: path.to_path_buf(),
                    line: n + 1,
                    message: "the names or ids take more than 4 GiB".into(),
                })?;
            }
        }
        Ok(self)
    }

    /// Adds one parsed line; `None` past 4 GiB of names or ids, with
    /// nothing of the line kept.
    fn push(&mut self, line: &Line, file: u16) -> Option<()> {
        let (forms, ids) = (self.names.forms.len(), self.ids.len());
        let added = line
            .forms()
            .try_for_each(|f| self.names.forms.push(f))
            .and_then(|()| match line.id {
                Some(id) => self.ids.push(id),
                None => self.ids.push_with(|out| {
                    out.push_str(line.ty.map_or("none", EntityType::as_str));
                    out.push(':');
                    slug_into(line.name(), out);
                }),
            })
            .and_then(|()| u32::try_from(forms).ok());
        let Some(first) = added else {
            self.names.forms.truncate(forms);
            self.ids.truncate(ids);
            return None;
        };
        self.names.first.push(first);
        self.entries.push(Entry {
            ty: line.ty,
            priority: line.priority,
            context_required: line.context_required,
            file,
        });
        Some(())
    }

    /// Drops every entry for which `keep` is false (leave-one-out checks);
    /// `keep` is given the entry and its names, the canonical one first.
    pub fn retain(&mut self, mut keep: impl FnMut(&Entry, &[&str]) -> bool) -> &mut Self {
        let mut kept = GazetteerBuilder {
            files: std::mem::take(&mut self.files),
            lexicons: std::mem::take(&mut self.lexicons),
            ..GazetteerBuilder::default()
        };
        let mut names = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            names.clear();
            names.extend(self.names.of(i));
            if keep(e, &names) {
                // Fits: these strings came from lists that fit.
                let first = kept.names.forms.len() as u32;
                names.iter().for_each(|n| {
                    kept.names.forms.push(n);
                });
                kept.names.first.push(first);
                kept.ids.push(self.ids.get(i));
                kept.entries.push(*e);
            }
        }
        *self = kept;
        self
    }

    /// Builds the lists as one automaton whatever their length. By default
    /// a list of 100,000 forms or more is built as one automaton per
    /// thread of the pool, side by side (each holding the forms of a range
    /// of first bytes), which finds the same matches; `kinex floor`, which
    /// scans the automaton bare, needs the one.
    pub fn single_automaton(&mut self) -> &mut Self {
        self.pieces = Some(1);
        self
    }

    /// Up to `n` automata whatever the lists' length, for the tests.
    #[cfg(test)]
    fn split_into(&mut self, n: usize) -> &mut Self {
        self.pieces = Some(n);
        self
    }

    pub fn build(&mut self) -> Result<Gazetteer> {
        // Forms live in one string and entry ids in one list: a million
        // names built as a million small heap objects, most of them freed
        // again, would leave the allocator a fragmented heap that every
        // later allocation of the run pays for.
        let mut forms = Forms::with_capacity(self.names.forms.text.len(), self.names.forms.len());
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(self.names.forms.len());
        for i in 0..self.entries.len() {
            let id = u32::try_from(i).map_err(|_| Error::Gazetteer {
                path: PathBuf::from("gazetteers"),
                line: 0,
                message: "too many entries".into(),
            })?;
            let mut room = true;
            for form in self.names.of(i) {
                for_each_variant(form, |v| match forms.slot(v) {
                    Some(slot) => pairs.push((slot, id)),
                    None => room = false,
                });
            }
            if !room {
                return Err(Error::Gazetteer {
                    path: PathBuf::from("gazetteers"),
                    line: 0,
                    message: "the surface forms take more than 4 GiB".into(),
                });
            }
        }
        let prefixes = Prefixes::of(forms.iter());
        let by_prefix = forms.by_prefix();
        // The forms in build order, copied once in a tight loop (its
        // reads, scattered over the forms, overlap one another) so that
        // the automaton's builder reads them in order, between its own
        // scattered writes.
        let ordered = forms.reordered(&by_prefix);
        // A form's surface id is its place in that order, its pattern id
        // in the automaton: a match finds its entries without a lookup
        // from one to the other (a cache miss per match on a long list).
        let mut rank = vec![0u32; by_prefix.len()];
        for (new, &old) in (0u32..).zip(&by_prefix) {
            rank[old as usize] = new;
        }
        for p in &mut pairs {
            p.0 = rank[p.0 as usize];
        }
        drop(rank);
        let surfaces = Surfaces::of(forms.len(), pairs);
        let pieces = match self.pieces {
            Some(n) => n.clamp(1, 256),
            None if ordered.len() < SPLIT_FORMS => 1,
            None => rayon::current_num_threads().clamp(1, 16),
        };
        let ranges = first_byte_ranges(&ordered, pieces);
        let parts = ranges
            .par_iter()
            .map(|r| {
                let base = u32::try_from(r.start).unwrap_or(u32::MAX);
                Part::of(r.clone().map(|i| ordered.get(i)), base)
            })
            .collect::<Result<Vec<_>>>()?;
        let mut part_of = [0u8; 256];
        for (k, r) in (0u8..).zip(&ranges) {
            for f in r.clone().map(|i| ordered.get(i)) {
                if let Some(&b) = f.as_bytes().first() {
                    part_of[usize::from(b)] = k;
                }
            }
        }
        Ok(Gazetteer {
            files: std::mem::take(&mut self.files),
            entries: std::mem::take(&mut self.entries),
            names: std::mem::take(&mut self.names),
            ids: std::mem::take(&mut self.ids),
            surfaces,
            parts,
            part_of,
            prefixes,
            lexicons: std::mem::take(&mut self.lexicons),
        })
    }
}

impl Gazetteer {
    /// The embedded lists, as shipped in the binary.
    ///
    /// ```
    /// let g = kinex::gazetteer::Gazetteer::embedded().unwrap();
    /// let text = "Cannes Film Festival opens today.";
    /// let mut found = Vec::new();
    /// g.find_into(text, &mut found);
    /// let m = found[0];
    /// assert_eq!(&text[m.span.range()], "Cannes Film Festival");
    /// let e = g.entries_of(m.surface)[0];
    /// assert_eq!(g.entries()[e as usize].ty, Some(kinex::span::EntityType::Festival));
    /// assert_eq!(g.name(e), "Cannes Film Festival");
    /// assert_eq!(g.id(e), "festival:cannes-film-festival");
    /// ```
    pub fn embedded() -> Result<Self> {
        GazetteerBuilder::new().add_embedded(true)?.build()
    }

    pub fn files(&self) -> &[String] {
        &self.files
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The canonical name of entry `entry` (empty if there is none).
    pub fn name(&self, entry: u32) -> &str {
        self.names.of(entry as usize).next().unwrap_or("")
    }

    /// The id of entry `entry`: given in its list, or its type and the
    /// slug of its name (empty if there is no such entry).
    pub fn id(&self, entry: u32) -> &str {
        if (entry as usize) < self.ids.len() {
            self.ids.get(entry as usize)
        } else {
            ""
        }
    }

    pub fn lexicons(&self) -> &Lexicons {
        &self.lexicons
    }

    /// Entries a surface form may stand for.
    pub fn entries_of(&self, surface: u32) -> &[u32] {
        self.surfaces.ids(surface)
    }

    /// Appends the whole-word matches in `text` to `out`: at each word
    /// start, left to right, the longest surface form that ends at a word
    /// end; the next search starts after it.
    ///
    /// The automaton is walked anchored from each word start instead of
    /// scanning every byte: the walk stops at the first byte no surface
    /// form continues with, usually within a few bytes, and the top of
    /// the trie it keeps visiting stays in cache. It also means a longer
    /// form that ends inside a word (`Bishkek Film` in `Bishkek
    /// Filmmakers`) cannot hide a shorter one that ends at a word end
    /// (`Bishkek`), as it would in a leftmost-longest scan filtered
    /// afterwards.
    pub fn find_into(&self, text: &str, out: &mut Vec<GazMatch>) {
        let mut toks = Vec::new();
        tokenize(text, &mut toks);
        self.find_in(text, &toks, out);
    }

    /// As [`find_into`](Self::find_into), given the tokens of `text`:
    /// only token starts, and the chars inside tokens that are not
    /// [`plain`](Token::plain), can begin a word, so the rest of the text
    /// is never looked at. (No surface form begins with whitespace, the
    /// one thing no token holds: forms are trimmed when read.)
    pub fn find_in(&self, text: &str, toks: &[Token], out: &mut Vec<GazMatch>) {
        if self.parts.is_empty() {
            return;
        }
        // No match may start before `next`: the end of the last one.
        let mut next = 0;
        for t in toks {
            if t.end <= next {
                continue;
            }
            if t.plain || t.kind == Kind::Punct {
                // Inside a run of ASCII letters and digits, every char
                // follows a letter or digit: no word starts there. A
                // punctuation token is one char. Most tokens start no
                // form: their first byte, kept in the token, says so
                // without a read of the text.
                if self.prefixes.first.has(t.first) {
                    self.match_at(text, t.start, &mut next, out);
                }
            } else if let Some(word) = text.get(t.start..t.end) {
                for (k, _) in word.char_indices() {
                    if t.start + k >= next {
                        self.match_at(text, t.start + k, &mut next, out);
                    }
                }
            }
        }
    }

    /// The longest form at `p` if a word starts there, pushed to `out`,
    /// with `next` moved to its end.
    #[inline(always)]
    fn match_at(&self, text: &str, p: usize, next: &mut usize, out: &mut Vec<GazMatch>) {
        let bytes = text.as_bytes();
        // Surface forms are UTF-8, so a first byte is never inside a
        // char; most positions fail on it.
        let Some(&b) = bytes.get(p) else { return };
        if !self.prefixes.first.has(b)
            || !self.prefixes.may_start(&bytes[p..])
            || !starts_word(text, p)
        {
            return;
        }
        // Every form that begins with `b` is in this one part.
        let Some(part) = self.parts.get(usize::from(self.part_of[usize::from(b)])) else {
            return;
        };
        if let Some((end, pattern)) = longest_at(&part.nfa, part.start, text, p) {
            out.push(GazMatch {
                span: CleanSpan::new(p, end),
                surface: part.base.saturating_add(pattern),
            });
            *next = end;
        }
    }

    /// The bare automaton: how many leftmost-longest matches an unanchored
    /// scan of `text` finds, word boundaries or not. The floor of
    /// `kinex floor`, not a stage of the pipeline.
    /// The gazetteer must be one automaton (see
    /// [`GazetteerBuilder::single_automaton`]): a scan of each part would
    /// not be one leftmost-longest scan. `None` otherwise.
    pub fn scan_count(&self, text: &str) -> Option<usize> {
        match self.parts.as_slice() {
            [] => Some(0),
            [one] => Some(
                one.nfa
                    .try_find_iter(Input::new(text))
                    .map_or(0, Iterator::count),
            ),
            _ => None,
        }
    }
}

/// The distinct surface forms, in order of first appearance, in one
/// string, each once, indexed for lookups while the list is built (the
/// surface ids of [`GazMatch::surface`] are their places in
/// [`Forms::by_prefix`] order).
#[derive(Default)]
struct Forms {
    strs: Strs,
    /// A form's 64-bit hash → the last form with that hash; `chain` links
    /// each form to the previous one with the same hash.
    index: HashMap<u64, u32>,
    chain: Vec<u32>,
}

impl Forms {
    const NONE: u32 = u32::MAX;

    /// Room for about `strings` forms of `bytes` in all: a million forms
    /// would otherwise rehash the index some twenty times.
    fn with_capacity(bytes: usize, strings: usize) -> Self {
        let mut f = Forms::default();
        f.strs.reserve(bytes, strings);
        f.index.reserve(strings);
        f.chain.reserve(strings);
        f
    }

    fn len(&self) -> usize {
        self.strs.len()
    }

    fn get(&self, i: u32) -> &str {
        self.strs.get(i as usize)
    }

    fn iter(&self) -> impl Iterator<Item = &str> + Clone {
        self.strs.iter()
    }

    /// The forms in `order` (indexes into these), as a list of their
    /// own, without the index for lookups.
    fn reordered(&self, order: &[u32]) -> Strs {
        let mut out = Strs::default();
        out.reserve(self.strs.text.len(), order.len());
        for &i in order {
            // Fits: no longer than these forms.
            out.push(self.get(i));
        }
        out
    }

    /// The form indexes ordered by their first eight bytes, descending
    /// (then by index, last first): the order the automaton is built in.
    /// Forms that share a prefix then go into the trie one after the
    /// other and find its states in cache (in the order of the lists, a
    /// million names took 0.5 s longer to build). Descending, because the
    /// builder keeps each state's transitions in a list sorted by byte
    /// and walks it from the smallest: the child a form follows or adds
    /// is then the list's first, not its last (5% fewer instructions for
    /// the 1M list).
    fn by_prefix(&self) -> Vec<u32> {
        let mut keyed: Vec<(u64, u32)> = self
            .iter()
            .zip(0u32..)
            .map(|(f, i)| {
                let mut k = [0u8; 8];
                let n = f.len().min(8);
                k[..n].copy_from_slice(&f.as_bytes()[..n]);
                (u64::from_be_bytes(k), i)
            })
            .collect();
        keyed.sort_unstable_by(|a, b| b.cmp(a));
        keyed.into_iter().map(|(_, i)| i).collect()
    }

    /// The index of `form`, added if new; `None` if the forms would
    /// pass 4 GiB.
    fn slot(&mut self, form: &str) -> Option<u32> {
        let h = std::hash::BuildHasher::hash_one(&foldhash::fast::FixedState::with_seed(0), form);
        self.slot_hashed(form, h)
    }

    /// [`Forms::slot`] with the hash given, so tests can make collisions.
    fn slot_hashed(&mut self, form: &str, h: u64) -> Option<u32> {
        let head = self.index.get(&h).copied().unwrap_or(Self::NONE);
        let mut at = head;
        while at != Self::NONE {
            if self.get(at) == form {
                return Some(at);
            }
            at = self.chain[at as usize];
        }
        let slot = u32::try_from(self.len())
            .ok()
            .filter(|&s| s != Self::NONE)?;
        self.strs.push(form)?;
        self.chain.push(head);
        self.index.insert(h, slot);
        Some(slot)
    }
}

/// A list of strings kept in one `String`: string `i` ends at `ends[i]`
/// and starts where the one before it ends. At most 4 GiB in all.
#[derive(Debug, Default, Clone)]
struct Strs {
    text: String,
    ends: Vec<u32>,
}

impl Strs {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(j) => self.ends[j] as usize,
            None => 0,
        };
        &self.text[start..self.ends[i] as usize]
    }

    fn iter(&self) -> impl Iterator<Item = &str> + Clone {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Keeps the first `n` strings.
    fn truncate(&mut self, n: usize) {
        if n < self.len() {
            let end = n.checked_sub(1).map_or(0, |j| self.ends[j] as usize);
            self.text.truncate(end);
            self.ends.truncate(n);
        }
    }

    fn reserve(&mut self, bytes: usize, strings: usize) {
        self.text.reserve(bytes);
        self.ends.reserve(strings);
    }

    /// Appends `s`; `None` (and nothing added) past 4 GiB.
    fn push(&mut self, s: &str) -> Option<()> {
        self.push_with(|out| out.push_str(s))
    }

    /// Appends the string `write` adds to the text; `None` (and nothing
    /// added) past 4 GiB.
    fn push_with(&mut self, write: impl FnOnce(&mut String)) -> Option<()> {
        let start = self.text.len();
        write(&mut self.text);
        match u32::try_from(self.text.len()) {
            Ok(end) => {
                self.ends.push(end);
                Some(())
            }
            Err(_) => {
                self.text.truncate(start);
                None
            }
        }
    }
}

/// The entries each surface form stands for, as one list: the ids of
/// form `s` are `ids[starts[s]..starts[s + 1]]`, ascending.
#[derive(Debug)]
struct Surfaces {
    starts: Vec<u32>,
    ids: Vec<u32>,
}

impl Surfaces {
    /// From (form, entry) pairs in entry order, duplicates allowed, every
    /// form below `forms`. A counting sort: stable, so each form's ids
    /// come out ascending with duplicates side by side, in linear time
    /// (a comparison sort of a million pairs took longer).
    fn of(forms: usize, pairs: Vec<(u32, u32)>) -> Self {
        let mut starts = vec![0u32; forms + 1];
        for &(form, _) in &pairs {
            starts[form as usize + 1] += 1;
        }
        for s in 1..starts.len() {
            starts[s] += starts[s - 1];
        }
        let mut ids = vec![0u32; pairs.len()];
        let mut fill = starts.clone();
        for &(form, id) in &pairs {
            let at = &mut fill[form as usize];
            ids[*at as usize] = id;
            *at += 1;
        }
        drop(pairs);
        // Drop the duplicates, moving each form's ids down in place.
        let mut kept = 0;
        for f in 0..forms {
            let (a, b) = (starts[f] as usize, starts[f + 1] as usize);
            starts[f] = kept as u32;
            for k in a..b {
                if k == a || ids[k] != ids[k - 1] {
                    ids[kept] = ids[k];
                    kept += 1;
                }
            }
        }
        starts[forms] = kept as u32;
        ids.truncate(kept);
        Surfaces { starts, ids }
    }

    fn ids(&self, form: u32) -> &[u32] {
        let f = form as usize;
        match (self.starts.get(f), self.starts.get(f + 1)) {
            (Some(&a), Some(&b)) => &self.ids[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// A filter on the first bytes of the surface forms, so that most word
/// starts (`the`, `international`: a few forms start in lower case, and
/// many share a first word) are passed over without walking the
/// automaton, whose states are scattered in memory. A form of six bytes or
/// more is known by its first six, a shorter one by its first three, one
/// shorter still by its first byte alone; the prefixes are hashed to bits
/// of one set, sized to the list and kept small enough to stay in cache
/// for the default lists. Every form is UTF-8, so a position whose byte is
/// not the first byte of some form is never inside a char.
///
/// Three bytes alone let every `the ` through for `the Union`, and every
/// `internation…` for `interfilm`: six bytes turn away two walks in three
/// of those that found nothing.
#[derive(Debug)]
struct Prefixes {
    bits: Box<[u64]>,
    /// `64 - log2(bits in the set)`: a hash's top bits pick its bit.
    shift: u32,
    /// The first bytes of all forms.
    first: FirstBytes,
    /// The first bytes of the forms shorter than three bytes.
    short: FirstBytes,
}

impl Prefixes {
    /// The prefix length that stands for a long form.
    const LONG: usize = 6;

    fn of<'a>(forms: impl Iterator<Item = &'a str> + Clone) -> Self {
        // Sixteen bits a form: one probe of a prefix no form has hits a
        // set bit about one time in sixteen. At least 8 KiB, at most
        // 1 MiB (a million forms).
        let n = forms.clone().count();
        let log2 = (n.saturating_mul(16).clamp(1 << 16, 1 << 23))
            .next_power_of_two()
            .trailing_zeros();
        let mut p = Prefixes {
            bits: vec![0; 1 << (log2 - 6)].into_boxed_slice(),
            shift: 64 - log2,
            first: FirstBytes::of(forms.clone()),
            short: FirstBytes::of(forms.clone().filter(|f| f.len() < 3)),
        };
        for f in forms {
            let f = f.as_bytes();
            let h = match f.len() {
                0..3 => continue,
                3..Self::LONG => p.hash(Self::key(f, 3)),
                _ => p.hash(Self::key(f, Self::LONG)),
            };
            p.bits[h / 64] |= 1 << (h % 64);
        }
        p
    }

    /// The first `len` bytes of `b` (at least `len` long), little-endian,
    /// tagged with `len` in the top byte so that prefixes of different
    /// lengths are different keys.
    #[inline]
    fn key(b: &[u8], len: usize) -> u64 {
        let mut w = [0; 8];
        w[..len].copy_from_slice(&b[..len]);
        w[7] = len as u8;
        u64::from_le_bytes(w)
    }

    #[inline]
    fn hash(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    #[inline]
    fn has(&self, key: u64) -> bool {
        let h = self.hash(key);
        self.bits
            .get(h / 64)
            .is_some_and(|w| w & (1 << (h % 64)) != 0)
    }

    /// Whether some form may begin `rest`, whose first byte begins some
    /// form (the caller asks [`Prefixes::first`] first, before it has a
    /// slice): false means none does.
    #[inline]
    fn may_start(&self, rest: &[u8]) -> bool {
        const TAG3: u64 = 3 << 56;
        const TAG6: u64 = 6 << 56;
        const LOW3: u64 = (1 << 24) - 1;
        const LOW6: u64 = (1 << 48) - 1;
        match rest {
            [a, ..] if self.short.has(*a) => true,
            // The common case: one load for both prefixes.
            [b0, b1, b2, b3, b4, b5, b6, b7, ..] => {
                let w = u64::from_le_bytes([*b0, *b1, *b2, *b3, *b4, *b5, *b6, *b7]);
                self.has(w & LOW3 | TAG3) || self.has(w & LOW6 | TAG6)
            }
            [_, _, _, ..] => {
                self.has(Self::key(rest, 3))
                    || (rest.len() >= Self::LONG && self.has(Self::key(rest, Self::LONG)))
            }
            // Near the end of the text: let the walk decide.
            [_, ..] => true,
            [] => false,
        }
    }
}

/// `forms` (grouped by first byte) cut into at most `pieces` ranges of
/// about equal bytes, never between two forms with the same first byte:
/// the forms that begin with any one byte are all in one range.
fn first_byte_ranges(forms: &Strs, pieces: usize) -> Vec<std::ops::Range<usize>> {
    let n = forms.len();
    if n == 0 {
        return Vec::new();
    }
    let total: usize = forms.iter().map(str::len).sum();
    let first = |i: usize| forms.get(i).as_bytes().first().copied();
    let mut out = Vec::with_capacity(pieces);
    let (mut start, mut bytes) = (0, 0usize);
    for i in 0..n {
        let due = bytes.saturating_mul(pieces) >= total.saturating_mul(out.len() + 1);
        if due && i > start && out.len() + 1 < pieces && first(i) != first(i - 1) {
            out.push(start..i);
            start = i;
        }
        bytes += forms.get(i).len();
    }
    out.push(start..n);
    out
}

/// The longest surface form starting at `p` that ends at a word end, as
/// (end, pattern id).
#[inline]
fn longest_at(nfa: &NFA, start: StateID, text: &str, p: usize) -> Option<(usize, u32)> {
    let bytes = text.as_bytes();
    let mut sid = start;
    let mut best = None;
    for (i, &b) in bytes.iter().enumerate().skip(p) {
        sid = nfa.next_state(Anchored::Yes, sid, b);
        if !nfa.is_special(sid) {
            continue;
        }
        if nfa.is_dead(sid) {
            break;
        }
        if nfa.is_match(sid) && ends_word(text, i + 1) {
            let len = i + 1 - p;
            // Only a form that starts at `p`: a match state may also hold
            // forms that are proper suffixes of the path.
            best = (0..nfa.match_len(sid))
                .map(|k| nfa.match_pattern(sid, k))
                .find(|&pid| nfa.pattern_len(pid) == len)
                .map(|pid| (i + 1, pid.as_u32()))
                .or(best);
        }
    }
    best
}

/// No alphanumeric char ends right before `p`.
#[inline]
fn starts_word(text: &str, p: usize) -> bool {
    match p.checked_sub(1).map(|q| text.as_bytes()[q]) {
        None => true,
        Some(b) if b < 0x80 => !b.is_ascii_alphanumeric(),
        Some(_) => !text
            .get(..p)
            .and_then(|t| t.chars().next_back())
            .is_some_and(is_alphanumeric),
    }
}

/// No alphanumeric char starts at `e`.
#[inline]
fn ends_word(text: &str, e: usize) -> bool {
    match text.as_bytes().get(e) {
        None => true,
        Some(&b) if b < 0x80 => !b.is_ascii_alphanumeric(),
        Some(_) => !text
            .get(e..)
            .and_then(|t| t.chars().next())
            .is_some_and(is_alphanumeric),
    }
}

fn walk_txt(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> Result<()> {
    let rd = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for e in rd {
        let e = e.map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let p = e.path();
        if p.is_dir() {
            walk_txt(root, &p, out)?;
        } else if p.extension().is_some_and(|x| x == "txt") {
            let rel = p
                .strip_prefix(root)
                .unwrap_or(&p)
                .to_string_lossy()
                .into_owned();
            out.push((rel, p));
        }
    }
    Ok(())
}

/// The default type of a file, from its name prefix. `Some(None)` is a
/// negative list.
fn type_of_file(name: &str) -> Option<Option<EntityType>> {
    let n = name.to_ascii_lowercase();
    let table = [
        ("film", Some(EntityType::Film)),
        ("person", Some(EntityType::Person)),
        ("people", Some(EntityType::Person)),
        ("award", Some(EntityType::Award)),
        ("festival", Some(EntityType::Festival)),
        ("negative", None),
    ];
    table
        .into_iter()
        .find(|(p, _)| n.starts_with(p))
        .map(|(_, t)| t)
}

/// One entry line, parsed and checked, borrowing from the list's text.
#[derive(Debug)]
struct Line<'a> {
    /// The names part: the name, then aliases after `|`, none empty.
    names: &'a str,
    /// The id given with `id=`.
    id: Option<&'a str>,
    ty: Option<EntityType>,
    priority: i32,
    context_required: bool,
}

impl<'a> Line<'a> {
    /// The name, then the aliases.
    fn forms(&self) -> impl Iterator<Item = &'a str> {
        split_ascii(self.names, b'|').map(str::trim)
    }

    fn name(&self) -> &'a str {
        self.forms().next().unwrap_or_default()
    }
}

/// The lines of a list, split at `\n` as [`str::lines`] splits them (a
/// `\r` before it is left for [`parse_line`] to drop), a million lines
/// found by `memchr` rather than one char search each.
fn lines_of(text: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(text.len() / 32 + 1);
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
        // At an ASCII byte: a char boundary.
        out.push(text.get(start..nl).unwrap_or_default());
        start = nl + 1;
    }
    if start < text.len() {
        out.push(text.get(start..).unwrap_or_default());
    }
    out
}

/// `s` split at each `sep`, an ASCII byte (so every piece is whole chars):
/// [`str::split`] without its char searcher, which costs more than the
/// twenty-byte names it splits.
fn split_ascii(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        match split_once_ascii(r, sep) {
            Some((head, tail)) => {
                rest = Some(tail);
                Some(head)
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// [`str::split_once`] at `sep`, an ASCII byte.
fn split_once_ascii(s: &str, sep: u8) -> Option<(&str, &str)> {
    let at = s.bytes().position(|b| b == sep)?;
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// Parses one line; `Ok(None)` for blank and comment lines.
fn parse_line(
    line: &str,
    default_ty: Option<EntityType>,
) -> std::result::Result<Option<Line<'_>>, String> {
    let line = line.trim_end_matches('\r');
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Ok(None);
    }
    if line.as_bytes().contains(&b'\t') {
        return Err("tab character: separate names with ' | ' and keys with ' ; '".into());
    }
    let (names, keys) = match split_once_ascii(trimmed, b';') {
        Some((n, k)) => (n, Some(k)),
        None => (trimmed, None),
    };
    let mut forms = split_ascii(names, b'|').map(str::trim);
    if forms.next().unwrap_or_default().is_empty() {
        return Err("empty name".into());
    }
    if forms.any(str::is_empty) {
        return Err(format!("empty alias in {names:?}"));
    }
    let mut ty = default_ty;
    let mut id = None;
    let mut priority = 0;
    let mut context_required = false;
    for kv in keys
        .into_iter()
        .flat_map(|k| split_ascii(k, b';'))
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        let (k, v) = split_once_ascii(kv, b'=')
            .map(|(k, v)| (k.trim(), v.trim()))
            .ok_or_else(|| format!("expected key=value, found {kv:?}"))?;
        match k {
            "id" => {
                if v.is_empty() || v.contains(char::is_whitespace) {
                    return Err(format!("bad id {v:?}: use type:slug"));
                }
                id = Some(v);
            }
            "type" => {
                ty = match v {
                    "none" => None,
                    _ => Some(EntityType::parse(v).ok_or_else(|| {
                        format!("unknown type {v:?}: use film, person, award, festival or none")
                    })?),
                }
            }
            "priority" => {
                priority = v
                    .parse()
                    .map_err(|_| format!("priority must be an integer, found {v:?}"))?
            }
            "context" => match v {
                "required" => context_required = true,
                "none" | "no" => context_required = false,
                _ => return Err(format!("context must be 'required', found {v:?}")),
            },
            _ => {
                return Err(format!(
                    "unknown key {k:?}: use id, type, priority or context"
                ))
            }
        }
    }
    if ty == Some(EntityType::Date) {
        return Err("dates are found by patterns, not listed".into());
    }
    // Mentions sharing an id are one entity of one type in the record.
    if let (Some(id), Some(t)) = (&id, ty) {
        if id.split_once(':').map(|(p, _)| p) != Some(t.as_str()) {
            return Err(format!(
                "id {id:?} does not name a {t}: use {t}:slug",
                t = t.as_str()
            ));
        }
    }
    Ok(Some(Line {
        names,
        id,
        ty,
        priority,
        context_required,
    }))
}

/// A lowercase ASCII slug for ids: `César Benítez` → `cesar-benitez`.
/// Letters without an ASCII form (Cyrillic) are kept as lowercase.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    slug_into(name, &mut out);
    out
}

/// Appends the slug of `name` to `out`: ids are built in one `String`.
pub fn slug_into(name: &str, out: &mut String) {
    let base = out.len();
    if name.is_ascii() {
        // The common case, without the char-by-char Unicode lowering.
        let mut dash = false;
        for &b in name.as_bytes() {
            if b.is_ascii_alphanumeric() {
                if dash && out.len() > base {
                    out.push('-');
                }
                dash = false;
                out.push(char::from(b.to_ascii_lowercase()));
            } else if b != b'\'' {
                dash = true;
            }
        }
        return;
    }
    let mut dash = false;
    for c in name.chars() {
        let c = fold_latin(c);
        if is_alphanumeric(c) {
            if dash && out.len() > base {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c != '\'' && c != '’' {
            dash = true;
        }
    }
}

fn fold_latin(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' | 'Ā' => {
            'a'
        }
        'é' | 'è' | 'ê' | 'ë' | 'ē' | 'É' | 'È' | 'Ê' | 'Ë' | 'Ē' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'ı' | 'ī' | 'Í' | 'Ì' | 'Î' | 'Ï' | 'İ' | 'Ī' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' | 'Ō' => {
            'o'
        }
        'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'Ú' | 'Ù' | 'Û' | 'Ü' | 'Ū' => 'u',
        'ñ' | 'Ñ' | 'ń' | 'ň' => 'n',
        'ç' | 'Ç' | 'č' | 'Č' | 'ć' => 'c',
        'ş' | 'Ş' | 'š' | 'Š' | 'ś' => 's',
        'ğ' | 'Ğ' => 'g',
        'ž' | 'Ž' | 'ź' | 'ż' => 'z',
        'ý' | 'ÿ' | 'Ý' => 'y',
        'ł' | 'Ł' => 'l',
        'ř' | 'Ř' => 'r',
        _ => c,
    }
}

/// The surface forms a name is matched as: itself, and its apostrophes,
/// quotes and dashes swapped for their straight or curly twins.
fn for_each_variant(form: &str, mut f: impl FnMut(&str)) {
    // Every char of SWAPPED is `'`, `-` or starts with 0xE2 or 0xCA: most
    // names have none of these bytes, found without decoding a char.
    let may_swap = form
        .bytes()
        .any(|b| matches!(b, b'\'' | b'-' | 0xE2 | 0xCA));
    if !may_swap || !form.contains(SWAPPED) {
        // Most names: no copy.
        f(form);
    } else {
        variants(form).iter().for_each(|v| f(v));
    }
}

const SWAPPED: [char; 6] = ['’', '\'', '–', '—', '-', 'ʼ'];

fn variants(form: &str) -> Vec<String> {
    let mut out = vec![form.to_string()];
    if !form.contains(SWAPPED) {
        return out;
    }
    let swaps: [(char, char); 4] = [('’', '\''), ('–', '-'), ('—', '-'), ('ʼ', '\'')];
    for (a, b) in swaps {
        let mut more = Vec::new();
        for v in &out {
            if v.contains(a) {
                more.push(v.replace(a, &b.to_string()));
            }
            if v.contains(b) && a != '—' && a != 'ʼ' {
                more.push(v.replace(b, &a.to_string()));
            }
        }
        for m in more {
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_aliases_and_keys() {
        let l = parse_line(
            "Road to Mother | Anaga aparar zhol ; id=film:road-to-mother ; priority=2",
            Some(EntityType::Film),
        )
        .unwrap()
        .unwrap();
        assert_eq!(l.name(), "Road to Mother");
        assert_eq!(
            l.forms().collect::<Vec<_>>(),
            ["Road to Mother", "Anaga aparar zhol"]
        );
        assert_eq!(l.id, Some("film:road-to-mother"));
        assert_eq!(l.priority, 2);
        let l = parse_line("Killer ; context=required ; type=film", None)
            .unwrap()
            .unwrap();
        assert!(l.context_required);
        assert_eq!(l.ty, Some(EntityType::Film));
        assert_eq!(l.id, None);
        assert!(parse_line("  # comment", None).unwrap().is_none());
        assert!(parse_line("", None).unwrap().is_none());
    }

    #[test]
    fn names_and_ids_are_kept_per_entry() {
        let g = GazetteerBuilder::new()
            .add_str(
                "persons-x.txt",
                "César Benítez\nRoad to Mother | Anaga ; id=film:road ; type=film\nEl Sur ; type=none\n",
            )
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(g.entries().len(), 3);
        assert_eq!(g.name(0), "César Benítez");
        // Derived from the type and the name when not given.
        assert_eq!(g.id(0), "person:cesar-benitez");
        assert_eq!(g.name(1), "Road to Mother");
        assert_eq!(g.id(1), "film:road");
        assert_eq!(g.id(2), "none:el-sur");
        assert_eq!((g.name(3), g.id(3)), ("", ""));
        let mut found = Vec::new();
        g.find_into("Anaga, then Road to Mother.", &mut found);
        let ids: Vec<&str> = found
            .iter()
            .flat_map(|m| g.entries_of(m.surface))
            .map(|&e| g.id(e))
            .collect();
        assert_eq!(ids, ["film:road", "film:road"]);
    }

    #[test]
    fn retain_keeps_names_and_ids_together() {
        let mut b = GazetteerBuilder::new();
        b.add_str(
            "films-x.txt",
            "Alpha | A1\nBeta | B1 | B2 ; id=film:b\nGamma\n",
        )
        .unwrap();
        let mut seen = Vec::new();
        b.retain(|_, names| {
            seen.push(names.join("+"));
            names[0] != "Alpha"
        });
        assert_eq!(seen, ["Alpha+A1", "Beta+B1+B2", "Gamma"]);
        let g = b.build().unwrap();
        assert_eq!((g.name(0), g.id(0)), ("Beta", "film:b"));
        assert_eq!((g.name(1), g.id(1)), ("Gamma", "film:gamma"));
        let mut found = Vec::new();
        g.find_into("A1 B2 Alpha Gamma", &mut found);
        let names: Vec<&str> = found
            .iter()
            .map(|m| g.name(g.entries_of(m.surface)[0]))
            .collect();
        assert_eq!(names, ["Beta", "Gamma"]);
    }

    #[test]
    fn strs_keep_each_string() {
        let mut s = Strs::default();
        assert_eq!(s.push("ab"), Some(()));
        assert_eq!(s.push(""), Some(()));
        assert_eq!(s.push_with(|t| t.push_str("cd")), Some(()));
        assert_eq!(s.iter().collect::<Vec<_>>(), ["ab", "", "cd"]);
        s.truncate(5);
        assert_eq!(s.iter().collect::<Vec<_>>(), ["ab", "", "cd"]);
        s.truncate(1);
        assert_eq!(s.iter().collect::<Vec<_>>(), ["ab"]);
        assert_eq!(s.push("e"), Some(()));
        assert_eq!(s.iter().collect::<Vec<_>>(), ["ab", "e"]);
        s.truncate(0);
        assert_eq!((s.len(), s.text.as_str()), (0, ""));
    }

    #[test]
    fn malformed_lines_name_file_and_line() {
        let mut b = GazetteerBuilder::new();
        let err = b
            .add_str("films-test.txt", "Good\nBad ; colour=red\n")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "films-test.txt:2: unknown key \"colour\": use id, type, priority or context"
        );
        for (line, msg) in [
            (" | alias", "empty name"),
            ("A |  | B", "empty alias in \"A |  | B\""),
            (
                "A ; priority=high",
                "priority must be an integer, found \"high\"",
            ),
            (
                "A ; type=place",
                "unknown type \"place\": use film, person, award, festival or none",
            ),
            (
                "A\tB",
                "tab character: separate names with ' | ' and keys with ' ; '",
            ),
            ("A ; id", "expected key=value, found \"id\""),
        ] {
            assert_eq!(parse_line(line, None).unwrap_err(), msg, "line {line:?}");
        }
        // An id names its entry's type: one id is one entity of one type.
        for (line, ty, msg) in [
            (
                "A ; id=film:a",
                Some(EntityType::Person),
                "id \"film:a\" does not name a person: use person:slug",
            ),
            (
                "A ; id=a",
                Some(EntityType::Film),
                "id \"a\" does not name a film: use film:slug",
            ),
            (
                "A ; id=award:a ; type=festival",
                None,
                "id \"award:a\" does not name a festival: use festival:slug",
            ),
        ] {
            assert_eq!(parse_line(line, ty).unwrap_err(), msg, "line {line:?}");
        }
        for (line, ty) in [
            ("A ; id=film:a", Some(EntityType::Film)),
            ("A ; type=award ; id=award:a", None),
            ("A ; type=none ; id=x", Some(EntityType::Film)),
        ] {
            assert!(parse_line(line, ty).is_ok(), "line {line:?}");
        }
        let err = GazetteerBuilder::new()
            .add_str("places.txt", "X")
            .unwrap_err();
        assert!(err
            .to_string()
            .starts_with("places.txt:0: cannot tell the entity type"));
    }

    #[test]
    fn matches_whole_words_with_quote_and_dash_variants() {
        let g = GazetteerBuilder::new()
            .add_str("festivals.txt", "Shaken’s Stars\n")
            .unwrap()
            .add_str("films.txt", "Kyz-Zhibek\nNomad\nNomad: The Warriors\n")
            .unwrap()
            .build()
            .unwrap();
        let text = "Shaken's Stars praised Kyz–Zhibek and Nomad: The Warriors, not Nomads.";
        let mut out = Vec::new();
        g.find_into(text, &mut out);
        let got: Vec<&str> = out.iter().map(|m| &text[m.span.range()]).collect();
        assert_eq!(
            got,
            vec!["Shaken's Stars", "Kyz–Zhibek", "Nomad: The Warriors"]
        );
    }

    #[test]
    fn a_longer_form_ending_inside_a_word_hides_nothing() {
        let g = GazetteerBuilder::new()
            .add_str("festivals.txt", "Bishkek Film\nBishkek\nthe Union\n")
            .unwrap()
            .build()
            .unwrap();
        // `Bishkek Film` ends inside `Filmmakers`; `Bishkek` still counts.
        // `the Union` starts in lower case and inside nothing.
        let text = "Bishkek Filmmakers met the Union; theUnion and Bishkek Film.";
        let mut out = Vec::new();
        g.find_into(text, &mut out);
        let got: Vec<(usize, &str)> = out
            .iter()
            .map(|m| (m.span.start, &text[m.span.range()]))
            .collect();
        assert_eq!(
            got,
            vec![(0, "Bishkek"), (23, "the Union"), (47, "Bishkek Film")]
        );
    }

    /// The matches `find_into` must give, the slow way: at each word
    /// start, the longest form that ends at a word end; then on after it.
    fn naive(forms: &[&str], text: &str) -> Vec<(usize, usize)> {
        let alnum_before = |p: usize| {
            text[..p]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        };
        let alnum_at = |e: usize| text[e..].chars().next().is_some_and(char::is_alphanumeric);
        let mut out = Vec::new();
        let mut p = 0;
        while p < text.len() {
            let best = (!alnum_before(p))
                .then(|| {
                    forms
                        .iter()
                        .filter(|f| text[p..].starts_with(**f) && !alnum_at(p + f.len()))
                        .map(|f| f.len())
                        .max()
                })
                .flatten();
            match best {
                Some(n) => {
                    out.push((p, p + n));
                    p += n;
                }
                None => p += text[p..].chars().next().map_or(1, char::len_utf8),
            }
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// The byte splitters cut where `str`'s own do, multibyte chars
        /// and empty pieces included.
        #[test]
        fn ascii_splits_are_strs_splits(s in "[a|;=\r\n é’]{0,24}") {
            for sep in [b'|', b';', b'='] {
                let c = char::from(sep);
                proptest::prop_assert_eq!(
                    split_ascii(&s, sep).collect::<Vec<_>>(),
                    s.split(c).collect::<Vec<_>>()
                );
                proptest::prop_assert_eq!(split_once_ascii(&s, sep), s.split_once(c));
            }
            let ours: Vec<&str> = lines_of(&s).into_iter().map(|l| l.trim_end_matches('\r')).collect();
            let std: Vec<&str> = s.lines().map(|l| l.trim_end_matches('\r')).collect();
            proptest::prop_assert_eq!(ours, std);
        }

        /// Random forms and texts over a small alphabet with multibyte
        /// letters and marks, so that forms overlap, share prefixes, end
        /// inside words and meet the prefix filter's hash collisions.
        #[test]
        fn find_into_is_the_naive_leftmost_longest_at_word_bounds(
            forms in proptest::collection::vec("[aAbé ’.1-]{1,9}", 1..12),
            text in "[aAbé ’'.1\n\u{301}\u{a0}(_-]{0,80}",
        ) {
            let forms: Vec<&str> = forms
                .iter()
                .map(|f| f.trim())
                .filter(|f| !f.is_empty() && !f.starts_with('#'))
                .collect();
            proptest::prop_assume!(!forms.is_empty());
            // One name per line; a form's variants (’ and ') are added by
            // the builder, so the reference sees them too.
            let list: String = forms.iter().map(|f| format!("{f}\n")).collect();
            let g = GazetteerBuilder::new()
                .add_str("films.txt", &list)
                .unwrap()
                .build()
                .unwrap();
            let all: Vec<String> = forms.iter().flat_map(|f| variants(f)).collect();
            let all: Vec<&str> = all.iter().map(String::as_str).collect();
            let mut out = Vec::new();
            g.find_into(&text, &mut out);
            let got: Vec<(usize, usize)> = out.iter().map(|m| (m.span.start, m.span.end)).collect();
            proptest::prop_assert_eq!(got, naive(&all, &text));
            // Built as up to three automata by first byte, the list finds
            // the same spans, standing for the same entries.
            let split = GazetteerBuilder::new()
                .add_str("films.txt", &list)
                .unwrap()
                .split_into(3)
                .build()
                .unwrap();
            let mut again = Vec::new();
            split.find_into(&text, &mut again);
            let entries = |g: &Gazetteer, m: &[GazMatch]| -> Vec<(usize, usize, Vec<u32>)> {
                m.iter().map(|m| (m.span.start, m.span.end, g.entries_of(m.surface).to_vec())).collect()
            };
            proptest::prop_assert_eq!(entries(&split, &again), entries(&g, &out));
        }
    }

    #[test]
    fn first_byte_ranges_cover_the_forms_and_keep_each_byte_whole() {
        let mut forms = Strs::default();
        for f in [
            "zz", "zy", "x", "xa", "xb", "m", "ma", "b", "ba", "bb", "bc", "a",
        ] {
            forms.push(f).unwrap();
        }
        let first = |i: usize| forms.get(i).as_bytes()[0];
        for pieces in 1..6 {
            let r = first_byte_ranges(&forms, pieces);
            assert!(!r.is_empty() && r.len() <= pieces, "{pieces}: {r:?}");
            assert_eq!((r[0].start, r[r.len() - 1].end), (0, forms.len()));
            for w in r.windows(2) {
                assert_eq!(w[0].end, w[1].start);
                assert_ne!(first(w[0].end - 1), first(w[1].start), "{pieces}: {r:?}");
            }
        }
        // Five first bytes: five pieces at most, and two make two.
        assert_eq!(first_byte_ranges(&forms, 2).len(), 2);
        assert_eq!(first_byte_ranges(&forms, 9).len(), 5);
        assert!(first_byte_ranges(&Strs::default(), 3).is_empty());
    }

    #[test]
    fn prefixes_turn_away_shared_first_words_and_keep_every_form() {
        let forms = [
            "the Union",
            "interfilm Berlin",
            "Cannes",
            "Oscar",
            "Up",
            "Nika",
        ];
        let p = Prefixes::of(forms.iter().copied());
        for f in forms {
            assert!(p.may_start(f.as_bytes()), "{f}");
            assert!(p.may_start(format!("{f} and more").as_bytes()), "{f}");
        }
        // Six bytes tell these from the forms that share their first three.
        for miss in ["the film industry", "international", "the UN", "interview"] {
            assert!(!p.may_start(miss.as_bytes()), "{miss}");
        }
        // A form shorter than six bytes is known by its first three, one
        // shorter than three by its first byte.
        for hit in ["Oscars", "Osc", "Nikah", "Upper", "U"] {
            assert!(p.may_start(hit.as_bytes()), "{hit}");
        }
        assert!(!p.may_start(b"Osprey"));
        assert!(!p.may_start(b""));
    }

    #[test]
    fn forms_are_kept_once_even_when_hashes_collide() {
        let mut f = Forms::default();
        assert_eq!(f.slot("Cannes"), Some(0));
        assert_eq!(f.slot("Venice"), Some(1));
        assert_eq!(f.slot("Cannes"), Some(0));
        // Three forms under one hash: each still finds itself.
        assert_eq!(f.slot_hashed("Berlinale", 7), Some(2));
        assert_eq!(f.slot_hashed("Sundance", 7), Some(3));
        assert_eq!(f.slot_hashed("Locarno", 7), Some(4));
        assert_eq!(f.slot_hashed("Berlinale", 7), Some(2));
        assert_eq!(f.slot_hashed("Sundance", 7), Some(3));
        assert_eq!(f.slot_hashed("Locarno", 7), Some(4));
        assert_eq!(f.slot_hashed("", 9), Some(5));
        let all: Vec<&str> = f.iter().collect();
        assert_eq!(
            all,
            ["Cannes", "Venice", "Berlinale", "Sundance", "Locarno", ""]
        );
        // By their first eight bytes, descending, ties by index, last first.
        assert_eq!(f.by_prefix(), [1, 3, 4, 0, 2, 5]);
        let mut f = Forms::default();
        for form in ["Berlinale A", "Berlinale B", "Aa"] {
            f.slot(form);
        }
        assert_eq!(f.by_prefix(), [1, 0, 2]);
    }

    #[test]
    fn surfaces_list_each_forms_entries_once_in_order() {
        let s = Surfaces::of(4, vec![(2, 0), (0, 0), (2, 0), (2, 3), (0, 5), (3, 5)]);
        assert_eq!(s.ids(0), [0, 5]);
        assert_eq!(s.ids(1), [] as [u32; 0]);
        assert_eq!(s.ids(2), [0, 3]);
        assert_eq!(s.ids(3), [5]);
        let s = Surfaces::of(
            3,
            vec![
                (1, 0),
                (1, 0),
                (1, 0),
                (0, 2),
                (1, 2),
                (1, 2),
                (2, 2),
                (0, 4),
                (0, 4),
            ],
        );
        assert_eq!(s.ids(0), [2, 4]);
        assert_eq!(s.ids(1), [0, 2]);
        assert_eq!(s.ids(2), [2]);
        assert_eq!(s.ids(4), [] as [u32; 0]);
        assert_eq!(s.ids(u32::MAX), [] as [u32; 0]);
    }

    /// The automaton is built in prefix order, not list order: each match
    /// must still name the form it matched, and that form its entries.
    #[test]
    fn matches_name_their_own_entries_whatever_the_build_order() {
        let names = [
            "Zodiac",
            "Yi Yi",
            "Xala",
            "Wadjda",
            "Vertigo",
            "Ugetsu",
            "Tabu",
            "Stalker",
            "Rashomon",
            "Persona",
            "Ordet",
            "Nashville",
            "Metropolis",
            "Le Samouraï",
        ];
        let mut list: String = names.iter().map(|n| format!("{n}\n")).collect();
        list.push_str("Stalker Redux | Tabu\n");
        let g = GazetteerBuilder::new()
            .add_str("films.txt", &list)
            .unwrap()
            .build()
            .unwrap();
        let text = names.join(", ");
        let mut out = Vec::new();
        g.find_into(&text, &mut out);
        assert_eq!(out.len(), names.len());
        for m in &out {
            let found = &text[m.span.range()];
            let ids = g.entries_of(m.surface);
            let named: Vec<&str> = ids.iter().map(|&i| g.name(i)).collect();
            if found == "Tabu" {
                assert_eq!(named, ["Tabu", "Stalker Redux"]);
            } else {
                assert_eq!(named, [found]);
            }
        }
    }

    #[test]
    fn the_first_bad_line_of_a_long_list_is_reported() {
        // Long enough to be parsed in parallel chunks.
        let mut text = String::new();
        for i in 1..=10_000 {
            match i {
                5_001 => text.push_str("Broken ; priority=high\n"),
                9_000 => text.push_str("Also broken ; color=red\n"),
                _ => text.push_str(&format!("Film Number {i}\n")),
            }
        }
        let err = GazetteerBuilder::new()
            .add_str("films-long.txt", &text)
            .map(|_| ())
            .expect_err("a malformed line is an error");
        let msg = err.to_string();
        assert!(msg.contains("films-long.txt:5001"), "{msg}");
        assert!(msg.contains("priority must be an integer"), "{msg}");
        let ok = text
            .replace("Broken ; priority=high", "Fixed")
            .replace("Also broken ; color=red", "Fine");
        let g = GazetteerBuilder::new()
            .add_str("films-long.txt", &ok)
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(g.entries().len(), 10_000);
        assert_eq!(g.name(5_000), "Fixed");
        assert_eq!(g.id(5_000), "film:fixed");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Akan Satayev"), "akan-satayev");
        assert_eq!(slug("Leila's Prayer"), "leilas-prayer");
        assert_eq!(slug("Nomad: The Warriors"), "nomad-the-warriors");
        assert_eq!(slug("Месть"), "месть");
    }

    #[test]
    fn embedded_lists_parse() {
        let g = Gazetteer::embedded().unwrap();
        assert!(g.files().iter().all(|f| !f.starts_with("lexicon/")));
    }
}
