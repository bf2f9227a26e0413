//! A workbook put together from parts the fuzzer writes as plain text, for the `workbook`
//! body to read.
//!
//! The `workbook` target mutates a zipped file: a change inside compressed XML seldom leaves
//! an archive that still opens, so the attributes a reader trusts (a claimed count of shared
//! texts, a sheet's dimension, a repeat count) were nearly out of its reach. Here the input is
//! the parts themselves, and the archive is made from them uncompressed: every byte the
//! fuzzer changes is a byte of a part's XML.
//!
//! The input: entries separated by a NUL byte, each a part's path, a line feed and its
//! content (`xl/worksheets/sheet1.xml\n<worksheet …`). `fuzz/seed.sh` writes the example
//! workbooks so.

use std::io::Write;

/// The archive of the parts in `data`, each stored as it is. An entry without a line feed,
/// or a path met twice, is left out.
pub fn zip_of(data: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for entry in data.split(|&b| b == 0) {
        let Some(cut) = entry.iter().position(|&b| b == b'\n') else {
            continue;
        };
        let (path, content) = entry.split_at(cut);
        let path = String::from_utf8_lossy(path).into_owned();
        if zip.start_file(path, stored).is_ok() {
            // A failed write leaves a part short, which is one more malformed workbook.
            let _ = zip.write_all(content.get(1..).unwrap_or_default());
        }
    }
    zip.finish()
        .map(std::io::Cursor::into_inner)
        .unwrap_or_default()
}
