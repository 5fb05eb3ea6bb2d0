//! Synthetic corpora for benchmarks: realistic articles and large
//! gazetteers, generated deterministically from a seed.
//!
//! [`Generator`] recombines the paragraphs of the sample articles (shipped
//! in the crate, `samples/*.txt`) with typical noise lines (tickers, photo
//! credits, share footers, shortcodes, citation markers), and replaces the
//! film and person names it finds in them with other names from the
//! gazetteer, so every article is new text with the entity density of the
//! samples. Document sizes are log-uniform between 1 KB and 200 KB.
//! [`write_corpus`] writes such articles into nested folders (`kinex
//! gen-corpus`); [`write_gazetteer`] writes a gazetteer of any number of
//! made-up, distinct film and person names (`kinex gen-gazetteer`).
//! Guarantees: the same seed, gazetteer and samples give byte-identical
//! output; no randomness comes from anywhere else.

use crate::gazetteer::Gazetteer;
use crate::span::EntityType;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The sample articles the generator recombines.
pub const SAMPLES: &[&str] = &[
    include_str!("../samples/000_069fca47c7a4c679.txt"),
    include_str!("../samples/001_8942f174498facab.txt"),
    include_str!("../samples/002_15ce26942183d280.txt"),
    include_str!("../samples/003_21761e4a98f6f9c1.txt"),
    include_str!("../samples/004_e3a89e26f3b760f5.txt"),
];

/// Smallest and largest generated document, in bytes.
pub const MIN_DOC: usize = 1_000;
pub const MAX_DOC: usize = 200_000;

/// SplitMix64: small, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Slot(EntityType),
}

/// A paragraph with its film and person names cut out as slots.
#[derive(Debug, Clone)]
struct Para {
    pieces: Vec<Piece>,
    len: usize,
}

const CURRENCIES: &[&str] = &["KGS", "KZT", "TJS", "UZS", "TMT", "RUB", "EUR", "CNY"];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const CITIES: &[&str] = &[
    "ASTANA", "ALMATY", "BISHKEK", "TASHKENT", "DUSHANBE", "MOSCOW", "BERLIN", "CANNES",
];
const AGENCIES: &[&str] = &[
    "Kazinform",
    "Kazakhfilm",
    "the film's press office",
    "Astana Times",
    "Shutterstock",
    "the festival",
];

/// Makes articles one at a time.
#[derive(Debug, Clone)]
pub struct Generator {
    rng: Rng,
    pool: Vec<Para>,
    headlines: Vec<usize>,
    films: Vec<String>,
    persons: Vec<String>,
}

impl Generator {
    /// A generator over the shipped samples and `gaz`'s names.
    pub fn new(gaz: &Gazetteer, seed: u64) -> Self {
        Self::with_samples(gaz, SAMPLES, seed)
    }

    /// A generator over the given sample texts.
    pub fn with_samples(gaz: &Gazetteer, samples: &[&str], seed: u64) -> Self {
        let mut films = Vec::new();
        let mut persons = Vec::new();
        for (e, i) in gaz.entries().iter().zip(0u32..) {
            let name = gaz.name(i);
            if e.context_required || name.contains(['\n', '\r']) {
                continue;
            }
            match e.ty {
                Some(EntityType::Film) => films.push(name.to_string()),
                Some(EntityType::Person) => persons.push(name.to_string()),
                _ => {}
            }
        }
        let mut seen = std::collections::HashSet::new();
        let mut pool = Vec::new();
        let mut found = Vec::new();
        for s in samples {
            for line in s.lines() {
                let line = line.trim_end_matches('\r');
                if line.trim().is_empty() || !seen.insert(line) {
                    continue;
                }
                found.clear();
                gaz.find_into(line, &mut found);
                let mut pieces = Vec::new();
                let mut at = 0;
                for m in &found {
                    let ids = gaz.entries_of(m.surface);
                    let tys: Vec<Option<EntityType>> =
                        ids.iter().map(|&i| gaz.entries()[i as usize].ty).collect();
                    let ty = match tys.first() {
                        Some(Some(t @ (EntityType::Film | EntityType::Person)))
                            if tys.iter().all(|x| *x == Some(*t))
                                && !ids
                                    .iter()
                                    .any(|&i| gaz.entries()[i as usize].context_required) =>
                        {
                            *t
                        }
                        _ => continue,
                    };
                    if (ty == EntityType::Film && films.is_empty())
                        || (ty == EntityType::Person && persons.is_empty())
                    {
                        continue;
                    }
                    pieces.push(Piece::Text(line[at..m.span.start].to_string()));
                    pieces.push(Piece::Slot(ty));
                    at = m.span.end;
                }
                pieces.push(Piece::Text(line[at..].to_string()));
                pool.push(Para {
                    pieces,
                    len: line.len(),
                });
            }
        }
        if pool.is_empty() {
            pool.push(Para {
                pieces: vec![Piece::Text("The film premiered on May 5, 2024.".into())],
                len: 34,
            });
        }
        let mut headlines: Vec<usize> = (0..pool.len())
            .filter(|&i| {
                let p = &pool[i];
                let first = match p.pieces.first() {
                    Some(Piece::Text(t)) => t.chars().next(),
                    _ => Some('A'),
                };
                p.len >= 20
                    && p.len <= 120
                    && p.pieces.len() > 1
                    && first.is_some_and(char::is_uppercase)
            })
            .collect();
        if headlines.is_empty() {
            headlines.push(0);
        }
        Self {
            rng: Rng::new(seed),
            pool,
            headlines,
            films,
            persons,
        }
    }

    fn push_para(&mut self, i: usize, out: &mut String) {
        let para = &self.pool[i];
        for p in &para.pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Slot(EntityType::Film) => {
                    out.push_str(&self.films[self.rng.below(self.films.len())])
                }
                Piece::Slot(_) => out.push_str(&self.persons[self.rng.below(self.persons.len())]),
            }
        }
    }

    fn noise_line(&mut self, out: &mut String) {
        let r = &mut self.rng;
        let line = match r.below(9) {
            0 => {
                // A block of market tickers.
                let n = 1 + r.below(6);
                let mut s = String::new();
                for k in 0..n {
                    if k > 0 {
                        s.push('\n');
                    }
                    let c = *r.pick(CURRENCIES);
                    s.push_str(&format!(
                        "  • {c}/USD = 0.{:05} {}%",
                        r.below(100_000),
                        r.below(3)
                    ));
                }
                s
            }
            1 => format!("Photo credit: {}", r.pick(AGENCIES)),
            2 => "Share this article".to_string(),
            3 => format!("Viewing results 1 - {} of {}", 2 + r.below(8), 10 + r.below(90)),
            4 => format!(
                "Last update: {} {}, 20{:02}",
                r.pick(MONTHS),
                1 + r.below(28),
                10 + r.below(16)
            ),
            5 => format!(
                "[caption id=\"attachment_{}\" align=\"aligncenter\" width=\"800\"]Screenshot from the film. Photo credit: {}[/caption]",
                r.below(1_000_000),
                r.pick(AGENCIES)
            ),
            6 => "Follow us on Twitter, Facebook, Instagram and Telegram".to_string(),
            7 => format!("IMG_{:04}.jpg", r.below(10_000)),
            _ => "Read more:".to_string(),
        };
        out.push_str(&line);
    }

    /// The next article (always valid UTF-8).
    pub fn next_doc(&mut self) -> String {
        let lo = (MIN_DOC as f64).ln();
        let hi = (MAX_DOC as f64).ln();
        let target = (lo + self.rng.unit() * (hi - lo)).exp() as usize;
        let mut out = String::with_capacity(target + 4096);
        let h = *self.rng.pick(&self.headlines);
        self.push_para(h, &mut out);
        out.push_str("\n\n");
        if self.rng.chance(0.5) {
            let d = format!(
                "{:02} {} 20{:02}\n\n",
                1 + self.rng.below(28),
                self.rng.pick(MONTHS),
                10 + self.rng.below(16)
            );
            out.push_str(&d);
        }
        if self.rng.chance(0.3) {
            let c = *self.rng.pick(CITIES);
            out.push_str(c);
            out.push_str(" – ");
        }
        while out.len() < target {
            let before = out.len();
            if self.rng.chance(0.12) {
                self.noise_line(&mut out);
            } else {
                let i = self.rng.below(self.pool.len());
                // Stop rather than overshoot a small target by a long
                // paragraph.
                if before >= MIN_DOC && before + self.pool[i].len > target + target / 4 {
                    break;
                }
                self.push_para(i, &mut out);
                if self.rng.chance(0.05) {
                    let n = 1 + self.rng.below(40);
                    out.push_str(&format!("[{n}]"));
                }
            }
            if out.len() > MAX_DOC && before > MIN_DOC {
                out.truncate(before);
                break;
            }
            out.push_str(if self.rng.chance(0.8) { "\n\n" } else { "\n" });
        }
        out
    }
}

/// What a generator run wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub documents: u64,
    pub bytes: u64,
}

/// The relative path of document `i`: 1000 documents per top folder, 100
/// per subfolder.
pub fn doc_path(i: u64) -> PathBuf {
    PathBuf::from(format!("{:03}", i / 1000))
        .join(format!("{:02}", (i / 100) % 10))
        .join(format!("doc-{i:07}.txt"))
}

/// Articles in memory, about `bytes` in all: `(name, text)` pairs, the name
/// being [`doc_path`]. For benchmarks.
pub fn docs(gaz: &Gazetteer, seed: u64, bytes: u64) -> Vec<(String, String)> {
    let mut g = Generator::new(gaz, seed);
    let mut out = Vec::new();
    let mut total = 0u64;
    let mut i = 0u64;
    while total < bytes {
        let d = g.next_doc();
        total += d.len() as u64;
        out.push((doc_path(i).to_string_lossy().into_owned(), d));
        i += 1;
    }
    out
}

/// Writes articles under `dir` until `bytes` bytes are written.
pub fn write_corpus(dir: &Path, bytes: u64, seed: u64, gaz: &Gazetteer) -> io::Result<Written> {
    let mut g = Generator::new(gaz, seed);
    let mut w = Written::default();
    while w.bytes < bytes {
        let path = dir.join(doc_path(w.documents));
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        let d = g.next_doc();
        fs::write(&path, d.as_bytes())?;
        w.documents += 1;
        w.bytes += d.len() as u64;
    }
    Ok(w)
}

const GIVEN: &[&str] = &[
    "Aigerim", "Aliya", "Arman", "Asel", "Bakhyt", "Dana", "Daniyar", "Dinara", "Ermek", "Gulnara",
    "Kairat", "Madina", "Nurlan", "Olzhas", "Saule", "Timur", "Zhanna", "Yerlan", "Anna", "Boris",
    "Elena", "Ivan", "Maria", "Pavel", "Sofia", "Viktor", "James", "Claire", "Pierre", "Lucia",
];
const SYLLABLES: &[&str] = &[
    "ba", "be", "bo", "da", "de", "ka", "ke", "ko", "la", "li", "ma", "mi", "na", "no", "ra", "ri",
    "sa", "se", "ta", "ti", "za", "zhan", "bek", "tur", "gul", "nur", "ser", "yer", "al", "an",
    "as", "or",
];
const SURNAME_ENDS: &[&str] = &[
    "ov", "ova", "bekov", "bayeva", "enko", "in", "ina", "uly", "kyzy",
];
const TITLE_WORDS: &[&str] = &[
    "Silent", "River", "Steppe", "Night", "Winter", "Mother", "Road", "Wind", "Song", "Horse",
    "Garden", "Mountain", "Last", "Red", "Golden", "Shadow", "Summer", "Sea", "City", "Bride",
    "Falcon", "Dream", "Stone", "Light", "Border", "Train", "Apple", "Echo", "Sky", "House", "Ash",
    "Salt",
];

fn syllable_word(mut n: u64, min: usize) -> String {
    let mut s = String::new();
    let mut k = 0;
    while n > 0 || k < min {
        s.push_str(SYLLABLES[(n % SYLLABLES.len() as u64) as usize]);
        n /= SYLLABLES.len() as u64;
        k += 1;
    }
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Person name `i`: distinct for distinct `i`.
pub fn person_name(i: u64) -> String {
    let g = GIVEN[(i % GIVEN.len() as u64) as usize];
    let rest = i / GIVEN.len() as u64;
    let end = SURNAME_ENDS[(rest % SURNAME_ENDS.len() as u64) as usize];
    let stem = syllable_word(rest / SURNAME_ENDS.len() as u64, 2);
    format!("{g} {stem}{end}")
}

/// Film title `i`: distinct for distinct `i`.
pub fn film_title(i: u64) -> String {
    let a = TITLE_WORDS[(i % TITLE_WORDS.len() as u64) as usize];
    let rest = i / TITLE_WORDS.len() as u64;
    let b = TITLE_WORDS[(rest % TITLE_WORDS.len() as u64) as usize];
    let c = syllable_word(rest / TITLE_WORDS.len() as u64, 1);
    format!("The {a} {b} of {c}")
}

/// Writes a gazetteer of `entries` made-up names into `dir`: half films
/// (`films-generated.txt`), half persons (`persons-generated.txt`), one in
/// ten with an alias.
pub fn write_gazetteer(dir: &Path, entries: u64) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let films = entries / 2;
    write_list(
        &dir.join("films-generated.txt"),
        &format!("{films} made-up titles"),
        (0..films).map(film_title),
        |t| t.to_uppercase(),
    )?;
    write_list(
        &dir.join("persons-generated.txt"),
        &format!("{} made-up names", entries - films),
        (0..entries - films).map(person_name),
        |n| n.replace(' ', "-"),
    )
}

/// One generated list: a header, then a name a line, every tenth with the
/// alias `alias` makes of it.
fn write_list(
    path: &Path,
    what: &str,
    names: impl Iterator<Item = String>,
    alias: impl Fn(&str) -> String,
) -> io::Result<()> {
    let mut f = BufWriter::new(fs::File::create(path)?);
    writeln!(f, "# generated by kinex gen-gazetteer: {what}")?;
    for (i, n) in names.enumerate() {
        if i % 10 == 0 {
            writeln!(f, "{n} | {}", alias(&n))?;
        } else {
            writeln!(f, "{n}")?;
        }
    }
    f.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_articles() {
        let g = Gazetteer::embedded().unwrap();
        let a = docs(&g, 7, 300_000);
        let b = docs(&g, 7, 300_000);
        assert_eq!(a, b);
        let c = docs(&g, 8, 300_000);
        assert_ne!(a, c);
        for (_, d) in &a {
            assert!(d.len() <= MAX_DOC, "{}", d.len());
        }
    }

    #[test]
    fn generated_names_are_distinct() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..50_000 {
            assert!(seen.insert(person_name(i)), "person {i}");
            assert!(seen.insert(film_title(i)), "film {i}");
        }
    }
}
