//! Stage 4, emit: the JSON record of one document.
//!
//! Takes what the earlier stages found, already in raw coordinates; gives
//! the serde types that are written as one JSON line per document. The
//! JSON Schema of a record ships with the crate as
//! `schema/record.schema.json` ([`SCHEMA`]).
//!
//! # Format
//!
//! ```text
//! {"doc": "a.txt", "bytes": 3526, "date": "2026-02-07", "date_source": "dateline",
//!  "noise": [{"start": 120, "end": 133, "kind": "credit"}],
//!  "sentences": [{"start": 0, "end": 64}],
//!  "entities": [{"type": "film", "text": "Gulmira", "start": 1630, "end": 1637,
//!    "char_start": 1598, "char_end": 1605, "sentence": 9,
//!    "source": "pattern:quoted-title", "value": null, "id": "film:gulmira"}],
//!  "resolved": [{"id": "film:gulmira", "type": "film", "name": "Gulmira", "mentions": [0]}]}
//! ```
//!
//! Every `start`/`end` is a half-open byte offset into the raw input, and
//! `raw[start..end] == text` for every entity. `char_start`/`char_end` are
//! the same span counted in Unicode scalar values of the raw text decoded
//! as `String::from_utf8_lossy` would (one U+FFFD per invalid sequence).
//! A document that cannot be read is an error record instead:
//! `{"doc": "bad.txt", "error": "looks like a binary file …"}`.
//!
//! [`Record`] owns its strings; [`RecordRef`] is the same record borrowed
//! from the raw text and the pipeline's scratch space, which the batch
//! runner serializes so that no name is copied into a string of its own.
//! Both serialize to the same JSON.

use crate::span::{EntityType, Noise, RawSpan};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// The JSON Schema (draft 2020-12) every record validates against.
pub const SCHEMA: &str = include_str!("../schema/record.schema.json");

/// Where the document date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateSource {
    /// The article's own dateline.
    Dateline,
    /// `--date` or the JSONL `date` field.
    Given,
}

/// One extracted mention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    #[serde(rename = "type")]
    pub ty: EntityType,
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
    /// Index into the record's `sentences`.
    pub sentence: usize,
    /// `gazetteer:<file>`, `pattern:<rule>` or `resolved:<rule>`.
    pub source: String,
    /// The normalized TIMEX3 value of a date; null for other types.
    pub value: Option<String>,
    /// Canonical id shared by every mention of the same entity.
    pub id: String,
}

/// A distinct entity and the indices of its mentions in `entities`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolved {
    pub id: String,
    #[serde(rename = "type")]
    pub ty: EntityType,
    /// The fullest form of its name in the document.
    pub name: String,
    pub mentions: Vec<usize>,
}

/// The record of one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub doc: String,
    pub bytes: usize,
    /// The document date, `YYYY-MM-DD`.
    pub date: Option<String>,
    pub date_source: Option<DateSource>,
    pub noise: Vec<Noise>,
    pub sentences: Vec<RawSpan>,
    pub entities: Vec<Entity>,
    pub resolved: Vec<Resolved>,
}

/// The record of a document that could not be processed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorRecord {
    pub doc: String,
    pub error: String,
}

/// A [`Record`] borrowed from the document's raw bytes and the pipeline's
/// scratch space ([`crate::pipeline::Pipeline::extract_ref`]). It
/// serializes to the same JSON as its [`to_record`](Self::to_record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordRef<'a> {
    pub doc: &'a str,
    pub bytes: usize,
    #[serde(serialize_with = "date_str")]
    pub date: Option<jiff::civil::Date>,
    pub date_source: Option<DateSource>,
    pub noise: &'a [Noise],
    pub sentences: &'a [RawSpan],
    pub entities: Vec<EntityRef<'a>>,
    pub resolved: Vec<ResolvedRef<'a>>,
}

/// An [`Entity`] whose strings are borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EntityRef<'a> {
    #[serde(rename = "type")]
    pub ty: EntityType,
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
    pub sentence: usize,
    pub source: SourceName<'a>,
    pub value: Option<&'a str>,
    pub id: &'a str,
}

/// A [`Resolved`] whose strings and mention list are borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ResolvedRef<'a> {
    pub id: &'a str,
    #[serde(rename = "type")]
    pub ty: EntityType,
    pub name: &'a str,
    pub mentions: &'a [usize],
}

/// An entity's `source`, `<kind>:<name>`, written without being joined
/// into a string first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceName<'a> {
    /// `gazetteer`, `pattern` or `resolved`.
    pub kind: &'static str,
    /// The gazetteer file or the rule.
    pub name: &'a str,
}

impl fmt::Display for SourceName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.name)
    }
}

impl SourceName<'_> {
    /// Writes the JSON string `"<kind>:<name>"` that `Serialize` writes,
    /// without the formatting machinery `collect_str` runs for every
    /// entity: the name escaped by serde_json, the kind (a plain word)
    /// put in after its opening quote.
    fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        if !self.kind.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return serde_json::to_writer(out, self);
        }
        if needs_escape(self.name) {
            let at = out.len() + 1;
            serde_json::to_writer(&mut *out, self.name)?;
            out.splice(at..at, self.kind.bytes().chain([b':']));
        } else {
            out.push(b'"');
            out.extend_from_slice(self.kind.as_bytes());
            out.push(b':');
            out.extend_from_slice(self.name.as_bytes());
            out.push(b'"');
        }
        Ok(())
    }
}

impl Serialize for SourceName<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `YYYY-MM-DD`, as `Date`'s `Display` writes it, or null.
fn date_str<S: Serializer>(d: &Option<jiff::civil::Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

impl RecordRef<'_> {
    /// The owned record.
    pub fn to_record(&self) -> Record {
        Record {
            doc: self.doc.to_owned(),
            bytes: self.bytes,
            date: self.date.map(|d| d.to_string()),
            date_source: self.date_source,
            noise: self.noise.to_vec(),
            sentences: self.sentences.to_vec(),
            entities: self.entities.iter().map(EntityRef::to_entity).collect(),
            resolved: self
                .resolved
                .iter()
                .map(|r| Resolved {
                    id: r.id.to_owned(),
                    ty: r.ty,
                    name: r.name.to_owned(),
                    mentions: r.mentions.to_vec(),
                })
                .collect(),
        }
    }
}

impl RecordRef<'_> {
    /// Appends the record's JSON to `out`: the bytes `serde_json` writes
    /// for it, without serde's work per key. A record is mostly keys and
    /// numbers (two keys per sentence, ten per entity), and escaping each
    /// key again was a tenth of a run; the strings still go through
    /// `serde_json`'s escaping.
    ///
    /// ```
    /// use kinex::pipeline::{Pipeline, Worker};
    /// let p = Pipeline::embedded().unwrap();
    /// let mut w = Worker::new();
    /// let rec = p.extract_ref("a.txt", "Tomiris opened on 5 May 2019.".as_bytes(), None, &mut w);
    /// let mut json = Vec::new();
    /// rec.write_json(&mut json).unwrap();
    /// assert_eq!(json, serde_json::to_vec(&rec).unwrap());
    /// ```
    pub fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        let n = &mut itoa::Buffer::new();
        out.extend_from_slice(b"{\"doc\":");
        json_str(out, self.doc)?;
        num(out, n, b",\"bytes\":", self.bytes);
        out.extend_from_slice(b",\"date\":");
        match self.date {
            // Digits and dashes: nothing to escape.
            Some(d) => {
                out.push(b'"');
                std::io::Write::write_fmt(out, format_args!("{d}"))
                    .map_err(serde_json::Error::io)?;
                out.push(b'"');
            }
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(match self.date_source {
            Some(DateSource::Dateline) => b",\"date_source\":\"dateline\"",
            Some(DateSource::Given) => b",\"date_source\":\"given\"",
            None => b",\"date_source\":null",
        });
        out.extend_from_slice(b",\"noise\":[");
        for (i, z) in self.noise.iter().enumerate() {
            span(out, n, i, z.start, z.end);
            out.extend_from_slice(b",\"kind\":\"");
            out.extend_from_slice(z.kind.as_str().as_bytes());
            out.extend_from_slice(b"\"}");
        }
        out.extend_from_slice(b"],\"sentences\":[");
        for (i, z) in self.sentences.iter().enumerate() {
            span(out, n, i, z.start, z.end);
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"entities\":[");
        for (i, e) in self.entities.iter().enumerate() {
            out.extend_from_slice(comma(i));
            out.extend_from_slice(b"{\"type\":\"");
            out.extend_from_slice(e.ty.as_str().as_bytes());
            out.extend_from_slice(b"\",\"text\":");
            json_str(out, e.text)?;
            num(out, n, b",\"start\":", e.start);
            num(out, n, b",\"end\":", e.end);
            num(out, n, b",\"char_start\":", e.char_start);
            num(out, n, b",\"char_end\":", e.char_end);
            num(out, n, b",\"sentence\":", e.sentence);
            out.extend_from_slice(b",\"source\":");
            e.source.write_json(out)?;
            out.extend_from_slice(b",\"value\":");
            match e.value {
                Some(v) => json_str(out, v)?,
                None => out.extend_from_slice(b"null"),
            }
            out.extend_from_slice(b",\"id\":");
            json_str(out, e.id)?;
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"resolved\":[");
        for (i, r) in self.resolved.iter().enumerate() {
            out.extend_from_slice(comma(i));
            out.extend_from_slice(b"{\"id\":");
            json_str(out, r.id)?;
            out.extend_from_slice(b",\"type\":\"");
            out.extend_from_slice(r.ty.as_str().as_bytes());
            out.extend_from_slice(b"\",\"name\":");
            json_str(out, r.name)?;
            out.extend_from_slice(b",\"mentions\":[");
            for (j, &m) in r.mentions.iter().enumerate() {
                num(out, n, comma(j), m);
            }
            out.extend_from_slice(b"]}");
        }
        out.extend_from_slice(b"]}");
        Ok(())
    }
}

/// Whether serde_json escapes anything in `s`: a control char, a quote
/// or a backslash (it leaves every other byte as it is). Eight bytes at a
/// time: every entity's text, value and id pass through here.
fn needs_escape(s: &str) -> bool {
    let chunks = s.as_bytes().chunks_exact(8);
    let rest = chunks.remainder();
    chunks
        .filter_map(|c| <[u8; 8]>::try_from(c).ok())
        .any(|c| escapes8(u64::from_le_bytes(c)))
        || rest.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// Whether any of the eight bytes of `x` is below 0x20, `"` or `\`. Each
/// test is the classic "has a byte less than n" (a borrow can mark a
/// wrong byte, but only next to one that is truly marked, so the answer
/// for the word is exact).
#[inline(always)]
fn escapes8(x: u64) -> bool {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    let less = |y: u64, n: u64| y.wrapping_sub(L * n) & !y & H;
    less(x, 0x20) | less(x ^ (L * u64::from(b'"')), 1) | less(x ^ (L * u64::from(b'\\')), 1) != 0
}

/// `s` as the JSON string serde_json writes: most strings (names, ids,
/// dates) have nothing to escape and are copied between quotes, without
/// the serializer's per-byte table and its writer calls.
fn json_str(out: &mut Vec<u8>, s: &str) -> serde_json::Result<()> {
    if needs_escape(s) {
        return serde_json::to_writer(out, s);
    }
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
    Ok(())
}

/// The separator before the `i`th item of a JSON list.
fn comma(i: usize) -> &'static [u8] {
    if i == 0 {
        b""
    } else {
        b","
    }
}

/// `key` (with its separator and quotes), then the number `v`.
fn num(out: &mut Vec<u8>, n: &mut itoa::Buffer, key: &[u8], v: usize) {
    out.extend_from_slice(key);
    out.extend_from_slice(n.format(v).as_bytes());
}

/// The `i`th span object of a list, left open: `{"start":S,"end":E`.
fn span(out: &mut Vec<u8>, n: &mut itoa::Buffer, i: usize, start: usize, end: usize) {
    out.extend_from_slice(comma(i));
    num(out, n, b"{\"start\":", start);
    num(out, n, b",\"end\":", end);
}

impl EntityRef<'_> {
    /// The owned entity.
    pub fn to_entity(&self) -> Entity {
        Entity {
            ty: self.ty,
            text: self.text.to_owned(),
            start: self.start,
            end: self.end,
            char_start: self.char_start,
            char_end: self.char_end,
            sentence: self.sentence,
            source: self.source.to_string(),
            value: self.value.map(str::to_owned),
            id: self.id.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::NoiseKind;

    /// Every ASCII byte, alone among plain letters, at every place of the
    /// first chunks and the tail.
    #[test]
    fn escape_test_finds_each_byte_alone() {
        for len in [1, 7, 8, 9, 17, 23] {
            for at in 0..len {
                for b in 0..0x80u8 {
                    let mut v = vec![b'a'; len];
                    v[at] = b;
                    let s = String::from_utf8(v).unwrap();
                    let want = b < 0x20 || b == b'"' || b == b'\\';
                    assert_eq!(needs_escape(&s), want, "{s:?}");
                }
            }
        }
    }

    proptest::proptest! {
        /// The eight-byte test finds what a byte-by-byte test finds, at
        /// any place of any length.
        #[test]
        fn escape_test_reads_every_byte(
            s in r##"[a-z\x00-\x1f!"#\[\\\]\x7fé“’ ]{0,40}"##,
        ) {
            let want = s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\');
            proptest::prop_assert_eq!(needs_escape(&s), want);
        }

        /// The fast path writes any string as serde_json does: control
        /// chars, quotes, backslashes, DEL and non-ASCII among them.
        #[test]
        fn strings_are_written_as_serde_json_writes_them(s in "[a-z\u{0}-\u{1f}\"\\\\\u{7f}é“’/ ]{0,12}") {
            let mut out = Vec::new();
            json_str(&mut out, &s).unwrap();
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&s).unwrap());
        }
    }

    /// `write_json` writes the enums by `as_str`: the names serde gives.
    #[test]
    fn enum_names_are_the_serde_names() {
        let kinds = [
            NoiseKind::Ticker,
            NoiseKind::Caption,
            NoiseKind::Credit,
            NoiseKind::Citation,
            NoiseKind::Template,
            NoiseKind::Footer,
            NoiseKind::Navigation,
            NoiseKind::Artifact,
            NoiseKind::Encoding,
        ];
        for k in kinds {
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
        for t in EntityType::ALL {
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.as_str())
            );
        }
    }

    /// Every field of a borrowed record, each kind of value (a date and
    /// none, a value and none, a name that needs escaping), serializes as
    /// its owned copy does.
    #[test]
    fn borrowed_records_serialize_as_their_owned_copies() {
        let noise = [
            Noise {
                start: 0,
                end: 4,
                kind: NoiseKind::Credit,
            },
            Noise {
                start: 40,
                end: 44,
                kind: NoiseKind::Footer,
            },
        ];
        let sentences = [RawSpan::new(4, 25), RawSpan::new(26, 40)];
        let mentions = [0, 1];
        let entities = vec![
            EntityRef {
                ty: EntityType::Film,
                text: "“Gulmira” \\ \"x\"\n",
                start: 5,
                end: 20,
                char_start: 5,
                char_end: 18,
                sentence: 0,
                source: SourceName {
                    kind: "gazetteer",
                    name: "films \"kg\".txt",
                },
                value: None,
                id: "film:gulmira",
            },
            EntityRef {
                ty: EntityType::Date,
                text: "Jan. 14",
                start: 30,
                end: 37,
                char_start: 28,
                char_end: 35,
                sentence: 0,
                source: SourceName {
                    kind: "pattern",
                    name: "date",
                },
                value: Some("2026-01-14"),
                id: "date:2026-01-14",
            },
        ];
        let resolved = vec![ResolvedRef {
            id: "film:gulmira",
            ty: EntityType::Film,
            name: "Gulmira",
            mentions: &mentions,
        }];
        for date in [Some(jiff::civil::date(2026, 2, 7)), None] {
            let r = RecordRef {
                doc: "dir/a \"b\".txt",
                bytes: 3526,
                date,
                date_source: date.map(|_| DateSource::Dateline),
                noise: &noise,
                sentences: &sentences,
                entities: entities.clone(),
                resolved: resolved.clone(),
            };
            let borrowed = serde_json::to_string(&r).unwrap();
            let owned = serde_json::to_string(&r.to_record()).unwrap();
            assert_eq!(borrowed, owned);
            let mut written = Vec::new();
            r.write_json(&mut written).unwrap();
            assert_eq!(String::from_utf8(written).unwrap(), owned);
        }
        let r = RecordRef {
            doc: "a",
            bytes: 0,
            date: Some(jiff::civil::date(2026, 2, 7)),
            date_source: Some(DateSource::Given),
            noise: &[],
            sentences: &[],
            entities: entities.clone(),
            resolved: vec![],
        };
        let rec = r.to_record();
        let mut written = Vec::new();
        r.write_json(&mut written).unwrap();
        assert_eq!(written, serde_json::to_vec(&rec).unwrap());
        assert_eq!(rec.date.as_deref(), Some("2026-02-07"));
        assert_eq!(rec.entities[0].source, "gazetteer:films \"kg\".txt");
        assert_eq!(rec.entities[1].value.as_deref(), Some("2026-01-14"));
    }

    #[test]
    fn source_names_are_written_as_serde_writes_them() {
        for (kind, name) in [
            ("pattern", "date"),
            ("gazetteer", "films \"kg\"\\x.txt"),
            ("gazetteer", "фильмы\n.txt"),
            ("odd \"kind\"", "n"),
        ] {
            let s = SourceName { kind, name };
            let mut written = b"[".to_vec();
            s.write_json(&mut written).unwrap();
            let expected = format!("[{}", serde_json::to_string(&s).unwrap());
            assert_eq!(String::from_utf8(written).unwrap(), expected);
        }
    }
}
