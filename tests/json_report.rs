//! JSON reports: the Linköping example as `.json` documents holds the same tables and gives the
//! same findings as the CSV folders, diagnostics point into the JSON text, and nasty documents
//! (trailing commas, deep nesting, huge numbers, duplicate tables, other encodings, broken
//! JSON, wrong shapes) give the right values or a pointed diagnostic, and the run goes on.

use rimlig::problem::{Problem, ProblemKind, Severity};
use rimlig::report::discover::find_report_dirs;
use rimlig::report::json_report::{MAX_DEPTH, json_report_from_bytes};
use rimlig::report::{CellValue, Figure, Missing, Report};
use rimlig::source::Sources;
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::*;

const DATA: &str = "tests/data/json_report";

fn from_text(bytes: &[u8]) -> (Report, Sources, Vec<Problem>) {
    let mut sources = Sources::default();
    let mut problems = Vec::new();
    let report = json_report_from_bytes(
        Path::new("r.json"),
        "r.json",
        bytes,
        &mut sources,
        &mut problems,
    );
    (report, sources, problems)
}

fn assert_spans_in_range(report: &Report, problems: &[Problem], sources: &Sources) {
    for t in &report.tables {
        let file = sources.get(t.source);
        for h in &t.headers {
            let _ = file.slice(h.span);
        }
        for r in t.iter_rows() {
            let _ = file.slice(r.span);
            for c in r.cells {
                let _ = file.slice(c.span());
            }
        }
    }
    for p in problems {
        for l in &p.labels {
            let _ = sources.get(l.source).slice(l.span);
        }
    }
}

fn check_json(args: &[&str]) -> (Output, Value) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out = rimlig(&all);
    let doc = json(&out);
    (out, doc)
}

// ------------------------------------------------------------------ the Linköping example

#[test]
fn example_documents_hold_the_csv_tables() {
    for period in ["2020-08", "2020-10"] {
        let (csv, _, csv_problems) = load(&format!("examples/linkoping-vss/{period}"));
        let path = format!("examples/linkoping-vss-json/{period}.json");
        let (doc, sources, problems) = load(&path);
        assert!(csv_problems.is_empty(), "{csv_problems:?}");
        assert!(problems.is_empty(), "{problems:?}");
        assert_same_tables(&csv, &doc);
        assert_eq!(doc.meta.unit, csv.meta.unit);
        assert_eq!(doc.meta.period.as_deref(), Some(period));
        assert_eq!(sources.get(doc.tables[0].source).name, path);
        assert_spans_in_range(&doc, &problems, &sources);
    }
    let (october, _, _) = load("examples/linkoping-vss-json/2020-10.json");
    assert_eq!(
        october.meta.previous,
        Some(PathBuf::from("examples/linkoping-vss-json/2020-08.json"))
    );
}

#[test]
fn example_documents_give_the_same_findings_as_the_csv_folders() {
    let (csv_out, csv) = check_json(&["examples/linkoping-vss"]);
    let (out, doc) = check_json(&["examples/linkoping-vss-json"]);
    assert_eq!(csv_out.status.code(), Some(1));
    assert_eq!(out.status.code(), Some(1));
    let csv_period = |r: &str| r.rsplit('/').next().unwrap_or(r).to_string();
    let json_period = |r: &str| {
        Path::new(r)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let a = finding_ids(&csv, csv_period);
    let b = finding_ids(&doc, json_period);
    assert!(a.len() >= 18, "{a:#?}");
    assert_eq!(a, b);
    assert!(
        b.iter()
            .any(|f| f.0.starts_with("prognos-bokslut-oforandrat"))
    );
    for key in ["reports", "tables", "instances", "findings", "problems"] {
        assert_eq!(csv["summary"][key], doc["summary"][key], "summary.{key}");
    }
    assert_eq!(doc["problems"], Value::Array(vec![]));
}

#[test]
fn diagnostics_point_into_the_json_text() {
    let (_, doc) = check_json(&["examples/linkoping-vss-json"]);
    let findings = doc["findings"].as_array().expect("findings");
    let f = findings
        .iter()
        .find(|f| {
            f["rule"] == "prognos-avvikelse"
                && f["row_key"] == "Kontakt Linköping"
                && f["report"] == "examples/linkoping-vss-json/2020-10.json"
        })
        .expect("the October Kontakt Linköping finding");
    assert_eq!(f["file"], "examples/linkoping-vss-json/2020-10.json");
    assert_eq!(f["table"], "prognos");
    assert_eq!(f["column_name"], "Avvikelse");
    let text = std::fs::read_to_string(root().join("examples/linkoping-vss-json/2020-10.json"))
        .expect("the document");
    let line = f["line"].as_u64().expect("line") as usize;
    let line_text = text.lines().nth(line - 1).expect("the line");
    assert!(
        line_text
            .trim_start()
            .starts_with("[\"Kontakt Linköping\", \"1 000\""),
        "{line_text}"
    );
    let col = line_text[..line_text.find(", 995,").expect("995") + 2]
        .chars()
        .count()
        + 1;
    assert_eq!(f["column"], col);
    assert_eq!((line, col), (63, 43));
    let offset = f["span"]["offset"].as_u64().expect("offset") as usize;
    let length = f["span"]["length"].as_u64().expect("length") as usize;
    assert_eq!(&text.as_bytes()[offset..offset + length], b"995");
    // The prognos cell is a string: its span has the quotes.
    let prognos = f["related"]
        .as_array()
        .expect("related")
        .iter()
        .find(|r| r["text"] == "Prognos helår: 1 000")
        .expect("the prognos cell");
    assert_eq!(prognos["line"], 63);
    assert_eq!(prognos["column"], 31);

    let out = rimlig(&[
        "check",
        "examples/linkoping-vss-json",
        "--color",
        "never",
        "--width",
        "100",
    ]);
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(
        human.contains("╭─[examples/linkoping-vss-json/2020-10.json:63:43]"),
        "{human}"
    );
}

// ------------------------------------------------------------------ nasty documents

#[test]
fn trailing_commas_are_a_warning_and_the_values_are_read() {
    let (report, sources, problems) = load(&format!("{DATA}/trailing-commas.json"));
    assert_eq!(codes(&problems), ["data::json-trailing-comma"]);
    let p = &problems[0];
    assert_eq!(p.severity, Severity::Warning);
    assert!(p.message.starts_with("6 trailing commas"), "{}", p.message);
    let file = sources.get(p.labels[0].source);
    assert_eq!(file.line_col(p.labels[0].span.start), (6, 59));
    assert!(p.labels.iter().all(|l| file.slice(l.span) == ","));

    assert_eq!(report.meta.unit.as_deref(), Some("Testkommunen"));
    let drift = table(&report, "drift");
    let headers: Vec<&str> = drift.headers.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(headers, ["Verksamhet", "Budget", "Utfall", "Klar"]);
    let skola = &drift.row_cells(0);
    // `1000` and `1000.0` differ in printed decimals; a string is read as a Swedish figure.
    assert_eq!(skola[1].value(drift), number("1000", 0));
    assert_eq!(skola[1].raw(drift), "1000");
    assert_eq!(skola[2].value(drift), number("1000.0", 1));
    assert_eq!(skola[2].raw(drift), "1 000,0");
    assert_eq!(file.slice(skola[2].span()), "\"1 000,0\"");
    assert_eq!(skola[3].value(drift), CellValue::Text("true".into()));
    let kok = &drift.row_cells(1);
    assert_eq!(kok[0].raw(drift), "Kök");
    assert_eq!(kok[1].value(drift), number("1000.0", 1));
    assert_eq!(kok[2].value(drift), CellValue::Missing(Missing::Empty));
    assert_eq!(kok[2].raw(drift), "");
    assert_eq!(file.slice(kok[2].span()), "null");
    assert_eq!(drift.rows[1].line(), 9);
}

#[test]
fn deep_nesting_is_an_error_at_the_bracket() {
    let (report, sources, problems) = load(&format!("{DATA}/deep.json"));
    assert_eq!(codes(&problems), ["data::json-syntax"]);
    let p = &problems[0];
    assert_eq!(p.kind, ProblemKind::Data);
    assert!(
        p.message.contains(&format!("more than {MAX_DEPTH} levels")),
        "{}",
        p.message
    );
    let file = sources.get(p.labels[0].source);
    assert_eq!(file.slice(p.labels[0].span), "[");
    // Four levels are the report's own: {, {, { and the rows' [.
    let col = file.line_col(p.labels[0].span.start).1;
    let text = std::fs::read_to_string(format!("{DATA}/deep.json")).expect("fixture");
    let first_row = text.find("[[").expect("rows") + 1;
    assert_eq!(col - 1 - first_row, MAX_DEPTH - 4);
    assert!(report.tables.is_empty());

    // Far deeper than any stack would take: still just an error.
    let deep = format!("{{\"tables\": {}", "[".repeat(1_000_000));
    let (_, _, problems) = from_text(deep.as_bytes());
    assert_eq!(codes(&problems), ["data::json-syntax"]);
}

#[test]
fn huge_numbers_are_text_with_a_warning() {
    let (report, sources, problems) = load(&format!("{DATA}/huge-numbers.json"));
    assert_eq!(
        codes(&problems),
        [
            "data::json-number",
            "data::json-number",
            "data::json-number",
            "data::json-number"
        ]
    );
    let file = sources.get(report.tables[0].source);
    let labelled: Vec<&str> = problems
        .iter()
        .map(|p| file.slice(p.labels[0].span))
        .collect();
    assert_eq!(
        labelled,
        [
            "79228162514264337593543950336",
            "1e400",
            "123456789012345678901234567890123456789012345678901234567890",
            "0.12345678901234567890123456789"
        ]
    );
    assert!(
        problems[2].message.contains("12345678901234567890…"),
        "{}",
        problems[2].message
    );
    let t0 = &report.tables[0];
    let cells: Vec<CellValue> = t0.iter_rows().map(|r| r.cells[1].value(t0)).collect();
    assert_eq!(
        cells[0],
        CellValue::Number(Figure {
            value: Decimal::MAX,
            decimals: Some(0),
            unit: None
        })
    );
    assert_eq!(
        cells[1],
        CellValue::Text("79228162514264337593543950336".into())
    );
    assert_eq!(cells[2], CellValue::Text("1e400".into()));
    assert_eq!(cells[5], number("125", 0));
    assert_eq!(cells[6], number("-0.005", 3));
    assert_eq!(cells[7], number("12.50", 2));
}

#[test]
fn duplicate_table_names_are_errors_and_both_tables_are_kept() {
    let (report, sources, problems) = load(&format!("{DATA}/duplicate-tables.json"));
    assert_eq!(
        codes(&problems),
        ["data::duplicate-table", "data::duplicate-table"]
    );
    let names: Vec<&str> = report.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["drift", "drift 2", "Drift 3"]);
    let file = sources.get(report.tables[0].source);
    let p = &problems[0];
    assert_eq!(p.severity, Severity::Error);
    assert_eq!(file.line_col(p.labels[0].span.start), (4, 5));
    assert_eq!(file.line_col(p.labels[1].span.start), (3, 5));
    assert_eq!(file.slice(p.labels[0].span), "\"drift\"");
    assert_eq!(
        report.tables[1].row_cells(0)[1].value(&report.tables[1]),
        number("2", 0)
    );
}

#[test]
fn non_utf8_bytes_are_read_as_windows_1252_with_a_warning() {
    let path = format!("{DATA}/latin1.json");
    let bytes = std::fs::read(&path).expect("fixture");
    let (report, sources, problems) = load(&path);
    assert_eq!(codes(&problems), ["data::windows-1252"]);
    assert_eq!(problems[0].severity, Severity::Warning);
    let file = sources.get(problems[0].labels[0].source);
    assert_eq!(file.slice(problems[0].labels[0].span), "ö");
    assert_eq!(file.line_col(problems[0].labels[0].span.start), (1, 15));
    assert_eq!(report.meta.unit.as_deref(), Some("Linköping"));
    let row = report.tables[0].row(0);
    assert_eq!(row.cells[0].raw(&report.tables[0]), "Kök");
    let (offset, length) = file.file_span(row.cells[1].span());
    assert_eq!(&bytes[offset..offset + length], b"30");
    let (offset, length) = file.file_span(row.cells[0].span());
    assert_eq!(&bytes[offset..offset + length], b"\"K\xf6k\"");
}

#[test]
fn broken_json_is_an_error_at_the_place() {
    let (report, sources, problems) = load(&format!("{DATA}/broken.json"));
    assert_eq!(codes(&problems), ["data::json-syntax"]);
    let p = &problems[0];
    assert_eq!(p.severity, Severity::Error);
    assert_eq!(p.kind, ProblemKind::Data);
    assert_eq!(
        p.message,
        "tests/data/json_report/broken.json is not valid JSON: expected `,` or `]`, found `[`"
    );
    let file = sources.get(p.labels[0].source);
    assert_eq!(file.line_col(p.labels[0].span.start), (8, 9));
    assert!(report.tables.is_empty());

    for (text, message, at) in [
        ("", "the document is empty", (1, 1)),
        (
            "{\"tables\": {}} x",
            "there is more after the JSON document",
            (1, 16),
        ),
        (
            "{\"tables\": {\"t\": [1, 2",
            "the array is never closed",
            (1, 23),
        ),
        ("{\"tables\": 'x'}", "expected a value, found `'`", (1, 12)),
        ("{\"a\": \"b\n\"}", "a string holds a line break", (1, 9)),
        ("{\"a\": 01}", "a number starts with a zero", (1, 7)),
        ("{\"a\": \"\\q\"}", "a string has an invalid escape", (1, 8)),
        ("{\"a\": NaN}", "expected a value, found `N`", (1, 7)),
        (
            "{a: 1}",
            "expected a key in double quotes, found `a`",
            (1, 2),
        ),
        ("{\"a\": \"x}", "a string is never closed", (1, 7)),
    ] {
        let (_, sources, problems) = from_text(text.as_bytes());
        assert_eq!(codes(&problems), ["data::json-syntax"], "{text:?}");
        assert!(
            problems[0].message.contains(message),
            "{text:?}: {}",
            problems[0].message
        );
        let label = &problems[0].labels[0];
        assert_eq!(
            sources.get(label.source).line_col(label.span.start),
            at,
            "{text:?}"
        );
    }
}

#[test]
fn wrong_shapes_are_pointed_at_and_the_rest_is_read() {
    let (report, sources, problems) = load(&format!("{DATA}/shapes.json"));
    let file = sources.get(report.tables[0].source);
    let seen: Vec<(&str, Severity, &str)> = problems
        .iter()
        .map(|p| (p.code, p.severity, file.slice(p.labels[0].span)))
        .collect();
    assert_eq!(
        seen,
        [
            ("config::report-json", Severity::Error, "2021"),
            ("config::report-json", Severity::Error, "\"owner\""),
            ("data::json-shape", Severity::Warning, "\"note\""),
            ("data::json-shape", Severity::Error, "\"not a row\""),
            ("data::ragged-row", Severity::Error, "4"),
            ("data::json-shape", Severity::Error, "{\"a\": 1}"),
            ("data::json-shape", Severity::Error, "[2]"),
            ("data::json-shape", Severity::Error, "[1, 2]"),
            ("data::json-shape", Severity::Error, "\"no-columns\""),
            ("data::json-shape", Severity::Error, "{\"a\": 1}"),
            ("data::json-shape", Severity::Error, "{\"b\": 1}"),
            ("data::json-shape", Severity::Warning, "\"no-rows\""),
        ]
    );
    assert!(
        problems[0]
            .message
            .contains("must be a string, not a number")
    );
    assert!(
        problems[4]
            .message
            .contains("has 5 cells but the table `ok` has 4 columns")
    );

    let names: Vec<&str> = report.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["ok", "rows-not-array", "no-rows"]);
    let ok = table(&report, "ok");
    let headers: Vec<&str> = ok.headers.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(headers, ["Verksamhet", "Budget", "2019", ""]);
    let keys: Vec<&str> = ok.iter_rows().map(|r| r.cells[0].raw(ok)).collect();
    assert_eq!(keys, ["Skola", "Kök", "Städ", "Kort"]);
    assert_eq!(ok.row_cells(0)[1].value(ok), number("1000", 0));
    assert_eq!(ok.row_cells(1).len(), 4);
    assert_eq!(
        ok.row_cells(2)[1].value(ok),
        CellValue::Missing(Missing::Empty)
    );
    assert_eq!(ok.row_cells(2)[3].raw(ok), "y");
    let kort = ok.row(3);
    assert_eq!(kort.cells.len(), 4);
    assert_eq!(file.slice(kort.span), "[\"Kort\"]");
    assert_eq!(kort.cells[3].span().start, kort.span.end - 1);
    assert_spans_in_range(&report, &problems, &sources);
}

#[test]
fn not_an_object_and_empty_files() {
    let (_, _, problems) = load(&format!("{DATA}/not-an-object.json"));
    assert_eq!(codes(&problems), ["data::json-shape"]);
    let (report, _, problems) = from_text(b" [1, 2, 3] ");
    assert_eq!(codes(&problems), ["data::json-shape"]);
    assert!(problems[0].message.contains("not a report: it is an array"));
    assert!(report.tables.is_empty());
    let (_, _, problems) = from_text(b"{\"unit\": \"x\"}");
    assert_eq!(codes(&problems), ["data::json-shape"]);
    assert!(problems[0].message.contains("has no `tables`"));
    let (_, _, problems) = load(&format!("{DATA}/empty.json"));
    assert_eq!(codes(&problems), ["data::json-syntax"]);
}

#[test]
fn bom_utf16_and_crlf_keep_offsets() {
    let text = "{\r\n\"tables\": {\"t\": {\r\n\"columns\": [\"Kök\", \"B\"],\r\n\"rows\": [[\"x\", 7]]}}}\r\n";
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    for bytes in [bom, utf16] {
        let (report, sources, problems) = from_text(&bytes);
        assert!(problems.is_empty(), "{problems:?}");
        let t = &report.tables[0];
        assert_eq!(t.headers[0].text, "Kök");
        let file = sources.get(t.source);
        let cell = t.row_cells(0)[1].span();
        assert_eq!(file.line_col(cell.start), (4, 16));
        let (offset, length) = file.file_span(cell);
        let stored = &bytes[offset..offset + length];
        assert!(stored == b"7" || stored == [b'7', 0], "{stored:?}");
    }
}

#[test]
fn odd_inputs_never_panic() {
    let inputs: [&[u8]; 18] = [
        b"",
        b"\xEF\xBB\xBF",
        b"{",
        b"}",
        b"\"",
        b"{\"tables\"",
        b"{\"tables\":",
        b"{\"tables\": {\"t\": {\"columns\": [\"\\ud800\"]}}}",
        b"{\"tables\": {\"t\": {\"columns\": [\"\\u",
        b"{\"tables\": {\"t\": {\"columns\": [\"a\"], \"rows\": [[\"\xff\xfe\"]]}}}",
        b"{\"tables\": {\"t\": {\"columns\": [], \"rows\": [[1, 2]]}}}",
        b"{\"tables\": {\"\": {\"columns\": [\"\"], \"rows\": [[]]}}}",
        b"{\"tables\": {\"t\": {\"columns\": [\"a\"], \"rows\": [[-]]}}}",
        b"{\"tables\": {\"t\": {\"columns\": [\"a\"], \"rows\": [[1e]]}}}",
        b"{\"tables\": {\"t\": {\"columns\": [\"a\"], \"rows\": [[1e-99999]]}}}",
        b"\x00\x00\x00",
        b"\xff\xfe{\x00",
        b"{\"tables\": {}, \"tables\": 1, \"unit\": null, \"previous\": \"../../nope\"}",
    ];
    for bytes in inputs {
        let (report, sources, problems) = from_text(bytes);
        assert_spans_in_range(&report, &problems, &sources);
    }
}

// ------------------------------------------------------------------ discovery and the CLI

#[test]
fn only_report_shaped_json_is_found_in_a_tree() {
    let tree = root().join(DATA).join("tree");
    let mut problems = Vec::new();
    let found = find_report_dirs(std::slice::from_ref(&tree), &mut problems);
    // The baseline, package.json and a broken non-report are passed over silently; a broken
    // report is found, so that its error is shown.
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        found,
        [tree.join("broken-report.json"), tree.join("report.json")]
    );

    let baseline = tree.join("rimlig-baseline.json");
    let found = find_report_dirs(std::slice::from_ref(&baseline), &mut problems);
    assert!(found.is_empty());
    assert_eq!(codes(&problems), ["io::not-a-report"]);
    assert!(problems[0].message.contains("JSON but not a report"));
}

#[test]
fn broken_report_is_a_data_error_and_the_run_goes_on() {
    let (out, doc) = check_json(&[
        &format!("{DATA}/tree"),
        "examples/linkoping-vss-json/2020-10.json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{doc:#}");
    let problems = doc["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0]["code"], "data::json-syntax");
    assert_eq!(
        problems[0]["file"],
        format!("{DATA}/tree/broken-report.json")
    );
    assert_eq!(problems[0]["line"], 2);
    assert!(
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["rule"] == "prognos-avvikelse"),
        "the other reports are still checked"
    );
    assert_eq!(doc["summary"]["reports"], 3);
}

#[test]
fn a_baseline_beside_the_reports_is_not_read_as_one() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("json-baseline");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    for period in ["2020-08", "2020-10"] {
        std::fs::copy(
            root().join(format!("examples/linkoping-vss-json/{period}.json")),
            dir.join(format!("{period}.json")),
        )
        .expect("copy");
    }
    let dir_s = dir.to_str().expect("UTF-8 path");
    let baseline = dir.join("rimlig-baseline.json");
    let baseline_s = baseline.to_str().expect("UTF-8 path");
    let out = rimlig(&[
        "check",
        dir_s,
        "--baseline",
        baseline_s,
        "--update-baseline",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(baseline.is_file());
    let (out, doc) = check_json(&[dir_s, "--baseline", baseline_s]);
    assert_eq!(out.status.code(), Some(0), "{doc:#}");
    assert_eq!(doc["summary"]["reports"], 2);
    assert_eq!(doc["problems"], Value::Array(vec![]));
    assert!(
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["baselined"] == true)
    );
}

/// A number the reader said does not fit is said once, also in a column declared as figures
/// (where a text would get `data::not-a-figure` as well).
#[test]
fn a_number_that_does_not_fit_is_said_once_in_a_figure_column() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("json-number-once");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("r.json"),
        r#"{"tables": {"t": {"columns": ["K", "A"], "rows": [["x", 1e400], ["y", 2]]}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("t.rules"),
        "table t \"t\" { key k \"K\" column a \"A\" tkr }\nrule r { each t: a >= 0 }\n",
    )
    .unwrap();
    let run = rimlig::run::check(&[dir.join("r.json")], &[dir.join("t.rules")]);
    let codes: Vec<&str> = run.problems.iter().map(|p| p.code).collect();
    assert_eq!(codes, ["data::json-number"], "{:#?}", run.problems);
}
