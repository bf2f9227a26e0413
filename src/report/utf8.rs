//! A file's bytes as a `String`, checked for UTF-8 with vector instructions, a large file on
//! every core.
//!
//! `String::from_utf8` checks a byte at a time wherever a text has non-ASCII letters (an `ö`
//! in every row of a Swedish table) and on one core: 20–40 ms for a 60 MB table, with the
//! other cores idle. Here `simdutf8` checks the bytes, a large file in pieces in parallel,
//! and the bytes are then taken as they are, with `String::from_utf8_unchecked` after the
//! check: one of the library's two modules of `unsafe` code (the other is `report::mapped`).
//! It is sound because the check is `simdutf8`'s (which answers as `str::from_utf8` does, and
//! is tested against it), and a text made by putting valid UTF-8 texts one after the other is
//! valid UTF-8 wherever the pieces were cut. The cuts are put at character boundaries only so
//! that a valid file passes (a cut inside a character fails its two pieces). Bytes that are
//! not UTF-8 go to `String::from_utf8`, which says where.

/// The size of the pieces a large file is checked in; a file of fewer than two pieces is
/// checked at once.
const PIECE: usize = 4 << 20;

/// `bytes` as a `String`, exactly as `String::from_utf8(bytes)` gives it.
#[allow(unsafe_code)]
pub(crate) fn string_from_utf8(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    if is_utf8(&bytes) {
        // SAFETY: all of `bytes` was checked to be valid UTF-8: at once, or as a run of
        // pieces, each valid UTF-8, covering it from its first byte to its last; one after
        // the other they are valid UTF-8 too.
        return Ok(unsafe { String::from_utf8_unchecked(bytes) });
    }
    String::from_utf8(bytes)
}

/// Whether `bytes` is valid UTF-8, as `str::from_utf8` answers; a large text checked on
/// every core.
pub(crate) fn is_utf8(bytes: &[u8]) -> bool {
    if bytes.len() < 2 * PIECE || rayon::current_num_threads() < 2 {
        simdutf8::basic::from_utf8(bytes).is_ok()
    } else {
        every_piece_is_utf8(bytes)
    }
}

/// Whether `bytes`, cut into pieces of about [`PIECE`] bytes at character boundaries, is
/// valid UTF-8 piece by piece: checked in parallel.
fn every_piece_is_utf8(bytes: &[u8]) -> bool {
    use rayon::prelude::*;
    let cuts = cuts(bytes);
    cuts.par_windows(2).all(|w| match w {
        [start, end] => bytes
            .get(*start..*end)
            .is_some_and(|piece| simdutf8::basic::from_utf8(piece).is_ok()),
        _ => false,
    })
}

/// Where the pieces start, and the end: `0`, then every [`PIECE`] bytes moved past the
/// continuation bytes of a character (at most three), then `bytes.len()`.
fn cuts(bytes: &[u8]) -> Vec<usize> {
    cuts_at(bytes, PIECE)
}

/// [`cuts`] for pieces of `piece` bytes.
pub(crate) fn cuts_at(bytes: &[u8], piece: usize) -> Vec<usize> {
    let mut cuts = vec![0];
    let mut at = piece;
    while at < bytes.len() {
        cuts.push(char_boundary_after(bytes, at));
        at += piece;
    }
    cuts.push(bytes.len());
    cuts
}

/// `at` moved past the continuation bytes of a character there (at most three): where the
/// next character starts, if `bytes` is UTF-8.
pub(crate) fn char_boundary_after(bytes: &[u8], at: usize) -> usize {
    let mut cut = at;
    while cut < at + 3 && bytes.get(cut).is_some_and(|&b| b & 0xC0 == 0x80) {
        cut += 1;
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A large text with a character of every length across each cut, and bytes that are
    /// not UTF-8 placed at a cut, beside one, and far from any.
    #[test]
    fn the_parallel_check_answers_as_from_utf8() {
        let mut text = String::new();
        let chars = ["a", "ö", "€", "😀"];
        let mut i = 0;
        while text.len() < 3 * PIECE + 10 {
            text.push_str(chars[i % chars.len()]);
            i += 1;
        }
        let valid = text.into_bytes();
        let cuts = cuts(&valid);
        assert_eq!(cuts.len(), 5, "three cuts, the start and the end");
        for c in &cuts {
            assert!(
                *c == valid.len() || valid[*c] & 0xC0 != 0x80,
                "a cut at {c}"
            );
        }
        assert_eq!(
            string_from_utf8(valid.clone()).map(String::into_bytes),
            Ok(valid.clone())
        );
        for at in [
            0,
            PIECE - 1,
            PIECE,
            PIECE + 1,
            cuts[2],
            2 * PIECE + 77,
            valid.len() - 1,
        ] {
            for bad in [0xFFu8, 0x80, 0xC3] {
                let mut bytes = valid.clone();
                bytes[at] = bad;
                let ours = string_from_utf8(bytes.clone());
                let std = String::from_utf8(bytes);
                assert_eq!(ours.is_ok(), std.is_ok(), "{bad:#x} at {at}");
                if let (Err(a), Err(b)) = (ours, std) {
                    assert_eq!(a.utf8_error(), b.utf8_error());
                }
            }
        }
    }

    #[test]
    fn a_small_text_is_checked_in_one_piece() {
        assert_eq!(string_from_utf8(b"abc".to_vec()).unwrap(), "abc");
        assert!(string_from_utf8(vec![b'a', 0xFF]).is_err());
        assert_eq!(cuts(b"abc"), vec![0, 3]);
    }

    /// Short texts of every kind of byte sequence the UTF-8 rules tell apart: the check
    /// answers as `String::from_utf8` does, and says the same about where it fails.
    #[test]
    fn short_texts_are_checked_as_from_utf8_checks_them() {
        let bytes: [u8; 16] = [
            b'a', 0x7F, 0x80, 0xBF, 0xC2, 0xC3, 0xDF, 0xE0, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5,
            0xFF, 0xA0,
        ];
        let mut checked = 0;
        for len in 0..=4 {
            for mut n in 0..bytes.len().pow(len) {
                let mut text = Vec::new();
                for _ in 0..len {
                    text.push(bytes[n % bytes.len()]);
                    n /= bytes.len();
                }
                let ours = string_from_utf8(text.clone());
                let std = String::from_utf8(text.clone());
                assert_eq!(ours.is_ok(), std.is_ok(), "{text:x?}");
                if let (Err(a), Err(b)) = (ours, std) {
                    assert_eq!(a.utf8_error(), b.utf8_error(), "{text:x?}");
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 1 + 16 + 256 + 4096 + 65536);
    }
}
