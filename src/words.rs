//! Bytes looked at eight at a time in a plain `u64`. For short texts (a field, a finding's
//! strings) this costs less than setting up `memchr`'s vector search, and it needs no
//! `unsafe`.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
