//! Cell parsing on arbitrary text, and the format → parse round trip of every figure read.

use rimlig::report::CellValue;
use rimlig::report::number::{format_decimal, format_figure, parse_cell};

pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let CellValue::Number(f) = parse_cell(&text) {
        let _ = format_figure(&f);
        // A figure printed the Swedish way reads back as the same value with the same decimals.
        let printed = format_decimal(&f.value);
        match parse_cell(&printed) {
            CellValue::Number(g) => {
                assert_eq!(g.value, f.value, "{text:?} → {printed:?}");
                if f.decimals.is_some() {
                    assert_eq!(g.value.scale(), f.value.scale(), "{text:?} → {printed:?}");
                }
            }
            other => panic!("{text:?} read as {f:?}, printed {printed:?}, read back as {other:?}"),
        }
    }
}
