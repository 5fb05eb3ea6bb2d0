//! Cheap tests in front of the per-token hash lookups.
//!
//! Takes the keys of a word map once, at build time; gives a test that
//! turns most other words away before any hashing. It guarantees no false
//! negative: every key passes. The stages look up every token in some
//! map, and most tokens are in none.
//!
//! ```
//! use kinex::prefilter::WordShapes;
//!
//! let mut s = WordShapes::default();
//! s.insert(b"june");
//! assert!(s.may_hold(b"JUNE") && s.may_hold(b"June"));
//! assert!(!s.may_hold(b"jun") && !s.may_hold(b"the"));
//! ```

/// Keys by first byte, last byte and length. Bytes are folded to their
/// low five bits, so an ASCII letter passes in either case; lengths of 64
/// bytes and more are not recorded and never pass.
#[derive(Debug, Clone, Default)]
pub struct WordShapes([[u64; 32]; 32]);

impl WordShapes {
    /// Records `key`, a lowercase ASCII word or any bytes.
    pub fn insert(&mut self, key: &[u8]) {
        if let (Some(&f), Some(&l), true) = (key.first(), key.last(), key.len() < 64) {
            self.0[usize::from(f & 31)][usize::from(l & 31)] |= 1 << key.len();
        }
    }

    /// `w` may be a recorded key, in any ASCII case; false means it is
    /// none of them.
    pub fn may_hold(&self, w: &[u8]) -> bool {
        match (w.first(), w.last()) {
            (Some(&f), Some(&l)) if w.len() < 64 => {
                self.0[usize::from(f & 31)][usize::from(l & 31)] & (1 << w.len()) != 0
            }
            _ => false,
        }
    }
}

/// The first bytes of a set of keys, compared exactly: a token whose
/// first byte is not among them needs no lookup. A byte table rather than
/// a bit set: the gazetteer asks it at every word start of the text.
#[derive(Debug, Clone)]
pub struct FirstBytes([bool; 256]);

impl FirstBytes {
    pub fn of<'k>(keys: impl Iterator<Item = &'k str>) -> Self {
        let mut table = [false; 256];
        for k in keys {
            table[usize::from(k.as_bytes().first().copied().unwrap_or(0))] = true;
        }
        FirstBytes(table)
    }

    /// Some key begins with the byte `b`.
    pub fn has(&self, b: u8) -> bool {
        self.0[usize::from(b)]
    }
}
