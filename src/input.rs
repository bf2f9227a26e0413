//! Reading a whole input file: only a regular file, and only up to a size.
//!
//! Every file rimlig reads whole goes through [`read_regular`]: report documents and
//! workbooks, rule files, `rimlig.toml`, `report.toml` and baselines. A named pipe would make
//! the run wait for ever, and a device such as `/dev/zero` never ends; a file larger than
//! its kind ever is would only fill memory. A run in CI must end, whatever path it is given.

use crate::problem::{Problem, ProblemKind, Severity};
use std::io::Read;
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Nothing is there (or a link leads to nothing).
    NotFound,
    /// A folder.
    Folder,
    /// A named pipe, a socket or a device.
    NotAFile,
    /// Larger than the limit; `size` is its length in bytes.
    TooLarge { size: u64 },
    /// Reading failed.
    Io(std::io::Error),
}

impl ReadError {
    fn of(e: std::io::Error) -> ReadError {
        if e.kind() == std::io::ErrorKind::NotFound {
            ReadError::NotFound
        } else {
            ReadError::Io(e)
        }
    }
}

/// `io::not-a-file`: `what` (`the config file rimlig.toml`, shown as `shown`) is a folder, or
/// a named pipe, a socket or a device, and was not read. An error; a caller that passes such a
/// file over makes it a warning.
pub fn not_a_file(what: &str, shown: &str, folder: bool) -> Problem {
    let is = if folder {
        "a folder"
    } else {
        "a named pipe, a socket or a device"
    };
    Problem::new(
        ProblemKind::Io,
        Severity::Error,
        "io::not-a-file",
        format!("{what} is {is}, not a regular file, so it is not read"),
    )
    .with_path(shown)
    .with_help("rimlig reads only regular files, so that no input can make it wait")
}

/// The bytes of the regular file at `path` (a link is followed), if it holds at most
/// `max_bytes`.
pub fn read_regular(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_without_waiting(path).map_err(ReadError::of)?;
    // What was opened is asked, not the path: asking the path first and opening it after
    // would let the path be swapped for a pipe or a device in between.
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::Folder);
    }
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > max_bytes {
        return Err(ReadError::TooLarge { size: meta.len() });
    }
    // The file may have grown since it was measured: read one byte past the limit at most.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0) + 1);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > max_bytes {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
        });
    }
    Ok(bytes)
}

/// The first bytes of the file at `path` as text, without a byte order mark or the
/// whitespace before the first character: enough to tell what kind of file it is. `None`
/// when it cannot be read.
pub fn start_of(path: &Path) -> Option<String> {
    let mut head = [0u8; 64];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .ok()?;
    let text = String::from_utf8_lossy(&head[..n]);
    Some(text.trim_start_matches('\u{feff}').trim_start().to_string())
}

/// Whether a file's `start` (see [`start_of`]) is that of the JSON rimlig writes, a report of
/// a run or a baseline (`{"version": …`), which no report table, rule file or report
/// document is.
pub fn is_rimlig_json(start: &str) -> bool {
    start
        .strip_prefix('{')
        .is_some_and(|rest| rest.trim_start().starts_with("\"version\""))
}

/// Opens `path` for reading without waiting: opening a named pipe normally waits for a
/// writer, which never comes. Without waiting it opens at once, and is then told apart.
#[cfg(unix)]
pub(crate) fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// Elsewhere there are no named pipes at ordinary paths.
#[cfg(not(unix))]
pub(crate) fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("rimlig-input-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn a_small_file_is_read_whole() {
        let dir = scratch("small");
        let path = dir.join("a.toml");
        std::fs::write(&path, "x = 1\n").unwrap();
        assert_eq!(read_regular(&path, 6).unwrap(), b"x = 1\n");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_over_the_limit_is_not_read() {
        let dir = scratch("large");
        let path = dir.join("a.toml");
        std::fs::write(&path, "x = 1\n").unwrap();
        assert!(matches!(
            read_regular(&path, 5),
            Err(ReadError::TooLarge { size: 6 })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_not_waited_on() {
        let dir = scratch("fifo");
        let path = dir.join("rimlig.toml");
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("no mkfifo here; skipped");
            return;
        }
        // Without a writer, opening it the usual way would wait for ever.
        assert!(matches!(read_regular(&path, 5), Err(ReadError::NotAFile)));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_folder_or_nothing_is_said_as_such() {
        let dir = scratch("folder");
        assert!(matches!(read_regular(&dir, 5), Err(ReadError::Folder)));
        assert!(matches!(
            read_regular(&dir.join("nothing"), 5),
            Err(ReadError::NotFound)
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_device_is_not_read() {
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 5),
            Err(ReadError::NotAFile)
        ));
    }
}
