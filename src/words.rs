//! Bytes looked at eight at a time in a plain `u64`. For short texts (a field, a finding's
//! strings) this costs less than setting up `memchr`'s vector search, and it needs no
//! `unsafe`. [`marks64`] marks the bytes of 64 at once, with SSE2 on x86_64 (the one call
//! here that needs `unsafe`: a function compiled for SSE2, which every x86_64 processor
//! has), a word at a time elsewhere.

/// The bytes of `bytes` (at most eight) as one word, the first byte lowest; missing bytes
/// are `fill`.
#[inline]
pub(crate) fn word(bytes: &[u8], fill: u8) -> u64 {
    // Eight bytes, as nearly every call has: one load, where copying a slice of unknown
    // length into the array costs a call to `memcpy`.
    if let Ok(full) = <[u8; 8]>::try_from(bytes) {
        return u64::from_le_bytes(full);
    }
    let mut w = [fill; 8];
    if let Some(head) = w.get_mut(..bytes.len()) {
        head.copy_from_slice(bytes);
    }
    u64::from_le_bytes(w)
}

/// Whether `a` and `b` are the same bytes. Texts of 4 to 32 bytes (most names and keys of a
/// table) are compared a word at a time in place, the last word overlapping the one before;
/// `==` calls `memcmp` for each, and a large table's group names are compared with the row
/// above's a million times.
#[inline(always)]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let at8 = |s: &[u8], i: usize| s.get(i..i + 8).map(|w| word(w, 0));
    let at4 = |s: &[u8], i: usize| {
        s.get(i..i + 4)
            .and_then(|w| <[u8; 4]>::try_from(w).ok())
            .map(u32::from_le_bytes)
    };
    match n {
        4..8 => at4(a, 0) == at4(b, 0) && at4(a, n - 4) == at4(b, n - 4),
        8..=32 => {
            let mut i = 0;
            while i + 8 < n {
                if at8(a, i) != at8(b, i) {
                    return false;
                }
                i += 8;
            }
            at8(a, n - 8) == at8(b, n - 8)
        }
        _ => a == b,
    }
}

/// `b` in every byte of a word.
pub(crate) const fn every_byte(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

/// The high bit of each byte of `w` below `n` (at most 0x80). A borrow may also mark a byte
/// above one that is truly below, never one under it: the lowest bit set is always the first
/// such byte, and the result is zero only when there is none.
pub(crate) fn bytes_below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(every_byte(n)) & !w & every_byte(0x80)
}

/// The high bit of each byte of `w` equal to `b`, as [`bytes_below`] marks them.
pub(crate) fn bytes_equal(w: u64, b: u8) -> u64 {
    bytes_below(w ^ every_byte(b), 1)
}

/// Where the first byte that `marks` marks (as [`bytes_equal`] does) is among the first
/// `words` whole words of `hay`: `Ok` with its index, or `Err` with how many bytes were looked
/// at, for a vector search to go on from there. For short fields and texts, which this finds
/// in less time than setting up `memchr`.
pub(crate) fn find_in_first_words(
    hay: &[u8],
    words: usize,
    marks: impl Fn(u64) -> u64,
) -> Result<usize, usize> {
    for (i, w) in hay.chunks_exact(8).take(words).enumerate() {
        let found = marks(word(w, 0));
        if found != 0 {
            return Ok(i * 8 + (found.trailing_zeros() / 8) as usize);
        }
    }
    Err((hay.len() / 8).min(words) * 8)
}

/// How many characters the UTF-8 text `bytes` has: its bytes less those that continue a
/// character (`10xxxxxx`), counted eight at a time. For the few dozen bytes from a row's
/// start to one of its cells, where `str::chars().count()` goes byte by byte.
pub(crate) fn chars_in(bytes: &[u8]) -> usize {
    let words = bytes.chunks_exact(8);
    let tail = words.remainder();
    let mut continuing = 0u64;
    for eight in words {
        let w = word(eight, 0);
        // The low bit of each byte whose top bits are 10.
        let marks = (w >> 7) & !(w >> 6) & every_byte(1);
        // The eight bytes added up in the top one (each is 0 or 1).
        continuing += marks.wrapping_mul(every_byte(1)) >> 56;
    }
    continuing += tail.iter().filter(|&&b| b & 0xC0 == 0x80).count() as u64;
    bytes.len() - continuing as usize
}

/// Bit `i` set where byte `i` of `block` is `a` or `b`: where the fields of a short row end,
/// all found at once (see `csv::field_span`).
#[inline(always)]
pub(crate) fn marks64(block: &[u8; 64], a: u8, b: u8) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of every x86_64 processor.
        #[allow(unsafe_code)]
        unsafe {
            marks64_sse2(block, a, b)
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    marks64_words(block, a, b)
}

/// [`marks64`] sixteen bytes at a time: four loads, compares and masks.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn marks64_sse2(block: &[u8; 64], a: u8, b: u8) -> u64 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x, _mm_set1_epi8,
    };
    let (va, vb) = (_mm_set1_epi8(a as i8), _mm_set1_epi8(b as i8));
    let mut marks = 0u64;
    for (i, sixteen) in block.chunks_exact(16).enumerate() {
        // Two words, which the compiler loads as one vector.
        let half = |at: usize| word(sixteen.get(at..at + 8).unwrap_or(&[]), 0) as i64;
        let v = _mm_set_epi64x(half(8), half(0));
        let hits = _mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb));
        marks |= u64::from(_mm_movemask_epi8(hits) as u16) << (16 * i);
    }
    marks
}

/// [`marks64`] a word at a time, where there is no SSE2.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn marks64_words(block: &[u8; 64], a: u8, b: u8) -> u64 {
    // A byte is zero exactly when adding 0x7F to its low seven bits leaves its high bit
    // clear and its own high bit is clear too: no borrow runs from one byte into the next.
    let zero_bytes = |x: u64| !(((x & every_byte(0x7F)) + every_byte(0x7F)) | x) & every_byte(0x80);
    let mut marks = 0u64;
    for (i, eight) in block.chunks_exact(8).enumerate() {
        let w = word(eight, 0);
        let high = zero_bytes(w ^ every_byte(a)) | zero_bytes(w ^ every_byte(b));
        // The high bit of byte k to bit k: the multiplication gathers them in the top byte.
        let bits = ((high >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) & 0xFF;
        marks |= bits << (8 * i);
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_the_same_as_equality_says() {
        let texts: Vec<Vec<u8>> = (0..40)
            .map(|n| (0..n).map(|i| b'a' + (i % 26) as u8).collect())
            .collect();
        for a in &texts {
            assert!(same_bytes(a, a));
            for b in &texts {
                assert_eq!(same_bytes(a, b), a == b);
            }
            // One byte different, at each place: the first, the last, where words overlap.
            for at in 0..a.len() {
                let mut other = a.clone();
                other[at] ^= 0x20;
                assert!(!same_bytes(a, &other), "{} bytes, at {at}", a.len());
            }
        }
        assert!(same_bytes(
            "Förvaltning 000012".as_bytes(),
            "Förvaltning 000012".as_bytes()
        ));
        assert!(!same_bytes(
            "Förvaltning 000012".as_bytes(),
            "Förvaltning 000013".as_bytes()
        ));
    }

    #[test]
    fn the_first_marked_byte_is_the_first_one_that_is_so() {
        for b in [0u8, 1, b';', 0x7F, 0x80, 0xFF] {
            for at in 0..8 {
                for other in [b.wrapping_add(1), b.wrapping_sub(1), b ^ 1, 0xC3] {
                    let mut bytes = [other; 8];
                    bytes[at] = b;
                    let marked = bytes_equal(word(&bytes, other), b);
                    assert_eq!(marked.trailing_zeros() / 8, at as u32, "{b} at {at}");
                    if other != b {
                        assert_eq!(bytes_equal(word(&[other; 8], other), b), 0);
                    }
                }
            }
        }
        assert_eq!(bytes_below(word(b"abc", b' '), 0x20), 0);
        assert_eq!(
            bytes_below(word(b"ab\tc", b' '), 0x20).trailing_zeros() / 8,
            2
        );
    }

    #[test]
    fn marks_are_the_bytes_equal_to_either() {
        let mut block = [0u8; 64];
        for seed in 0..2_000u64 {
            let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            for byte in block.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Mostly the bytes looked for and their neighbours, which a borrow would
                // mistake for them.
                *byte =
                    [b';', b'"', b':', b'<', b'!', b'#', 0x80, 0xBB, 0, 0xFF][(x % 10) as usize];
            }
            let expected = block.iter().enumerate().fold(0u64, |m, (i, &c)| {
                m | (u64::from(c == b';' || c == b'"') << i)
            });
            assert_eq!(marks64(&block, b';', b'"'), expected, "{block:?}");
            assert_eq!(marks64_words(&block, b';', b'"'), expected, "{block:?}");
        }
    }

    #[test]
    fn characters_are_counted_as_chars_counts_them() {
        let text = "Förvaltning 0012;Vård & omsorg;€ 1 234;😀 ✓ ÅÄÖ åäö;abc";
        for from in 0..text.len() {
            for to in from..=text.len() {
                if let Some(part) = text.get(from..to) {
                    assert_eq!(chars_in(part.as_bytes()), part.chars().count(), "{part:?}");
                }
            }
        }
    }
}
