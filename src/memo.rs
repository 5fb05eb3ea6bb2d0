//! A thread's memo of per-word answers, as spaCy's vocabulary keeps one
//! lexeme per distinct string.
//!
//! Takes a word's bytes and a way to compute a 64-bit answer for them;
//! gives the answer, computed once per distinct word as long as its slot
//! is not taken by another. Guarantees: an answer is only ever given for
//! the exact word it was computed for (words are spelled exactly, not
//! hashed), memory is fixed whatever the corpus, and answers computed for
//! one owner (a [`Patterns`](crate::patterns::Patterns), with its own
//! lexicons) are never given to another: a memo that changes hands
//! starts empty.
//!
//! ```
//! use kinex::memo::{owner_id, WordMemo};
//! let mut memo = WordMemo::with_bits(6);
//! memo.claim(owner_id());
//! let mut computed = 0;
//! for w in ["the", "film", "the"] {
//!     memo.get_or(w.as_bytes(), || {
//!         computed += 1;
//!         w.len() as u64
//!     });
//! }
//! assert_eq!(computed, 2);
//! ```

use crate::prefilter::le_u64_at;
use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh owner id: every list set that fills memos takes one when it
/// is built.
pub fn owner_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Direct-mapped: `2^bits` slots of words up to 16 bytes, each slot
/// holding the word's length and two integers that spell it exactly (see
/// `spell`). A longer word, or one whose slot holds another, is computed
/// afresh.
pub struct WordMemo {
    slots: Box<[Slot]>,
    shift: u32,
    /// Whose answers the slots hold; 0 before the first claim.
    owner: u64,
}

#[derive(Clone, Copy, Default)]
struct Slot {
    head: u64,
    tail: u64,
    /// 0 for an empty slot: no word is empty.
    len: u64,
    value: u64,
}

impl WordMemo {
    /// A memo of `2^bits` slots (32 bytes each); `bits` is kept within
    /// 1..=24.
    pub fn with_bits(bits: u32) -> Self {
        let bits = bits.clamp(1, 24);
        WordMemo {
            slots: vec![Slot::default(); 1 << bits].into_boxed_slice(),
            shift: 64 - bits,
            owner: 0,
        }
    }

    /// Makes the memo `owner`'s: if it held another's answers, they are
    /// forgotten.
    #[inline]
    pub fn claim(&mut self, owner: u64) {
        if self.owner != owner {
            self.slots.fill(Slot::default());
            self.owner = owner;
        }
    }

    /// The answer memoized for `w`, or `compute()` (then remembered).
    #[inline]
    pub fn get_or(&mut self, w: &[u8], compute: impl FnOnce() -> u64) -> u64 {
        self.get_or_in(w, 0..w.len(), compute)
    }

    /// As [`get_or`](Self::get_or) for the word `text[word]`. The same
    /// answers; faster where the text goes on for 16 bytes past the
    /// word's start (see `spell`). An empty or out-of-range `word` is
    /// computed and not remembered.
    #[inline]
    pub fn get_or_in(
        &mut self,
        text: &[u8],
        word: std::ops::Range<usize>,
        compute: impl FnOnce() -> u64,
    ) -> u64 {
        let Some((head, tail)) = spell(text, word.start, word.end.wrapping_sub(word.start)) else {
            return compute();
        };
        let len = (word.end - word.start) as u64;
        let h = (head ^ tail.rotate_left(29) ^ len).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let Some(slot) = self.slots.get_mut((h >> self.shift) as usize) else {
            return compute();
        };
        if slot.len == len && slot.head == head && slot.tail == tail {
            return slot.value;
        }
        let value = compute();
        *slot = Slot {
            head,
            tail,
            len,
            value,
        };
        value
    }
}

/// The word of `n` bytes at `text[start..]` as two integers: its first
/// eight bytes and its next eight, each with the bytes past the word
/// zeroed. Two words of the same length that spell the same are the same
/// word. Both are loaded from the 16 bytes at `start` when the text has
/// them (read past the word, then masked): no branch on the word's
/// length, which varies too irregularly from token to token to be
/// predicted. `None` for an empty word, one over 16 bytes, or one out of
/// range.
#[inline]
fn spell(text: &[u8], start: usize, n: usize) -> Option<(u64, u64)> {
    if n == 0 || n > 16 {
        return None;
    }
    let (head, tail) = match le_u64_at(text, start).zip(le_u64_at(text, start.checked_add(8)?)) {
        Some(both) => both,
        None => {
            // Near the text's end: the word alone, padded.
            let mut buf = [0u8; 16];
            buf[..n].copy_from_slice(text.get(start..start.checked_add(n)?)?);
            (le_u64_at(&buf, 0)?, le_u64_at(&buf, 8)?)
        }
    };
    // The low `k` bytes of a u64 (all of them for 8, none for 0).
    let mask = |k: usize| u64::MAX.checked_shr(8 * (8 - k) as u32).unwrap_or(0);
    let k = n.min(8);
    Some((head & mask(k), tail & mask(n - k)))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Words of the same length that differ in any one byte spell
        /// differently (so a memo slot never answers for another word);
        /// only words up to 16 bytes are spelled.
        #[test]
        fn memo_spelling_is_exact(a in "[ab]{1,17}", i in 0usize..17) {
            let a = a.as_bytes();
            let mut b = a.to_vec();
            let k = i % a.len();
            b[k] ^= 1;
            let alone = |w: &[u8]| spell(w, 0, w.len());
            proptest::prop_assert_eq!(alone(a).is_some(), a.len() <= 16);
            if alone(a).is_some() {
                proptest::prop_assert_ne!(alone(a), alone(&b));
            }
        }

        /// A word spells the same inside any text as alone: the bytes
        /// read past it never count.
        #[test]
        fn memo_spelling_ignores_the_text_around(
            text in proptest::collection::vec(proptest::num::u8::ANY, 0..40),
            start in 0usize..40,
            n in 0usize..18,
        ) {
            let inside = spell(&text, start, n);
            let alone = text.get(start..start + n).and_then(|w| spell(w, 0, n));
            proptest::prop_assert_eq!(inside, alone);
        }
    }

    #[test]
    fn answers_are_the_computed_ones_and_stay_with_their_owner() {
        // Two slots only: words share them, and each answer must still be
        // the one computed for that word.
        let mut memo = WordMemo::with_bits(1);
        let (a, b) = (owner_id(), owner_id());
        memo.claim(a);
        let words = [
            "the",
            "the",
            "film",
            "Festival",
            "a",
            "internationalized",
            "internationalized",
        ];
        let mut computed = 0;
        for w in words {
            let got = memo.get_or(w.as_bytes(), || {
                computed += 1;
                w.len() as u64
            });
            assert_eq!(got, w.len() as u64, "{w}");
        }
        // The second `the` was remembered; a 17-byte word never is.
        assert_eq!(computed, words.len() - 1);
        // Claimed again by the same owner: kept. By another: forgotten.
        memo.get_or(b"the", || 3);
        memo.claim(a);
        assert_eq!(memo.get_or(b"the", || 99), 3);
        memo.claim(b);
        assert_eq!(memo.get_or(b"the", || 99), 99);
    }
}
