//! The HTML page (`rimlig check … --format html`): a snapshot of a small fixture, the shipped
//! examples checked against the JSON view, and the page as a real browser shows it (skipped,
//! with a note, when no Chromium is installed at /usr/bin/chromium).
//!
//! Update the snapshot with `INSTA_UPDATE=always cargo test --test html`, then read the changed
//! `.snap` in tests/snapshots/ before committing it.

use rimlig::run::check;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const EXAMPLES: &str = "examples/linkoping-vss";
const CHROMIUM: &str = "/usr/bin/chromium";

fn rimlig(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rimlig"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the rimlig binary runs")
}

fn page_of(args: &[&str]) -> (String, i32) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "html"]);
    let out = rimlig(&all);
    let code = out.status.code().expect("an exit code");
    (String::from_utf8(out.stdout).expect("UTF-8"), code)
}

fn json_of(args: &[&str]) -> Value {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    serde_json::from_slice(&rimlig(&all).stdout).expect("JSON")
}

/// Every start tag of the page that has `attr`, as its attributes (values unescaped only for
/// `&quot;` and `&amp;`, which is all these tests meet), with the text up to the next `<`.
fn tags_with(page: &str, attr: &str) -> Vec<(HashMap<String, String>, String)> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = page[from..].find(&needle) {
        let at = from + i;
        let start = page[..at].rfind('<').expect("inside a tag");
        let end = at + page[at..].find('>').expect("a closed tag");
        let attrs = parse_attrs(&page[start + 1..end]);
        // The cell's text: after its badges and tooltip, up to the closing tag.
        let rest = &page[end + 1..];
        let close = rest.find("</t").unwrap_or(rest.len());
        let inner = &rest[..close];
        let text = match inner.rfind("</span>") {
            Some(j) => &inner[j + "</span>".len()..],
            None => inner,
        };
        out.push((attrs, text.trim().to_string()));
        from = end;
    }
    out
}

fn parse_attrs(tag: &str) -> HashMap<String, String> {
    let mut attrs = HashMap::new();
    let mut rest = tag;
    // Skip the tag name.
    rest = rest.trim_start_matches(|c: char| !c.is_whitespace());
    loop {
        rest = rest.trim_start();
        let Some(eq) = rest.find('=') else { break };
        let name = rest[..eq].trim().to_string();
        let after = &rest[eq + 1..];
        if !after.starts_with('"') {
            break;
        }
        let close = after[1..].find('"').expect("a closed value") + 1;
        let value = after[1..close]
            .replace("&quot;", "\"")
            .replace("&amp;", "&");
        attrs.insert(name, value);
        rest = &after[close + 1..];
    }
    attrs
}

/// The highlighted cells of a page: (data-cell, rule ids, severity, text).
fn hits(page: &str) -> Vec<(String, Vec<String>, String, String)> {
    tags_with(page, "data-finding")
        .into_iter()
        .map(|(a, text)| {
            (
                a["data-cell"].clone(),
                a["data-finding"]
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
                a["data-severity"].clone(),
                text,
            )
        })
        .collect()
}

/// What a page (ours, or a browser's DOM of it) must show of the examples' findings: every
/// finding of the JSON view exactly once, as a highlighted cell at its file, line and column.
fn assert_examples_page(page: &str, json: &Value) {
    let findings = json["findings"].as_array().expect("findings");
    let hits = hits(page);
    let on_page: usize = hits.iter().map(|h| h.1.len()).sum();
    assert_eq!(on_page, findings.len(), "one highlighted mark per finding");
    for f in findings {
        let at = format!(
            "{}:{}:{}",
            f["file"].as_str().unwrap(),
            f["line"],
            f["column"]
        );
        let rule = f["rule"].as_str().unwrap();
        let n_page: usize = hits
            .iter()
            .filter(|h| h.0 == at)
            .map(|h| h.1.iter().filter(|r| *r == rule).count())
            .sum();
        let n_json = findings
            .iter()
            .filter(|g| {
                g["rule"] == f["rule"]
                    && format!(
                        "{}:{}:{}",
                        g["file"].as_str().unwrap(),
                        g["line"],
                        g["column"]
                    ) == at
            })
            .count();
        assert_eq!(n_page, n_json, "{rule} at {at}");
        let cell = hits.iter().find(|h| h.0 == at).unwrap();
        let worst = ["error", "warning", "info"]
            .into_iter()
            .find(|s| {
                findings.iter().any(|g| {
                    g["severity"] == *s
                        && format!(
                            "{}:{}:{}",
                            g["file"].as_str().unwrap(),
                            g["line"],
                            g["column"]
                        ) == at
                })
            })
            .unwrap();
        assert_eq!(cell.2, worst, "the cell at {at} shows its worst severity");
    }
    // The October forecast: Kontakt Linköping's Avvikelse, 995 where 1 000 − 0 is expected.
    let kontakt = hits
        .iter()
        .find(|h| h.0 == "examples/linkoping-vss/2020-10/prognos.csv:6:27")
        .expect("the Kontakt Linköping Avvikelse cell is highlighted");
    assert_eq!(kontakt.1, ["prognos-avvikelse"]);
    assert_eq!(kontakt.2, "error");
    assert_eq!(kontakt.3, "995");
}

#[test]
fn the_fixture_page() {
    let run = check(
        &[PathBuf::from("tests/data/html/report")],
        &[PathBuf::from("tests/data/html/html.rules")],
    );
    let page = rimlig::render::html::render(&run);
    // Deterministic: the same run renders the same page.
    assert_eq!(page, rimlig::render::html::render(&run));
    // Text from the data, the rules and report.toml is escaped.
    assert!(page.contains("Enhet &lt;Test&gt; &amp; Co"));
    assert!(page.contains("&lt;b&gt;&quot;fet&quot;&lt;/b&gt;"));
    assert!(page.contains("&#39;citat&#39;"));
    assert!(page.contains("Räkna om &lt;avvikelsen&gt; &amp; kontrollera &#39;raden&#39;."));
    assert!(!page.contains("<b>\"fet\""));
    // A cell, a total row's cell, a whole row and the whole table are each marked once.
    let hits = hits(&page);
    let mut marks: Vec<(&str, &str, &str)> = hits
        .iter()
        .map(|h| (h.0.as_str(), h.1[0].as_str(), h.2.as_str()))
        .collect();
    marks.sort();
    assert_eq!(
        marks,
        [
            (
                "tests/data/html/report/budget.csv:1:1",
                "lika-summor",
                "info"
            ),
            ("tests/data/html/report/budget.csv:3:1", "rad-c", "info"),
            (
                "tests/data/html/report/budget.csv:3:8",
                "avvikelse",
                "error"
            ),
            (
                "tests/data/html/report/budget.csv:5:7",
                "summa-utfall",
                "warning"
            ),
        ]
    );
    // Highlighted cells are focusable and described by their finding, which is on the page.
    for (attrs, _) in tags_with(&page, "data-finding") {
        assert_eq!(attrs["tabindex"], "0");
        for id in attrs["aria-describedby"].split_whitespace() {
            assert!(page.contains(&format!("id=\"{id}\"")), "{id}");
        }
    }
    // The rule-file warning is listed with the input problems; the table without findings is
    // collapsed, the one with findings open.
    assert!(page.contains("data-problem=\"rules::never-true\""));
    assert!(page.contains("<details class=\"tbl\" id=\"t0\" data-table=\"budget\" open>"));
    assert!(page.contains("<details class=\"tbl\" id=\"t1\" data-table=\"personal\">"));
    insta::assert_snapshot!("html_fixture", page);
}

#[test]
fn the_examples_page_shows_every_finding_once_and_the_json_counts() {
    let (page, code) = page_of(&[EXAMPLES]);
    let json = json_of(&[EXAMPLES]);
    assert_eq!(code, json["exit_code"].as_i64().unwrap() as i32);
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"sv\">"));
    assert!(page.contains("<meta charset=\"utf-8\">"));
    // Self-contained: nothing is loaded from anywhere.
    for external in ["src=", "<link", "http://", "https://", "@import", "url("] {
        assert!(!page.contains(external), "{external}");
    }
    assert_examples_page(&page, &json);

    // The counts of the summary are the JSON summary's.
    let summary = &json["summary"];
    let tile = |name: &str| -> u64 {
        let at = page
            .find(&format!("data-count=\"{name}\"><b>"))
            .unwrap_or_else(|| panic!("tile {name}"));
        let rest = &page[at..];
        let start = rest.find("<b>").unwrap() + 3;
        let end = rest.find("</b>").unwrap();
        rest[start..end].parse().unwrap()
    };
    for sev in ["error", "warning", "info"] {
        assert_eq!(
            tile(sev),
            summary["findings"][sev].as_u64().unwrap(),
            "{sev}"
        );
    }
    assert_eq!(
        tile("passed"),
        summary["instances"]["passed"].as_u64().unwrap()
    );
    assert_eq!(
        tile("not_applicable"),
        summary["instances"]["not_applicable"].as_u64().unwrap()
    );
    assert!(page.contains(&format!(
        "Kontrollerade {} rapporter ({} tabeller) mot {} regler: {} fel, {} varningar, {} info; {} kontroller godkända, {} ej tillämpliga.",
        summary["reports"],
        summary["tables"],
        summary["rules"],
        summary["findings"]["error"],
        summary["findings"]["warning"],
        summary["findings"]["info"],
        summary["instances"]["passed"],
        summary["instances"]["not_applicable"],
    )));
    // Per report, the rows of the summary table add up to the whole.
    let rows = tags_with(&page, "data-report");
    let per_report: Vec<&HashMap<String, String>> = rows
        .iter()
        .map(|r| &r.0)
        .filter(|a| !a.contains_key("class"))
        .collect();
    assert_eq!(per_report.len(), 2);
}

#[test]
fn a_clean_run_says_so() {
    let (page, code) = page_of(&[
        "tests/data/cli/report",
        "--rules",
        "tests/data/cli/clean.rules",
    ]);
    assert_eq!(code, 0);
    assert!(page.contains("✓ Inga fynd: alla kontroller som kunde avgöras gick igenom."));
    assert!(!page.contains("data-finding"));
    // Its only table is folded away.
    assert!(page.contains("<details class=\"tbl\" id=\"t0\" data-table=\"budget\">"));
}

#[test]
fn a_finding_outside_the_checked_tables_is_listed_apart() {
    // The cell is in 2020-08, which is read as 2020-10's previous report but not checked.
    let (page, _) = page_of(&[
        "examples/linkoping-vss/2020-10",
        "--rules",
        "tests/data/html/previous.rules",
    ]);
    assert!(!page.contains("data-finding"));
    let apart = page
        .find("<section id=\"ovriga\">")
        .expect("a section of findings outside the tables");
    let item = &page[apart..];
    assert!(item.contains("<li class=\"finding info\" id=\"f-1\" data-rule=\"forra-lkdata\""));
    assert!(item.contains("examples/linkoping-vss/2020-08/prognos.csv:9:8"));
    // The list of all findings leads there.
    assert!(page[..apart].contains("<a href=\"#f-1\">1</a>"));
}

#[test]
fn a_large_table_shows_the_rows_of_its_findings_and_says_how_many_are_left_out() {
    // 3 000 rows, one of them wrong: the page shows it with two rows above and below, not all
    // 3 000 (a million-row table made a page of 266 MB).
    let dir = std::env::temp_dir().join(format!("rimlig-html-large-{}", std::process::id()));
    let report = dir.join("report");
    std::fs::create_dir_all(&report).unwrap();
    let mut csv = String::from("Post;Utfall\n");
    for i in 1..=3000 {
        let value = if i == 1500 { -7 } else { i };
        csv.push_str(&format!("Post {i};{value}\n"));
    }
    std::fs::write(report.join("budget.csv"), csv).unwrap();
    let rules = dir.join("r.rules");
    std::fs::write(
        &rules,
        "table budget \"budget\" { key post \"Post\" column utfall \"Utfall\" tkr }\n\
         rule positiv \"Positivt utfall\" { each budget: utfall >= 0 }\n",
    )
    .unwrap();
    let (page, code) = page_of(&[report.to_str().unwrap(), "--rules", rules.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(code, 1);
    assert!(
        page.contains("visar 5 av 3 000 rader: de som fynden gäller och 2 runt var och en"),
        "the table's summary says what is shown"
    );
    let sheet = &page[page.find("<table class=\"sheet\">").expect("the table")..];
    let body = &sheet[sheet.find("<tbody>").unwrap()..sheet.find("</tbody>").unwrap()];
    let rows: Vec<&str> = body.lines().filter(|l| l.starts_with("<tr")).collect();
    assert_eq!(rows.len(), 7, "{rows:#?}");
    assert!(
        rows[0].contains("1 497 rader utan fynd visas inte"),
        "{}",
        rows[0]
    );
    // Post 1498 is on line 1499: the header is line 1.
    for (row, line) in rows[1..6].iter().zip(1499..) {
        assert!(row.contains(&format!(">{line}</th>")), "{line}: {row}");
    }
    assert!(rows[3].contains("data-finding=\"positiv\""), "{}", rows[3]);
    assert!(
        rows[6].contains("1 498 rader utan fynd visas inte"),
        "{}",
        rows[6]
    );
}

#[test]
fn the_per_report_counts_add_up_to_the_rule_stats() {
    let run = check(&[PathBuf::from(EXAMPLES)], &[]);
    for (rule, total) in &run.outcome.stats {
        let parts: Vec<_> = run
            .outcome
            .stats_by_report
            .iter()
            .filter(|(r, _, _)| r == rule)
            .collect();
        assert_eq!(parts.len(), run.reports.len(), "{rule}");
        let sum =
            |f: fn(&rimlig::eval::Stats) -> usize| parts.iter().map(|p| f(&p.2)).sum::<usize>();
        assert_eq!(total.passed, sum(|s| s.passed), "{rule}");
        assert_eq!(total.failed, sum(|s| s.failed), "{rule}");
        assert_eq!(total.not_applicable, sum(|s| s.not_applicable), "{rule}");
    }
}

#[test]
fn html_is_a_format_of_check_only() {
    let out = rimlig(&["test", "rules", "--format", "html"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("invalid value 'html'"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Run Chromium headless on a page with a fresh profile, giving up after a minute. Its
/// output goes to files beside the profile (a pipe could fill and stall it): (stdout, stderr).
fn chromium(extra: &[String], page: &Path, profile: &Path) -> (String, String) {
    let out_file = profile.with_extension("stdout");
    let err_file = profile.with_extension("stderr");
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_file).expect("a file for stdout"))
        .stderr(std::fs::File::create(&err_file).expect("a file for stderr"))
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    while child.try_wait().expect("chromium runs").is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).to_string();
    (read(&out_file), read(&err_file))
}

#[test]
fn a_browser_shows_the_highlighted_cells() {
    if !Path::new(CHROMIUM).exists() {
        // Straight to stderr, past the test harness's capture, so the skip shows in the log.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: {CHROMIUM} is not installed; the browser test of the HTML page is skipped"
        );
        return;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-browser");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (page, _) = page_of(&[EXAMPLES]);
    let file = dir.join("rimlig.html");
    std::fs::write(&file, &page).unwrap();

    let (dom, stderr) = chromium(&["--dump-dom".to_string()], &file, &dir.join("profile-dom"));
    assert!(
        dom.contains("data-finding"),
        "the dumped DOM has no highlighted cell; stderr:\n{stderr}"
    );
    assert_examples_page(&dom, &json_of(&[EXAMPLES]));

    let png = dir.join("rimlig.png");
    let (_, stderr) = chromium(
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2000".to_string(),
        ],
        &file,
        &dir.join("profile-shot"),
    );
    let bytes =
        std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot ({e}); stderr:\n{stderr}"));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(
        bytes.len() > 50_000,
        "a screenshot of a page, not a blank: {} bytes",
        bytes.len()
    );
}
