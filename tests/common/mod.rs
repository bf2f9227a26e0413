//! Helpers shared by the integration tests: running the binary, scratch folders, loading
//! reports, comparing tables and findings.
// Each test file uses some of these, never all.
#![allow(dead_code)]

use rimlig::problem::Problem;
use rimlig::report::discover::load_report;
use rimlig::report::{CellValue, Figure, Report, Table};
use rimlig::source::Sources;
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn rimlig(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rimlig"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .output()
        .expect("the rimlig binary runs")
}

pub fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// A report read from a path relative to the crate root (cargo runs tests there).
pub fn load(path: &str) -> (Report, Sources, Vec<Problem>) {
    let mut sources = Sources::default();
    let mut problems = Vec::new();
    let report = load_report(Path::new(path), &mut sources, &mut problems);
    (report, sources, problems)
}

pub fn codes(problems: &[Problem]) -> Vec<&'static str> {
    problems.iter().map(|p| p.code).collect()
}

pub fn table<'a>(report: &'a Report, name: &str) -> &'a Table {
    report
        .tables
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| {
            let names: Vec<&str> = report.tables.iter().map(|t| t.name.as_str()).collect();
            panic!("no table {name:?} in {names:?}")
        })
}

pub fn number(v: &str, decimals: u32) -> CellValue {
    CellValue::Number(Figure {
        value: v.parse::<Decimal>().expect("a decimal"),
        decimals: Some(decimals),
        unit: None,
    })
}

/// The tables of two reports hold the same names, headers and cells (text and value).
pub fn assert_same_tables(a: &Report, b: &Report) {
    let names = |r: &Report| r.tables.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(a), names(b));
    for (x, y) in a.tables.iter().zip(&b.tables) {
        let headers = |t: &Table| t.headers.iter().map(|h| h.text.clone()).collect::<Vec<_>>();
        assert_eq!(headers(x), headers(y), "headers of {}", x.name);
        assert_eq!(x.rows.len(), y.rows.len(), "rows of {}", x.name);
        for (rx, ry) in x.iter_rows().zip(y.iter_rows()) {
            assert_eq!(rx.cells.len(), ry.cells.len());
            for (cx, cy) in rx.cells.iter().zip(ry.cells) {
                assert_eq!(
                    cx.raw(x).trim(),
                    cy.raw(y).trim(),
                    "{} line {}",
                    x.name,
                    ry.line
                );
                assert_eq!(cx.value(x), cy.value(y), "{} line {}", x.name, ry.line);
            }
        }
    }
}

/// What a finding is about, leaving out where it is written: rule instance, severity, the
/// report's period, table, row key, column, values and message.
pub type FindingId = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

pub fn finding_ids(doc: &Value, period_of: impl Fn(&str) -> String) -> Vec<FindingId> {
    let s = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let mut ids: Vec<FindingId> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let rule = format!(
                "{}{}",
                s(&f["rule"]),
                s(&Value::Array(
                    f["bindings"].as_array().cloned().unwrap_or_default(),
                ))
            );
            (
                rule,
                s(&f["severity"]),
                period_of(&s(&f["report"])),
                s(&f["table"]),
                s(&f["row_key"]),
                s(&f["column_name"]),
                f["values"].to_string(),
                s(&f["message"]),
            )
        })
        .collect();
    ids.sort();
    ids
}

/// A fresh, empty folder `name` under cargo's per-crate temporary directory, in `group`.
pub fn scratch_in(group: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(group)
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch folder");
    dir
}

/// `text` written to `path`, its folders made first.
pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `fix` is localised: one change, of the cell at `row_key` and `column` to `suggested`, a
/// slip of `kind`.
pub fn assert_fix(
    fix: &rimlig::locate::Fix,
    row_key: &str,
    column: &str,
    suggested: &str,
    kind: rimlig::locate::FixKind,
) {
    assert_eq!(
        fix.status,
        rimlig::locate::FixStatus::Localised,
        "{}",
        fix.summary()
    );
    let [c] = fix.changes.as_slice() else {
        panic!("one cell: {}", fix.summary())
    };
    assert_eq!(
        (
            c.row_key.as_str(),
            c.column_name.as_str(),
            c.suggested.as_str(),
            c.kind
        ),
        (row_key, column, suggested, kind),
        "{}",
        fix.summary()
    );
}
