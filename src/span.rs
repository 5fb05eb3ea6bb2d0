//! The vocabulary every stage shares: spans with their unit in the type,
//! entity types, noise kinds and candidate mentions.
//!
//! A [`RawSpan`] indexes the bytes of the file exactly as read; a
//! [`CleanSpan`] indexes the cleaned text that extraction works on. The two
//! are different types so that a clean offset can never leak into a record
//! by accident: only [`crate::offsets::CleanText`] turns one into the other,
//! and only raw spans leave the library.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A half-open byte range `[start, end)` into the raw input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RawSpan {
    pub start: usize,
    pub end: usize,
}

/// A half-open byte range `[start, end)` into the cleaned text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CleanSpan {
    pub start: usize,
    pub end: usize,
}

macro_rules! span_methods {
    ($t:ty) => {
        impl $t {
            pub const fn new(start: usize, end: usize) -> Self {
                Self { start, end }
            }
            pub const fn len(&self) -> usize {
                self.end.saturating_sub(self.start)
            }
            pub const fn is_empty(&self) -> bool {
                self.end <= self.start
            }
            /// True when the two spans share at least one byte.
            pub const fn overlaps(&self, other: &Self) -> bool {
                self.start < other.end && other.start < self.end
            }
            pub fn range(&self) -> std::ops::Range<usize> {
                self.start..self.end
            }
        }
    };
}
span_methods!(RawSpan);
span_methods!(CleanSpan);

/// The five things kinex extracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    Film,
    Person,
    Date,
    Award,
    Festival,
}

impl EntityType {
    pub const ALL: [EntityType; 5] = [
        EntityType::Film,
        EntityType::Person,
        EntityType::Date,
        EntityType::Award,
        EntityType::Festival,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            EntityType::Film => "film",
            EntityType::Person => "person",
            EntityType::Date => "date",
            EntityType::Award => "award",
            EntityType::Festival => "festival",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a removed range of raw text was (ANNOTATION.md, "Noise"), plus
/// `encoding` for bytes that are not valid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoiseKind {
    Ticker,
    Caption,
    Credit,
    Citation,
    Template,
    Footer,
    Navigation,
    Artifact,
    Encoding,
}

impl NoiseKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            NoiseKind::Ticker => "ticker",
            NoiseKind::Caption => "caption",
            NoiseKind::Credit => "credit",
            NoiseKind::Citation => "citation",
            NoiseKind::Template => "template",
            NoiseKind::Footer => "footer",
            NoiseKind::Navigation => "navigation",
            NoiseKind::Artifact => "artifact",
            NoiseKind::Encoding => "encoding",
        }
    }
}

/// A removed range of the raw input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Noise {
    pub start: usize,
    pub end: usize,
    pub kind: NoiseKind,
}

impl Noise {
    pub const fn span(&self) -> RawSpan {
        RawSpan::new(self.start, self.end)
    }
}

/// Which matcher produced a mention: a gazetteer file or a pattern rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// Index of the gazetteer file in [`crate::gazetteer::Gazetteer::files`].
    Gazetteer(u16),
    /// A named pattern rule, e.g. `quoted-title`.
    Pattern(&'static str),
    /// Linked to an earlier mention in the same document (surname, alias).
    Resolved(&'static str),
}

/// A mention proposed by a matcher, in clean-text coordinates, before
/// overlaps are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub span: CleanSpan,
    pub ty: EntityType,
    pub source: Source,
    /// Normalized date value (dates only).
    pub value: Option<String>,
    /// The gazetteer entry (see [`Gazetteer::entries`]) when a gazetteer
    /// knows the entity: its id is the entity's.
    ///
    /// [`Gazetteer::entries`]: crate::gazetteer::Gazetteer::entries
    pub entry: Option<u32>,
    /// Higher wins among equally long overlapping candidates.
    pub priority: i32,
}

impl Candidate {
    pub fn new(span: CleanSpan, ty: EntityType, source: Source, priority: i32) -> Self {
        Self {
            span,
            ty,
            source,
            value: None,
            entry: None,
            priority,
        }
    }
}
