//! Invariants of the whole pipeline on generated articles: text with
//! injected noise (tickers, caption shortcodes, citation markers, photo
//! credits), Unicode (combining marks, emoji, RTL, Cyrillic), quotes, and
//! random small gazetteers; and on arbitrary bytes.
//!
//! For every record: each entity spells its own raw bytes and lies on char
//! boundaries; entities overlap neither each other nor any noise range;
//! `char_start`/`char_end` count the chars of the lossy decoding; sentences
//! are non-empty, in order, non-overlapping and within bounds.

use kinex::gazetteer::GazetteerBuilder;
use kinex::pipeline::{Doc, Pipeline, Worker};
use kinex::record::Record;
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::sync::OnceLock;

fn embedded() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::embedded().expect("embedded gazetteers"))
}

/// Byte offsets that start a char of the lossy decoding, plus the end.
fn boundaries(raw: &[u8]) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    let mut pos = 0;
    for chunk in raw.utf8_chunks() {
        for (i, _) in chunk.valid().char_indices() {
            out.insert(pos + i);
        }
        pos += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            out.insert(pos);
            pos += chunk.invalid().len();
        }
    }
    out.insert(raw.len());
    out
}

fn check(raw: &[u8], rec: &Record) -> Result<(), TestCaseError> {
    prop_assert_eq!(rec.bytes, raw.len());
    let bounds = boundaries(raw);
    let mut prev_noise = 0;
    for n in &rec.noise {
        prop_assert!(n.start < n.end && n.end <= raw.len(), "noise {:?}", n);
        prop_assert!(n.start >= prev_noise, "noise out of order: {:?}", n);
        prop_assert!(
            bounds.contains(&n.start) && bounds.contains(&n.end),
            "noise off char boundary: {:?}",
            n
        );
        prev_noise = n.end;
    }
    let mut prev = 0;
    for s in &rec.sentences {
        prop_assert!(s.start < s.end, "empty sentence {:?}", s);
        prop_assert!(
            s.start >= prev,
            "sentence out of order or overlapping: {:?}",
            s
        );
        prop_assert!(s.end <= raw.len(), "sentence out of bounds: {:?}", s);
        prev = s.end;
    }
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for e in &rec.entities {
        let bytes = raw.get(e.start..e.end);
        prop_assert_eq!(bytes, Some(e.text.as_bytes()), "entity {:?}", e);
        prop_assert!(e.start < e.end, "empty entity {:?}", e);
        prop_assert!(
            bounds.contains(&e.start) && bounds.contains(&e.end),
            "entity off char boundary: {:?}",
            e
        );
        for n in &rec.noise {
            prop_assert!(
                e.end <= n.start || e.start >= n.end,
                "entity {:?} overlaps noise {:?}",
                e,
                n
            );
        }
        let cs = String::from_utf8_lossy(&raw[..e.start]).chars().count();
        let ce = String::from_utf8_lossy(&raw[..e.end]).chars().count();
        prop_assert_eq!(
            (e.char_start, e.char_end),
            (cs, ce),
            "char offsets of {:?}",
            e
        );
        if !rec.sentences.is_empty() {
            // The sentence an entity starts in; one starting between two
            // sentences belongs to the next (the last, after them all).
            let want = rec
                .sentences
                .partition_point(|s| s.end <= e.start)
                .min(rec.sentences.len() - 1);
            prop_assert_eq!(e.sentence, want, "sentence index of {:?}", e);
            if let Some(k) = rec
                .sentences
                .iter()
                .position(|s| s.start <= e.start && e.start < s.end)
            {
                prop_assert_eq!(e.sentence, k, "sentence holding {:?}", e);
            }
        }
        spans.push((e.start, e.end));
    }
    spans.sort_unstable();
    for w in spans.windows(2) {
        prop_assert!(
            w[0].1 <= w[1].0,
            "entities overlap: {:?} and {:?}",
            w[0],
            w[1]
        );
    }
    // Each entity is a mention of exactly one resolved entity, which
    // shares its id and type; the lists ascend, the resolved entities come
    // in order of their first mention, and each is named by its first
    // longest mention.
    let mut seen = vec![0usize; rec.entities.len()];
    let mut firsts = Vec::new();
    for r in &rec.resolved {
        prop_assert!(!r.mentions.is_empty(), "{:?} has no mention", r.id);
        prop_assert!(r.mentions.windows(2).all(|w| w[0] < w[1]), "{:?}", r);
        for &m in &r.mentions {
            prop_assert!(m < rec.entities.len());
            seen[m] += 1;
            prop_assert_eq!(&rec.entities[m].id, &r.id);
            prop_assert_eq!(rec.entities[m].ty, r.ty);
        }
        let chars = |m: usize| rec.entities[m].text.chars().count();
        let longest = r.mentions.iter().map(|&m| chars(m)).max();
        let name = r.mentions.iter().find(|&&m| Some(chars(m)) == longest);
        prop_assert_eq!(Some(&r.name), name.map(|&m| &rec.entities[m].text));
        firsts.push(r.mentions[0]);
    }
    prop_assert!(seen.iter().all(|&n| n == 1), "mention counts {:?}", seen);
    prop_assert!(firsts.windows(2).all(|w| w[0] < w[1]), "{:?}", firsts);
    // The record always serializes.
    prop_assert!(serde_json::to_string(rec).is_ok());
    Ok(())
}

/// Names the generated text and the generated gazetteers share.
const NAMES: &[&str] = &[
    "Road to Mother",
    "Akan Satayev",
    "Tomiris",
    "Golden Globe",
    "Abai",
    "Гульмира",
    "Ақан Сатаев",
    "Amélie",
    "Ame\u{301}lie",
    "Kelin",
    "The Road",
    "Dr. No",
    "O'Brien",
    "Sergey Dvortsevoy",
    "Busan International Film Festival",
    "Cannes",
    "שלום",
    "مرحبا",
    "Star 🌟 Wars",
];

fn atom() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        // Prose pieces the rules care about.
        "The",
        "film",
        "director",
        "drama",
        "premiered",
        "at",
        "the",
        "festival",
        "in",
        "on",
        "Jan. 14",
        "January 14, 2024",
        "last year",
        "2019",
        "May",
        "said",
        "Mr.",
        "Dr.",
        "U.S.",
        "by",
        "starring",
        "won",
        "award",
        "Best Film",
        "Festival",
        "movie",
        "’s",
        "'s",
        // Punctuation and quotes.
        ".",
        ",",
        "!",
        "?",
        "…",
        ":",
        ";",
        "—",
        "-",
        "(",
        ")",
        "“",
        "”",
        "\"",
        "'",
        "‘",
        "’",
        "«",
        "»",
        "„",
        "[",
        "]",
        // Whitespace.
        " ",
        " ",
        " ",
        "\n",
        "\n\n",
        "\r\n",
        "\t",
        "\u{a0}",
        "\u{2028}",
        // Unicode: combining marks, emoji, RTL, Cyrillic, CJK.
        "\u{301}",
        "\u{308}",
        "e\u{301}",
        "👍🏽",
        "👨‍👩‍👧",
        "🎬",
        "\u{200f}",
        "\u{202e}",
        "עברית",
        "العربية",
        "Кино",
        "фильм",
        "Қазақстан",
        "映画",
        "\u{feff}",
        "\u{fffd}",
        // Noise, inline and as whole lines.
        "[12]",
        "[4][5]",
        "[a]",
        "[citation needed]",
        "[edit]",
        "[caption id=\"x\" width=\"300\"] Still from Tomiris[/caption]",
        "[/caption]",
        "[+see also: film profile]",
        "\n• KZT/USD = 0.00202 0%\n",
        "\n$1 – 12724.84\n",
        "\nEUR 512.30 +0.4%\n",
        "\nPhoto credit: Kazinform\n",
        "\nPhoto credit:\n",
        "\nImage: VCG\n",
        "\nScreenshot from the movie “Kelin.” Photo credit: AP\n",
        "\nSubscribe to our newsletter\n",
        "\nShare\n",
        "\nposter.jpg\n",
        "null",
        "\nReferences\n  1. ^ a b \"Ref\". 2014.\n",
        "\nDirected bySergey Dvortsevoy\nStarringSamal Yeslyamova\n",
        "\nLast update: April 19, 2024\n",
        "\nby\n",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        6 => fixed,
        2 => prop::sample::select(NAMES).prop_map(str::to_string),
        1 => prop::sample::select(NAMES).prop_map(|n| format!("“{n}”")),
        1 => "[A-Za-zА-я]{1,8}",
        1 => any::<char>().prop_map(String::from),
    ]
}

fn article() -> impl Strategy<Value = String> {
    prop::collection::vec(atom(), 0..60).prop_map(|v| {
        // Mostly space-separated words, like prose.
        let mut s = String::new();
        for (i, a) in v.iter().enumerate() {
            if i > 0 && i % 3 != 0 {
                s.push(' ');
            }
            s.push_str(a);
        }
        s
    })
}

/// An article with a few bytes replaced by invalid UTF-8 and NUL-free junk.
fn corrupted() -> impl Strategy<Value = Vec<u8>> {
    (
        article(),
        prop::collection::vec((any::<prop::sample::Index>(), 0x80u8..=0xff), 0..6),
    )
        .prop_map(|(a, bad)| {
            let mut raw = a.into_bytes();
            for (at, b) in bad {
                if !raw.is_empty() {
                    let i = at.index(raw.len());
                    raw[i] = b;
                }
            }
            raw
        })
}

/// A small gazetteer file of `kind`'s names: some shared names with
/// aliases and options.
fn gazetteer_file(kind: &'static str) -> impl Strategy<Value = String> {
    let line = (
        prop::sample::select(NAMES),
        prop::collection::vec(prop::sample::select(NAMES), 0..3),
        prop::sample::select(vec![
            "",
            " ; context=required",
            " ; priority=5",
            " ; type=person",
            " ; type=none",
            " ; type=festival ; priority=-1",
            " ; id=KIND:x",
            " ; type=festival ; id=festival:x",
        ]),
    )
        .prop_map(move |(name, aliases, opts)| {
            let mut l = name.to_string();
            for a in aliases {
                l.push_str(" | ");
                l.push_str(a);
            }
            l.push_str(&opts.replace("KIND", kind));
            l
        });
    prop::collection::vec(line, 0..8).prop_map(|v| v.join("\n"))
}

fn pipeline_with(films: &str, persons: &str) -> Pipeline {
    let g = GazetteerBuilder::new()
        .add_embedded(false)
        .expect("lexicons")
        .add_str("films-x.txt", films)
        .expect("generated film list parses")
        .add_str("persons-x.txt", persons)
        .expect("generated person list parses")
        .build()
        .expect("gazetteer builds");
    Pipeline::new(g)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn invariants_on_generated_articles(text in article()) {
        let rec = embedded().extract("a.txt", text.as_bytes(), None, &mut Worker::new());
        check(text.as_bytes(), &rec)?;
    }

    #[test]
    fn invariants_on_corrupted_articles(raw in corrupted()) {
        let rec = embedded().extract("a.txt", &raw, None, &mut Worker::new());
        check(&raw, &rec)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(raw in prop::collection::vec(any::<u8>(), 0..512)) {
        let rec = embedded().extract("a.txt", &raw, None, &mut Worker::new());
        check(&raw, &rec)?;
    }

    #[test]
    fn arbitrary_unicode_never_panics(text in any::<String>()) {
        let rec = embedded().extract("a.txt", text.as_bytes(), None, &mut Worker::new());
        check(text.as_bytes(), &rec)?;
    }

    /// What the batch runner writes (the borrowed record's own writer) is
    /// the owned record's JSON, byte for byte.
    #[test]
    fn written_json_is_the_records_json(a in article(), b in corrupted()) {
        let p = embedded();
        let mut w = Worker::new();
        for (doc, raw) in [("a \"1\".txt", a.as_bytes()), ("b\\c", &b[..])] {
            for date in [None, Some(jiff::civil::date(2026, 2, 7))] {
                let mut json = Vec::new();
                p.extract_ref(doc, raw, date, &mut w).write_json(&mut json).unwrap();
                let owned = p.extract(doc, raw, date, &mut w);
                prop_assert_eq!(
                    String::from_utf8(json).unwrap(),
                    serde_json::to_string(&owned).unwrap()
                );
            }
        }
    }

    /// A batch gives each document the record it gets on its own, in
    /// order, with its own date; one worker runs batches of changing
    /// sizes (its buffers kept, given back, or grown between them).
    #[test]
    fn a_batch_gives_each_document_its_own_record(
        texts in prop::collection::vec(article(), 0..6),
        bad in corrupted(),
        cut in 0usize..7,
    ) {
        let p = embedded();
        let date = Some(jiff::civil::date(2026, 2, 7));
        let mut raws: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
        raws.insert(raws.len() / 2, &bad);
        let docs: Vec<Doc> = raws
            .iter()
            .enumerate()
            .map(|(i, raw)| Doc { name: "d", raw, date: (i % 2 == 1).then_some(date).flatten() })
            .collect();
        let want: Vec<String> = docs
            .iter()
            .map(|d| serde_json::to_string(&p.extract(d.name, d.raw, d.date, &mut Worker::new())).unwrap())
            .collect();
        let mut w = Worker::new();
        let cut = cut.min(docs.len());
        for (at, part) in [(0, &docs[..]), (0, &docs[..cut]), (cut, &docs[cut..]), (0, &docs[..])] {
            let mut got = Vec::new();
            p.extract_batch(part, &mut w, |i, rec| {
                let mut json = Vec::new();
                rec.write_json(&mut json).unwrap();
                got.push((i, String::from_utf8(json).unwrap()));
            });
            prop_assert_eq!(got.len(), part.len());
            for (i, json) in got {
                prop_assert_eq!(&json, &want[at + i]);
            }
        }
    }

    #[test]
    fn a_reused_worker_gives_the_same_record(a in article(), b in corrupted()) {
        let p = embedded();
        let mut w = Worker::new();
        let first = p.extract("b", &b, None, &mut w);
        let _ = p.extract("a", a.as_bytes(), None, &mut w);
        prop_assert_eq!(p.extract("b", &b, None, &mut w), first);
    }
}

proptest! {
    // Each case builds a pipeline: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn invariants_with_random_gazetteers(
        films in gazetteer_file("film"),
        persons in gazetteer_file("person"),
        texts in prop::collection::vec(corrupted(), 1..6),
    ) {
        let p = pipeline_with(&films, &persons);
        let mut w = Worker::new();
        for raw in &texts {
            let rec = p.extract("a.txt", raw, None, &mut w);
            check(raw, &rec)?;
        }
    }
}

/// A worker carries its memos from pipeline to pipeline: each pipeline
/// must still get its own lexicons' answers, as with a fresh worker. The
/// two pipelines differ only in their role words, which the rules read
/// through the worker's per-word memo.
#[test]
fn a_worker_shared_by_two_pipelines_gives_each_its_own_records() {
    let with_roles = |roles: &'static str| {
        Pipeline::build(move || {
            let mut b = GazetteerBuilder::new();
            b.add_str("lexicon/role-words.txt", roles)?;
            b.build()
        })
        .unwrap()
    };
    let (digger, producer) = (with_roles("gravedigger\n"), with_roles("producer\n"));
    let raw = b"A portrait of the gravedigger Aslan Kadyrov. Kadyrov left.";
    let fresh = [
        digger.extract("a.txt", raw, None, &mut Worker::new()),
        producer.extract("a.txt", raw, None, &mut Worker::new()),
    ];
    assert_ne!(fresh[0], fresh[1], "the role word should matter here");
    let mut w = Worker::new();
    for round in 0..2 {
        assert_eq!(
            digger.extract("a.txt", raw, None, &mut w),
            fresh[0],
            "round {round}"
        );
        assert_eq!(
            producer.extract("a.txt", raw, None, &mut w),
            fresh[1],
            "round {round}"
        );
    }
}
