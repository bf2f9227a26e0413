//! A large UTF-8 file taken as text where it lies in the page cache, without copying it.
//!
//! Reading a 60 MB table into memory of its own makes the kernel hand out and zero 60 MB of
//! fresh pages, and copy the file into them: 30–50 ms of a run that checks the table in
//! about 200, and now and then over 100 ms when fresh memory is slow to come by. Mapped,
//! the same bytes are the page cache's pages, already filled.
//!
//! This is the library's second piece of `unsafe` code, in two calls: mapping the file, and
//! taking its bytes as a `str` after they were checked to be UTF-8. The mapping is only as
//! steady as the file: a file changed by another program while rimlig reads it may show
//! the change, and one cut short may stop the process (`SIGBUS`). That is why only large
//! files are mapped (where the copy costs), and a small one, which most reports are, is
//! read into memory as before. Every tool that maps files it reads (ripgrep, for one)
//! makes the same trade.
//!
//! The pages are mapped as they are first read, which the scan that checks the text for
//! UTF-8 does, on every core (`report::scan`).
//! Asking for them all at once first (`MADV_POPULATE_READ`) cost fewer processor cycles but
//! ran on one core while the other waited: a million-row run took about 5 ms longer.

use std::fs::File;

/// A file mapped into memory whose bytes from `start` on are valid UTF-8.
pub struct MappedText {
    map: memmap2::Mmap,
    start: usize,
    /// What the scan that checked the bytes found out on the way (see `report::scan`).
    scanned: super::scan::Scanned,
}

impl MappedText {
    /// Map `file`. `None` if it cannot be mapped (then read it instead).
    #[allow(unsafe_code)]
    pub fn map(file: &File) -> Option<memmap2::Mmap> {
        // SAFETY: the map is only read, as bytes, and every byte pattern is a valid `u8`.
        // A change to the file by another program while it is mapped is the trade the
        // module's comment describes.
        unsafe { memmap2::Mmap::map(file) }.ok()
    }

    /// The mapped bytes from `start` on, if they are UTF-8; the map back if not.
    pub fn new(map: memmap2::Mmap, start: usize) -> Result<MappedText, memmap2::Mmap> {
        match map.get(start..).and_then(super::scan::scan) {
            Some(scanned) => Ok(MappedText {
                map,
                start,
                scanned,
            }),
            None => Err(map),
        }
    }

    /// Whether no byte of the text could start a control character (see
    /// `scan::any_suspect`).
    pub fn clean(&self) -> bool {
        self.scanned.clean
    }

    /// How many line feeds the text has before offset `at`, from its scan.
    pub fn line_feeds_before(&self, at: usize) -> usize {
        self.scanned.line_feeds_before(self.as_str().as_bytes(), at)
    }

    /// The offset of the text's last `"`, if any.
    pub fn last_quote(&self) -> Option<usize> {
        self.scanned.last_quote
    }

    #[allow(unsafe_code)]
    pub fn as_str(&self) -> &str {
        let bytes = self.map.get(self.start..).unwrap_or(&[]);
        // SAFETY: `new` checked these very bytes to be UTF-8, and they are only read.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }
}

impl std::fmt::Debug for MappedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MappedText({} bytes)", self.map.len() - self.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn mapped(bytes: &[u8]) -> memmap2::Mmap {
        let path = std::env::temp_dir().join(format!(
            "rimlig-mapped-{}-{}",
            std::process::id(),
            bytes.len()
        ));
        let mut file = File::create(&path).expect("create");
        file.write_all(bytes).expect("write");
        drop(file);
        let map = MappedText::map(&File::open(&path).expect("open")).expect("map");
        let _ = std::fs::remove_file(&path);
        map
    }

    #[test]
    fn utf8_from_start_is_the_text() {
        let text =
            MappedText::new(mapped("\u{feff}enhet;år\nöst;1\n".as_bytes()), 3).expect("utf-8");
        assert_eq!(text.as_str(), "enhet;år\nöst;1\n");
    }

    #[test]
    fn bytes_not_utf8_are_given_back() {
        let map = mapped(b"enhet;\xe5r\n");
        let back = MappedText::new(map, 0).expect_err("not utf-8");
        assert_eq!(&back[..], b"enhet;\xe5r\n");
        // A start past the end is refused too.
        assert!(MappedText::new(back, 100).is_err());
    }
}
