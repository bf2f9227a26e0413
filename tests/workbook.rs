//! Workbooks as reports: the shipped Linköping example as `.xlsx` and `.ods` gives the same
//! findings as its CSV version and names the cells (`prognos!D6`); the corpus under
//! `tests/data/workbook/` (merged header cells, hidden and empty sheets, formulas, errors,
//! dates, a text-formatted number, a very wide row, files that only claim to be workbooks)
//! gives correct values or a pointed problem, and the rest of the run goes on.
//!
//! The workbooks are written by `cargo run --example make_workbooks`.

use rimlig::problem::{Problem, ProblemKind, Severity};
use rimlig::report::discover::{find_report_dirs, load_report};
use rimlig::report::{CellValue, Figure, Missing, Report, Table, Unit};
use rimlig::run::{Run, check};
use rimlig::source::Sources;
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

const CSV: &str = "examples/linkoping-vss";
const XLSX: &str = "examples/linkoping-vss-xlsx";
const ODS: &str = "examples/linkoping-vss-ods";
const CORPUS: &str = "tests/data/workbook";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Check `path` (relative to the crate root, the tests' working directory).
fn run(path: &str) -> Run {
    check(&[PathBuf::from(path)], &[])
}

/// What identifies a finding whatever file it is in: rule instance, report period, table, row
/// key, column, values and message.
fn findings(run: &Run) -> Vec<String> {
    let mut out: Vec<String> = run
        .outcome
        .findings
        .iter()
        .map(|f| {
            let period = run
                .reports
                .iter()
                .find(|r| r.path.to_string_lossy().replace('\\', "/") == f.report)
                .and_then(|r| r.meta.period.clone())
                .unwrap_or_default();
            let values = f.values.as_ref().map(|v| {
                format!(
                    "{} {} {} | {:?} {:?}",
                    v.left, v.op, v.right, v.difference, v.tolerance
                )
            });
            format!(
                "{} {:?} @ {period} {} [{:?} · {:?}] {values:?} — {}",
                f.instance_name(),
                f.severity,
                f.table,
                f.row_key,
                f.column_name,
                f.message
            )
        })
        .collect();
    out.sort();
    out
}

fn load(path: &str) -> (Report, Sources, Vec<Problem>) {
    let mut sources = Sources::default();
    let mut problems = Vec::new();
    let report = load_report(Path::new(path), &mut sources, &mut problems);
    (report, sources, problems)
}

fn table<'a>(report: &'a Report, name: &str) -> &'a Table {
    report
        .tables
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no table {name} in {:?}", names(report)))
}

fn names(report: &Report) -> Vec<&str> {
    report.tables.iter().map(|t| t.name.as_str()).collect()
}

fn headers(t: &Table) -> Vec<&str> {
    t.headers.iter().map(|h| h.text.as_str()).collect()
}

fn number(v: &str, decimals: u32, unit: Option<Unit>) -> CellValue {
    CellValue::Number(Figure {
        value: Decimal::from_str(v).expect("test decimal"),
        decimals: Some(decimals),
        unit,
    })
}

fn codes(problems: &[Problem]) -> Vec<&'static str> {
    problems.iter().map(|p| p.code).collect()
}

/// Every cell's span is its text in the rendered sheet, on the line of its sheet row, and the
/// rendered text names it as the cell it is.
fn assert_cells_in_place(t: &Table, sources: &Sources) {
    let file = sources.get(t.source);
    for row in t.iter_rows() {
        assert_eq!(file.line_col(row.span.start).0, row.line);
        for cell in row.cells {
            assert_eq!(file.slice(cell.span()), cell.raw(t), "in {}", file.name);
            assert_eq!(file.line_col(cell.span().start).0, row.line);
            let cell_ref = file.cell_ref_short(cell.span()).expect("a named cell");
            assert!(
                cell_ref.ends_with(&row.line.to_string()),
                "{cell_ref} on line {}",
                row.line
            );
        }
    }
}

#[test]
fn xlsx_example_gives_the_same_findings_as_csv() {
    let csv = run(CSV);
    let xlsx = run(XLSX);
    assert!(xlsx.problems.is_empty(), "{:?}", xlsx.problems);
    assert_eq!(xlsx.reports.len(), 2);
    let csv_findings = findings(&csv);
    assert!(csv_findings.len() > 10);
    assert_eq!(findings(&xlsx), csv_findings);
    assert_eq!(
        serde_json::to_value(xlsx.summary()).expect("json"),
        serde_json::to_value(csv.summary()).expect("json")
    );
}

#[test]
fn ods_example_gives_the_same_findings_as_csv() {
    let csv = run(CSV);
    let ods = run(ODS);
    assert!(ods.problems.is_empty(), "{:?}", ods.problems);
    assert_eq!(findings(&ods), findings(&csv));
}

#[test]
fn workbook_tables_hold_the_csv_figures() {
    for period in ["2020-08", "2020-10"] {
        let (csv, _, _) = load(&format!("{CSV}/{period}"));
        let (xlsx, sources, problems) = load(&format!("{XLSX}/{period}.xlsx"));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(names(&xlsx), names(&csv));
        assert_eq!(xlsx.meta.period.as_deref(), Some(period));
        for (a, b) in csv.tables.iter().zip(&xlsx.tables) {
            assert_eq!(headers(b), headers(a), "{}", a.name);
            assert_eq!(b.rows.len(), a.rows.len(), "{}", a.name);
            for (ra, rb) in a.iter_rows().zip(b.iter_rows()) {
                // The header is row 1, so the sheet's rows are the CSV file's lines.
                assert_eq!(rb.line, ra.line);
                for (ca, cb) in ra.cells.iter().zip(rb.cells) {
                    assert_eq!(
                        cb.raw(b).trim(),
                        ca.raw(a).trim(),
                        "{} line {}",
                        a.name,
                        ra.line
                    );
                    assert_eq!(cb.value(b), ca.value(a), "{} line {}", a.name, ra.line);
                }
            }
            assert_cells_in_place(b, &sources);
        }
    }
}

#[test]
fn previous_reports_are_found_across_workbooks() {
    let (report, _, problems) = load(&format!("{XLSX}/2020-10.xlsx"));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        report.meta.previous,
        Some(PathBuf::from(XLSX).join("2020-08.xlsx"))
    );
    assert_eq!(
        report.meta.unit.as_deref(),
        Some("Verksamhetsstöd och service")
    );

    let run = run(XLSX);
    let f = run
        .outcome
        .findings
        .iter()
        .find(|f| f.rule == "prognos-bokslut-oforandrat")
        .expect("the changed Bokslut 2019 is found across the workbooks");
    assert_eq!(f.cell.as_deref(), Some("prognos!E12"));
    let earlier = f
        .related
        .iter()
        .find(|r| r.file.ends_with("2020-08.xlsx[prognos]"))
        .expect("the previous report's cell");
    assert_eq!(earlier.cell.as_deref(), Some("prognos!E11"));
    assert_eq!(earlier.line, 11);
}

#[test]
fn findings_name_the_sheet_and_cell() {
    let run = run(XLSX);
    let f = run
        .outcome
        .findings
        .iter()
        .find(|f| {
            f.rule == "prognos-avvikelse" && f.row_key.as_deref() == Some("Kontakt Linköping")
        })
        .expect("Kontakt Linköping's Avvikelse 995");
    assert_eq!(f.file, format!("{XLSX}/2020-10.xlsx[prognos]"));
    assert_eq!(f.cell.as_deref(), Some("prognos!D6"));
    assert_eq!(f.line, 6, "the line is the sheet's row");
    let file = run.sources.get(f.source);
    // The JSON span is the cell's place in the rendered sheet text.
    let span = f.span;
    assert_eq!(&file.text[span.offset..span.offset + span.length], "995");
    let related: Vec<Option<&str>> = f.related.iter().map(|r| r.cell.as_deref()).collect();
    assert_eq!(related, [Some("prognos!B6"), Some("prognos!C6")]);
}

fn rimlig(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rimlig"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .output()
        .expect("the rimlig binary runs")
}

#[test]
fn terminal_output_names_the_sheet_and_cell() {
    let out = rimlig(&["check", XLSX, "--color", "never", "--width", "120"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(
        text.contains(&format!("╭─[{XLSX}/2020-10.xlsx[prognos]:6:")),
        "{text}"
    );
    assert!(
        text.contains(&format!("cell prognos!D6 of {XLSX}/2020-10.xlsx")),
        "{text}"
    );
    assert!(
        text.contains("D6: avvikelse is 995, but prognos - budget is 1 000"),
        "{text}"
    );
    assert!(text.contains("B6 Prognos helår: 1 000"), "{text}");
    // The rendered sheet: line 6 is row 6, the cells as the sheet shows them.
    assert!(
        text.lines()
            .any(|l| l.starts_with(" 6 │ Kontakt Linköping") && l.contains("│ 995 ")),
        "{text}"
    );
    // A cell of the previous workbook is named too.
    assert!(
        text.contains(&format!("(at prognos!E11 of {XLSX}/2020-08.xlsx)")),
        "{text}"
    );
    assert!(text.contains("checked 2 reports (16 tables)"), "{text}");
}

#[test]
fn json_output_has_the_cell() {
    let out = rimlig(&["check", XLSX, "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let f = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["cell"] == "prognos!D6")
        .expect("the finding at prognos!D6");
    assert_eq!(f["line"], 6);
    assert_eq!(f["file"], format!("{XLSX}/2020-10.xlsx[prognos]"));
    assert_eq!(f["report"], format!("{XLSX}/2020-10.xlsx"));
    assert_eq!(f["related"][0]["cell"], "prognos!B6");
    // CSV findings have no `cell`.
    let out = rimlig(&["check", CSV, "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(doc["findings"][0].get("cell").is_none());
}

// ---------------------------------------------------------------------------------------------
// The nasty corpus

#[test]
fn two_header_rows_with_merged_cells_are_joined() {
    let (report, sources, _) = load(&format!("{CORPUS}/nasty.xlsx"));
    let t = table(&report, "sammanslagen");
    assert_eq!(
        headers(t),
        [
            "Projekt",
            "Redovisat jan-okt 2020 Utgifter",
            "Redovisat jan-okt 2020 Inkomster",
            "Prognos 2020 Utgifter",
            "Prognos 2020 Inkomster",
            "Ram"
        ]
    );
    assert_eq!(t.headers[2].normalised, "redovisat_jan_okt_2020_inkomster");
    // The header points at the lower header cell.
    assert_eq!(sources.get(t.source).slice(t.headers[2].span), "Inkomster");
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[0].line(), 3);
    assert_eq!(t.row_cells(0)[1].raw(t), "32 054");
    assert_eq!(t.row_cells(0)[1].value(t), number("32054", 0, None));
    assert_eq!(t.row_cells(1)[2].value(t), number("-200", 0, None));
    assert_cells_in_place(t, &sources);

    // Without merged cells, an empty header cell takes the text to its left.
    let t = table(&report, "utan sammanslagning");
    assert_eq!(
        headers(t),
        [
            "Projekt",
            "Redovisat jan-okt 2020 Utgifter",
            "Redovisat jan-okt 2020 Inkomster",
            "Prognos 2020 Utgifter",
            "Prognos 2020 Inkomster"
        ]
    );
    let file = sources.get(t.source);
    assert_eq!(
        file.name,
        format!("{CORPUS}/nasty.xlsx[utan sammanslagning]")
    );
    assert_eq!(
        file.cell_ref(t.row_cells(0)[4].span()).as_deref(),
        Some("'utan sammanslagning'!E3")
    );
}

#[test]
fn formulas_errors_dates_and_text_numbers() {
    let (report, sources, problems) = load(&format!("{CORPUS}/nasty.xlsx"));
    let t = table(&report, "formler");
    assert_eq!(headers(t), ["Rad", "Belopp", "Andel", "Datum"]);
    let cell = |r: usize, c: usize| t.cell(r, c).expect("a cell");
    // Numbers as their format prints them.
    assert_eq!(cell(0, 1).raw(t), "1 200");
    assert_eq!(cell(0, 1).value(t), number("1200", 0, None));
    assert_eq!(cell(0, 2).raw(t), "4,3 %");
    assert_eq!(cell(0, 2).value(t), number("4.3", 1, Some(Unit::Pct)));
    // A date is text.
    assert_eq!(cell(0, 3).value(t), CellValue::Text("2020-10-31".into()));
    // A number stored as text is read as a CSV cell is.
    assert_eq!(cell(1, 1).raw(t), "1 000");
    assert_eq!(cell(1, 1).value(t), number("1000", 0, None));
    // A zero its format shows as a dash is an exact zero, as the dash in a CSV file.
    assert_eq!(cell(1, 2).raw(t), "-");
    assert_eq!(
        cell(1, 2).value(t),
        CellValue::Number(Figure {
            value: Decimal::ZERO,
            decimals: None,
            unit: None
        })
    );
    assert_eq!(cell(1, 3).value(t), CellValue::Missing(Missing::Empty));
    // Formulas give their cached values, to the format's decimals.
    assert_eq!(cell(2, 1).value(t), number("2200", 0, None));
    assert_eq!(cell(3, 1).raw(t), "733,3");
    assert_eq!(cell(3, 1).value(t), number("733.3", 1, None));
    assert_eq!(cell(3, 2).value(t), CellValue::Text("TRUE".into()));
    // An error is text, and a data error at its cell.
    assert_eq!(cell(2, 2).raw(t), "#DIV/0!");
    let error = problems
        .iter()
        .find(|p| p.code == "data::cell-error")
        .expect("the #DIV/0! is a problem");
    assert_eq!(error.kind, ProblemKind::Data);
    assert_eq!(error.severity, Severity::Error);
    assert!(
        error
            .message
            .starts_with("formler!C4 holds the error #DIV/0!"),
        "{}",
        error.message
    );
    let label = &error.labels[0];
    assert_eq!(label.span, cell(2, 2).span());
    assert_eq!(sources.get(label.source).slice(label.span), "#DIV/0!");
    assert_cells_in_place(t, &sources);
}

#[test]
fn hidden_empty_and_header_only_sheets() {
    let (report, _, problems) = load(&format!("{CORPUS}/nasty.xlsx"));
    assert_eq!(
        names(&report),
        [
            "sammanslagen",
            "utan sammanslagning",
            "formler",
            "bara rubrik",
            "bred"
        ]
    );
    let hidden: Vec<&str> = problems
        .iter()
        .filter(|p| p.code == "data::hidden-sheet")
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(hidden.len(), 2, "{hidden:?}");
    assert!(hidden[0].contains("sheet 'dold'"));
    assert!(hidden[1].contains("sheet 'mycket dold'"));
    assert!(
        problems
            .iter()
            .filter(|p| p.code == "data::hidden-sheet")
            .all(|p| p.severity == Severity::Info)
    );
    let empty = problems
        .iter()
        .find(|p| p.code == "data::empty-table")
        .expect("the empty sheet is noted");
    assert!(empty.message.contains("sheet 'tom'"), "{}", empty.message);
    assert_eq!(empty.severity, Severity::Warning);

    let t = table(&report, "bara rubrik");
    assert_eq!(headers(t), ["Verksamhet", "Prognos helår", "Budget 2020"]);
    assert!(t.rows.is_empty());
    assert_eq!(
        codes(&problems),
        [
            "data::cell-error",
            "data::hidden-sheet",
            "data::hidden-sheet",
            "data::empty-table"
        ]
    );
}

#[test]
fn a_very_wide_row_below_a_title() {
    let (report, sources, _) = load(&format!("{CORPUS}/nasty.xlsx"));
    let t = table(&report, "bred");
    // The title in B1 is not the header: row 3 is.
    assert_eq!(t.headers[0].text, "Nyckel");
    assert_eq!(t.headers.len(), 300);
    assert_eq!(t.headers[299].text, "K299");
    let file = sources.get(t.source);
    assert_eq!(file.line_text(1), "Bred tabell");
    assert_eq!(file.line_col(t.headers[0].span.start).0, 3);
    // Line 2 is the empty sheet row 2.
    assert_eq!(file.line_text(2), "");
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0].line(), 4);
    let last = &t.row_cells(0)[299];
    assert_eq!(last.value(t), number("299", 0, None));
    assert_eq!(file.cell_ref(last.span()).as_deref(), Some("bred!KO4"));
    assert_eq!(
        file.cell_ref(t.row_cells(0)[0].span()).as_deref(),
        Some("bred!B4")
    );
    assert_cells_in_place(t, &sources);
}

#[test]
fn a_stray_value_in_the_last_cell_costs_one_cell() {
    let (report, sources, problems) = load(&format!("{CORPUS}/far.xlsx"));
    assert!(problems.is_empty(), "{problems:?}");
    let t = table(&report, "data");
    assert_eq!(t.headers.len(), 16_384);
    assert_eq!(&headers(t)[..3], ["Verksamhet", "Belopp", ""]);
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.row_cells(0)[1].value(t), number("1", 0, None));
    let last = t.row(1);
    assert_eq!(last.line, 1_048_576);
    let file = sources.get(t.source);
    assert_eq!(
        file.cell_ref(last.cells[16_383].span()).as_deref(),
        Some("data!XFD1048576")
    );
    assert_eq!(file.slice(last.cells[16_383].span()), "slut");
}

#[test]
fn ods_sheets_are_read_and_hidden_ones_skipped() {
    let (report, sources, problems) = load(&format!("{CORPUS}/nasty.ods"));
    assert_eq!(names(&report), ["prognos", "investeringar"]);
    assert_eq!(
        codes(&problems),
        ["data::cell-error", "data::cell-error", "data::hidden-sheet"]
    );
    assert!(
        problems[0]
            .message
            .starts_with("investeringar!B4 holds the error #DIV/0!")
    );
    assert!(problems[1].message.contains("Err:502"));
    let t = table(&report, "prognos");
    assert_eq!(t.row_cells(1)[1].value(t), number("1000", 0, None));
    assert_eq!(t.row_cells(2)[1].value(t), number("4.3", 1, None));
    assert_eq!(
        t.row_cells(2)[2].value(t),
        CellValue::Missing(Missing::NoData)
    );
    assert_eq!(t.row_cells(2)[3].value(t), number("1000", 0, None));
    assert_cells_in_place(t, &sources);
    // No merged cells from an .ods: the header text to the left carries over.
    let t = table(&report, "investeringar");
    assert_eq!(
        headers(t),
        [
            "Projekt",
            "Redovisat jan-okt 2020 Utgifter",
            "Redovisat jan-okt 2020 Inkomster"
        ]
    );
    assert_eq!(t.row_cells(0)[1].value(t), number("32054", 0, None));
}

#[test]
fn xls_workbooks_are_read_also_under_another_name() {
    // Written by tests/data/workbook/make_legacy_xls.py (xlwt).
    let (report, sources, problems) = load(&format!("{CORPUS}/legacy.xls"));
    assert_eq!(names(&report), ["prognos", "sammanslagen"]);
    assert_eq!(codes(&problems), ["data::hidden-sheet"]);
    let t = table(&report, "prognos");
    // No number formats but percentages from an .xls file: figures as General shows them.
    assert_eq!(t.row_cells(1)[1].raw(t), "1000");
    assert_eq!(t.row_cells(1)[1].value(t), number("1000", 0, None));
    assert_eq!(t.row_cells(2)[1].value(t), number("4.3", 1, None));
    assert_cells_in_place(t, &sources);
    // Merged cells are read from .xls files.
    let t = table(&report, "sammanslagen");
    assert_eq!(
        headers(t),
        [
            "Projekt",
            "Redovisat jan-okt 2020 Utgifter",
            "Redovisat jan-okt 2020 Inkomster"
        ]
    );

    let (report, _, problems) = load(&format!("{CORPUS}/legacy-as.xlsx"));
    assert_eq!(names(&report), ["prognos", "sammanslagen"]);
    assert_eq!(
        codes(&problems),
        ["data::workbook-kind", "data::hidden-sheet"]
    );
    assert_eq!(problems[0].severity, Severity::Info);
    assert!(
        problems[0]
            .message
            .contains("is an Excel 97–2003 workbook (.xls) under another name"),
        "{}",
        problems[0].message
    );
}

#[test]
fn files_that_are_no_workbooks_are_data_problems() {
    for (name, says) in [
        ("garbage.xlsx", "neither a zipped workbook"),
        ("empty.xlsx", "the file is empty"),
        ("really-a-csv.xlsx", "it is a text file"),
        (
            "zip-not-workbook.ods",
            "cannot be read as an OpenDocument spreadsheet",
        ),
        ("password.xlsx", "Workbook is password protected"),
        // Found by the `workbook` fuzz target: a chain of sectors that loops, which calamine
        // followed until memory ran out (24 GB from 8,8 KB).
        (
            "fat-loop.xls",
            "the file is damaged (the reader says: Malformed FAT",
        ),
        // A workbook stream whose first sector leads back to itself: the container opens,
        // and calamine followed the chain round to the 4 GB the stream claims.
        (
            "stream-chain-loop.xls",
            "its workbook stream cannot be read (the reader says: Chain contained duplicate",
        ),
    ] {
        let path = format!("{CORPUS}/{name}");
        let (report, _, problems) = load(&path);
        assert!(report.tables.is_empty(), "{name}");
        assert_not_a_workbook(&path, &problems, says);
    }
}

/// `problems` are one error, `data::not-a-workbook` at `path`, whose message says `says`.
fn assert_not_a_workbook(path: &str, problems: &[Problem], says: &str) {
    assert_eq!(codes(problems), ["data::not-a-workbook"], "{path}");
    let p = &problems[0];
    assert_eq!(p.kind, ProblemKind::Data);
    assert_eq!(p.severity, Severity::Error);
    assert!(p.message.contains(says), "{path}: {}", p.message);
    assert!(
        p.path.as_deref().is_some_and(|x| x.ends_with(path)),
        "{path}: {:?}",
        p.path
    );
}

/// Containers whose chains of sectors calamine follows without looking for loops, and whose
/// FAT is listed over and over, written by `tests/data/workbook/make_chain_xls.py`. Those the
/// `cfb` crate opens made calamine go round a chain until memory ran out (root-chain-loop.xls:
/// ended on a 4 GB allocation in 3,7 s), or panic (chain-past-eof.xls); each is refused
/// before calamine sees it, at once.
#[test]
fn containers_whose_chains_calamine_would_follow_round_are_refused() {
    for (name, says) in [
        // The mini stream's chain loops; the root entry says it is 4 GB, or 1 TB.
        (
            "root-chain-loop.xls",
            "the chain of sectors that holds its mini stream (where small streams are kept) \
             leads back on itself",
        ),
        (
            "root-chain-loop-v4.xls",
            "the chain of sectors that holds its mini stream (where small streams are kept) \
             leads back on itself",
        ),
        // The mini stream's table: 2³¹ sectors long, its chain leading back to itself (the
        // `cfb` crate refuses it), or past the end of the file and round by sector 0.
        (
            "minifat-chain-loop.xls",
            "the file is damaged (the reader says: Chain contained duplicate sector id",
        ),
        (
            "minifat-chain-past-end.xls",
            "the chain of sectors that holds the table of its mini stream's sectors leads back \
             on itself",
        ),
        // The directory, which calamine reads to the end of its chain, whatever its length.
        (
            "dir-chain-loop.xls",
            "the reader says: Directory chain includes duplicate sector index",
        ),
        (
            "dir-chain-past-end.xls",
            "the chain of sectors that holds its directory leads back on itself",
        ),
        // A small workbook stream in the mini stream (calamine stops at its size).
        (
            "mini-stream-loop.xls",
            "its workbook stream cannot be read (the reader says: Minichain contained duplicate",
        ),
        // Where calamine would slice past the end of what it has read (a panic).
        (
            "chain-past-eof.xls",
            "the file is damaged: a chain of its sectors leads past its end",
        ),
        // One sector listed 1 124 times as part of the FAT, read each time by both readers:
        // the workbook's first (the `cfb` crate refuses the FAT once built), or one of free
        // entries (which it strips: the file opened, and calamine kept the FAT it built).
        (
            "difat-repeats.xls",
            "its table of sectors is said to take 1 125 sectors, but the file has only 20",
        ),
        (
            "difat-repeats-free.xls",
            "its table of sectors is said to take 1 125 sectors, but the file has only 20",
        ),
        // A workbook stream the `cfb` crate does not see (it is not in the root's tree).
        (
            "orphan-workbook-loop.xls",
            "the chain of sectors that holds its workbook stream leads back on itself",
        ),
    ] {
        let path = format!("{CORPUS}/{name}");
        let (said, heard) = std::sync::mpsc::channel();
        let loaded = path.clone();
        std::thread::spawn(move || {
            let (report, _, problems) = load(&loaded);
            let _ = said.send((report.tables.len(), problems));
        });
        let (tables, problems) = heard
            .recv_timeout(std::time::Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("{name}: the load did not end"));
        assert_eq!(tables, 0, "{name}");
        assert_not_a_workbook(&path, &problems, says);
    }
}

/// The JSON output of `rimlig check PATH`, which must end with 1: errors in the data.
fn json_of_data_errors(path: &str) -> Value {
    let out = rimlig(&["check", path, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn the_corpus_run_goes_on_past_broken_files() {
    // Data errors (the broken files, the #DIV/0!) fail the run with 1, not 2.
    let doc = json_of_data_errors(CORPUS);
    let problems = doc["problems"].as_array().expect("problems");
    let not_workbooks = problems
        .iter()
        .filter(|p| p["code"] == "data::not-a-workbook")
        .count();
    // (Eleven of them from tests/data/workbook/make_chain_xls.py.)
    assert_eq!(not_workbooks, 18);
    let div0 = problems
        .iter()
        .find(|p| {
            p["code"] == "data::cell-error" && p["file"] == format!("{CORPUS}/nasty.xlsx[formler]")
        })
        .expect("the #DIV/0!");
    assert_eq!(div0["cell"], "formler!C4");
    assert_eq!(div0["line"], 4);
    // The readable workbooks were still checked.
    let f = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "prognos-avvikelse")
        .expect("the .ods sheet was checked");
    assert_eq!(f["cell"], "prognos!D3");
    // (Among them percent.xls, of tests/data/workbook/make_percent_xls.py.)
    assert_eq!(doc["summary"]["reports"], 24);
}

// ---------------------------------------------------------------------------------------------
// Discovery

/// A fresh, empty folder under cargo's per-crate temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("workbook")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

#[test]
fn a_workbook_in_a_tree_is_a_report_of_its_own() {
    let dir = scratch("tree");
    std::fs::create_dir_all(dir.join("csv")).expect("mkdir");
    std::fs::write(dir.join("csv/prognos.csv"), "A;B\nx;1\n").expect("write");
    std::fs::copy(
        root().join(XLSX).join("2020-10.xlsx"),
        dir.join("csv/2020-10.xlsx"),
    )
    .expect("copy");
    std::fs::create_dir_all(dir.join("books")).expect("mkdir");
    std::fs::copy(
        root().join(XLSX).join("2020-08.xlsx"),
        dir.join("books/2020-08.XLSX"),
    )
    .expect("copy");
    // Lock files of open workbooks and hidden files are not reports.
    std::fs::write(dir.join("books/~$2020-08.xlsx"), "lock").expect("write");
    std::fs::write(dir.join("books/.2020-08.xlsx"), "hidden").expect("write");

    let mut problems = Vec::new();
    let found = find_report_dirs(std::slice::from_ref(&dir), &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        found,
        [
            dir.join("books/2020-08.XLSX"),
            dir.join("csv"),
            dir.join("csv/2020-10.xlsx"),
        ]
    );
    // The folder's tables are its CSV files only.
    let mut sources = Sources::default();
    let folder = load_report(&dir.join("csv"), &mut sources, &mut problems);
    assert_eq!(names(&folder), ["prognos"]);

    // A workbook given on the command line is a report.
    let book = dir.join("books/2020-08.XLSX");
    let found = find_report_dirs(std::slice::from_ref(&book), &mut problems);
    assert_eq!(found, std::slice::from_ref(&book));
    let report = load_report(&book, &mut sources, &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(report.tables.len(), 10);
    assert_eq!(report.meta.period, None, "no sidecar here");
}

#[test]
fn a_single_csv_file_reads_its_sidecar_too() {
    let dir = scratch("sidecar");
    std::fs::write(dir.join("prognos.csv"), "A;B\nx;1\n").expect("write");
    std::fs::write(
        dir.join("prognos.report.toml"),
        "unit = \"Enhet\"\nperiod = \"2020-10\"\nprevious = \"tidigare.xlsx\"\n",
    )
    .expect("write");
    let mut sources = Sources::default();
    let mut problems = Vec::new();
    let report = load_report(&dir.join("prognos.csv"), &mut sources, &mut problems);
    assert_eq!(report.meta.unit.as_deref(), Some("Enhet"));
    assert_eq!(report.meta.period.as_deref(), Some("2020-10"));
    // The previous report is missing: a warning at the sidecar's `previous`.
    assert_eq!(codes(&problems), ["data::previous-missing"]);
    let label = &problems[0].labels[0];
    let file = sources.get(label.source);
    assert!(
        file.name.ends_with("sidecar/prognos.report.toml"),
        "{}",
        file.name
    );
    assert_eq!(file.slice(label.span), "\"tidigare.xlsx\"");
}

// ---------------------------------------------------------------------------------------------
// Hostile workbooks

/// `far.xlsx` with its sheet's XML replaced by `sheet`.
fn xlsx_with_sheet(sheet: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut src = zip::ZipArchive::new(std::fs::File::open(format!("{CORPUS}/far.xlsx")).unwrap())
        .expect("far.xlsx");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..src.len() {
        let mut part = src.by_index(i).unwrap();
        let name = part.name().unwrap().into_owned();
        let mut content = Vec::new();
        part.read_to_end(&mut content).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            content = sheet.as_bytes().to_vec();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Files of a few kilobytes that describe sheets of billions of cells, each of which once
/// took gigabytes (or, the `.xls`, ended the process when calamine reserved room for them):
/// each is refused before it is read, with the reason, and the run goes on.
#[test]
fn workbooks_that_describe_huge_sheets_are_refused_before_they_are_read() {
    let dir = scratch("hostile");
    // 400 rows with a value in A and one in XFD: 6,5 million cells laid out in rows.
    let rows: String = (2..402)
        .map(|r| {
            format!("<row r=\"{r}\"><c r=\"A{r}\"><v>1</v></c><c r=\"XFD{r}\"><v>2</v></c></row>")
        })
        .collect();
    let sheet = format!(
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{rows}</sheetData></worksheet>"
    );
    std::fs::write(dir.join("wide.xlsx"), xlsx_with_sheet(&sheet)).unwrap();
    // One row element: a cell repeated across 10 000 columns, the row across 9 000 rows.
    let content = "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:spreadsheet><table:table table:name=\"drift\"><table:table-row table:number-rows-repeated=\"9000\"><table:table-cell table:number-columns-repeated=\"10000\" office:value-type=\"float\" office:value=\"5\"><text:p>5</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>";
    let mut ods = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", content),
    ] {
        use std::io::Write;
        ods.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        ods.write_all(text.as_bytes()).unwrap();
    }
    std::fs::write(dir.join("repeated.ods"), ods.finish().unwrap().into_inner()).unwrap();
    // legacy.xls with a DIMENSIONS record claiming 2³¹ rows of 16 384 columns.
    let mut xls = std::fs::read(format!("{CORPUS}/legacy.xls")).unwrap();
    let at = xls
        .windows(4)
        .position(|w| w == [0x00, 0x02, 0x0E, 0x00])
        .expect("a DIMENSIONS record");
    xls[at + 8..at + 12].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
    xls[at + 14..at + 16].copy_from_slice(&0x4000u16.to_le_bytes());
    std::fs::write(dir.join("claims.xls"), xls).unwrap();

    for (name, says) in [
        (
            "wide.xlsx",
            "would be 6 553 600 cells (the farthest is XFD401)",
        ),
        ("repeated.ods", "sheet 'drift' would be 90 000 000 cells"),
    ] {
        let path = dir.join(name);
        let (report, _, problems) = load(path.to_str().unwrap());
        assert!(report.tables.is_empty(), "{name}");
        assert_eq!(
            codes(&problems),
            ["data::too-large"],
            "{name}: {problems:?}"
        );
        assert_eq!(problems[0].severity, Severity::Error);
        assert!(
            problems[0].message.contains(says),
            "{name}: {}",
            problems[0].message
        );
    }
    // The whole run: an error in the data (1), not a crash.
    let doc = json_of_data_errors(dir.to_str().unwrap());
    let refused = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == "data::too-large")
        .count();
    assert_eq!(refused, 2);
    // A sheet that claims more rows than an .xls sheet has: the file is damaged.
    let (report, _, problems) = load(dir.join("claims.xls").to_str().unwrap());
    assert!(report.tables.is_empty());
    assert_eq!(codes(&problems), ["data::not-a-workbook"]);
    assert!(
        problems[0]
            .message
            .ends_with("sheet 1 claims 35184372072448 cells, more than an .xls sheet can have"),
        "{}",
        problems[0].message
    );
}

/// A workbook cut short (an unfinished download or copy) has lost the list of its parts,
/// which a zip archive keeps at its end: the reason is said in words, not in the zip
/// reader's ("Could not find EOCD").
#[test]
fn a_workbook_cut_short_says_so() {
    let dir = scratch("cut-short");
    let whole = std::fs::read(root().join(XLSX).join("2020-08.xlsx")).expect("read");
    std::fs::write(dir.join("2020-08.xlsx"), &whole[..whole.len() / 2]).expect("write");
    let (report, _, problems) = load(dir.join("2020-08.xlsx").to_str().unwrap());
    assert!(report.tables.is_empty());
    assert_eq!(codes(&problems), ["data::not-a-workbook"], "{problems:?}");
    let message = &problems[0].message;
    assert!(message.contains("damaged or cut short"), "{message}");
    assert!(!message.contains("EOCD"), "{message}");
}

/// A sheet or a comment whose end never comes (the content cut short) kept calamine reading
/// for it without end, and a run of four billion spaces took that many bytes. Each is
/// refused first, in plain words; each load is given a minute rather than left to hang.
#[test]
fn an_ods_cut_short_or_with_billions_of_spaces_is_refused_not_waited_on() {
    let dir = scratch("cut-short-ods");
    let header = ods_row(&[ods_text("enhet", ""), ods_text("budget", "")]);
    let whole = ods_content(&format!(
        "<table:table table:name=\"drift\">{header}</table:table>"
    ));
    let cut = |at: &str| whole[..whole.find(at).expect("in the content")].to_string();
    let comment = ods_content(&format!(
        "<table:table table:name=\"drift\">{header}{}</table:table>",
        ods_row(&[ods_text("a<office:annotation><text:p>not</text:p>", "")])
    ));
    let spaces = ods_content(&format!(
        "<table:table table:name=\"drift\">{header}{}</table:table>",
        ods_row(&[ods_text("a<text:s text:c=\"4294967295\"/>b", "")])
    ));
    let cases = [
        (
            "sheet",
            cut("</table:table>"),
            "data::not-a-workbook",
            "inside sheet 'drift'",
        ),
        (
            "comment",
            comment,
            "data::not-a-workbook",
            "inside a comment",
        ),
        (
            "spaces",
            spaces,
            "data::too-large",
            "a cell holds a text of",
        ),
    ];
    for (name, content, code, words) in cases {
        let path = dir.join(format!("{name}.ods"));
        std::fs::write(&path, ods_with_content(&content)).unwrap();
        let (said, heard) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let (_, _, problems) = load(path.to_str().unwrap());
            let _ = said.send(
                problems
                    .iter()
                    .map(|p| (p.code, p.message.clone()))
                    .collect::<Vec<_>>(),
            );
        });
        let problems = heard
            .recv_timeout(std::time::Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("{name}.ods: the load did not end"));
        assert_eq!(problems.len(), 1, "{name}: {problems:?}");
        assert_eq!(problems[0].0, code, "{name}: {problems:?}");
        assert!(problems[0].1.contains(words), "{name}: {problems:?}");
    }
}

/// An `.ods` file whose `content.xml` is `content`.
fn ods_with_content(content: &str) -> Vec<u8> {
    use std::io::Write;
    let mut ods = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        (
            "META-INF/manifest.xml",
            "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">\
             <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
             </manifest:manifest>",
        ),
        ("content.xml", content),
    ] {
        ods.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        ods.write_all(text.as_bytes()).unwrap();
    }
    ods.finish().unwrap().into_inner()
}

/// `content.xml` of an `.ods` file of `tables` (each `<table:table>…</table:table>`).
fn ods_content(tables: &str) -> String {
    format!(
        "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body>\
         <office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
}

/// The `.ods` file of `tables` written to a scratch folder `name`, loaded.
fn load_ods(name: &str, tables: &str) -> (Report, Sources, Vec<Problem>) {
    let path = scratch(name).join(format!("{name}.ods"));
    std::fs::write(&path, ods_with_content(&ods_content(tables))).unwrap();
    load(path.to_str().unwrap())
}

/// An `.ods` text cell, with more attributes (`attrs`, each with a space before it).
fn ods_text(t: &str, attrs: &str) -> String {
    format!(
        "<table:table-cell office:value-type=\"string\"{attrs}><text:p>{t}</text:p></table:table-cell>"
    )
}

/// An `.ods` number cell, with more attributes.
fn ods_float(v: &str, attrs: &str) -> String {
    format!(
        "<table:table-cell office:value-type=\"float\" office:value=\"{v}\"{attrs}><text:p>{v}</text:p></table:table-cell>"
    )
}

/// An `.ods` row of `cells`.
fn ods_row(cells: &[String]) -> String {
    format!("<table:table-row>{}</table:table-row>", cells.concat())
}

/// A sheet of a million cells, described in under a kilobyte, is refused: read, it took 1,3 GB
/// at the former limit of five million (about 200 bytes a cell on its way to a table). A
/// table that large is no follow-up report; as CSV it is read.
#[test]
fn an_ods_of_more_than_a_million_cells_is_refused() {
    let dir = scratch("million");
    let sheet = |columns: usize| {
        format!(
            "<table:table table:name=\"w\"><table:table-row table:number-rows-repeated=\"1000\">\
             <table:table-cell office:value-type=\"float\" office:value=\"1\" \
             table:number-columns-repeated=\"{columns}\"><text:p>1</text:p></table:table-cell>\
             </table:table-row></table:table>"
        )
    };
    let bytes = ods_with_content(&ods_content(&sheet(1_001)));
    assert!(bytes.len() < 1 << 10, "{}", bytes.len());
    std::fs::write(dir.join("over.ods"), bytes).unwrap();
    let (report, _, problems) = load(dir.join("over.ods").to_str().unwrap());
    assert!(report.tables.is_empty());
    assert_eq!(codes(&problems), ["data::too-large"], "{problems:?}");
    assert!(
        problems[0]
            .message
            .contains("would be 1 001 000 cells or more as it is written"),
        "{}",
        problems[0].message
    );
    // At the limit it is read.
    std::fs::write(
        dir.join("at.ods"),
        ods_with_content(&ods_content(&sheet(1_000))),
    )
    .unwrap();
    let (report, _, problems) = load(dir.join("at.ods").to_str().unwrap());
    // (Its header names one column a thousand times: warnings of their own.)
    assert!(
        codes(&problems)
            .iter()
            .all(|&c| c == "data::duplicate-header"),
        "{:?}",
        codes(&problems)
    );
    assert_eq!(table(&report, "w").headers.len(), 1_000);
}

/// An `.xlsx` sheet of more than a million cells is too large, not damaged: the advice is to
/// take out what lies outside the tables, not to save the file again.
#[test]
fn an_xlsx_sheet_of_more_than_a_million_cells_is_too_large() {
    let dir = scratch("million-xlsx");
    let row: String = "<c><v>1</v></c>".repeat(1_000);
    let rows: String = (1..=1_001)
        .map(|r| format!("<row r=\"{r}\">{row}</row>"))
        .collect();
    let sheet = format!(
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{rows}</sheetData></worksheet>"
    );
    std::fs::write(dir.join("over.xlsx"), xlsx_with_sheet(&sheet)).unwrap();
    let (report, _, problems) = load(dir.join("over.xlsx").to_str().unwrap());
    assert!(report.tables.is_empty());
    assert_eq!(codes(&problems), ["data::too-large"], "{problems:?}");
    assert!(
        problems[0].message.ends_with(
            "is not read: sheet 'data' has more than 1 000 000 cells, the most rimlig reads"
        ),
        "{}",
        problems[0].message
    );
}

/// Twenty sheets, each a table whose total row is a million empty rows below it: each sheet
/// is under the limit of one, but calamine lays out every sheet when it opens the file, and
/// together they took 2,9 GB from 1,2 KB.
#[test]
fn ods_sheets_of_repeated_empty_rows_count_together() {
    let row = |cells: &[&str]| {
        let cells: String = cells
            .iter()
            .map(|c| match c.parse::<i64>() {
                Ok(n) => format!(
                    "<table:table-cell office:value-type=\"float\" office:value=\"{n}\"><text:p>{n}</text:p></table:table-cell>"
                ),
                Err(_) => format!(
                    "<table:table-cell office:value-type=\"string\"><text:p>{c}</text:p></table:table-cell>"
                ),
            })
            .collect();
        format!("<table:table-row>{cells}</table:table-row>")
    };
    let sheet = |i: usize| {
        format!(
            "<table:table table:name=\"t{i}\">{}{}<table:table-row table:number-rows-repeated=\"240000\">\
             <table:table-cell/></table:table-row>{}</table:table>",
            row(&["Key", "A", "B", "C"]),
            row(&["x", "1", "2", "3"]),
            row(&["Summa", "1", "2", "3"]),
        )
    };
    let dir = scratch("ods-sheets");
    let tables: String = (0..20).map(sheet).collect();
    let bytes = ods_with_content(&ods_content(&tables));
    assert!(bytes.len() < 4 << 10, "{}", bytes.len());
    std::fs::write(dir.join("rows.ods"), bytes).unwrap();
    let (report, _, problems) = load(dir.join("rows.ods").to_str().unwrap());
    assert!(report.tables.is_empty());
    assert_eq!(codes(&problems), ["data::too-large"], "{problems:?}");
    assert!(
        problems[0].message.contains("its sheets together would be"),
        "{}",
        problems[0].message
    );
    // One such sheet is read.
    std::fs::write(
        dir.join("one.ods"),
        ods_with_content(&ods_content(&sheet(0))),
    )
    .unwrap();
    let (report, _, problems) = load(dir.join("one.ods").to_str().unwrap());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(report.tables.len(), 1);
}

/// The cells of `far.xlsx`'s sheet `data` with `rows` (the XML of `<row>` elements) in place
/// of its own; shared texts 0–3 are `Verksamhet`, `Belopp`, `A`, `slut`.
fn far_with_rows(dir: &Path, name: &str, rows: &str) -> (Report, Sources, Vec<Problem>) {
    let sheet = format!(
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{rows}</sheetData></worksheet>"
    );
    let path = dir.join(name);
    std::fs::write(&path, xlsx_with_sheet(&sheet)).unwrap();
    load(path.to_str().unwrap())
}

/// The header and a first row of `far_with_rows`.
const FAR_TOP: &str = "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>\
     <row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\"><v>1</v></c></row>";

/// The texts of a table's cells, row by row.
fn cell_texts(t: &Table) -> Vec<Vec<String>> {
    (0..t.rows.len())
        .map(|r| {
            (0..t.headers.len())
                .map(|c| t.raw(r, c).unwrap_or_default().to_string())
                .collect()
        })
        .collect()
}

/// calamine reads a shared-text number it cannot read (`4x`, `-1`, `5.0`, a number past
/// `usize`) as text number 0, another text of the workbook: each is a data error at its
/// cell, which is not read, and the rest of the sheet is.
#[test]
fn a_shared_text_number_that_is_no_number_is_a_data_error_at_its_cell() {
    let dir = scratch("shared-index");
    for bad in ["4x", "-1", "5.0", "abc", "99999999999999999999", " 1"] {
        let rows = format!(
            "{FAR_TOP}<row r=\"3\"><c r=\"A3\" t=\"s\"><v>{bad}</v></c><c r=\"B3\"><v>7</v></c></row>"
        );
        let (report, _, problems) = far_with_rows(&dir, "b.xlsx", &rows);
        assert_eq!(
            codes(&problems),
            ["data::unreadable-cell"],
            "{bad}: {problems:?}"
        );
        let message = &problems[0].message;
        assert!(message.contains("data!A3"), "{message}");
        assert!(message.contains(&format!("'{bad}'")), "{message}");
        let t = table(&report, "data");
        assert_eq!(cell_texts(t), [["A", "1"], ["", "7"]], "{bad}");
    }
    // A number past the end of the table of texts, which calamine fails on: the same.
    let rows = format!(
        "{FAR_TOP}<row r=\"3\"><c r=\"A3\" t=\"s\"><v>4</v></c><c r=\"B3\"><v>7</v></c></row>"
    );
    let (report, _, problems) = far_with_rows(&dir, "past.xlsx", &rows);
    assert_eq!(codes(&problems), ["data::unreadable-cell"], "{problems:?}");
    assert!(
        problems[0]
            .message
            .contains("data!A3 of ")
            && problems[0].message.ends_with(
                "is not read: the file is damaged there (it shows shared text number 4, but the workbook has only 4)"
            ),
        "{}",
        problems[0].message
    );
    assert_eq!(cell_texts(table(&report, "data")), [["A", "1"], ["", "7"]]);
}

/// A reference past row 1 048 576 or column XFD wrapped round in calamine (`B4294967298` is
/// B2) and overwrote another cell: it is a data error, never read.
#[test]
fn a_cell_beyond_the_sheet_is_a_data_error_not_read() {
    let dir = scratch("beyond");
    for (at, row) in [
        ("B4294967298", "4294967298"),
        ("B1048577", "1048577"),
        ("XFE3", "3"),
    ] {
        let rows = format!("{FAR_TOP}<row r=\"{row}\"><c r=\"{at}\"><v>9</v></c></row>");
        let (report, _, problems) = far_with_rows(&dir, "b.xlsx", &rows);
        assert_eq!(problems.len(), 1, "{at}: {problems:?}");
        let message = &problems[0].message;
        assert!(
            message.contains(&format!("its position {at} lies beyond the last row")),
            "{message}"
        );
        // Where calamine has read past it, the rest is read; where it stopped (a number
        // that overflows, in a build that checks), the sheet is not read: never 9 in B2.
        for t in &report.tables {
            assert_eq!(cell_texts(t), [["A", "1"]], "{at}");
        }
    }
}

/// A newer Excel's error values (`#SPILL!`) made calamine refuse the whole sheet: each is an
/// error at its cell, and the rest of the sheet is read.
#[test]
fn a_newer_excel_error_value_is_an_error_at_its_cell() {
    let dir = scratch("newer-errors");
    for value in [
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BUSY!",
        "#NEWER!",
    ] {
        let rows = format!(
            "{FAR_TOP}<row r=\"3\"><c r=\"A3\" t=\"s\"><v>3</v></c><c r=\"B3\" t=\"e\"><f>X</f><v>{value}</v></c></row>\
             <row r=\"4\"><c r=\"A4\" t=\"s\"><v>2</v></c><c r=\"B4\"><v>5</v></c></row>"
        );
        let (report, _, problems) = far_with_rows(&dir, "e.xlsx", &rows);
        assert_eq!(
            codes(&problems),
            ["data::cell-error"],
            "{value}: {problems:?}"
        );
        assert!(
            problems[0]
                .message
                .starts_with(&format!("data!B3 holds the error {value}")),
            "{}",
            problems[0].message
        );
        let t = table(&report, "data");
        assert_eq!(cell_texts(t), [["A", "1"], ["slut", value], ["A", "5"]]);
    }
}

/// `far.xlsx` with each part named in `parts` replaced by its content, or left out (`None`),
/// and the parts named there but not in it added.
fn far_with_parts(parts: &[(&str, Option<&str>)]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut src = zip::ZipArchive::new(std::fs::File::open(format!("{CORPUS}/far.xlsx")).unwrap())
        .expect("far.xlsx");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..src.len() {
        let mut part = src.by_index(i).unwrap();
        let name = part.name().unwrap().into_owned();
        let mut content = Vec::new();
        part.read_to_end(&mut content).unwrap();
        match parts.iter().find(|(n, _)| *n == name) {
            Some((_, None)) => continue,
            Some((_, Some(text))) => content = text.as_bytes().to_vec(),
            None => {}
        }
        out.start_file(name, options).unwrap();
        out.write_all(&content).unwrap();
    }
    for (name, text) in parts {
        if let Some(text) = text
            && src.by_name(name).is_err()
        {
            out.start_file(*name, options).unwrap();
            out.write_all(text.as_bytes()).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

/// A workbook without its list of sheets, or with an empty one, was checked and passed.
#[test]
fn a_workbook_without_sheets_is_a_data_error() {
    let dir = scratch("no-sheets");
    let empty = "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheets/></workbook>";
    for (name, workbook) in [("missing.xlsx", None), ("empty.xlsx", Some(empty))] {
        let path = dir.join(name);
        std::fs::write(&path, far_with_parts(&[("xl/workbook.xml", workbook)])).unwrap();
        let (report, _, problems) = load(path.to_str().unwrap());
        assert!(report.tables.is_empty());
        assert_eq!(
            codes(&problems),
            ["data::not-a-workbook"],
            "{name}: {problems:?}"
        );
        assert!(
            problems[0]
                .message
                .ends_with("it has no sheets (the list of its sheets is missing or empty)")
        );
    }
}

/// Two sheets of the same name: calamine read the first twice and the second never. The
/// second is a data error, named with its place.
#[test]
fn a_second_sheet_of_the_same_name_is_a_data_error() {
    let dir = scratch("same-name");
    let workbook = "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>\
         <sheet name=\"data\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"data\" sheetId=\"2\" r:id=\"rId1\"/>\
         </sheets></workbook>";
    let path = dir.join("twice.xlsx");
    std::fs::write(
        &path,
        far_with_parts(&[("xl/workbook.xml", Some(workbook))]),
    )
    .unwrap();
    let (report, _, problems) = load(path.to_str().unwrap());
    assert_eq!(names(&report), ["data"]);
    assert_eq!(codes(&problems), ["data::unreadable-sheet"], "{problems:?}");
    assert!(
        problems[0].message.starts_with("sheet 2 of ")
            && problems[0]
                .message
                .ends_with("is named 'data' as sheet 1 is; it is not read"),
        "{}",
        problems[0].message
    );
}

/// A list of shared texts that says it holds four billion: calamine makes room for that
/// many at once (100 GB), and the allocation failing ended the process. It is refused first.
#[test]
fn a_workbook_claiming_billions_of_shared_texts_is_refused() {
    let dir = scratch("shared-claim");
    let sst = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
        count=\"4294967295\" uniqueCount=\"4294967295\"><si><t>Summa</t></si></sst>";
    let path = dir.join("claim.xlsx");
    std::fs::write(
        &path,
        far_with_parts(&[("xl/sharedStrings.xml", Some(sst))]),
    )
    .unwrap();
    let (_, _, problems) = load(path.to_str().unwrap());
    let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
    assert_eq!(codes, ["data::not-a-workbook"], "{problems:?}");
    assert!(
        problems[0]
            .message
            .contains("says it holds 4 294 967 295, but it holds 1"),
        "{}",
        problems[0].message
    );
}

/// The reader's words for a damaged file ("Relationship not found", "Parse float error")
/// come after plain ones: the file is damaged, and saving it again mends it.
#[test]
fn a_damaged_workbook_says_so_in_plain_words() {
    let dir = scratch("damaged");
    let rels =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"/>";
    let path = dir.join("rels.xlsx");
    std::fs::write(
        &path,
        far_with_parts(&[("xl/_rels/workbook.xml.rels", Some(rels))]),
    )
    .unwrap();
    let (_, _, problems) = load(path.to_str().unwrap());
    assert_eq!(problems.len(), 1, "{problems:?}");
    let message = &problems[0].message;
    assert!(
        message.ends_with("the file is damaged (the reader says: Relationship not found)"),
        "{message}"
    );
    // What to do is said once, in the help.
    let help = problems[0].help.as_deref().unwrap_or_default();
    assert!(
        help.starts_with("open it in Excel or LibreOffice and save it again"),
        "{help}"
    );
}

/// An `.ods` cell of `office:value-type="percentage"` holds the fraction (`0.08` shown
/// `8,0 %`): it is read as per cent, as an `.xlsx` cell formatted `0.0%` is, with the
/// decimals of its number format (its own style, one it is based on, or its column's
/// default), and repeated cells and rows are each read so. Before, 8 % was read as 0,08 and
/// `andel <= 6 %` passed.
#[test]
fn ods_percentages_are_read_as_per_cent() {
    let pct = |value: &str, attrs: &str| {
        format!(
            "<table:table-cell office:value-type=\"percentage\" office:value=\"{value}\"{attrs}>\
             <text:p>?</text:p></table:table-cell>"
        )
    };
    let text = |t: &str| ods_text(t, "");
    let float = |v: &str| ods_float(v, "");
    let row = ods_row;
    let andel = format!(
        "<table:table table:name=\"andel\">\
         <table:table-column/>\
         <table:table-column table:number-columns-repeated=\"2\" table:default-cell-style-name=\"ce3\"/>\
         <table:table-column table:default-cell-style-name=\"ce1\"/>\
         {}{}<table:table-row table:number-rows-repeated=\"2\">{}{}{}</table:table-row>\
         <table:table-row table:number-rows-repeated=\"3\"><table:table-cell table:number-columns-repeated=\"4\"/></table:table-row>\
         {}</table:table>",
        row(&[text("Grupp"), text("Andel"), text("Mål"), text("Ram")]),
        row(&[
            text("Kvinnor"),
            pct("0.08", " table:style-name=\"ce1\""),
            pct("0.05", ""),
            float("0.5"),
        ]),
        text("Män"),
        pct(
            "0.0425",
            " table:number-columns-repeated=\"2\" table:style-name=\"ce2\""
        ),
        pct("0.125", ""),
        row(&[
            text("Summa"),
            "<table:table-cell table:number-columns-repeated=\"2\"/>".to_string(),
            pct("0.3", "")
        ]),
    );
    // The same places in another sheet hold plain numbers.
    let plain = format!(
        "<table:table table:name=\"tal\">{}{}</table:table>",
        row(&[text("Grupp"), text("Andel")]),
        row(&[text("Kvinnor"), float("0.08")]),
    );
    let unstyled = format!(
        "<table:table table:name=\"utan\">{}{}</table:table>",
        row(&[text("Grupp"), text("Andel")]),
        row(&[text("Kvinnor"), pct("0.0425", "")]),
    );
    let content = format!(
        "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" \
         xmlns:number=\"urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">\
         <office:automatic-styles>\
         <number:percentage-style style:name=\"N11\"><number:number number:decimal-places=\"1\" \
         number:min-integer-digits=\"1\"/><number:text> %</number:text></number:percentage-style>\
         <number:percentage-style style:name=\"N10\"><number:number number:decimal-places=\"0\"/>\
         <number:text>%</number:text></number:percentage-style>\
         <style:style style:name=\"ce1\" style:family=\"table-cell\" style:data-style-name=\"N11\"/>\
         <style:style style:name=\"ce2\" style:family=\"table-cell\" style:parent-style-name=\"ce1\"/>\
         <style:style style:name=\"ce3\" style:family=\"table-cell\" style:data-style-name=\"N10\"/>\
         </office:automatic-styles><office:body><office:spreadsheet>{andel}{plain}{unstyled}\
         </office:spreadsheet></office:body></office:document-content>"
    );
    let dir = scratch("ods-percent");
    let path = dir.join("pct.ods");
    std::fs::write(&path, ods_with_content(&content)).unwrap();
    let (report, sources, problems) = load(path.to_str().unwrap());
    assert!(
        !codes(&problems).contains(&"data::not-a-workbook"),
        "{problems:?}"
    );
    let t = table(&report, "andel");
    assert_eq!(
        cell_texts(t),
        [
            ["Kvinnor", "8,0 %", "5 %", "0,5"],
            ["Män", "4,3 %", "4,3 %", "12,5 %"],
            ["Män", "4,3 %", "4,3 %", "12,5 %"],
            ["Summa", "", "", "30,0 %"],
        ]
    );
    assert_eq!(
        t.row_cells(0)[1].value(t),
        number("8.0", 1, Some(Unit::Pct))
    );
    assert_eq!(t.row_cells(0)[3].value(t), number("0.5", 1, None));
    assert_eq!(
        t.row_cells(3)[3].value(t),
        number("30.0", 1, Some(Unit::Pct))
    );
    assert_cells_in_place(t, &sources);
    let t = table(&report, "tal");
    assert_eq!(t.row_cells(0)[1].value(t), number("0.08", 2, None));
    // No number format: as many decimals as the value needs.
    let t = table(&report, "utan");
    assert_eq!(cell_texts(t), [["Kvinnor", "4,25 %"]]);
    assert_eq!(
        t.row_cells(0)[1].value(t),
        number("4.25", 2, Some(Unit::Pct))
    );
}

/// An `.xls` cell with a percent number format (built in, `0%` and `0.00%`, or written in the
/// file, `#,##0.0%`) holds the fraction: it is read as per cent with its format's decimals, as
/// an `.xlsx` cell is; a quoted or escaped `%` (`0.0"%"`, `0\%`) makes no percentage, and a
/// sheet's formats are its own. Before, 8 % was read as 0,08 and `andel <= 6 %` passed.
/// The file (from `tests/data/workbook/make_percent_xls.py`, xlwt) holds the figures as RK,
/// MULRK and NUMBER records.
#[test]
fn xls_percent_formats_are_read_as_per_cent() {
    let (report, sources, problems) = load(&format!("{CORPUS}/percent.xls"));
    assert!(problems.is_empty(), "{problems:?}");
    let t = table(&report, "andel");
    assert_eq!(headers(t), ["Grupp", "Andel", "Mål", "Ram", "Kvot"]);
    assert_eq!(
        cell_texts(t),
        [
            ["Kvinnor", "8 %", "5,00 %", "0,5", "12,5 %"],
            ["Män", "4,3 %", "-1,2 %", "0,3", "0,2"],
            ["Summa", "700 %", "", "", ""],
        ]
    );
    assert_eq!(t.row_cells(0)[1].value(t), number("8", 0, Some(Unit::Pct)));
    assert_eq!(
        t.row_cells(0)[2].value(t),
        number("5.00", 2, Some(Unit::Pct))
    );
    assert_eq!(
        t.row_cells(1)[2].value(t),
        number("-1.2", 1, Some(Unit::Pct))
    );
    assert_eq!(t.row_cells(1)[3].value(t), number("0.3", 1, None));
    assert_cells_in_place(t, &sources);
    // The same place in the sheet before it holds a plain number.
    let t = table(&report, "tal");
    assert_eq!(cell_texts(t), [["Kvinnor", "0,08"]]);
    assert_eq!(t.row_cells(0)[1].value(t), number("0.08", 2, None));
}

/// In an `.ods` file the cells a merged region covers are `table:covered-table-cell`s, and
/// may keep what they held before the merge: LibreOffice shows the region's first cell across
/// them, and rimlig reads them as empty. Before, calamine's reading of them made a merged
/// title three texts (so a header row) and put a stale 999 beside a merged sum.
#[test]
fn covered_ods_cells_are_read_as_empty() {
    let (text, float, row) = (ods_text, ods_float, ods_row);
    let tables = format!(
        "<table:table table:name=\"drift\">{}{}{}{}</table:table>",
        row(&[
            text("Prognos per oktober", " table:number-columns-spanned=\"3\""),
            "<table:covered-table-cell office:value-type=\"string\"><text:p>dold</text:p>\
             </table:covered-table-cell><table:covered-table-cell office:value-type=\"float\" \
             office:value=\"1\"><text:p>1</text:p></table:covered-table-cell>"
                .to_string(),
        ]),
        row(&[text("Projekt", ""), text("Belopp", ""), text("Budget", "")]),
        row(&[text("A", ""), float("10", ""), float("20", "")]),
        row(&[
            text("Summa", ""),
            float("30", " table:number-columns-spanned=\"2\""),
            "<table:covered-table-cell office:value-type=\"float\" office:value=\"999\">\
             <text:p>999</text:p></table:covered-table-cell>"
                .to_string(),
        ]),
    );
    let (report, sources, problems) = load_ods("ods-covered", &tables);
    assert!(problems.is_empty(), "{problems:?}");
    let t = table(&report, "drift");
    assert_eq!(headers(t), ["Projekt", "Belopp", "Budget"]);
    assert_eq!(cell_texts(t), [["A", "10", "20"], ["Summa", "30", ""]]);
    assert_eq!(
        t.row_cells(1)[2].value(t),
        CellValue::Missing(Missing::Empty)
    );
    assert_cells_in_place(t, &sources);
    let file = sources.get(t.source);
    assert_eq!(file.line_text(1), "Prognos per oktober");
}

/// A group header merged over two columns (`Prognos` over `utgifter` and `netto`) and a
/// column whose name is in the second header row alone (`Ram`): the merged region decides
/// which columns the group header names, as in an `.xlsx`. Before, the `.ods` reader knew
/// no merged regions, `Prognos` was carried to the right as over an unmerged header, and the
/// last column was headed "Prognos Ram".
#[test]
fn an_ods_merged_group_header_names_only_the_columns_under_it() {
    let text = ods_text;
    let float = |v: &str| ods_float(v, "");
    let row = ods_row;
    let tables = format!(
        "<table:table table:name=\"investeringar\">{}{}{}</table:table>",
        row(&[
            text("Projekt", ""),
            text("Prognos", " table:number-columns-spanned=\"2\""),
            "<table:covered-table-cell/><table:table-cell/>".to_string(),
        ]),
        row(&[
            "<table:table-cell/>".to_string(),
            text("utgifter", ""),
            text("netto", ""),
            text("Ram", ""),
        ]),
        row(&[text("A", ""), float("10"), float("8"), float("12")]),
    );
    let (report, _, problems) = load_ods("ods-merged-header", &tables);
    assert!(problems.is_empty(), "{problems:?}");
    let t = table(&report, "investeringar");
    assert_eq!(
        headers(t),
        ["Projekt", "Prognos utgifter", "Prognos netto", "Ram"]
    );
}

/// A title row with a unit beside it (`tkr` in E1), or a title alone right of column A
/// (`Bilaga 3` in C1), above the header: the header is the row under it. Before, the title
/// row became the header and every check was not applicable.
#[test]
fn a_title_row_with_a_unit_or_right_of_column_a_is_no_header() {
    let cell = |c: &str| match c.parse::<i64>() {
        Ok(n) => format!(
            "<table:table-cell office:value-type=\"float\" office:value=\"{n}\"><text:p>{n}</text:p></table:table-cell>"
        ),
        Err(_) if c.is_empty() => "<table:table-cell/>".to_string(),
        Err(_) => format!(
            "<table:table-cell office:value-type=\"string\"><text:p>{c}</text:p></table:table-cell>"
        ),
    };
    let row = |cells: &[&str]| {
        let cells: String = cells.iter().map(|c| cell(c)).collect();
        format!("<table:table-row>{cells}</table:table-row>")
    };
    let sheet = |name: &str, title: &[&str]| {
        format!(
            "<table:table table:name=\"{name}\">{}{}{}{}</table:table>",
            row(title),
            row(&[
                "Verksamhet",
                "Prognos helår",
                "Budget 2020",
                "Avvikelse",
                "Bokslut 2019"
            ]),
            row(&["VSS ledning", "-1100", "0", "-1100", "-2356"]),
            row(&["Ekonomiservice", "-400", "0", "-400", "-476"]),
        )
    };
    let tables = [
        sheet(
            "enhet",
            &["Helårsprognos per verksamhet", "", "", "", "tkr"],
        ),
        sheet("bilaga", &["", "", "Bilaga 3"]),
        sheet("texter", &["Helårsprognos", "Verksamhetsstöd och service"]),
    ]
    .concat();
    let dir = scratch("title-unit");
    let path = dir.join("titles.ods");
    std::fs::write(&path, ods_with_content(&ods_content(&tables))).unwrap();
    let (report, _, problems) = load(path.to_str().unwrap());
    assert!(problems.is_empty(), "{problems:?}");
    for name in ["enhet", "bilaga", "texter"] {
        let t = table(&report, name);
        assert_eq!(
            headers(t),
            [
                "Verksamhet",
                "Prognos helår",
                "Budget 2020",
                "Avvikelse",
                "Bokslut 2019"
            ],
            "{name}"
        );
        assert_eq!(t.rows.len(), 2, "{name}");
        assert_eq!(t.row_cells(0)[1].value(t), number("-1100", 0, None));
    }
}

/// A stored value that is no number (`office:value="1,5"`) or a repeat count that is not a
/// whole number makes calamine refuse the whole workbook ("Parse float error"): the reason
/// names the sheet and cell.
#[test]
fn an_ods_value_that_is_no_number_names_its_cell() {
    let good = "<table:table table:name=\"t\"><table:table-row>\
         <table:table-cell office:value-type=\"string\"><text:p>Key</text:p></table:table-cell>\
         <table:table-cell office:value-type=\"string\"><text:p>A</text:p></table:table-cell>\
         </table:table-row><table:table-row>\
         <table:table-cell office:value-type=\"string\"><text:p>x</text:p></table:table-cell>\
         <table:table-cell office:value-type=\"float\" office:value=\"1\"><text:p>1</text:p></table:table-cell>\
         </table:table-row></table:table>";
    let bad = |row_attr: &str, cell_attr: &str| {
        format!(
            "<table:table table:name=\"Sjuk frånvaro\"><table:table-row>\
             <table:table-cell office:value-type=\"string\"><text:p>Key</text:p></table:table-cell>\
             </table:table-row><table:table-row table:number-rows-repeated=\"2\">\
             <table:table-cell table:number-columns-repeated=\"2\"/></table:table-row>\
             <table:table-row{row_attr}>\
             <table:table-cell office:value-type=\"string\"><text:p>y</text:p></table:table-cell>\
             <table:table-cell office:value-type=\"float\"{cell_attr}><text:p>1,5</text:p></table:table-cell>\
             </table:table-row></table:table>"
        )
    };
    let dir = scratch("ods-bad-value");
    for (row_attr, cell_attr, said) in [
        (
            "",
            " office:value=\"1,5\"",
            "cell 'Sjuk frånvaro'!B4 holds the stored value '1,5', which is no number",
        ),
        (
            "",
            " office:value=\"1.5\" table:number-columns-repeated=\"-1\"",
            "cell 'Sjuk frånvaro'!B4 is stored as repeated '-1' times across columns, which is \
             not a whole number",
        ),
        (
            " table:number-rows-repeated=\"x\"",
            " office:value=\"1.5\"",
            "row 4 of sheet 'Sjuk frånvaro' is stored as repeated 'x' times, which is not a whole \
             number",
        ),
    ] {
        let path = dir.join("bad.ods");
        let content = ods_content(&format!("{good}{}", bad(row_attr, cell_attr)));
        std::fs::write(&path, ods_with_content(&content)).unwrap();
        let (report, _, problems) = load(path.to_str().unwrap());
        assert!(report.tables.is_empty());
        assert_eq!(codes(&problems), ["data::not-a-workbook"], "{problems:?}");
        let message = &problems[0].message;
        assert!(message.contains(said), "{message}");
        assert!(
            message.contains("so no sheet of the workbook can be read"),
            "{message}"
        );
    }
    // A value calamine reads, in the same place: both sheets are read.
    let path = dir.join("good.ods");
    let content = ods_content(&format!("{good}{}", bad("", " office:value=\"1.5\"")));
    std::fs::write(&path, ods_with_content(&content)).unwrap();
    let (report, _, problems) = load(path.to_str().unwrap());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(names(&report), ["t", "Sjuk frånvaro"]);
}

/// A part of a few hundred kilobytes zipped that holds one text of many megabytes: the XML
/// reader would hold the whole text in memory before any count could refuse it (a 300 KB
/// `.ods` took 456 MB), so a run of more than 4 MiB without markup is refused as it is read.
/// A picture in the workbook, which has such runs, is no XML and is not held to it.
#[test]
fn a_text_of_megabytes_in_a_part_is_refused_while_it_is_read() {
    use std::io::Write;
    let dir = scratch("long-text");
    let text = "9".repeat(20 << 20);
    let content = format!(
        "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:spreadsheet><table:table table:name=\"t\"><table:table-row><table:table-cell office:value-type=\"string\"><text:p>{text}</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    );
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut ods = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    ods.start_file("mimetype", deflated).unwrap();
    ods.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    ods.start_file("content.xml", deflated).unwrap();
    ods.write_all(content.as_bytes()).unwrap();
    let bytes = ods.finish().unwrap().into_inner();
    assert!(bytes.len() < 1 << 20, "{}", bytes.len());
    std::fs::write(dir.join("long.ods"), bytes).unwrap();
    let (report, _, problems) = load(dir.join("long.ods").to_str().unwrap());
    assert!(report.tables.is_empty());
    assert_eq!(codes(&problems), ["data::too-large"], "{problems:?}");
    assert!(
        problems[0]
            .message
            .contains("content.xml holds a text of more than 4 MiB"),
        "{}",
        problems[0].message
    );
}

/// Found by the `workbook` fuzz target: a cell written before any row (row 0) made the
/// pre-scan subtract below zero. The panic was caught, and the workbook called a damaged
/// container; the reader's own reason is given now.
#[test]
fn a_cell_before_any_row_is_no_panic() {
    let path = "tests/data/fuzz/workbook/cell-before-any-row-2026-11-24.bin";
    let dir = scratch("row-zero");
    std::fs::copy(path, dir.join("row-zero.xlsx")).unwrap();
    let (_, _, problems) = load(dir.join("row-zero.xlsx").to_str().unwrap());
    assert_eq!(codes(&problems), ["data::not-a-workbook"], "{problems:?}");
    assert!(
        !problems[0].message.contains("its container is damaged"),
        "{}",
        problems[0].message
    );
}
