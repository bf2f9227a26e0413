//! One CSV table from arbitrary bytes: never a panic; every span lies inside the decoded text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rimlig::report::csv::load_csv;
use rimlig::source::Sources;

fuzz_target!(|data: &[u8]| {
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
            }
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
});
