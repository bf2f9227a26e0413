//! Markdown reports: the Linköping example as `.md` documents holds the same tables and gives
//! the same findings as the CSV folders, diagnostics point into the document, and nasty
//! documents (malformed tables, tables in code, escaped pipes, HTML, CRLF, a BOM, other
//! encodings) give the right values or a pointed diagnostic.

use rimlig::problem::{Problem, ProblemKind, Severity};
use rimlig::report::discover::find_report_dirs;
use rimlig::report::markdown::{Prose, load_markdown, markdown_from_bytes, read_markdown};
use rimlig::report::{CellValue, Missing, Report};
use rimlig::source::{SourceFile, Sources, Span};
use serde_json::Value;
use std::path::{Path, PathBuf};

mod common;
use common::*;

const DATA: &str = "tests/data/markdown";

fn from_text(name: &str, bytes: &[u8]) -> (Report, Sources, Vec<Problem>, Vec<Prose>) {
    let mut sources = Sources::default();
    let mut problems = Vec::new();
    let doc = markdown_from_bytes(Path::new(name), name, bytes, &mut sources, &mut problems);
    (doc.report, sources, problems, doc.prose)
}

/// Every cell's, header's and row's span slices text that belongs to it.
fn assert_spans_in_range(report: &Report, sources: &Sources) {
    for t in &report.tables {
        let file = sources.get(t.source);
        for h in &t.headers {
            assert!(h.span.end <= file.text.len());
            assert!(file.text.is_char_boundary(h.span.start));
        }
        for r in t.iter_rows() {
            assert!(r.span.end <= file.text.len());
            for c in r.cells {
                assert!(c.span().start <= c.span().end && c.span().end <= file.text.len());
                let _ = file.slice(c.span());
            }
        }
    }
}

fn check_json(path: &str) -> Value {
    let out = rimlig(&["check", path, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out)
}

// ------------------------------------------------------------------ the Linköping example

#[test]
fn example_documents_hold_the_csv_tables() {
    for period in ["2020-08", "2020-10"] {
        let (csv, _, csv_problems) = load(&format!("examples/linkoping-vss/{period}"));
        let md_path = format!("examples/linkoping-vss-md/{period}.md");
        let (md, sources, md_problems) = load(&md_path);
        assert!(csv_problems.is_empty(), "{csv_problems:?}");
        assert!(md_problems.is_empty(), "{md_problems:?}");
        assert_same_tables(&csv, &md);
        assert_eq!(md.meta.unit, csv.meta.unit);
        assert_eq!(md.meta.period.as_deref(), Some(period));
        assert_eq!(md.path, PathBuf::from(&md_path));
        assert_spans_in_range(&md, &sources);
        let file = sources.get(md.tables[0].source);
        assert_eq!(file.name, md_path);
        // Every cell's span holds the cell as written in the document.
        for t in &md.tables {
            for r in t.iter_rows() {
                for c in r.cells {
                    if !c.raw(t).is_empty() {
                        assert_eq!(file.slice(c.span()), c.raw(t), "{} line {}", t.name, r.line);
                    }
                }
            }
        }
    }
    let (october, _, _) = load("examples/linkoping-vss-md/2020-10.md");
    assert_eq!(
        october.meta.previous,
        Some(PathBuf::from("examples/linkoping-vss-md/2020-08.md"))
    );
}

#[test]
fn example_documents_keep_their_prose() {
    let mut sources = Sources::default();
    let mut problems = Vec::new();
    let doc = read_markdown(
        &root().join("examples/linkoping-vss-md/2020-10.md"),
        "2020-10.md",
        &mut sources,
        &mut problems,
    );
    assert!(problems.is_empty(), "{problems:?}");
    let prognos = doc
        .prose
        .iter()
        .find(|p| p.heading.as_deref() == Some("prognos"))
        .expect("prose under the prognos heading");
    assert!(prognos.text.starts_with("Helårsprognos per verksamhet"));
    let file = sources.get(doc.report.tables[0].source);
    assert_eq!(file.slice(prognos.span), prognos.text);
}

#[test]
fn example_documents_give_the_same_findings_as_the_csv_folders() {
    let csv = check_json("examples/linkoping-vss");
    let md = check_json("examples/linkoping-vss-md");
    let csv_period = |r: &str| r.rsplit('/').next().unwrap_or(r).to_string();
    let md_period = |r: &str| {
        Path::new(r)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let a = finding_ids(&csv, csv_period);
    let b = finding_ids(&md, md_period);
    assert!(a.len() >= 18, "{a:#?}");
    assert_eq!(a, b);
    // The cross-report ones are there: they need `previous`.
    assert!(
        b.iter()
            .any(|f| f.0.starts_with("prognos-bokslut-oforandrat"))
    );
    assert!(b.iter().any(|f| f.0.starts_with("investering-ram-andrad")));
    for key in ["reports", "tables", "instances", "findings", "problems"] {
        assert_eq!(csv["summary"][key], md["summary"][key], "summary.{key}");
    }
    assert_eq!(md["problems"], Value::Array(vec![]));
    assert_eq!(
        csv["not_applicable"].as_array().map(Vec::len),
        md["not_applicable"].as_array().map(Vec::len)
    );
}

#[test]
fn diagnostics_point_into_the_document() {
    let doc = check_json("examples/linkoping-vss-md");
    let findings = doc["findings"].as_array().expect("findings");
    let f = findings
        .iter()
        .find(|f| {
            f["rule"] == "prognos-avvikelse"
                && f["row_key"] == "Kontakt Linköping"
                && f["report"] == "examples/linkoping-vss-md/2020-10.md"
        })
        .expect("the October Kontakt Linköping finding");
    assert_eq!(f["file"], "examples/linkoping-vss-md/2020-10.md");
    assert_eq!(f["table"], "prognos");
    assert_eq!(f["column_name"], "Avvikelse");
    let text = std::fs::read_to_string(root().join("examples/linkoping-vss-md/2020-10.md"))
        .expect("the document");
    let line = f["line"].as_u64().expect("line") as usize;
    let line_text = text.lines().nth(line - 1).expect("the line");
    assert!(line_text.starts_with("| Kontakt Linköping "), "{line_text}");
    let col = line_text[..line_text.find("| 995 ").expect("995") + 2]
        .chars()
        .count()
        + 1;
    assert_eq!(f["column"], col);
    assert_eq!((line, col), (81, 61));
    let offset = f["span"]["offset"].as_u64().expect("offset") as usize;
    let length = f["span"]["length"].as_u64().expect("length") as usize;
    assert_eq!(&text.as_bytes()[offset..offset + length], b"995");
    // The related cells are in the document too.
    for r in f["related"].as_array().expect("related") {
        assert_eq!(r["file"], "examples/linkoping-vss-md/2020-10.md");
        assert_eq!(r["line"], 81);
    }

    // The cross-report finding names the previous document.
    let f = findings
        .iter()
        .find(|f| f["rule"] == "prognos-bokslut-oforandrat")
        .expect("the Bokslut finding");
    assert_eq!(f["file"], "examples/linkoping-vss-md/2020-10.md");
    assert!(
        f["related"]
            .as_array()
            .expect("related")
            .iter()
            .any(|r| r["file"] == "examples/linkoping-vss-md/2020-08.md"),
        "{f:#}"
    );

    // Every finding's span holds its figure as printed.
    for f in findings {
        let bytes = std::fs::read(root().join(f["file"].as_str().expect("file"))).expect("file");
        let offset = f["span"]["offset"].as_u64().expect("offset") as usize;
        let length = f["span"]["length"].as_u64().expect("length") as usize;
        let cell = std::str::from_utf8(&bytes[offset..offset + length]).expect("UTF-8");
        let as_decimal: String = cell
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        assert_eq!(
            as_decimal,
            f["values"]["left"].as_str().expect("left"),
            "{f:#}"
        );
    }

    let out = rimlig(&[
        "check",
        "examples/linkoping-vss-md",
        "--color",
        "never",
        "--width",
        "100",
    ]);
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(
        human.contains("╭─[examples/linkoping-vss-md/2020-10.md:81:61]"),
        "{human}"
    );
    assert!(human.contains(" 81 │ | Kontakt Linköping "), "{human}");
}

// ------------------------------------------------------------------ nasty documents

#[test]
fn nasty_document_gives_right_values_and_pointed_problems() {
    let path = format!("{DATA}/nasty.md");
    let (report, sources, problems) = load(&path);
    let names: Vec<&str> = report.tables.iter().map(|t| t.name.as_str()).collect();
    // The tables in the fenced and the indented code block and in the HTML block are code.
    assert_eq!(names, ["Drift", "Drift 2", "Citat"]);
    assert_eq!(report.meta.unit.as_deref(), Some("Testkommunen"));
    assert_eq!(report.meta.period.as_deref(), Some("2021-03"));
    let file = sources.get(report.tables[0].source);

    let drift = table(&report, "Drift");
    let headers: Vec<&str> = drift.headers.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(headers, ["Verksamhet", "Budget", "Utfall", "Kommentar"]);
    let keys: Vec<&str> = drift.iter_rows().map(|r| r.cells[0].raw(drift)).collect();
    // The row with a cell too many is dropped, the blank row skipped.
    assert_eq!(keys, ["Kontakt Linköping", "Skola", "Kort", "Summa"]);

    let kontakt = drift.row(0);
    assert_eq!(file.slice(kontakt.cells[0].span()), "*Kontakt* Linköping");
    assert_eq!(kontakt.cells[1].value(drift), number("1000", 0));
    assert_eq!(file.slice(kontakt.cells[1].span()), "**1 000**");
    assert_eq!(kontakt.cells[2].value(drift), number("995", 0));
    assert_eq!(file.slice(kontakt.cells[2].span()), "<i>995</i>");
    assert_eq!(kontakt.cells[3].raw(drift), "a | b");
    assert_eq!(file.slice(kontakt.cells[3].span()), "a \\| b");
    let (line, col) = file.line_col(kontakt.cells[2].span().start);
    assert_eq!((line, col), (26, 37));
    assert_eq!(kontakt.line, 26);

    let skola = drift.row(1);
    assert_eq!(skola.cells[1].value(drift), number("12", 0));
    assert_eq!(skola.cells[2].value(drift), number("1200", 0));
    assert_eq!(skola.cells[3].raw(drift), "fet text");

    let kort = drift.row(2);
    assert_eq!(kort.cells.len(), 4);
    assert_eq!(
        kort.cells[2].value(drift),
        CellValue::Missing(Missing::Empty)
    );
    assert_eq!(
        kort.cells[2].span(),
        Span::new(kort.span.end, kort.span.end)
    );
    assert_eq!(file.slice(kort.span), "| Kort                | 3         |");
    assert_eq!(drift.row_cells(3)[3].raw(drift), "länk");

    assert_eq!(
        table(&report, "Drift 2").row_cells(0)[1].value(table(&report, "Drift 2")),
        number("5", 0)
    );
    let citat = table(&report, "Citat");
    assert_eq!(file.slice(citat.row_cells(0)[1].span()), "7");
    assert_eq!(citat.row_cells(0)[1].value(citat), number("7", 0));

    assert_eq!(codes(&problems), ["data::ragged-row", "data::not-a-table"]);
    let ragged = &problems[0];
    assert_eq!(ragged.severity, Severity::Error);
    assert_eq!(ragged.kind, ProblemKind::Data);
    assert_eq!(
        ragged.message,
        "the row on line 28 has 5 cells but the header has 4 columns; the row is ignored"
    );
    assert_eq!(file.slice(ragged.labels[0].span), "y");
    assert!(
        file.slice(ragged.labels[1].span)
            .starts_with("| Verksamhet")
    );
    let not_a_table = &problems[1];
    assert_eq!(not_a_table.severity, Severity::Warning);
    assert_eq!(
        file.slice(not_a_table.labels[0].span),
        "| Header | without delimiter |"
    );
    assert_spans_in_range(&report, &sources);
}

#[test]
fn nasty_document_keeps_its_prose() {
    let mut sources = Sources::default();
    let mut problems = Vec::new();
    let doc = read_markdown(
        &root().join(DATA).join("nasty.md"),
        "nasty.md",
        &mut sources,
        &mut problems,
    );
    let prose: Vec<(Option<&str>, &str)> = doc
        .prose
        .iter()
        .map(|p| (p.heading.as_deref(), p.text.as_str()))
        .collect();
    assert_eq!(
        prose[..2],
        [
            (
                Some("Nasty"),
                "Text before any table. A pipe | in prose is not a table."
            ),
            (Some("Drift"), "Budget och utfall per verksamhet, i tkr."),
        ]
    );
}

#[test]
fn tables_are_named_by_the_heading_above_them() {
    let (report, _, problems) = load(&format!("{DATA}/headings.md"));
    assert!(problems.is_empty(), "{problems:?}");
    let names: Vec<&str> = report.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["headings", "Drift", "Drift 2", "Investeringar 2021"]
    );
    assert_eq!(report.meta.period, None);
}

#[test]
fn front_matter_is_checked_like_report_toml() {
    let (report, sources, problems) = load(&format!("{DATA}/bad-front-matter.md"));
    assert_eq!(
        codes(&problems),
        [
            "config::front-matter",
            "config::front-matter",
            "data::previous-missing"
        ]
    );
    let file = sources.get(problems[0].labels[0].source);
    assert_eq!(file.name, format!("{DATA}/bad-front-matter.md"));
    let labelled: Vec<&str> = problems
        .iter()
        .map(|p| file.slice(p.labels[0].span))
        .collect();
    assert_eq!(labelled, ["2021", "currency", "\"2020-12.md\""]);
    assert!(
        problems[0]
            .message
            .contains("must be a string, not an integer")
    );
    assert!(problems[1].message.contains("unknown key `currency`"));
    assert_eq!(problems[0].kind, ProblemKind::Config);
    assert_eq!(problems[2].severity, Severity::Warning);
    assert_eq!(file.line_col(problems[1].labels[0].span.start), (4, 1));
    // What could be read is kept.
    assert_eq!(report.meta.unit.as_deref(), Some("Testkommunen"));
    assert_eq!(
        report.meta.previous,
        Some(PathBuf::from(DATA).join("2020-12.md"))
    );
    assert_eq!(report.tables.len(), 1);
}

/// 100 000 `[` in the front matter gave the same error at the same place 82 times.
#[test]
fn front_matter_nested_too_deep_is_said_once_per_error() {
    let text = format!(
        "+++\nunit = {}\n+++\n\n| A |\n|---|\n| 1 |\n",
        "[".repeat(100_000)
    );
    let (report, _, problems, _) = from_text("r.md", text.as_bytes());
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[2].contains("must be a string"), "{messages:?}");
    assert!(messages[0].contains("max recursion depth"), "{messages:?}");
    assert!(messages[1].contains("unclosed array"), "{messages:?}");
    assert_eq!(report.tables.len(), 1);
}

#[test]
fn front_matter_syntax_errors_and_unclosed_or_yaml_front_matter() {
    let (report, sources, problems, _) = from_text(
        "r.md",
        b"+++\nunit = \"A\"\nperiod = 2021-\n+++\n\n| A |\n|---|\n| 1 |\n",
    );
    assert!(!problems.is_empty());
    assert!(problems.iter().all(|p| p.code == "config::front-matter"));
    assert!(
        problems[0].message.contains("not valid TOML"),
        "{problems:?}"
    );
    let file = sources.get(problems[0].labels[0].source);
    assert_eq!(file.line_col(problems[0].labels[0].span.start).0, 3);
    assert_eq!(report.meta.unit.as_deref(), Some("A"));
    assert_eq!(report.tables.len(), 1);

    let (report, _, problems, _) = from_text("r.md", b"+++\nunit = \"A\"\n\n| A |\n|---|\n| 1 |\n");
    assert_eq!(codes(&problems), ["config::front-matter"]);
    assert!(problems[0].message.contains("never closed"));
    assert_eq!(report.meta.unit, None);
    assert_eq!(report.tables.len(), 1);

    let (report, _, problems, _) = from_text("r.md", b"---\nunit: A\n---\n\n| A |\n|---|\n| 1 |\n");
    assert_eq!(codes(&problems), ["config::front-matter"]);
    assert_eq!(problems[0].severity, Severity::Warning);
    assert_eq!(report.tables.len(), 1);
    assert_eq!(report.tables[0].name, "r");

    // A lone `---` at the top is a thematic break, not front matter.
    let (report, _, problems, _) = from_text("r.md", b"---\n\n| A |\n|---|\n| 1 |\n");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(report.tables.len(), 1);
}

#[test]
fn crlf_and_a_bom_keep_spans_lines_and_file_offsets() {
    let text = "+++\r\nunit = \"Kommun\"\r\n+++\r\n\r\n## Drift\r\n\r\n| Verksamhet | Utfall |\r\n|---|---:|\r\n| Skola | 1 200 |\r\n| Kök | 30 |\r\n";
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    let (report, sources, problems, _) = from_text("crlf.md", &bytes);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(report.meta.unit.as_deref(), Some("Kommun"));
    let drift = table(&report, "Drift");
    let file = sources.get(drift.source);
    assert_eq!(drift.row_cells(0)[1].value(drift), number("1200", 0));
    let kok = drift.row(1);
    assert_eq!(kok.cells[0].raw(drift), "Kök");
    assert_eq!(file.slice(kok.cells[1].span()), "30");
    assert_eq!(file.slice(kok.span), "| Kök | 30 |");
    assert_eq!(kok.line, 10);
    assert_eq!(file.line_col(kok.cells[1].span().start), (10, 9));
    // The stored file has the BOM: offsets into it are 3 bytes further on.
    let (offset, length) = file.file_span(kok.cells[1].span());
    assert_eq!(&bytes[offset..offset + length], b"30");
    assert_eq!(drift.headers[1].text, "Utfall");
}

#[test]
fn lone_cr_utf16_and_windows_1252_documents_are_read() {
    let (report, sources, problems, _) =
        from_text("cr.md", b"## T\r\r| A | B |\r|---|---|\r| x | 7 |\r");
    assert!(problems.is_empty(), "{problems:?}");
    let t = table(&report, "T");
    assert_eq!(t.rows[0].line(), 5);
    assert_eq!(sources.get(t.source).slice(t.row_cells(0)[1].span()), "7");

    let text = "## T\n\n| Kök | B |\n|---|---|\n| x | 7 |\n";
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let (report, sources, problems, _) = from_text("u16.md", &utf16);
    assert!(problems.is_empty(), "{problems:?}");
    let t = table(&report, "T");
    assert_eq!(t.headers[0].text, "Kök");
    let file = sources.get(t.source);
    let (offset, length) = file.file_span(t.row_cells(0)[1].span());
    assert_eq!(&utf16[offset..offset + length], &[b'7', 0]);

    let latin1 = b"## T\n\n| K\xF6k | B |\n|---|---|\n| x | 7 |\n";
    let (report, sources, problems, _) = from_text("latin1.md", latin1);
    assert_eq!(codes(&problems), ["data::windows-1252"]);
    let file = sources.get(report.tables[0].source);
    assert_eq!(file.slice(problems[0].labels[0].span), "ö");
    assert_eq!(report.tables[0].headers[0].text, "Kök");
    let (offset, length) = file.file_span(report.tables[0].row_cells(0)[1].span());
    assert_eq!(&latin1[offset..offset + length], b"7");
}

#[test]
fn odd_documents_never_panic() {
    let inputs: [&[u8]; 16] = [
        b"",
        b"+++",
        b"+++\n",
        b"+++\n+++",
        b"\xEF\xBB\xBF",
        b"|",
        b"||\n|-|",
        b"| a |\n|---|\n|",
        b"| a |\n|---|\n| \\",
        b"| a | b |\n|---|---|\n| 1 | 2 | \\| | \xff |",
        b"# \n| a |\n|---|\n| x |",
        b"\x00\x01binary",
        b"> | a |\n> |---|\n> | 1 | 2 | 3 |",
        b"- | a | b |\n  |---|---|\n  | 1 | 2 | 3 |\n",
        b"| a |\n|---|\n| `x | y` | z |\n",
        b"+++\nprevious = [1, 2]\nunit = { a = 1 }\n+++\n",
    ];
    for bytes in inputs {
        let (report, sources, problems, _) = from_text("odd.md", bytes);
        assert_spans_in_range(&report, &sources);
        for p in &problems {
            for l in &p.labels {
                let file: &SourceFile = sources.get(l.source);
                assert!(l.span.end <= file.text.len(), "{p:?}");
            }
        }
    }
}

#[test]
fn extra_cells_in_a_list_item_or_quote_are_found() {
    let (report, sources, problems, _) = from_text(
        "q.md",
        b"> | a | b |\n> |---|---|\n> | 1 | 2 | 3 |\n> | 4 | 5 |\n",
    );
    assert_eq!(codes(&problems), ["data::ragged-row"]);
    let file = sources.get(report.tables[0].source);
    assert_eq!(file.slice(problems[0].labels[0].span), "3");
    assert_eq!(report.tables[0].rows.len(), 1);
}

// ------------------------------------------------------------------ discovery and the CLI

#[test]
fn markdown_reports_are_found_by_their_front_matter() {
    let tree = root().join(DATA).join("tree");
    let mut problems = Vec::new();
    let found = find_report_dirs(std::slice::from_ref(&tree), &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        found,
        [tree.join("2021-01.md"), tree.join("sub/2021-02.markdown")]
    );
    // Named on the command line, any Markdown file is a report.
    let readme = tree.join("README.md");
    let found = find_report_dirs(std::slice::from_ref(&readme), &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(found, std::slice::from_ref(&readme));
    let mut sources = Sources::default();
    let report = load_markdown(&readme, "README.md", &mut sources, &mut problems);
    assert_eq!(report.tables[0].name, "Not a report");
}

#[test]
fn previous_document_is_compared_with() {
    // 2021-02 names ../2021-01.md as its previous report; a rule comparing the two finds
    // the change and points at both documents.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("markdown-previous");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let rules = dir.join("same.rules");
    std::fs::write(
        &rules,
        "table drift \"drift\" {\n  key verksamhet \"Verksamhet\"\n  column budget \"Budget\" tkr\n}\n\
         rule same-budget \"Samma budget\" {\n  each drift: budget == previous.budget\n}\n",
    )
    .expect("rules");
    let out = rimlig(&[
        "check",
        &format!("{DATA}/tree/sub/2021-02.markdown"),
        "--rules",
        rules.to_str().expect("UTF-8 path"),
        "--format",
        "json",
    ]);
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(1), "{doc:#}");
    let f = &doc["findings"][0];
    assert_eq!(f["rule"], "same-budget");
    assert_eq!(f["file"], format!("{DATA}/tree/sub/2021-02.markdown"));
    assert_eq!(f["line"], 10);
    assert_eq!(f["related"][0]["file"], format!("{DATA}/tree/2021-01.md"));
    assert_eq!(doc["summary"]["reports"], 1);
}

#[test]
fn a_malformed_document_is_a_data_error_and_the_run_goes_on() {
    let out = rimlig(&[
        "check",
        &format!("{DATA}/nasty.md"),
        "examples/linkoping-vss-md/2020-10.md",
        "--format",
        "json",
    ]);
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(1));
    let problems = doc["problems"].as_array().expect("problems");
    let ragged = problems
        .iter()
        .find(|p| p["code"] == "data::ragged-row")
        .expect("the ragged row");
    assert_eq!(ragged["file"], format!("{DATA}/nasty.md"));
    assert_eq!(ragged["line"], 28);
    assert_eq!(ragged["severity"], "error");
    assert!(
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["rule"] == "prognos-avvikelse"),
        "the other report is still checked"
    );
}

/// A footnote mark on a key or figure (`D[^1]`, `1 000[^2]`) and struck-through text are
/// markup: the cell is what a reader sees, the note's mark left out.
#[test]
fn footnote_marks_and_strikethrough_are_markup() {
    let doc = "+++\nunit = \"X\"\n+++\n\n## drift\n\n| Verksamhet | Redovisat |\n| --- | --- |\n\
               | D[^1] | 1 000[^2] |\n| ~~J~~ | 5 |\n\n[^1]: En not.\n[^2]: Ändrat.\n";
    let (report, sources, problems, _) = from_text("r.md", doc.as_bytes());
    assert!(problems.is_empty(), "{problems:?}");
    let t = &report.tables[0];
    let cells: Vec<String> = t
        .iter_rows()
        .flat_map(|r| {
            r.cells
                .iter()
                .map(|c| c.raw(t).to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(cells, ["D", "1 000", "J", "5"]);
    assert_spans_in_range(&report, &sources);
}
