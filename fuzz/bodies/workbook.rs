//! One workbook from arbitrary bytes, tried as `.xlsx`, `.ods` and `.xls`: never a panic, never
//! an allocation past the fuzzer's limit (a workbook that describes more than rimlig reads is
//! refused before calamine builds it); every span of every table lies inside its sheet's text.

use rimlig::report::workbook::workbook_from_bytes;
use rimlig::source::Sources;
use std::path::Path;

pub fn run(data: &[u8]) {
    for name in ["fuzz.xlsx", "fuzz.ods", "fuzz.xls"] {
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        let report = workbook_from_bytes(
            Path::new(name),
            name,
            data.to_vec(),
            &mut sources,
            &mut problems,
        );
        for table in &report.tables {
            let file = sources.get(table.source);
            for h in &table.headers {
                let _ = file.slice(h.span);
                let _ = file.cell_ref(h.span);
            }
            for row in table.iter_rows() {
                for c in row.cells {
                    let _ = file.slice(c.span());
                    let _ = file.line_col(c.span().end);
                    let _ = file.cell_ref(c.span());
                }
            }
        }
    }
}
