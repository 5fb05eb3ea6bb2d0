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

use crate::span::{EntityType, Noise, RawSpan};
use serde::{Deserialize, Serialize};

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
