//! Writing a report file (`--output`) over the one a run before left there.

use std::io::Write;
use std::path::Path;

/// `write` into the file at `path`, made if it is not there, then cut to what was written.
/// An earlier report at `path` is written over rather than truncated first: freeing the
/// blocks of a large report before writing the next one took longer than the writing.
pub fn write_over(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Seek;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    // Only a regular file is written over in place: not `/dev/stdout` or a named pipe.
    let regular = file.metadata()?.is_file();
    if regular {
        let mut pages = WholePages::new(&mut file);
        write(&mut pages)?;
        pages.flush()?;
    } else {
        write(&mut file)?;
    }
    if regular {
        let written = file.stream_position()?;
        file.set_len(written)?;
    }
    Ok(())
}

/// The size of a page of a file in memory, and of the blocks [`WholePages`] writes in.
const PAGE: usize = 4096;

/// A writer that passes on whole pages only (the last excepted), from the start of a file.
///
/// Writing part of a page of a file makes the kernel read the rest of that page from the
/// disk first, when it no longer holds it in memory: writing over yesterday's report, whose
/// pages it has let go of, each write that ended inside a page waited for a read of the old
/// one (about 500 for a 30 MB report). Whole pages are written without reading anything.
///
/// Only the part of a page left over from one write is held, and put in front of the next;
/// the whole pages of what is written go to the file from where they are, in the same call.
/// (Holding everything in a buffer of a megabyte copied every byte of a 30 MB report once
/// more, on the thread that writes while the others make the text.)
pub struct WholePages<W: Write> {
    inner: W,
    /// Less than a page.
    held: Vec<u8>,
}

impl<W: Write> WholePages<W> {
    /// Writing to `inner` from a page's start (as a file opened anew is).
    pub fn new(inner: W) -> Self {
        WholePages {
            inner,
            held: Vec::with_capacity(PAGE),
        }
    }
}

impl<W: Write> Write for WholePages<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let fill = (PAGE - self.held.len()).min(bytes.len());
        let (first, rest) = bytes.split_at(fill);
        if self.held.len() + first.len() < PAGE {
            self.held.extend_from_slice(first);
            return Ok(bytes.len());
        }
        // A page: what was held and the start of `bytes`, then the whole pages after it.
        let whole = rest.len() / PAGE * PAGE;
        let (pages, tail) = rest.split_at(whole);
        let mut slices = [
            std::io::IoSlice::new(&self.held),
            std::io::IoSlice::new(first),
            std::io::IoSlice::new(pages),
        ];
        write_all_slices(&mut self.inner, &mut slices)?;
        self.held.clear();
        self.held.extend_from_slice(tail);
        Ok(bytes.len())
    }

    /// Everything held written, the last part page too.
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.write_all(&self.held)?;
        self.held.clear();
        self.inner.flush()
    }
}

/// All of `slices` written, in as few calls as `inner` takes them.
fn write_all_slices(
    inner: &mut impl Write,
    mut slices: &mut [std::io::IoSlice<'_>],
) -> std::io::Result<()> {
    std::io::IoSlice::advance_slices(&mut slices, 0);
    while !slices.is_empty() {
        match inner.write_vectored(slices) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => std::io::IoSlice::advance_slices(&mut slices, n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A megabyte: written in pieces of odd sizes.
    const LONG: usize = 1 << 20;

    /// A writer that records the length of every write it is given.
    #[derive(Default)]
    struct Writes {
        bytes: Vec<u8>,
        lengths: Vec<usize>,
    }

    impl Write for Writes {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.bytes.extend_from_slice(b);
            self.lengths.push(b.len());
            Ok(b.len())
        }
        /// As a file takes them: all the slices in one write.
        fn write_vectored(&mut self, slices: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
            let all: Vec<u8> = slices.iter().flat_map(|s| s.iter().copied()).collect();
            self.write(&all)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn only_whole_pages_are_passed_on_until_the_last() {
        let text: Vec<u8> = (0..3 * LONG + 12_345).map(|i| (i % 251) as u8).collect();
        let mut out = Writes::default();
        let mut pages = WholePages::new(&mut out);
        // Pieces of odd sizes, as a document is made: smaller than a page, a page, several.
        let mut rest = &text[..];
        for size in [97_003, 5, PAGE, 1_000, 2 * PAGE - 1, 3].iter().cycle() {
            let (piece, after) = rest.split_at((*size).min(rest.len()));
            pages.write_all(piece).unwrap();
            rest = after;
            if rest.is_empty() {
                break;
            }
        }
        pages.flush().unwrap();
        assert_eq!(out.bytes, text);
        let (last, before) = out.lengths.split_last().unwrap();
        assert!(before.iter().all(|n| n % PAGE == 0), "{:?}", out.lengths);
        assert_eq!(before.iter().sum::<usize>() + last, text.len());
    }

    #[test]
    fn a_report_written_over_a_longer_one_is_cut_to_its_length() {
        let dir = std::env::temp_dir().join(format!("rimlig-output-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("report.json");
        std::fs::write(&path, vec![b'x'; 3 * PAGE + 5]).unwrap();
        write_over(&path, |w| w.write_all(b"{\"kort\": 1}\n")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"kort\": 1}\n");
        let long: Vec<u8> = vec![b'y'; 2 * LONG + 7];
        write_over(&path, |w| w.write_all(&long)).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), long);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
