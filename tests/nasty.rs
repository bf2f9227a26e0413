//! Real-world nasty inputs (`tests/data/nasty/`): each is checked beside a well-formed report
//! (`nasty/ok`), and gives the right values or a pointed diagnostic — never a panic — while the
//! other report is still checked. The 50 MB table is generated into cargo's temporary folder,
//! not committed.

use rimlig::finding::Finding;
use rimlig::problem::{Problem, ProblemKind, Severity};
use rimlig::report::{CellValue, Figure, Table};
use rimlig::run::{Run, check};
use rust_decimal::Decimal;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const NASTY: &str = "tests/data/nasty";

fn nasty(case: &str) -> PathBuf {
    Path::new(NASTY).join(case)
}

/// Check the report `case` and `ok` together against `nasty.rules`.
fn check_case(case: &Path) -> Run {
    let run = check(&[case.to_path_buf(), nasty("ok")], &[nasty("nasty.rules")]);
    assert_ok_still_checked(&run);
    run
}

/// The well-formed report was read and checked in the same run: its one wrong avvikelse is
/// found at its cell.
fn assert_ok_still_checked(run: &Run) {
    let ok = run
        .reports
        .iter()
        .find(|r| r.path == nasty("ok"))
        .expect("the ok report is in the run");
    assert_eq!(ok.tables.len(), 1);
    let f = findings_in(run, "ok")
        .into_iter()
        .find(|f| f.rule == "nasty-avvikelse")
        .expect("the ok report's finding");
    assert_eq!(f.row_key.as_deref(), Some("Skola"));
    assert_eq!((f.line, f.column), (3, 23));
}

fn findings_in<'a>(run: &'a Run, case: &str) -> Vec<&'a Finding> {
    let report = nasty(case).to_string_lossy().replace('\\', "/");
    run.outcome
        .findings
        .iter()
        .filter(|f| f.report == report)
        .collect()
}

fn table<'a>(run: &'a Run, case: &str) -> Option<&'a Table> {
    run.reports
        .iter()
        .find(|r| r.path == nasty(case))
        .expect("the report is in the run")
        .tables
        .first()
}

/// Problems about files of `case`.
fn problems_of<'a>(run: &'a Run, case: &str) -> Vec<&'a Problem> {
    let prefix = nasty(case).to_string_lossy().replace('\\', "/");
    run.problems
        .iter()
        .filter(|p| {
            p.path.as_deref().is_some_and(|x| x.starts_with(&prefix))
                || p.labels
                    .first()
                    .is_some_and(|l| run.sources.get(l.source).name.starts_with(&prefix))
        })
        .collect()
}

fn codes(problems: &[&Problem]) -> Vec<&'static str> {
    problems.iter().map(|p| p.code).collect()
}

fn number(value: i64) -> CellValue {
    CellValue::Number(Figure {
        value: Decimal::from(value),
        decimals: Some(0),
        unit: None,
    })
}

fn exact_zero() -> CellValue {
    CellValue::Number(Figure {
        value: Decimal::ZERO,
        decimals: None,
        unit: None,
    })
}

fn keys(t: &Table) -> Vec<&str> {
    t.iter_rows().map(|r| r.cells[0].raw(t)).collect()
}

#[test]
fn windows_1252_with_crlf_reads_letters_spaces_and_dashes() {
    let run = check_case(&nasty("cp1252-crlf"));
    let ps = problems_of(&run, "cp1252-crlf");
    assert_eq!(codes(&ps), ["data::windows-1252"]);
    assert_eq!(ps[0].severity, Severity::Info);

    let t = table(&run, "cp1252-crlf").expect("a table");
    assert_eq!(t.headers[3].text, "Avvikelse", "no CR in the last header");
    assert_eq!(keys(t), ["Förvaltning", "Fritid och å", "Övrigt", "Summa"]);
    // A no-break space (0xA0) groups thousands; an en dash (0x96) is an exact zero; the last
    // cell of a CRLF line has no CR.
    assert_eq!(t.row_cells(0)[1].value(t), number(8486));
    assert_eq!(t.row_cells(0)[3].value(t), number(486));
    assert_eq!(t.row_cells(2)[1].value(t), exact_zero());

    // Fritid's avvikelse, 40 where 400 is meant, and the Summa row's, are found; the sum of
    // the column is right.
    let fs = findings_in(&run, "cp1252-crlf");
    let mut at: Vec<(&str, &str, usize, usize)> = fs
        .iter()
        .map(|f| {
            (
                f.rule.as_str(),
                f.row_key.as_deref().unwrap_or(""),
                f.line,
                f.column,
            )
        })
        .collect();
    at.sort();
    assert_eq!(
        at,
        [
            ("nasty-avvikelse", "Fritid och å", 3, 24),
            ("nasty-avvikelse", "Summa", 5, 19),
        ]
    );
    // The span is a byte range of the file as stored: one byte per character in Windows-1252.
    let bytes = std::fs::read(nasty("cp1252-crlf/Drift.csv")).unwrap();
    let fritid = fs.iter().find(|f| f.line == 3).unwrap();
    assert_eq!(
        &bytes[fritid.span.offset..fritid.span.offset + fritid.span.length],
        b"40"
    );
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_header() {
    let run = check_case(&nasty("bom"));
    assert!(problems_of(&run, "bom").is_empty());
    let t = table(&run, "bom").expect("a table");
    assert_eq!(t.headers[0].text, "Verksamhet");
    assert_eq!(t.headers[0].normalised, "verksamhet");
    let fs = findings_in(&run, "bom");
    let skola = fs
        .iter()
        .find(|f| f.row_key.as_deref() == Some("Skola"))
        .expect("Skola's avvikelse 2 where 5 is meant");
    assert_eq!((skola.line, skola.column), (3, 12));
    // The span counts the three bytes of the mark.
    let bytes = std::fs::read(nasty("bom/Drift.csv")).unwrap();
    assert_eq!(
        &bytes[skola.span.offset..skola.span.offset + skola.span.length],
        b"2"
    );
}

#[test]
fn trailing_empty_columns_and_rows_are_dropped() {
    let run = check_case(&nasty("trailing-columns"));
    assert!(problems_of(&run, "trailing-columns").is_empty());
    let t = table(&run, "trailing-columns").expect("a table");
    let headers: Vec<&str> = t.headers.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(headers, ["Verksamhet", "Redovisat", "Budget", "Avvikelse"]);
    assert_eq!(keys(t), ["Kultur", "Skola", "Summa"]);
    assert!(findings_in(&run, "trailing-columns").is_empty());
}

#[test]
fn footnote_marks_after_figures_are_not_part_of_them() {
    let run = check_case(&nasty("footnotes"));
    assert!(problems_of(&run, "footnotes").is_empty());
    let t = table(&run, "footnotes").expect("a table");
    assert_eq!(t.row_cells(0)[1].raw(t), "165 616*");
    assert_eq!(t.row_cells(0)[1].value(t), number(165_616));
    assert_eq!(t.row_cells(1)[1].value(t), number(1000));
    assert_eq!(t.row_cells(1)[3].value(t), number(100));
    assert!(findings_in(&run, "footnotes").is_empty());
}

#[test]
fn italic_markup_is_read_through_in_figures_and_keys() {
    let run = check_case(&nasty("italics"));
    assert!(problems_of(&run, "italics").is_empty());
    let t = table(&run, "italics").expect("a table");
    assert_eq!(keys(t), ["Kultur", "varav bibliotek", "Skola", "Summa"]);
    assert_eq!(t.row_cells(0)[1].value(t), number(297_560));
    // The cell still points at the markup as written.
    let file = run.sources.get(t.source);
    assert_eq!(file.slice(t.row_cells(0)[0].span()), "<i>Kultur</i>");
    // "<i>varav bibliotek</i>" is a varav row (skip "varav*"): not summed, so the sums hold.
    assert!(findings_in(&run, "italics").is_empty());
    let passed: usize = run.outcome.stats.iter().map(|(_, s)| s.passed).sum();
    assert!(passed >= 7, "{:?}", run.outcome.stats);
}

#[test]
fn a_header_only_file_is_a_table_without_rows() {
    let run = check_case(&nasty("header-only"));
    assert!(problems_of(&run, "header-only").is_empty());
    let t = table(&run, "header-only").expect("a table");
    assert_eq!(t.headers.len(), 4);
    assert!(t.rows.is_empty());
    assert!(findings_in(&run, "header-only").is_empty());
    // Without a total row the sums cannot be checked: not applicable, not a finding.
    assert!(
        run.outcome
            .not_applicable
            .iter()
            .any(|na| na.report.ends_with("header-only"))
    );
}

#[test]
fn an_empty_file_is_a_warning() {
    let run = check_case(&nasty("empty"));
    let ps = problems_of(&run, "empty");
    assert_eq!(codes(&ps), ["data::empty-table"]);
    assert_eq!(ps[0].severity, Severity::Warning);
    assert_eq!(
        ps[0].path.as_deref(),
        Some("tests/data/nasty/empty/Drift.csv")
    );
    assert!(table(&run, "empty").is_none());
}

#[test]
fn a_binary_file_named_csv_is_refused() {
    let run = check_case(&nasty("binary"));
    let ps = problems_of(&run, "binary");
    assert_eq!(codes(&ps), ["data::not-text"]);
    assert_eq!(ps[0].severity, Severity::Error);
    assert_eq!(ps[0].kind, ProblemKind::Data);
    assert!(ps[0].help.is_some());
    assert!(table(&run, "binary").is_none());
    // A data error: exit 1, not a broken run.
    assert_eq!(run.exit_code(false), 1);
}

#[test]
fn a_malformed_quote_is_pointed_at_and_the_rows_before_it_are_kept() {
    let run = check_case(&nasty("malformed-quote"));
    let ps = problems_of(&run, "malformed-quote");
    assert_eq!(codes(&ps), ["data::unclosed-quote"]);
    let label = &ps[0].labels[0];
    let file = run.sources.get(label.source);
    assert_eq!(file.line_col(label.span.start), (4, 1));
    assert_eq!(file.slice(label.span), "\"");

    let t = table(&run, "malformed-quote").expect("a table");
    // A quote inside an unquoted cell is kept as written.
    assert_eq!(keys(t), ["Kultur \"och\" fritid", "Skola"]);
    assert_eq!(t.row_cells(0)[1].value(t), number(100));
    // The total row is after the broken quote: the sums are not applicable, not wrong.
    assert!(findings_in(&run, "malformed-quote").is_empty());
}

/// A driftsammandrag of about 50 MB: `rows` rows and a Summa row, one avvikelse wrong.
fn write_big_table(path: &Path, rows: usize, wrong: usize) -> std::io::Result<u64> {
    std::fs::create_dir_all(path.parent().unwrap())?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "Verksamhet;Redovisat;Budget;Avvikelse;Kommentar")?;
    for i in 0..rows {
        let avvikelse = if i == wrong { 10 } else { 100 };
        writeln!(
            out,
            "Verksamhet {i:07} inom förvaltningen;1 000;900;{avvikelse};\
             Utfallet för perioden följer budgeten, inga särskilda händelser"
        )?;
    }
    let n = rows as i64;
    // The Summa row's avvikelse is redovisat − budget; the column's sum is 90 less.
    writeln!(out, "Summa;{};{};{};", n * 1000, n * 900, n * 100)?;
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

#[test]
fn a_50_mb_table_loads_in_reasonable_time_with_the_right_findings() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("nasty")
        .join("big");
    let _ = std::fs::remove_dir_all(&dir);
    let rows = 420_000;
    let wrong = 314_159;
    let size = write_big_table(&dir.join("Drift.csv"), rows, wrong).expect("write the table");
    assert!(size >= 50_000_000, "{size} bytes");

    let start = Instant::now();
    let run = check_case(&dir);
    let took = start.elapsed();
    // Generous: a debug build on a busy two-core machine; a release build takes a few seconds.
    assert!(
        took < Duration::from_secs(240),
        "checking {size} bytes took {took:?}"
    );

    let report = run.reports.iter().find(|r| r.path == dir).unwrap();
    assert_eq!(report.tables[0].rows.len(), rows + 1);
    let shown = dir.to_string_lossy().replace('\\', "/");
    let fs: Vec<(String, usize)> = run
        .outcome
        .findings
        .iter()
        .filter(|f| f.report == shown)
        .map(|f| (f.instance_name(), f.line))
        .collect();
    assert_eq!(fs, [("nasty-avvikelse".to_string(), wrong + 2)]);
    // The sums hold within rounding (420 000 rounded rows allow ±210 000,5 on the sum of
    // a column, and the avvikelse column's sum is 90 off): checked and passed.
    let summa = run
        .outcome
        .stats_by_report
        .iter()
        .find(|(rule, report, _)| rule == "nasty-summa" && *report == shown)
        .map(|(_, _, s)| s)
        .expect("the sums were checked");
    assert_eq!((summa.passed, summa.failed), (3, 0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_finding_far_along_a_one_line_json_report_is_said_in_words_not_drawn() {
    // A JSON report written on one line, as programs write JSON: the wrong avvikelse is past
    // column 65 535, where drawing it once made miette panic.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("nasty")
        .join("one-line-json");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut rows: Vec<String> = (0..4_000)
        .map(|i| format!("[\"Enhet {i}\", \"1 000\", \"900\", \"100\"]"))
        .collect();
    rows.push("[\"Fel\", \"1 000\", \"900\", \"104\"]".to_string());
    let json = format!(
        "{{\"tables\": {{\"Drift\": {{\"columns\": [\"Verksamhet\", \"Redovisat\", \"Budget\", \"Avvikelse\"], \"rows\": [{}]}}}}}}",
        rows.join(", ")
    );
    std::fs::write(dir.join("drift.json"), &json).unwrap();
    let run = check(std::slice::from_ref(&dir), &[nasty("nasty.rules")]);
    let f = run
        .outcome
        .findings
        .iter()
        .find(|f| f.rule == "nasty-avvikelse")
        .expect("the wrong avvikelse");
    assert_eq!(f.line, 1);
    assert!(f.column > 65_535, "column {}", f.column);

    let style = rimlig::render::human::Style {
        color: false,
        width: 100,
        verbose: false,
    };
    let text = rimlig::render::human::render(&run, style);
    let at = format!("drift.json:1:{}: avvikelse is 104", f.column);
    assert!(text.contains(&at), "{text}");
    assert!(
        text.contains("(the line is too long to show here)"),
        "{text}"
    );
    // The line itself is not printed.
    assert!(text.len() < 10_000, "{} bytes", text.len());
}

/// A `#DIV/0!` in a workbook cell of a figure column is said once, by the reader
/// (`data::cell-error`), not again as a text that is no figure.
#[test]
fn a_spreadsheet_error_in_a_figure_column_is_said_once() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("nasty-cell-error");
    std::fs::create_dir_all(&dir).unwrap();
    let rules = dir.join("formler.rules");
    std::fs::write(
        &rules,
        "table formler \"formler\" {\n  key rad \"Rad\"\n  column andel \"Andel\" pct\n}\n\
         rule r { each formler: andel >= 0 % }\n",
    )
    .unwrap();
    let run = check(
        &[PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/workbook/nasty.xlsx"
        ))],
        &[rules],
    );
    let at_c4: Vec<&str> = run
        .problems
        .iter()
        .filter(|p| p.message.contains("#DIV/0!"))
        .map(|p| p.code)
        .collect();
    assert_eq!(at_c4, ["data::cell-error"], "{:#?}", run.problems);
}
