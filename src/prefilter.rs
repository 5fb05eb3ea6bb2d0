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
//!
//! [`ShortWords`] is the lookup itself for maps of short words: the word is
//! packed into two integers instead of hashed as a slice.

/// Keys by first byte, last byte and length. Bytes are folded to their
/// low five bits, so an ASCII letter passes in either case; lengths of 64
/// bytes and more are not recorded, so a word that long always passes
/// (it may be a key).
#[derive(Debug, Clone, Default)]
pub struct WordShapes([[u64; 32]; 32]);

impl WordShapes {
    /// The shapes of `keys`.
    pub fn of<K: AsRef<[u8]>>(keys: impl IntoIterator<Item = K>) -> Self {
        let mut s = Self::default();
        keys.into_iter().for_each(|k| s.insert(k.as_ref()));
        s
    }

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
            (Some(_), Some(_)) => true,
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

/// A case-insensitive map from ASCII words of up to 16 bytes to small
/// values, built once. A word is packed into two integers, lowercased
/// eight bytes at a time, and found by one multiply and a probe or two in
/// a table kept at most a quarter full: no slice hashing, no copy
/// lowercased byte by byte, which a general hash map of `&[u8]` costs on
/// every token.
///
/// ```
/// use kinex::prefilter::ShortWords;
///
/// let m = ShortWords::new([(&b"june"[..], 6u16), (b"may", 5)]);
/// assert_eq!(m.get(b"JUNE"), Some(6));
/// assert_eq!(m.get(b"May"), Some(5));
/// assert_eq!(m.get(b"jun"), None);
/// ```
#[derive(Debug, Clone)]
pub struct ShortWords<V> {
    slots: Box<[ShortSlot<V>]>,
    /// `slots.len() - 1`: the table's size is a power of two.
    mask: usize,
}

#[derive(Debug, Clone, Copy, Default)]
struct ShortSlot<V> {
    lo: u64,
    hi: u64,
    /// 0 for an empty slot: no key is empty.
    len: usize,
    value: V,
}

/// The longest key a [`ShortWords`] holds.
pub const SHORT_WORD_MAX: usize = 16;

impl<V: Copy + Default> ShortWords<V> {
    /// A map of `pairs`, keys compared case-insensitively (ASCII). A later
    /// pair replaces an earlier one with the same key; an empty key or one
    /// longer than [`SHORT_WORD_MAX`] bytes is left out, as no lookup could
    /// find it.
    pub fn new<'k>(pairs: impl IntoIterator<Item = (&'k [u8], V)>) -> Self {
        let packed: Vec<(u64, u64, usize, V)> = pairs
            .into_iter()
            .filter_map(|(k, v)| pack(k).map(|(lo, hi)| (lo, hi, k.len(), v)))
            .collect();
        let size = (packed.len() * 4).next_power_of_two().max(16);
        let mut map = ShortWords {
            slots: vec![ShortSlot::default(); size].into_boxed_slice(),
            mask: size - 1,
        };
        for (lo, hi, len, value) in packed {
            let mut i = slot_of(lo, hi, len) & map.mask;
            loop {
                let s = &mut map.slots[i];
                if s.len == 0 || (s.len == len && s.lo == lo && s.hi == hi) {
                    *s = ShortSlot { lo, hi, len, value };
                    break;
                }
                i = (i + 1) & map.mask;
            }
        }
        map
    }

    /// The value of `w`, in any ASCII case.
    #[inline]
    pub fn get(&self, w: &[u8]) -> Option<V> {
        let (lo, hi) = pack(w)?;
        let len = w.len();
        let mut i = slot_of(lo, hi, len) & self.mask;
        // The table is at most a quarter full: an empty slot ends the probe.
        loop {
            let s = self.slots.get(i)?;
            if s.len == len && s.lo == lo && s.hi == hi {
                return Some(s.value);
            }
            if s.len == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }
}

#[inline]
fn slot_of(lo: u64, hi: u64, len: usize) -> usize {
    let h = (lo ^ hi.rotate_left(23) ^ len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> 40) as usize
}

/// `w` lowercased and packed into two little-endian integers (zero
/// padded); `None` if it is empty or longer than [`SHORT_WORD_MAX`].
/// Read by overlapping loads, not copied into a zeroed buffer: the copy
/// and fill were library calls on every lookup.
#[inline]
fn pack(w: &[u8]) -> Option<(u64, u64)> {
    let n = w.len();
    let u64_at = |i: usize| le_u64_at(w, i);
    let u32_at = |i: usize| le_u32_at(w, i);
    let byte_at = |i: usize| w.get(i).map(|&b| u64::from(b) << (8 * i));
    let (lo, hi) = match n {
        // The second load ends at the last byte; shifted down, the bytes
        // it shares with the first drop out.
        9..=16 => (u64_at(0)?, u64_at(n - 8)? >> (8 * (16 - n))),
        8 => (u64_at(0)?, 0),
        // Overlapping bytes sit at the same place in both loads.
        4..=7 => (u32_at(0)? | u32_at(n - 4)? << (8 * (n - 4)), 0),
        1..=3 => (byte_at(0)? | byte_at(n / 2)? | byte_at(n - 1)?, 0),
        _ => return None,
    };
    Some((lower8(lo), lower8(hi)))
}

/// The eight bytes of `w` at `i`, little-endian; `None` past its end.
#[inline]
pub(crate) fn le_u64_at(w: &[u8], i: usize) -> Option<u64> {
    w.get(i..i.checked_add(8)?)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_le_bytes)
}

/// The four bytes of `w` at `i`, little-endian; `None` past its end.
#[inline]
pub(crate) fn le_u32_at(w: &[u8], i: usize) -> Option<u64> {
    w.get(i..i.checked_add(4)?)
        .and_then(|b| b.try_into().ok())
        .map(|b| u64::from(u32::from_le_bytes(b)))
}

/// ASCII-lowercases eight bytes at once: `A`..=`Z` gain 0x20, every
/// other byte (non-ASCII ones included) is left as it is.
#[inline]
fn lower8(x: u64) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low = x & !HIGH;
    // Per byte, no carry across bytes (each sum is below 0x100): the high
    // bit is set where the low seven bits are >= `A` (0x41 + 0x3f), and
    // where they are > `Z` (0x5b + 0x25).
    let ge_a = low + 0x3f3f_3f3f_3f3f_3f3f;
    let gt_z = low + 0x2525_2525_2525_2525;
    let upper = ge_a & !gt_z & !x & HIGH;
    x | (upper >> 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lower8_lowercases_ascii_capitals_only() {
        for b in 0..=255u8 {
            let x = u64::from_le_bytes([b, b'Q', 0xC3, b, b'@', b'[', b'z', b]);
            let want = u64::from_le_bytes([
                b.to_ascii_lowercase(),
                b'q',
                0xC3,
                b.to_ascii_lowercase(),
                b'@',
                b'[',
                b'z',
                b.to_ascii_lowercase(),
            ]);
            assert_eq!(lower8(x), want, "byte {b:#x}");
        }
    }

    #[test]
    fn shapes_pass_keys_in_any_case_and_words_too_long_to_record() {
        let long = [b'x'; 70];
        let s = WordShapes::of([&b"june"[..], &long]);
        assert!(s.may_hold(b"JUNE") && s.may_hold(b"June"));
        assert!(!s.may_hold(b"jun") && !s.may_hold(b"") && !s.may_hold(b"july"));
        assert!(s.may_hold(&long) && s.may_hold(&[b'y'; 64]));
    }

    #[test]
    fn keys_out_of_range_are_left_out() {
        let long = [b'a'; SHORT_WORD_MAX + 1];
        let m = ShortWords::new([(&long[..], 1u8), (b"", 2), (b"sixteen-letters!", 3)]);
        assert_eq!(m.get(&long), None);
        assert_eq!(m.get(b""), None);
        assert_eq!(m.get(b"SIXTEEN-LETTERS!"), Some(3));
        assert_eq!(m.get(b"sixteen-letters"), None);
    }

    proptest! {
        /// The overlapping loads give the bytes a zero-padded copy gives.
        #[test]
        fn pack_reads_the_word_zero_padded(w in proptest::collection::vec(any::<u8>(), 0..=18)) {
            let want = (!w.is_empty() && w.len() <= SHORT_WORD_MAX).then(|| {
                let mut buf = [0u8; 16];
                buf[..w.len()].copy_from_slice(&w);
                let lo = u64::from_le_bytes(buf[..8].try_into().unwrap());
                let hi = u64::from_le_bytes(buf[8..].try_into().unwrap());
                (lower8(lo), lower8(hi))
            });
            prop_assert_eq!(pack(&w), want);
        }
    }

    proptest! {
        /// Same answers as a hash map of the lowercased keys, for words
        /// that are keys in another case and words that are not.
        #[test]
        fn agrees_with_a_hash_map(
            keys in proptest::collection::vec("[a-zA-Z0-9'-]{1,18}", 0..200),
            probes in proptest::collection::vec("[a-zA-Z0-9\\x00é]{0,18}", 0..50),
        ) {
            let pairs: Vec<(&[u8], usize)> =
                keys.iter().enumerate().map(|(i, k)| (k.as_bytes(), i)).collect();
            let m = ShortWords::new(pairs.iter().copied());
            let mut want = std::collections::HashMap::new();
            for &(k, v) in &pairs {
                if k.len() <= SHORT_WORD_MAX {
                    want.insert(k.to_ascii_lowercase(), v);
                }
            }
            for w in keys.iter().chain(&probes) {
                for w in [w.clone(), w.to_ascii_uppercase(), w.to_ascii_lowercase()] {
                    let got = m.get(w.as_bytes());
                    prop_assert_eq!(got, want.get(&w.as_bytes().to_ascii_lowercase()).copied(), "{:?}", w);
                }
            }
        }
    }
}
