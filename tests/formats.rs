//! The output formats of `rimlig check`, end to end through the binary, each held to the rules
//! of the system that reads it: SARIF (GitHub code scanning), GitHub Actions workflow commands,
//! GitLab Code Quality, JUnit XML, the concise lines, the JSON document against its schema
//! (docs/rimlig-check.schema.json), and `--format`/`--output` pairs.
//!
//! Runs on the Linköping example (built-in rules) and on `tests/data/formats/` (a file name
//! with `,`, `%`, a space and `å`; keys with `&`, `<`, `:` and `,`; one finding of each
//! severity; two findings on one cell; a never-applicable rule; a ragged row), and on reports
//! made in a scratch folder whose cells and folder name hold control characters (rules in
//! `tests/data/formats/controls.rules`).

use serde_json::Value;
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const EXAMPLES: &str = "examples/linkoping-vss";
const FIXTURE: &str = "tests/data/formats/report";
const FIXTURE_RULES: &str = "tests/data/formats/formats.rules";
const FIXTURE_CSV: &str = "tests/data/formats/report/Drift, 100% (å).csv";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rimlig(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rimlig"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .output()
        .expect("the rimlig binary runs")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("rimlig exits with a code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// `rimlig check ARGS… --format FORMAT`: (exit code, stdout).
fn check(args: &[&str], format: &str) -> (i32, String) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", format]);
    let out = rimlig(&all);
    (code(&out), stdout(&out))
}

fn examples(format: &str) -> (i32, String) {
    check(&[EXAMPLES], format)
}

fn fixture(format: &str) -> (i32, String) {
    check(&[FIXTURE, "--rules", FIXTURE_RULES], format)
}

/// A run with rule-file problems (syntax errors): exit 2.
fn broken(format: &str) -> (i32, String) {
    check(
        &[EXAMPLES, "--rules", "tests/data/rules-errors/syntax.rules"],
        format,
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("formats")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch folder");
    dir
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

fn str_of<'a>(v: &'a Value, what: &str) -> &'a str {
    v.as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {v}"))
}

fn num(v: &Value, what: &str) -> usize {
    v.as_u64()
        .unwrap_or_else(|| panic!("{what} is not a number: {v}")) as usize
}

/// The text of a file from 1-based (line, column) to (line, column), columns in characters,
/// the end exclusive.
fn text_at(file: &Path, start: (usize, usize), end: (usize, usize)) -> String {
    let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
    let text = String::from_utf8(bytes).expect("a UTF-8 file");
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = String::new();
    for line in start.0..=end.0 {
        let chars: Vec<char> = lines[line - 1].chars().collect();
        let from = if line == start.0 { start.1 - 1 } else { 0 };
        let to = if line == end.0 {
            end.1 - 1
        } else {
            chars.len()
        };
        out.extend(&chars[from..to]);
        if line != end.0 {
            out.push('\n');
        }
    }
    out
}

/// A relative URI reference back to a path: `%XX` decoded.
fn uri_path(uri: &str) -> String {
    assert!(
        !uri.contains(' ') && !uri.contains('\\'),
        "not a URI: {uri}"
    );
    let b = uri.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).expect("a %XX escape"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 once decoded")
}

/// The bytes a JSON finding's `span` covers, as text.
fn span_text(f: &Value) -> String {
    let bytes = std::fs::read(root().join(str_of(&f["file"], "file"))).unwrap();
    let off = num(&f["span"]["offset"], "offset");
    let len = num(&f["span"]["length"], "length");
    String::from_utf8(bytes[off..off + len].to_vec()).unwrap()
}

// ---------------------------------------------------------------------------------- SARIF

/// The properties GitHub code scanning and the SARIF 2.1.0 schema require, and rimlig's own
/// promises: every result's rule is `rules[ruleIndex]`, its region is the offending cell.
fn assert_sarif(doc: &Value, json: &Value) {
    assert_eq!(
        doc["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(doc["version"], "2.1.0");
    let runs = arr(&doc["runs"]);
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "rimlig");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["exitCode"], json["exit_code"]);
    assert_eq!(
        run["invocations"][0]["executionSuccessful"],
        json["exit_code"].as_u64() < Some(2)
    );

    let rules = arr(&driver["rules"]);
    let ids: Vec<&str> = rules.iter().map(|r| str_of(&r["id"], "id")).collect();
    let unique: HashSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "rule ids are unique: {ids:?}");
    for r in rules {
        assert!(r["name"].is_string(), "rule name: {r}");
        for key in ["shortDescription", "fullDescription", "help"] {
            assert!(
                !str_of(&r[key]["text"], key).is_empty(),
                "rule {key}.text: {r}"
            );
        }
        assert!(
            ["error", "warning", "note"]
                .contains(&str_of(&r["defaultConfiguration"]["level"], "level")),
            "{r}"
        );
        assert!(r["properties"]["tags"].is_array(), "{r}");
    }
    // Every loaded rule has a descriptor, in rule order.
    let loaded: Vec<&str> = arr(&json["rules"])
        .iter()
        .map(|r| str_of(&r["rule"], "rule"))
        .collect();
    assert_eq!(&ids[..loaded.len()], &loaded[..]);

    let results = arr(&run["results"]);
    let findings = arr(&json["findings"]);
    let problems = arr(&json["problems"]);
    assert_eq!(results.len(), findings.len() + problems.len());
    for (i, r) in results.iter().enumerate() {
        let rule_id = str_of(&r["ruleId"], "ruleId");
        let index = num(&r["ruleIndex"], "ruleIndex");
        assert_eq!(ids[index], rule_id, "ruleIndex of {r}");
        assert!(["error", "warning", "note"].contains(&str_of(&r["level"], "level")));
        assert!(!str_of(&r["message"]["text"], "message").is_empty());
        let fp = str_of(&r["partialFingerprints"]["rimlig/v1"], "fingerprint");
        assert!(
            fp.len() == 16 && fp.chars().all(|c| c.is_ascii_hexdigit()),
            "{fp}"
        );
        if i >= findings.len() {
            let p = &problems[i - findings.len()];
            assert_eq!(rule_id, str_of(&p["code"], "code"));
            continue;
        }
        let f = &findings[i];
        assert_eq!(rule_id, str_of(&f["rule"], "rule"));
        let loc = &r["locations"][0]["physicalLocation"];
        let path = uri_path(str_of(&loc["artifactLocation"]["uri"], "uri"));
        assert_eq!(path, str_of(&f["file"], "file"));
        let reg = &loc["region"];
        let start = (num(&reg["startLine"], "l"), num(&reg["startColumn"], "c"));
        let end = (num(&reg["endLine"], "l"), num(&reg["endColumn"], "c"));
        assert!(start.0 >= 1 && start.1 >= 1 && end >= start, "{reg}");
        assert_eq!(
            start,
            (num(&f["line"], "line"), num(&f["column"], "column"))
        );
        assert_eq!(
            text_at(&root().join(&path), start, end),
            span_text(f),
            "the region of {r} is the cell"
        );
        let logical = str_of(
            &r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "fullyQualifiedName",
        );
        assert!(
            logical.starts_with(&format!("{}!", str_of(&f["table"], "table"))),
            "{logical}"
        );
        // Related cells: one location each, whose region is the cell its label quotes.
        let related = arr(&f["related"]);
        let rel = r["relatedLocations"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(rel.len(), related.len(), "{r}");
        for (loc, cell) in rel.iter().zip(related) {
            let pl = &loc["physicalLocation"];
            let reg = &pl["region"];
            let text = text_at(
                &root().join(uri_path(str_of(&pl["artifactLocation"]["uri"], "uri"))),
                (num(&reg["startLine"], "l"), num(&reg["startColumn"], "c")),
                (num(&reg["endLine"], "l"), num(&reg["endColumn"], "c")),
            );
            assert!(
                str_of(&cell["text"], "text").ends_with(text.trim()) && !text.trim().is_empty(),
                "{text:?} is the cell of {cell}"
            );
            assert_eq!(reg["startLine"], cell["line"]);
            assert_eq!(reg["startColumn"], cell["column"]);
        }
    }
}

#[test]
fn sarif_on_the_examples_meets_code_scanning_rules() {
    let (c, text) = examples("sarif");
    assert_eq!(c, 1);
    let (_, json) = examples("json");
    assert_sarif(&parse_json(&text), &parse_json(&json));
}

#[test]
fn sarif_on_the_fixture_encodes_the_path_and_reports_the_problem() {
    let (c, text) = fixture("sarif");
    assert_eq!(c, 1);
    let doc = parse_json(&text);
    let (_, json) = fixture("json");
    assert_sarif(&doc, &parse_json(&json));
    let uri = str_of(
        &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "uri",
    );
    assert_eq!(
        uri,
        "tests/data/formats/report/Drift,%20100%25%20(%C3%A5).csv"
    );
    let results = arr(&doc["runs"][0]["results"]);
    let ragged = results
        .iter()
        .find(|r| r["ruleId"] == "data::ragged-row")
        .expect("the ragged row is a result");
    assert_eq!(ragged["level"], "error");
    assert_eq!(
        ragged["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    // The `for` instance names its column as a logical location.
    let summa = &results[0];
    assert_eq!(summa["ruleId"], "drift-summa");
    assert_eq!(
        summa["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "Drift, 100% (å)!Summa/Avvikelse"
    );
}

#[test]
fn sarif_reports_rule_file_problems_as_results() {
    let (c, text) = broken("sarif");
    assert_eq!(c, 2);
    let doc = parse_json(&text);
    let (_, json) = broken("json");
    assert_sarif(&doc, &parse_json(&json));
    let run = &doc["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let syntax: Vec<&Value> = arr(&run["results"])
        .iter()
        .filter(|r| r["ruleId"] == "rules::syntax")
        .collect();
    assert_eq!(syntax.len(), 3);
    for r in syntax {
        let uri = &r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert_eq!(uri, "tests/data/rules-errors/syntax.rules");
    }
}

fn fingerprints(sarif: &str) -> Vec<(String, String)> {
    arr(&parse_json(sarif)["runs"][0]["results"])
        .iter()
        .map(|r| {
            (
                str_of(&r["ruleId"], "ruleId").to_string(),
                str_of(&r["partialFingerprints"]["rimlig/v1"], "fp").to_string(),
            )
        })
        .collect()
}

#[test]
fn sarif_fingerprints_are_stable_across_runs_and_moved_lines() {
    assert_eq!(
        fingerprints(&examples("sarif").1),
        fingerprints(&examples("sarif").1)
    );
    // The same report with a blank line on top: every cell one line down, same fingerprints.
    let dir = scratch("moved-lines");
    let report = dir.join("report");
    std::fs::create_dir_all(&report).unwrap();
    let csv = std::fs::read_to_string(root().join(FIXTURE_CSV)).unwrap();
    let target = report.join("Drift, 100% (å).csv");
    std::fs::write(&target, &csv).unwrap();
    let rules = root().join(FIXTURE_RULES);
    let args = [report.to_str().unwrap(), "--rules", rules.to_str().unwrap()];
    let before = check(&args, "sarif").1;
    std::fs::write(&target, format!("\n{csv}")).unwrap();
    let after = check(&args, "sarif").1;
    assert_ne!(before, after, "the lines moved");
    assert_eq!(fingerprints(&before), fingerprints(&after));
    assert!(!fingerprints(&before).is_empty());
}

// ---------------------------------------------------------------------------------- GitHub

/// `%XX` escapes of the toolkit undone, in one pass.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let esc = &rest[i..i + 3];
        out.push(match esc {
            "%25" => '%',
            "%0D" => '\r',
            "%0A" => '\n',
            "%3A" => ':',
            "%2C" => ',',
            _ => panic!("unknown escape {esc} in {s}"),
        });
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

struct Annotation {
    kind: String,
    props: Vec<(String, String)>,
    message: String,
}

impl Annotation {
    fn prop(&self, key: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A workflow command as the runner reads it: `::KIND k=v,k=v::MESSAGE`.
fn parse_annotation(line: &str) -> Annotation {
    let rest = line.strip_prefix("::").expect("a command starts with ::");
    let (head, message) = rest.split_once("::").expect(":: before the message");
    let (kind, props) = head.split_once(' ').unwrap_or((head, ""));
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            assert!(!v.contains(':'), "unescaped `:` in {p}");
            (k.to_string(), unescape(v))
        })
        .collect();
    assert!(!message.contains('\n') && !message.contains('\r'));
    Annotation {
        kind: kind.to_string(),
        props,
        message: unescape(message),
    }
}

fn annotations(text: &str) -> Vec<Annotation> {
    text.lines()
        .filter(|l| l.starts_with("::"))
        .map(parse_annotation)
        .collect()
}

#[test]
fn github_commands_carry_every_finding_with_its_place() {
    let (c, text) = examples("github");
    assert_eq!(c, 1);
    let json = parse_json(&examples("json").1);
    let anns = annotations(&text);
    let findings = arr(&json["findings"]);
    assert_eq!(anns.len(), findings.len());
    for (a, f) in anns.iter().zip(findings) {
        let kind = match str_of(&f["severity"], "severity") {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        assert_eq!(a.kind, kind);
        assert_eq!(a.prop("file"), f["file"].as_str());
        assert_eq!(a.prop("line"), Some(f["line"].to_string().as_str()));
        assert_eq!(a.prop("col"), Some(f["column"].to_string().as_str()));
        let cols: usize = a.prop("endColumn").unwrap().parse().unwrap();
        let start = (num(&f["line"], "line"), num(&f["column"], "column"));
        assert_eq!(
            text_at(
                &root().join(a.prop("file").unwrap()),
                start,
                (start.0, cols)
            ),
            span_text(f)
        );
        assert!(
            a.prop("title")
                .unwrap()
                .starts_with(str_of(&f["rule"], "rule"))
        );
        assert!(a.message.starts_with(str_of(&f["message"], "message")));
    }
    // The summary line ends the log, as plain text.
    assert!(
        text.trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("checked 2 reports")
    );
}

#[test]
fn github_commands_escape_like_the_toolkit() {
    let (c, text) = fixture("github");
    assert_eq!(c, 1);
    let json = parse_json(&fixture("json").1);
    let anns = annotations(&text);
    assert_eq!(
        anns.len(),
        arr(&json["findings"]).len() + arr(&json["problems"]).len()
    );
    let first = text.lines().next().unwrap();
    // `,` and `%` in the file name, `:` in the title, `%` and a line break in the message.
    assert!(
        first.starts_with(
            "::error file=tests/data/formats/report/Drift%2C 100%25 (å).csv,line=5,endLine=5,\
             col=15,endColumn=17,title=drift-summa[avvikelse]%3A Summaraden är summan av raderna::"
        ),
        "{first}"
    );
    assert!(first.ends_with("%0ARäkna om summaraden: 100 %25 av raderna, inget annat."));
    assert_eq!(anns[0].prop("file"), Some(FIXTURE_CSV));
    assert_eq!(
        anns[0].message,
        format!(
            "{}\n{}",
            str_of(&json["findings"][0]["message"], "message"),
            str_of(&json["findings"][0]["help"], "help")
        )
    );
    let info = anns
        .iter()
        .find(|a| a.kind == "notice")
        .expect("info is a notice");
    assert_eq!(
        info.prop("title"),
        Some("andel-tak: Ingen verksamhet över 40 %")
    );
    let problem = anns.last().unwrap();
    assert_eq!(problem.kind, "error");
    assert_eq!(problem.prop("title"), Some("data::ragged-row"));
    assert_eq!(
        problem.prop("file"),
        Some("tests/data/formats/report/ragged.csv")
    );
}

// ---------------------------------------------------------------------------------- GitLab

fn assert_gitlab(text: &str) -> Vec<Value> {
    let issues = arr(&parse_json(text)).clone();
    let mut seen = HashSet::new();
    for i in &issues {
        assert!(!str_of(&i["description"], "description").is_empty());
        assert!(!str_of(&i["check_name"], "check_name").is_empty());
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&str_of(&i["severity"], "severity"))
        );
        assert!(!str_of(&i["location"]["path"], "path").is_empty());
        assert!(num(&i["location"]["lines"]["begin"], "begin") >= 1);
        let fp = str_of(&i["fingerprint"], "fingerprint").to_string();
        assert!(seen.insert(fp.clone()), "fingerprint {fp} twice");
    }
    issues
}

#[test]
fn gitlab_fingerprints_are_unique_and_stable() {
    let (c, text) = examples("gitlab");
    assert_eq!(c, 1);
    let json = parse_json(&examples("json").1);
    let issues = assert_gitlab(&text);
    assert_eq!(issues.len(), arr(&json["findings"]).len());
    for (i, f) in issues.iter().zip(arr(&json["findings"])) {
        assert_eq!(i["check_name"], f["rule"]);
        assert_eq!(i["location"]["path"], f["file"]);
        assert_eq!(i["location"]["lines"]["begin"], f["line"]);
        let expected = match str_of(&f["severity"], "severity") {
            "error" => "major",
            "warning" => "minor",
            _ => "info",
        };
        assert_eq!(i["severity"], expected);
    }
    assert_eq!(text, examples("gitlab").1, "the same run, the same report");
}

#[test]
fn gitlab_gives_findings_on_one_cell_their_own_fingerprint() {
    let (_, text) = fixture("gitlab");
    let issues = assert_gitlab(&text);
    let dubbel: Vec<&str> = issues
        .iter()
        .filter(|i| i["check_name"] == "stad-dubbel")
        .map(|i| str_of(&i["fingerprint"], "fp"))
        .collect();
    assert_eq!(dubbel.len(), 2);
    assert_eq!(dubbel[1], format!("{}-2", dubbel[0]));
    let ragged = issues.last().unwrap();
    assert_eq!(ragged["check_name"], "data::ragged-row");
    assert_eq!(ragged["severity"], "major");
    // A rule-file error breaks the run: critical.
    let issues = assert_gitlab(&broken("gitlab").1);
    assert!(
        issues
            .iter()
            .any(|i| i["check_name"] == "rules::syntax" && i["severity"] == "critical")
    );
}

// ---------------------------------------------------------------------------------- JUnit

#[derive(Debug, Default, PartialEq)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

fn attr_count(n: roxmltree::Node, name: &str) -> usize {
    n.attribute(name)
        .unwrap_or_else(|| panic!("no {name} on <{}>", n.tag_name().name()))
        .parse()
        .unwrap()
}

fn declared(n: roxmltree::Node) -> Counts {
    Counts {
        tests: attr_count(n, "tests"),
        failures: attr_count(n, "failures"),
        errors: attr_count(n, "errors"),
        skipped: attr_count(n, "skipped"),
    }
}

/// The counts of the test cases under `n`, and the (suite, test case) → outcome.
fn counted(n: roxmltree::Node) -> Counts {
    let mut c = Counts::default();
    for case in n.descendants().filter(|d| d.has_tag_name("testcase")) {
        c.tests += 1;
        let children: Vec<&str> = case
            .children()
            .filter(|x| x.is_element())
            .map(|x| x.tag_name().name())
            .collect();
        assert!(
            children.len() <= 1,
            "one outcome per test case: {children:?}"
        );
        match children.first() {
            Some(&"failure") => c.failures += 1,
            Some(&"error") => c.errors += 1,
            Some(&"skipped") => c.skipped += 1,
            None => {}
            Some(other) => panic!("unexpected <{other}>"),
        }
    }
    c
}

/// Parse JUnit XML and check that every count attribute matches the test cases.
fn assert_junit(text: &str) -> Counts {
    let doc = roxmltree::Document::parse(text).expect("well-formed XML");
    let root = doc.root_element();
    assert!(root.has_tag_name("testsuites"));
    let total = declared(root);
    assert_eq!(total, counted(root));
    for suite in root.children().filter(|c| c.has_tag_name("testsuite")) {
        assert_eq!(
            declared(suite),
            counted(suite),
            "{:?}",
            suite.attribute("name")
        );
    }
    total
}

#[test]
fn junit_counts_match_the_json_summary() {
    let (c, text) = examples("junit");
    assert_eq!(c, 1);
    let counts = assert_junit(&text);
    let json = parse_json(&examples("json").1);
    let s = &json["summary"];
    assert_eq!(
        counts.tests,
        num(&s["rules"], "rules") * num(&s["reports"], "reports")
    );
    let failing: BTreeSet<(&str, &str)> = arr(&json["findings"])
        .iter()
        .map(|f| (str_of(&f["rule"], "rule"), str_of(&f["report"], "report")))
        .collect();
    assert_eq!(counts.failures, failing.len());
    assert_eq!(counts.errors, 0);
    // Skipped: per report, the rules that decided nothing there — what a run of that report
    // alone says.
    let mut skipped = 0;
    for report in ["2020-08", "2020-10"] {
        let alone = parse_json(&check(&[&format!("{EXAMPLES}/{report}")], "json").1);
        skipped += arr(&alone["rules"])
            .iter()
            .filter(|r| r["passed"] == 0 && r["failed"] == 0)
            .count();
    }
    assert_eq!(counts.skipped, skipped);
    assert!(skipped > 0);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let suites: Vec<&str> = doc
        .root_element()
        .children()
        .filter(|c| c.has_tag_name("testsuite"))
        .map(|c| c.attribute("name").unwrap())
        .collect();
    assert_eq!(
        suites,
        [
            "examples/linkoping-vss/2020-08",
            "examples/linkoping-vss/2020-10"
        ]
    );
}

#[test]
fn junit_escapes_and_reports_problems_as_errors() {
    let (_, text) = fixture("junit");
    let counts = assert_junit(&text);
    // 6 rules × 1 report, and the ragged row.
    assert_eq!(
        counts,
        Counts {
            tests: 7,
            failures: 4,
            errors: 1,
            skipped: 1,
        }
    );
    // The key `Kök & <mat>` comes back as written.
    let doc = roxmltree::Document::parse(&text).unwrap();
    let summa = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("drift-summa"))
        .unwrap();
    let failure = summa.first_element_child().unwrap();
    assert_eq!(failure.attribute("type"), Some("error"));
    assert!(
        failure
            .attribute("message")
            .unwrap()
            .contains("Kök & <mat>")
    );
    assert!(failure.text().unwrap().contains("drift-summa[avvikelse]"));
    let skipped = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("som-forra"))
        .unwrap();
    assert!(
        skipped
            .first_element_child()
            .unwrap()
            .has_tag_name("skipped")
    );
    // Rule-file errors: the disabled rules are skipped, the errors are errors.
    let counts = assert_junit(&broken("junit").1);
    assert_eq!(counts.errors, 3);
}

// ---------------------------------------------------------------------------------- concise

/// `file:line:col: severity[what] message`
fn parse_concise(line: &str) -> (String, usize, usize, String, String, String) {
    let (head, rest) = ["error", "warning", "info"]
        .iter()
        .find_map(|s| {
            line.find(&format!(": {s}["))
                .map(|i| (&line[..i], &line[i + 2..]))
        })
        .unwrap_or_else(|| panic!("no `: severity[` in {line}"));
    let mut parts = head.rsplitn(3, ':');
    let col = parts.next().unwrap().parse().expect("a column");
    let l = parts.next().unwrap().parse().expect("a line");
    let file = parts.next().unwrap().to_string();
    let (severity, rest) = rest.split_once('[').unwrap();
    let (what, message) = rest.split_once("] ").unwrap();
    (
        file,
        l,
        col,
        severity.to_string(),
        what.to_string(),
        message.to_string(),
    )
}

#[test]
fn concise_lines_parse_and_end_with_the_summary() {
    for (run, json) in [
        (examples("concise"), examples("json").1),
        (fixture("concise"), fixture("json").1),
    ] {
        let (c, text) = run;
        assert_eq!(c, 1);
        let json = parse_json(&json);
        let lines: Vec<&str> = text.lines().collect();
        let findings = arr(&json["findings"]);
        let problems = arr(&json["problems"]);
        assert_eq!(lines.len(), findings.len() + problems.len() + 1);
        for (line, f) in lines.iter().zip(findings) {
            let (file, l, col, severity, what, message) = parse_concise(line);
            assert_eq!(file, str_of(&f["file"], "file"));
            assert_eq!((l, col), (num(&f["line"], "l"), num(&f["column"], "c")));
            assert_eq!(severity, str_of(&f["severity"], "severity"));
            assert!(what.starts_with(str_of(&f["rule"], "rule")));
            assert_eq!(message, str_of(&f["message"], "message"));
        }
        for (line, p) in lines[findings.len()..].iter().zip(problems) {
            let (file, ..) = parse_concise(line);
            assert_eq!(file, str_of(&p["file"], "file"));
            assert!(line.contains(&format!("[{}] ", str_of(&p["code"], "code"))));
        }
        assert!(lines.last().unwrap().starts_with("checked "));
    }
}

// ---------------------------------------------------------------------------------- JSON schema

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("docs/rimlig-check.schema.json")).unwrap();
    parse_json(&text)
}

/// The schema with `additionalProperties: false` on every object it describes: the output has
/// no field the schema does not document.
fn closed(mut s: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if m.contains_key("properties") {
                    m.entry("additionalProperties")
                        .or_insert(Value::Bool(false));
                }
                for (_, x) in m.iter_mut() {
                    walk(x);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut s);
    s
}

fn assert_valid(schema: &Value, doc: &Value, what: &str) {
    let v = jsonschema::validator_for(schema).expect("the schema compiles");
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

#[test]
fn json_output_follows_its_schema() {
    let schema = schema();
    assert!(
        jsonschema::meta::is_valid(&schema),
        "a valid 2020-12 schema"
    );
    let strict = closed(schema.clone());
    let runs = [
        ("examples", examples("json")),
        ("fixture (a data problem)", fixture("json")),
        ("syntax errors (rule-file problems)", broken("json")),
        (
            "a missing path (an I/O problem)",
            check(&["tests/data/no-such-report"], "json"),
        ),
        (
            "workbooks (cells named, broken workbooks)",
            check(
                &["examples/linkoping-vss-xlsx", "tests/data/workbook"],
                "json",
            ),
        ),
    ];
    for (what, (c, text)) in runs {
        let doc = parse_json(&text);
        assert_eq!(doc["exit_code"], c);
        assert_valid(&schema, &doc, what);
        assert_valid(&strict, &doc, what);
    }
    // And it does reject what it should.
    let mut doc = parse_json(&examples("json").1);
    doc["findings"][0]["line"] = Value::from(0);
    doc["summary"]["surprise"] = Value::from(1);
    let v = jsonschema::validator_for(&strict).unwrap();
    assert_eq!(v.iter_errors(&doc).count(), 2);
}

// ---------------------------------------------------------------------------------- --output

#[test]
fn formats_pair_with_outputs_by_position() {
    let dir = scratch("pairs");
    let sarif = dir.join("r.sarif");
    let json = dir.join("r.json");
    let out = rimlig(&[
        "check",
        EXAMPLES,
        "--format",
        "sarif",
        "--output",
        sarif.to_str().unwrap(),
        "--format",
        "json",
        "--output",
        json.to_str().unwrap(),
        "--format",
        "concise",
    ]);
    assert_eq!(code(&out), 1, "the run's exit code: {}", stderr(&out));
    assert_eq!(stdout(&out), examples("concise").1);
    assert_eq!(
        std::fs::read_to_string(&sarif).unwrap(),
        examples("sarif").1
    );
    let doc = parse_json(&std::fs::read_to_string(&json).unwrap());
    assert_eq!(doc["exit_code"], 1);

    // Only files: nothing on stdout; a clean run exits 0 whatever the formats.
    let junit = dir.join("clean.xml");
    let out = rimlig(&[
        "check",
        "tests/data/cli/report",
        "--rules",
        "tests/data/cli/clean.rules",
        "--format",
        "junit",
        "-o",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let counts = assert_junit(&std::fs::read_to_string(&junit).unwrap());
    assert_eq!((counts.tests, counts.failures), (2, 0));
}

#[test]
fn human_output_in_a_file_has_no_colour() {
    let dir = scratch("human");
    let file = dir.join("out.txt");
    let out = rimlig(&[
        "check",
        EXAMPLES,
        "--color",
        "always",
        "--output",
        file.to_str().unwrap(),
        "--format",
        "human",
    ]);
    assert_eq!(code(&out), 1);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains('\u{1b}'), "no escape codes in the file");
    assert!(text.contains("prognos-avvikelse"));
    // On stdout, `--color always` still colours.
    let out = rimlig(&["check", EXAMPLES, "--color", "always"]);
    assert!(stdout(&out).contains('\u{1b}'));
}

/// The ESC sequences of the hostile cells: erase the line, go up a line.
const ERASE_AND_UP: &str = "\x1b[2K\x1b[1A";

/// A tree of reports whose cells hold ESC sequences, BEL, CR, NUL, DEL and a C1 control, made
/// in a scratch folder (the bytes do not belong in git): `cells/t.csv` (a CSV report: ESC, BEL
/// and CR in a quoted key; CSV refuses NUL), `json/n.json` (NUL, ESC, DEL and U+009B in a
/// key) and, on Unix, the same CSV in a folder whose name has ESC, BEL, CR and LF, with a
/// ragged row for a problem. Returns the report folders.
fn control_character_reports(name: &str) -> Vec<PathBuf> {
    let dir = scratch(name);
    let csv = format!("Post;A;B\n\"Kontakt{ERASE_AND_UP}\x07\rx\";3;1\nok;1;2\n");
    let mut folders = vec![dir.join("cells"), dir.join("json")];
    std::fs::create_dir_all(&folders[0]).unwrap();
    std::fs::write(folders[0].join("t.csv"), &csv).unwrap();
    std::fs::create_dir_all(&folders[1]).unwrap();
    std::fs::write(
        folders[1].join("n.json"),
        r#"{"tables": {"t": {"columns": ["Post", "A", "B"],
            "rows": [["Kontakt\u0000\u001b[2K\u007f\u009b x", 3, 1], ["ok", 1, 2]]}}}"#,
    )
    .unwrap();
    if cfg!(unix) {
        let named = dir.join(format!("rep{ERASE_AND_UP}\x07\r\nx"));
        std::fs::create_dir_all(&named).unwrap();
        std::fs::write(named.join("t.csv"), format!("{csv}z;1;2;3\n")).unwrap();
        folders.push(named);
    }
    folders
}

/// `rimlig check` of the control-character reports: (exit code, stdout).
fn check_controls(folders: &[PathBuf], args: &[&str]) -> (i32, String) {
    let mut all = vec!["check"];
    all.extend(folders.iter().map(|f| f.to_str().unwrap()));
    all.extend_from_slice(&["--rules", "tests/data/formats/controls.rules"]);
    all.extend_from_slice(args);
    let out = rimlig(&all);
    (code(&out), stdout(&out))
}

/// No control character but line feed and tab (no ESC, BEL, CR, NUL, DEL, C1) in `text`.
fn assert_no_control_characters(text: &str, what: &str) {
    let bad: Vec<(usize, char)> = text
        .char_indices()
        .filter(|&(_, c)| c.is_control() && c != '\n' && c != '\t')
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: control characters {bad:?} in\n{text}"
    );
}

#[test]
fn control_characters_in_cells_and_file_names_are_shown_not_sent() {
    let folders = control_character_reports("controls");
    let (_, json) = check_controls(&folders, &["--format", "json"]);
    let json = parse_json(&json);
    let findings = arr(&json["findings"]).len();
    let problems = arr(&json["problems"]).len();
    // e and k fail on the hostile row of each report; the named folder adds a ragged row.
    assert_eq!(findings, 2 * folders.len(), "{json}");
    assert_eq!(problems, usize::from(cfg!(unix)), "{json}");

    let csv_key = "Kontakt␛[2K␛[1A␇␍x";
    let json_key = "Kontakt␀␛[2K␡� x";
    let folder = "rep␛[2K␛[1A␇␍␊x";
    for format in ["human", "concise", "github", "junit", "html"] {
        let (code, text) = check_controls(&folders, &["--format", format, "--color", "never"]);
        assert_eq!(code, 1, "{format}:\n{text}");
        assert_no_control_characters(&text, format);
        for shown in [csv_key, json_key] {
            assert!(text.contains(shown), "{format}: no {shown} in\n{text}");
        }
        if cfg!(unix) && format != "github" {
            assert!(text.contains(folder), "{format}: no {folder} in\n{text}");
        }
    }

    // Concise: one line per finding and problem, then the summary line, also for a file
    // name with a line feed.
    let (_, concise) = check_controls(&folders, &["--format", "concise"]);
    let lines: Vec<&str> = concise.lines().collect();
    assert_eq!(lines.len(), findings + problems + 1, "{concise}");
    for l in &lines[..lines.len() - 1] {
        assert!(
            l.contains(": error[") || l.contains(": warning["),
            "not a finding or problem line: {l:?}"
        );
    }
    assert!(lines[lines.len() - 1].starts_with("checked "));

    // GitHub: one workflow command each; a line break in a file name is GitHub's `%0A`.
    let (_, github) = check_controls(&folders, &["--format", "github"]);
    let commands = github.lines().filter(|l| l.starts_with("::")).count();
    assert_eq!(commands, findings + problems, "{github}");
    assert_eq!(github.lines().count(), commands + 1, "{github}");
    if cfg!(unix) {
        assert!(
            github.contains("/rep␛[2K␛[1A␇%0D%0Ax/t.csv,line="),
            "{github}"
        );
    }

    // Human: the labels stay under their cells (a picture is one column wide, as the
    // character it shows would have been), and the header counts the same columns.
    let (_, human) = check_controls(&folders, &["--color", "never"]);
    let column = |s: &str, byte: usize| s[..byte].chars().count();
    let mut drawn = 0;
    for pair in human.lines().collect::<Vec<_>>().windows(2) {
        let (source, marks) = (pair[0], pair[1]);
        let Some(at) = source.find(&format!("{csv_key}\";3;1")) else {
            continue;
        };
        if !marks.contains('┬') || marks.contains('─') {
            continue;
        }
        let a = column(source, at) + csv_key.chars().count() + 2;
        let ticks: Vec<usize> = marks
            .char_indices()
            .filter(|&(_, c)| c == '┬')
            .map(|(i, _)| column(marks, i))
            .collect();
        assert_eq!(
            ticks,
            [a, a + 2],
            "labels under A and B:\n{source}\n{marks}"
        );
        drawn += 1;
    }
    assert_eq!(drawn, folders.len() - 1, "{human}");
    assert!(human.contains("t.csv:2:22]"), "{human}");

    // With colour, rimlig's own escape codes stay; a cell's never reach the terminal, nor a
    // human --output file.
    let (_, coloured) = check_controls(&folders, &["--color", "always"]);
    assert!(coloured.contains("\x1b["), "still coloured");
    assert!(!coloured.contains(ERASE_AND_UP) && !coloured.contains('\x07'));
    let file = scratch("controls-output").join("out.txt");
    let (_, empty) = check_controls(
        &folders,
        &[
            "--color",
            "always",
            "--output",
            file.to_str().unwrap(),
            "--format",
            "human",
        ],
    );
    assert_eq!(empty, "");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(!written.contains('\u{1b}'), "no escape codes in the file");
    assert_no_control_characters(&written, "human --output");
    assert!(written.contains(csv_key));
}

#[test]
fn an_earlier_longer_report_in_the_output_file_is_replaced_whole() {
    // The file is written over in place and cut to the new report: nothing of the old one
    // may be left after it, whichever way (streamed or not) the format is written.
    for format in ["json", "sarif", "human"] {
        let dir = scratch(&format!("over-{format}"));
        let file = dir.join("report.out");
        std::fs::write(&file, "x".repeat(5_000_000)).unwrap();
        let out = rimlig(&[
            "check",
            EXAMPLES,
            "--format",
            format,
            "--output",
            file.to_str().unwrap(),
        ]);
        assert_eq!(code(&out), 1, "{format}: {}", stderr(&out));
        let written = std::fs::read_to_string(&file).unwrap();
        assert_eq!(written, examples(format).1, "{format}");
    }
}
#[test]
fn more_than_one_format_on_stdout_is_a_usage_error() {
    for args in [
        &["--format", "json", "--format", "human"][..],
        &[
            "--output", "a.json", "--output", "b.json", "--format", "json",
        ],
        &[
            "--format", "json", "-o", "a.x", "--format", "sarif", "-o", "a.x",
        ],
    ] {
        let mut all = vec!["check", EXAMPLES];
        all.extend_from_slice(args);
        let out = rimlig(&all);
        assert_eq!(code(&out), 2, "{args:?}");
        assert_eq!(stdout(&out), "", "nothing is run: {args:?}");
        assert!(stderr(&out).contains("--output"), "{}", stderr(&out));
    }
}

#[cfg(unix)]
#[test]
fn an_output_that_leads_to_a_report_table_is_refused() {
    // `--output out.html`, a link to the report's own table, or another name of it (a hard
    // link): the table was written over with the page.
    let dir = scratch("output-link");
    let report = dir.join("rep");
    std::fs::create_dir_all(&report).unwrap();
    let table = "Verksamhet;Budget;Utfall\nA;1;2\n";
    std::fs::write(report.join("drift.csv"), table).unwrap();
    let rules = dir.join("r.rules");
    std::fs::write(&rules, "rule r \"t\" { each drift: budget == utfall }\n").unwrap();
    let link = dir.join("out.html");
    std::os::unix::fs::symlink(report.join("drift.csv"), &link).unwrap();
    let hard = dir.join("hard.json");
    std::fs::hard_link(report.join("drift.csv"), &hard).unwrap();
    for (output, says) in [
        (&link, "is a link to"),
        (&hard, "more than one name (a hard link)"),
    ] {
        let out = rimlig(&[
            "check",
            report.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
        ]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert!(stderr(&out).contains(says), "{}", stderr(&out));
        assert_eq!(
            std::fs::read_to_string(report.join("drift.csv")).unwrap(),
            table
        );
    }
}

#[test]
fn an_unwritable_output_is_exit_2_after_writing_the_others() {
    let dir = scratch("unwritable");
    let bad = dir.join("no-such-folder").join("r.sarif");
    let good = dir.join("r.json");
    let out = rimlig(&[
        "check",
        EXAMPLES,
        "--format",
        "sarif",
        "--output",
        bad.to_str().unwrap(),
        "--format",
        "json",
        "--output",
        good.to_str().unwrap(),
        "--format",
        "concise",
    ]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("cannot write") && err.contains("r.sarif"),
        "{err}"
    );
    assert!(good.is_file(), "the other output is written");
    assert!(stdout(&out).ends_with(&examples("concise").1));
    // A folder is not a file either.
    let out = rimlig(&[
        "check",
        EXAMPLES,
        "--format",
        "json",
        "--output",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("cannot write"));
}

#[test]
fn workbook_findings_point_at_the_workbook_file_and_name_the_cell() {
    let book = "examples/linkoping-vss-xlsx/2020-10.xlsx";
    // A code host knows the workbook file, not the rendered sheet text: no `[prognos]` in the
    // path, no line to annotate, the cell in the text.
    let (_, text) = check(&[book], "github");
    let line = text
        .lines()
        .find(|l| l.contains("prognos!D6"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.starts_with(&format!("::error file={book},title=")),
        "{line}"
    );
    let (_, text) = check(&[book], "concise");
    assert!(
        text.contains(&format!("{book}:prognos!D6: error[prognos-avvikelse]")),
        "{text}"
    );
    let (_, text) = check(&[book], "sarif");
    let doc = parse_json(&text);
    let hit = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "prognos!D6")
        .unwrap_or_else(|| panic!("{doc:#}"));
    let physical = &hit["locations"][0]["physicalLocation"];
    assert!(
        physical["artifactLocation"]["uri"]
            .as_str()
            .is_some_and(|u| u.ends_with("2020-10.xlsx")),
        "{physical:#}"
    );
    assert!(physical["region"].is_null(), "{physical:#}");
}
