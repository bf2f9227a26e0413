//! One CSV table from arbitrary bytes: never a panic; every span lies inside the decoded text;
//! a row's cells read at once are its cells read one by one; the reader of the pieces of a
//! large file without quotes reads the rows as the general reader does.

use rimlig::report::csv::load_csv;
use rimlig::source::Sources;

pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = rimlig::report::csv::compare_with_general_reader(&text) {
        panic!("{e}");
    }
    let mut sources = Sources::default();
    let mut problems = Vec::new();
    if let Some(table) = load_csv("fuzz.csv", "fuzz", data, &mut sources, &mut problems) {
        let file = sources.get(table.source);
        for h in &table.headers {
            let _ = file.slice(h.span);
            let _ = file.line_col(h.span.start);
        }
        for row in table.iter_rows() {
            for c in row.cells {
                let _ = file.slice(c.span());
                let _ = file.line_col(c.span().end);
                let _ = file.file_span(c.span());
            }
        }
        // A row's cells split from its text in one pass are its cells one by one.
        for r in 0..table.rows.len() {
            let one_by_one: Vec<_> = (0..table.cell_count(r))
                .filter_map(|c| table.cell(r, c))
                .collect();
            assert_eq!(table.row_cells(r), one_by_one);
        }
    }
    let style = rimlig::render::human::Style {
        color: false,
        width: 80,
        verbose: true,
    };
    for p in &problems {
        let _ = rimlig::render::human::render_problem(p, &sources, style);
    }
}
