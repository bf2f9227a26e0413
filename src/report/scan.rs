//! One pass over a large mapped text for everything reading it asks before its rows: is it
//! UTF-8, could it be a binary file, where is its last quote, and how many lines it has up to
//! each of its blocks. (Where each line starts is found only when asked: see
//! `source::SourceFile::line_starts`.)
//!
//! Each of these was a pass of its own over the whole file: on a 60 MB table, five passes
//! that each brought the file from memory into the processor's cache again (it is larger
//! than the cache), about a sixth of the run. Here the file is taken a block at a time, small
//! enough to stay in the cache while every question is asked of it, large pieces of it in
//! parallel.

use rayon::prelude::*;

/// The answers for one text, from [`scan`].
#[derive(Debug, Default)]
pub(crate) struct Scanned {
    /// Whether no byte could start a control character (see [`any_suspect`]): the text is
    /// then plainly not binary, without counting its characters.
    pub clean: bool,
    /// The offset of the last `"`, if any.
    pub last_quote: Option<usize>,
    /// At the end of each block scanned: its offset, and the line feeds before it.
    pub line_feeds: Vec<(usize, usize)>,
}

impl Scanned {
    /// How many line feeds are in `text[..at]`, `text` the bytes scanned: counted from the
    /// nearest block end before `at`, at most a block.
    pub(crate) fn line_feeds_before(&self, text: &[u8], at: usize) -> usize {
        let i = self.line_feeds.partition_point(|&(end, _)| end <= at);
        let (from, before) = i
            .checked_sub(1)
            .and_then(|i| self.line_feeds.get(i))
            .copied()
            .unwrap_or((0, 0));
        before
            + text
                .get(from..at)
                .map_or(0, |rest| memchr::memchr_iter(b'\n', rest).count())
    }
}

/// The size of the pieces scanned in parallel, as `utf8` checks them.
const PIECE: usize = 4 << 20;
/// The size of the blocks a piece is scanned in: well inside a core's cache.
const BLOCK: usize = 128 << 10;

/// `bytes` scanned, if they are valid UTF-8 (as `str::from_utf8` answers); `None` if not.
pub(crate) fn scan(bytes: &[u8]) -> Option<Scanned> {
    let cuts = super::utf8::cuts_at(bytes, PIECE);
    let pieces: Vec<Option<Piece>> = cuts
        .par_windows(2)
        .map(|w| match w {
            [start, end] => scan_piece(bytes, *start, *end),
            _ => None,
        })
        .collect();
    let pieces: Vec<Piece> = pieces.into_iter().collect::<Option<_>>()?;
    let clean = pieces.iter().all(|p| p.clean);
    let last_quote = pieces.iter().filter_map(|p| p.last_quote).next_back();
    let mut line_feeds = Vec::with_capacity(pieces.iter().map(|p| p.blocks.len()).sum());
    let mut before = 0;
    for (end, count) in pieces.iter().flat_map(|p| p.blocks.iter()) {
        before += count;
        line_feeds.push((*end, before));
    }
    Some(Scanned {
        clean,
        last_quote,
        line_feeds,
    })
}

/// What one piece holds.
struct Piece {
    clean: bool,
    last_quote: Option<usize>,
    /// Each block's end, and its line feeds.
    blocks: Vec<(usize, usize)>,
}

/// The piece `start..end` of `bytes`, block by block; `None` if it is not UTF-8.
fn scan_piece(bytes: &[u8], start: usize, end: usize) -> Option<Piece> {
    let mut piece = Piece {
        clean: true,
        last_quote: None,
        blocks: Vec::with_capacity((end - start) / BLOCK + 1),
    };
    let mut at = start;
    while at < end {
        let to = super::utf8::char_boundary_after(bytes, (at + BLOCK).min(end)).min(end);
        let block = bytes.get(at..to)?;
        simdutf8::basic::from_utf8(block).ok()?;
        piece.clean &= !any_suspect(block);
        if let Some(q) = memchr::memrchr(b'"', block) {
            piece.last_quote = Some(at + q);
        }
        // Counted while the block is in the cache: reading counts the lines of its pieces
        // from these, not in a pass of its own over the whole file.
        piece
            .blocks
            .push((to, memchr::memchr_iter(b'\n', block).count()));
        at = to;
    }
    Some(piece)
}

/// 1 if `c` could start a control character: a byte below 0x20 but a tab, line feed, form
/// feed or CR; DEL; or 0xC2, the first byte of U+0080–U+009F.
#[inline(always)]
fn suspect(c: u8) -> u8 {
    u8::from(c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r' | 0x0C))
        | u8::from(c == 0x7F)
        | u8::from(c == 0xC2)
}

/// Whether `bytes` has a byte that could start a control character ([`suspect`]).
pub(crate) fn any_suspect(bytes: &[u8]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2, as just asked.
        #[allow(unsafe_code)]
        return unsafe { any_suspect_avx2(bytes) };
    }
    any_suspect_portable(bytes)
}

/// [`any_suspect_portable`] compiled for AVX2: twice the bytes in each instruction.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn any_suspect_avx2(bytes: &[u8]) -> bool {
    any_suspect_portable(bytes)
}

/// [`any_suspect`] in blocks of 64 bytes, which the compiler works out in vector registers.
#[inline(always)]
fn any_suspect_portable(bytes: &[u8]) -> bool {
    !bytes
        .chunks(64)
        .all(|block| block.iter().fold(0u8, |any, &c| any | suspect(c)) == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text of several pieces, with characters of every length across the cuts of the
    /// pieces and of the blocks.
    fn large_text() -> String {
        let mut text = String::new();
        let chars = ["a", "ö", "€", "😀", "\n", "\r\n", ";", " "];
        let mut i = 0usize;
        while text.len() < 2 * PIECE + 3 * BLOCK + 17 {
            text.push_str(chars[i % chars.len()]);
            i = i.wrapping_mul(31).wrapping_add(7) % 1_000_003;
        }
        text
    }

    /// `c` inserted at the first character boundary from `at` on.
    fn insert_near(text: &mut String, at: usize, c: char) {
        let at = (at..)
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(text.len());
        text.insert(at, c);
    }

    #[test]
    fn a_scan_answers_as_each_question_asked_alone() {
        let text = large_text();
        let s = scan(text.as_bytes()).expect("UTF-8");
        assert!(s.clean);
        assert_eq!(s.last_quote, None);
        let bytes = text.as_bytes();
        for at in [
            0,
            1,
            BLOCK - 1,
            BLOCK,
            BLOCK + 7,
            PIECE,
            PIECE + 1,
            2 * PIECE + 5,
            text.len(),
        ] {
            let at = (at..)
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(text.len());
            assert_eq!(
                s.line_feeds_before(bytes, at),
                text[..at].matches('\n').count(),
                "line feeds before {at}"
            );
        }

        let mut quoted = text.clone();
        insert_near(&mut quoted, PIECE + 5, '"');
        insert_near(&mut quoted, 17, '"');
        let s = scan(quoted.as_bytes()).expect("UTF-8");
        assert_eq!(s.last_quote, quoted.rfind('"'));

        // A control character in the last block of a middle piece.
        let mut control = text.clone();
        insert_near(&mut control, 2 * PIECE - 3, '\u{1}');
        let s = scan(control.as_bytes()).expect("UTF-8");
        assert!(!s.clean);
        assert!(any_suspect(control.as_bytes()));
        assert!(!any_suspect(text.as_bytes()));
    }

    #[test]
    fn bytes_not_utf8_anywhere_are_no_scan() {
        let text = large_text();
        for at in [0, BLOCK, BLOCK + 1, PIECE, 2 * PIECE + 1, text.len() - 1] {
            let mut bytes = text.clone().into_bytes();
            bytes[at] = 0xFF;
            assert!(scan(&bytes).is_none(), "0xFF at {at}");
        }
    }
}
