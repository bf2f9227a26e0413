//! Reading one `*.test.toml` file into test cases.
//!
//! The file is parsed in two steps so that one broken test does not hide the others: first the
//! TOML document (a syntax error breaks the whole file), then each `[[test]]` table on its own
//! with serde (`deny_unknown_fields`, every value `Spanned`). Whatever is wrong becomes a
//! [`Problem`] with a label in the test file; the tests that are fine still run.

use crate::check::confined;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::source::{FileBytes, SourceFile, SourceId, Sources, Span};
use crate::suggest::did_you_mean;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// A string from the test file and where it is written (the whole TOML value, quotes included).
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    pub text: String,
    pub span: Span,
}

/// What a test expects of the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    /// No finding, and at least one instance passed.
    Pass,
    /// At least one finding.
    Fail,
    /// No finding and no passing instance: the rule does not apply to this report.
    NotApplicable,
}

impl Expect {
    pub const NAMES: [&'static str; 3] = ["pass", "fail", "not-applicable"];

    pub fn name(self) -> &'static str {
        match self {
            Expect::Pass => "pass",
            Expect::Fail => "fail",
            Expect::NotApplicable => "not-applicable",
        }
    }

    fn from_name(s: &str) -> Option<Expect> {
        match s {
            "pass" => Some(Expect::Pass),
            "fail" => Some(Expect::Fail),
            "not-applicable" => Some(Expect::NotApplicable),
            _ => None,
        }
    }
}

/// One `{ key = "B", column = "Avvikelse" }` of `fails`; without `column`, the finding is
/// about the row as a whole (a row that should be in another table, say).
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectedCell {
    pub key: String,
    pub column: Option<String>,
    /// The whole inline table, to point at an expected cell that did not fail.
    pub span: Span,
}

/// One table of an inline report: its name (the TOML key) and its CSV text.
#[derive(Clone, Debug, PartialEq)]
pub struct InlineTable {
    pub name: Text,
    /// The CSV text as decoded from TOML; `csv.span` is the whole string value.
    pub csv: Text,
}

/// Where a test's report comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Fixture {
    /// `[test.tables]`, and `[test.previous]` when given.
    Inline {
        tables: Vec<InlineTable>,
        previous: Option<Vec<InlineTable>>,
    },
    /// `report = "folder"`: a report folder relative to the test file (`path` is resolved).
    Folder {
        path: PathBuf,
        written: Text,
        previous: Option<Vec<InlineTable>>,
    },
}

/// What every test has, even a broken one, as far as it could be read: for the result line
/// and for coverage.
#[derive(Clone, Debug, PartialEq)]
pub struct TestHeader {
    /// 1-based position among the file's tests.
    pub number: usize,
    /// Where the test starts (its `[[test]]` table).
    pub span: Span,
    pub rule: Option<Text>,
    /// The `name`, or `<rule> #<n>`.
    pub name: String,
    pub expect: Option<Expect>,
}

/// A test that can be run.
#[derive(Clone, Debug, PartialEq)]
pub struct TestBody {
    pub rule: Text,
    pub expect: Expect,
    pub expect_span: Span,
    pub fails: Option<(Vec<ExpectedCell>, Span)>,
    pub message: Option<Text>,
    pub fixture: Fixture,
}

#[derive(Debug)]
pub struct TestCase {
    pub header: TestHeader,
    /// The test, or why it cannot be run.
    pub body: Result<TestBody, Vec<Problem>>,
}

/// Where a test file on disk is, for the paths it names.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    /// The folder it is in: `report = …` is relative to it.
    pub dir: PathBuf,
    /// The tree being tested: the folder given to `rimlig test`, or the folder of the test or
    /// rule file given. A `report = …` folder stays inside it, as `use` stays inside the rules
    /// tree, so that tests from an untrusted branch read nothing else on the machine.
    pub root: PathBuf,
}

#[derive(Debug)]
pub struct TestFile {
    pub source: SourceId,
    /// The file's name as shown.
    pub name: String,
    /// Where the file is; `None` for the embedded library, which has no folders.
    pub place: Option<Place>,
    pub tests: Vec<TestCase>,
    /// Problems with the file as a whole (TOML syntax, keys outside `[[test]]`).
    pub problems: Vec<Problem>,
}

/// The keys a `[[test]]` table may have, for messages.
const TEST_KEYS: &str =
    "`rule`, `name`, `expect`, `fails`, `message`, `tables`, `previous` and `report`";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTest {
    rule: Spanned<String>,
    /// Read for the header from the raw table already; here only its type is checked.
    #[serde(rename = "name")]
    _name: Option<Spanned<String>>,
    expect: Spanned<String>,
    fails: Option<Spanned<Vec<Spanned<RawCell>>>>,
    message: Option<Spanned<String>>,
    tables: Option<Spanned<BTreeMap<Spanned<String>, Spanned<String>>>>,
    previous: Option<Spanned<BTreeMap<Spanned<String>, Spanned<String>>>>,
    report: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCell {
    key: Spanned<String>,
    column: Option<Spanned<String>>,
}

/// Parse a test file's text; the text is added to `sources` under `name`.
pub fn parse_test_file(
    name: &str,
    place: Option<&Place>,
    text: String,
    sources: &mut Sources,
) -> TestFile {
    // A BOM is not TOML; Windows editors write one. Offsets still count it, as in the file.
    let (text, bytes) = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => (rest.to_string(), FileBytes::AfterBom('\u{FEFF}'.len_utf8())),
        None => (text, FileBytes::Same),
    };
    let source = sources.add(SourceFile::new(name, text).with_file_bytes(bytes));
    let text = sources.get(source).text.clone();
    let mut file = TestFile {
        source,
        name: name.to_string(),
        place: place.cloned(),
        tests: Vec::new(),
        problems: Vec::new(),
    };
    let span_of = |r: Range<usize>| clamp(r, text.len());
    let problem = |code: &'static str, message: String, span: Span, label: &str| {
        Problem::new(ProblemKind::Config, Severity::Error, code, message)
            .with_path(name.to_string())
            .with_label(source, span, label)
    };

    let (root, mut errors) = DeTable::parse_recoverable(&text);
    // Arrays nested past the parser's depth give the same error at the same place once for
    // each level left open: said once.
    errors.dedup_by(|a, b| a.message() == b.message() && a.span() == b.span());
    if !errors.is_empty() {
        // Keys after a syntax error may be missing or misread: running the tests that did
        // parse could report failures that are not there, so the whole file is broken.
        for e in &errors {
            let span = e.span().map_or(Span::new(0, 0), span_of);
            file.problems.push(problem(
                "test::toml",
                format!("{name} is not valid TOML: {}", e.message().trim()),
                span,
                "here",
            ));
        }
        return file;
    }

    if root.get_ref().is_empty() {
        file.problems.push(
            Problem::new(
                ProblemKind::Config,
                Severity::Warning,
                "test::empty-file",
                format!("{name} has no tests"),
            )
            .with_path(name.to_string())
            .with_help("start each test with a `[[test]]` line; see the README, \"Testing rules\""),
        );
    }

    // The map is ordered by key; go through the file in the order it is written.
    let mut entries: Vec<_> = root.get_ref().iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    for (key, value) in entries {
        let key_name: &str = key.get_ref();
        if key_name != "test" {
            let help = match did_you_mean(key_name, ["test"]) {
                Some(_) => "write each test as a `[[test]]` table (singular `test`)".to_string(),
                None => {
                    "a test file holds `[[test]]` tables and nothing else; comments start with `#`"
                        .to_string()
                }
            };
            file.problems.push(
                problem(
                    "test::unknown-key",
                    format!("unknown key `{key_name}` in {name}"),
                    span_of(key.span()),
                    "unknown key",
                )
                .with_help(help),
            );
            continue;
        }
        let Some(array) = value.get_ref().as_array() else {
            file.problems.push(
                problem(
                    "test::type",
                    format!(
                        "`test` must be a list of tables, not {}",
                        value.get_ref().type_str()
                    ),
                    span_of(value.span()),
                    "expected `[[test]]` tables",
                )
                .with_help("start each test with a `[[test]]` line"),
            );
            continue;
        };
        for element in array.iter() {
            let number = file.tests.len() + 1;
            file.tests
                .push(read_test(number, element, source, name, place, &span_of));
        }
    }
    file
}

/// `problem` with the help of every `test::report-outside`: what the tree is.
pub(crate) fn report_outside(problem: Problem, root: &Path) -> Problem {
    let root = if root.as_os_str().is_empty() {
        ".".to_string()
    } else {
        root.to_string_lossy().replace('\\', "/")
    };
    problem.with_help(format!(
        "a test reads report folders only inside the tree being tested ({root}): give the folder relative to the test file, with no `..` above that tree and no link that points out of it"
    ))
}

fn clamp(r: Range<usize>, len: usize) -> Span {
    let start = r.start.min(len);
    Span::new(start, r.end.min(len).max(start))
}

/// One `[[test]]` table: its header (best effort) and its body, or what is wrong with it.
fn read_test(
    number: usize,
    element: &Spanned<DeValue<'_>>,
    source: SourceId,
    file_name: &str,
    place: Option<&Place>,
    span_of: &dyn Fn(Range<usize>) -> Span,
) -> TestCase {
    // An array-of-tables element's span is its `[[test]]` header: the line to point at.
    let span = span_of(element.span());
    // The header is read from the raw table so that even a test with a wrong key still shows
    // up under its rule in the results and in coverage.
    let table = element.get_ref().as_table();
    // An empty string names nothing: the result line then says "?" / "test #n".
    let raw_str = |k: &str| {
        table
            .and_then(|t| t.get(k))
            .and_then(|v| v.get_ref().as_str().map(|s| (s.to_string(), v.span())))
            .filter(|(s, _)| !s.trim().is_empty())
    };
    let rule = raw_str("rule").map(|(t, s)| Text {
        text: t,
        span: span_of(s),
    });
    let name = match (raw_str("name"), &rule) {
        (Some((n, _)), _) => n,
        (None, Some(r)) => format!("{} #{number}", r.text),
        (None, None) => format!("test #{number}"),
    };
    let expect = raw_str("expect").and_then(|(e, _)| Expect::from_name(&e));
    let header = TestHeader {
        number,
        span,
        rule,
        name,
        expect,
    };
    let problem = |code: &'static str, message: String, span: Span, label: &str| {
        Problem::new(ProblemKind::Config, Severity::Error, code, message)
            .with_path(file_name.to_string())
            .with_label(source, span, label)
    };

    if table.is_none() {
        let p = problem(
            "test::type",
            format!(
                "a test must be a table, not {}",
                element.get_ref().type_str()
            ),
            span_of(element.span()),
            "expected a table",
        );
        return TestCase {
            header,
            body: Err(vec![p]),
        };
    }

    let raw = match RawTest::deserialize(ValueDeserializer::from(element.clone())) {
        Ok(raw) => raw,
        Err(e) => {
            let message = e.message().trim().to_string();
            let at = e.span().map_or(span, span_of);
            let (code, help) = if message.starts_with("unknown field") {
                (
                    "test::unknown-key",
                    format!("a test knows the keys {TEST_KEYS}"),
                )
            } else if message.starts_with("missing field") {
                (
                    "test::missing-key",
                    "every test needs `rule` (the rule id) and `expect` (\"pass\", \"fail\" or \"not-applicable\")".to_string(),
                )
            } else {
                (
                    "test::type",
                    "strings are written in quotes; CSV tables as \"\"\"…\"\"\" or '''…''' strings"
                        .to_string(),
                )
            };
            let p = problem(
                code,
                format!("test {number} in {file_name}: {message}"),
                at,
                "here",
            )
            .with_help(help);
            return TestCase {
                header,
                body: Err(vec![p]),
            };
        }
    };

    let mut problems = Vec::new();
    let text_of = |s: Spanned<String>| Text {
        span: span_of(s.span()),
        text: s.into_inner(),
    };

    let expect_span = span_of(raw.expect.span());
    let expect = match Expect::from_name(raw.expect.get_ref()) {
        Some(e) => Some(e),
        None => {
            let got = raw.expect.get_ref();
            let help = match did_you_mean(got, Expect::NAMES) {
                Some(s) => format!("did you mean \"{s}\"?"),
                None => "\"pass\": no finding; \"fail\": at least one finding; \"not-applicable\": the rule does not apply to this report".to_string(),
            };
            problems.push(
                problem(
                    "test::expect",
                    format!(
                        "`expect` must be \"pass\", \"fail\" or \"not-applicable\", not \"{got}\""
                    ),
                    expect_span,
                    "unknown expectation",
                )
                .with_help(help),
            );
            None
        }
    };

    let fails = raw.fails.map(|f| {
        let span = span_of(f.span());
        let cells = f
            .into_inner()
            .into_iter()
            .map(|c| {
                let span = span_of(c.span());
                let c = c.into_inner();
                ExpectedCell {
                    key: c.key.into_inner(),
                    column: c.column.map(Spanned::into_inner),
                    span,
                }
            })
            .collect::<Vec<_>>();
        (cells, span)
    });
    let message = raw.message.map(text_of);
    // `fails` and `message` say which findings there are: with any other expectation they
    // could never be checked, and a silently ignored line is a test that lies.
    if let Some(e) = expect
        && e != Expect::Fail
    {
        if let Some((_, s)) = &fails {
            problems.push(
                problem(
                    "test::fails-without-fail",
                    format!("`fails` goes with expect = \"fail\", not \"{}\"", e.name()),
                    *s,
                    "only checked for a failing test",
                )
                .with_help("remove `fails`, or expect \"fail\""),
            );
        }
        if let Some(m) = &message {
            problems.push(
                problem(
                    "test::fails-without-fail",
                    format!(
                        "`message` goes with expect = \"fail\", not \"{}\"",
                        e.name()
                    ),
                    m.span,
                    "only checked for a failing test",
                )
                .with_help("remove `message`, or expect \"fail\""),
            );
        }
    }
    if let Some((cells, s)) = &fails
        && cells.is_empty()
    {
        problems.push(
            problem(
                "test::fails-empty",
                "`fails = []` can never hold: a failing rule has at least one finding".to_string(),
                *s,
                "empty list",
            )
            .with_help("list the cells that should fail, or expect \"pass\""),
        );
    }

    let inline = |m: Spanned<BTreeMap<Spanned<String>, Spanned<String>>>| {
        let mut tables: Vec<InlineTable> = m
            .into_inner()
            .into_iter()
            .map(|(k, v)| InlineTable {
                name: text_of(k),
                csv: text_of(v),
            })
            .collect();
        // A BTreeMap sorts by name; keep the order of the file.
        tables.sort_by_key(|t| t.name.span.start);
        tables
    };
    let previous = raw.previous.map(inline);
    let fixture = match (raw.tables, raw.report) {
        (Some(t), None) => Some(Fixture::Inline {
            tables: inline(t),
            previous,
        }),
        (None, Some(r)) => {
            let written = text_of(r);
            match place {
                Some(place) => match confined(&place.root, &place.dir, &written.text) {
                    Some(path) => Some(Fixture::Folder {
                        path,
                        written,
                        previous,
                    }),
                    None => {
                        problems.push(report_outside(
                            problem(
                                "test::report-outside",
                                format!(
                                    "`report = \"{}\"` leaves the tree being tested",
                                    written.text
                                ),
                                written.span,
                                "this path is outside the tree",
                            ),
                            &place.root,
                        ));
                        None
                    }
                },
                None => {
                    problems.push(problem(
                        "test::report-folder",
                        "`report = …` needs a folder on disk; the built-in rule library's tests carry their tables inline".to_string(),
                        written.span,
                        "no folders here",
                    ).with_help("write the tables under `[test.tables]`"));
                    None
                }
            }
        }
        (Some(t), Some(r)) => {
            problems.push(
                problem(
                    "test::two-reports",
                    "a test has either `[test.tables]` or `report = …`, not both".to_string(),
                    span_of(r.span()),
                    "second report",
                )
                .with_label(source, span_of(t.span()), "first report")
                .with_help("keep the one this test is about"),
            );
            None
        }
        (None, None) => {
            problems.push(
                problem(
                    "test::no-report",
                    format!("test {number} has no report to check"),
                    header.span,
                    "this test",
                )
                .with_help("give the report's tables under `[test.tables]` (table name = \"\"\"CSV text\"\"\"), or a report folder with `report = \"folder\"`"),
            );
            None
        }
    };

    let named: Vec<&InlineTable> = match &fixture {
        Some(Fixture::Inline { tables, previous }) => {
            tables.iter().chain(previous.iter().flatten()).collect()
        }
        Some(Fixture::Folder { previous, .. }) => previous.iter().flatten().collect(),
        None => Vec::new(),
    };
    for t in named.into_iter().filter(|t| t.name.text.trim().is_empty()) {
        problems.push(
            problem(
                "test::table-name",
                "a table needs a name".to_string(),
                t.name.span,
                "empty name",
            )
            .with_help("name the table as its CSV file would be named, e.g. Driftsammandrag"),
        );
    }

    let body = match (expect, fixture) {
        (Some(expect), Some(fixture)) if problems.is_empty() => Ok(TestBody {
            rule: text_of(raw.rule),
            expect,
            expect_span,
            fails,
            message,
            fixture,
        }),
        _ => Err(problems),
    };
    TestCase { header, body }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (TestFile, Sources) {
        let mut sources = Sources::default();
        let place = Place {
            dir: PathBuf::from("rules/drift"),
            root: PathBuf::from("rules"),
        };
        let f = parse_test_file("t.test.toml", Some(&place), text.to_string(), &mut sources);
        (f, sources)
    }

    fn slice<'a>(sources: &'a Sources, f: &TestFile, span: Span) -> &'a str {
        sources.get(f.source).slice(span)
    }

    const GOOD: &str = r#"# Tests for drift.rules
[[test]]
rule = "drift-avvikelse"
name = "Avvikelsen stämmer inte"
expect = "fail"
fails = [{ key = "B", column = "Avvikelse" }]
message = "off by"
[test.tables]
Driftsammandrag = """
Verksamhet;Redovisat jan-aug 2020;Budget jan-aug 2020;Avvikelse
B;10;5;4
"""

[[test]]
rule = "drift-summa"
expect = "pass"
report = "fixtures/a"
[test.previous]
Driftsammandrag = '''
Verksamhet;Avvikelse
'''
"#;

    #[test]
    fn arrays_nested_too_deep_are_said_once_per_error() {
        let (f, _) = parse(&format!("x = {}\n", "[".repeat(100_000)));
        let messages: Vec<&str> = f.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("max recursion depth"), "{messages:?}");
        assert!(messages[1].contains("unclosed array"), "{messages:?}");
    }

    #[test]
    fn a_good_file_gives_its_tests_with_spans() {
        let (f, sources) = parse(GOOD);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(f.tests.len(), 2);
        let t = &f.tests[0];
        assert_eq!(t.header.name, "Avvikelsen stämmer inte");
        assert_eq!(slice(&sources, &f, t.header.span), "[[test]]");
        let b = t.body.as_ref().expect("a runnable test");
        assert_eq!(b.rule.text, "drift-avvikelse");
        assert_eq!(slice(&sources, &f, b.rule.span), "\"drift-avvikelse\"");
        assert_eq!(b.expect, Expect::Fail);
        assert_eq!(slice(&sources, &f, b.expect_span), "\"fail\"");
        let (cells, span) = b.fails.as_ref().unwrap();
        assert_eq!(
            slice(&sources, &f, *span),
            r#"[{ key = "B", column = "Avvikelse" }]"#
        );
        assert_eq!(cells[0].key, "B");
        assert_eq!(cells[0].column.as_deref(), Some("Avvikelse"));
        assert_eq!(b.message.as_ref().unwrap().text, "off by");
        let Fixture::Inline { tables, previous } = &b.fixture else {
            panic!("inline tables")
        };
        assert!(previous.is_none());
        assert_eq!(tables[0].name.text, "Driftsammandrag");
        assert!(tables[0].csv.text.starts_with("Verksamhet;"));
        assert!(slice(&sources, &f, tables[0].csv.span).starts_with("\"\"\"\nVerksamhet"));

        let t = &f.tests[1];
        assert_eq!(t.header.name, "drift-summa #2");
        let b = t.body.as_ref().expect("a runnable test");
        let Fixture::Folder { path, previous, .. } = &b.fixture else {
            panic!("a report folder")
        };
        assert_eq!(path, Path::new("rules/drift/fixtures/a"));
        assert_eq!(
            previous.as_ref().unwrap()[0].csv.text,
            "Verksamhet;Avvikelse\n"
        );
    }

    fn problems_of(t: &TestCase) -> Vec<&'static str> {
        match &t.body {
            Ok(_) => Vec::new(),
            Err(p) => p.iter().map(|p| p.code).collect(),
        }
    }

    #[test]
    fn an_unknown_key_is_an_error_at_the_key_and_the_other_tests_still_run() {
        let text = "[[test]]\nrule = \"a\"\nexpect = \"pass\"\nexpected = \"fail\"\n[test.tables]\nT = \"x\"\n\n[[test]]\nrule = \"b\"\nexpect = \"pass\"\n[test.tables]\nT = \"x\"\n";
        let (f, sources) = parse(text);
        assert_eq!(f.tests.len(), 2);
        assert_eq!(problems_of(&f.tests[0]), ["test::unknown-key"]);
        let Err(p) = &f.tests[0].body else { panic!() };
        assert!(
            p[0].message.contains("unknown field `expected`"),
            "{}",
            p[0].message
        );
        assert_eq!(slice(&sources, &f, p[0].labels[0].span), "expected");
        // The header is still read for the result line and coverage.
        assert_eq!(f.tests[0].header.rule.as_ref().unwrap().text, "a");
        assert_eq!(f.tests[0].header.expect, Some(Expect::Pass));
        assert!(f.tests[1].body.is_ok());
    }

    #[test]
    fn wrong_types_and_missing_keys_are_errors() {
        let (f, sources) =
            parse("[[test]]\nrule = 5\nexpect = \"pass\"\n[test.tables]\nT = \"x\"\n");
        assert_eq!(problems_of(&f.tests[0]), ["test::type"]);
        let Err(p) = &f.tests[0].body else { panic!() };
        assert_eq!(slice(&sources, &f, p[0].labels[0].span), "5");

        let (f, _) = parse("[[test]]\nrule = \"a\"\n[test.tables]\nT = \"x\"\n");
        assert_eq!(problems_of(&f.tests[0]), ["test::missing-key"]);

        let (f, sources) =
            parse("[[test]]\nrule = \"a\"\nexpect = \"pass\"\n[test.tables]\nT = 3\n");
        assert_eq!(problems_of(&f.tests[0]), ["test::type"]);
        let Err(p) = &f.tests[0].body else { panic!() };
        assert_eq!(slice(&sources, &f, p[0].labels[0].span), "3");
    }

    #[test]
    fn expectations_are_validated() {
        let (f, sources) =
            parse("[[test]]\nrule = \"a\"\nexpect = \"failed\"\n[test.tables]\nT = \"x\"\n");
        let Err(p) = &f.tests[0].body else { panic!() };
        assert_eq!(p[0].code, "test::expect");
        assert_eq!(p[0].help.as_deref(), Some("did you mean \"fail\"?"));
        assert_eq!(slice(&sources, &f, p[0].labels[0].span), "\"failed\"");

        let (f, _) = parse(
            "[[test]]\nrule = \"a\"\nexpect = \"pass\"\nfails = [{key = \"A\", column = \"B\"}]\nmessage = \"x\"\n[test.tables]\nT = \"x\"\n",
        );
        assert_eq!(
            problems_of(&f.tests[0]),
            ["test::fails-without-fail", "test::fails-without-fail"]
        );

        let (f, _) = parse(
            "[[test]]\nrule = \"a\"\nexpect = \"fail\"\nfails = []\n[test.tables]\nT = \"x\"\n",
        );
        assert_eq!(problems_of(&f.tests[0]), ["test::fails-empty"]);

        let (f, _) = parse(
            "[[test]]\nrule = \"a\"\nexpect = \"fail\"\nfails = [{column = \"B\"}]\n[test.tables]\nT = \"x\"\n",
        );
        assert_eq!(problems_of(&f.tests[0]), ["test::missing-key"]);

        // A row without a column is a finding about the whole row.
        let (f, _) = parse(
            "[[test]]\nrule = \"a\"\nexpect = \"fail\"\nfails = [{key = \"A\"}]\n[test.tables]\nT = \"x\"\n",
        );
        assert!(problems_of(&f.tests[0]).is_empty());
    }

    #[test]
    fn a_test_needs_exactly_one_report() {
        let (f, _) = parse("[[test]]\nrule = \"a\"\nexpect = \"pass\"\n");
        assert_eq!(problems_of(&f.tests[0]), ["test::no-report"]);
        let (f, _) = parse(
            "[[test]]\nrule = \"a\"\nexpect = \"pass\"\nreport = \"r\"\n[test.tables]\nT = \"x\"\n",
        );
        assert_eq!(problems_of(&f.tests[0]), ["test::two-reports"]);
        // The embedded library has no folders to point at.
        let mut sources = Sources::default();
        let f = parse_test_file(
            "rules/x.test.toml",
            None,
            "[[test]]\nrule = \"a\"\nexpect = \"pass\"\nreport = \"r\"\n".into(),
            &mut sources,
        );
        assert_eq!(problems_of(&f.tests[0]), ["test::report-folder"]);
    }

    #[test]
    fn a_report_folder_stays_inside_the_tree_being_tested() {
        let report = |path: &str| {
            let (f, sources) = parse(&format!(
                "[[test]]\nrule = \"a\"\nexpect = \"pass\"\nreport = \"{path}\"\n"
            ));
            match &f.tests[0].body {
                Err(problems) => {
                    let p = &problems[0];
                    assert_eq!(p.code, "test::report-outside", "{path}");
                    Err(slice(&sources, &f, p.labels[0].span).to_string())
                }
                Ok(body) => match &body.fixture {
                    Fixture::Folder { path, .. } => Ok(path.clone()),
                    other => panic!("{other:?}"),
                },
            }
        };
        assert_eq!(report("../x"), Ok(PathBuf::from("rules/x")));
        assert_eq!(report("./x/../y"), Ok(PathBuf::from("rules/drift/y")));
        for outside in ["../../x", "x/../../../y", "/etc", "../../../../../tmp"] {
            assert_eq!(report(outside), Err(format!("\"{outside}\"")), "{outside}");
        }
    }

    #[test]
    fn broken_toml_and_stray_keys_break_the_file() {
        let (f, sources) = parse("[[test]]\nrule = \"a\nexpect = \"pass\"\n");
        assert!(f.tests.is_empty());
        assert!(!f.problems.is_empty());
        assert!(f.problems.iter().all(|p| p.code == "test::toml"));
        let (line, _) = sources
            .get(f.source)
            .line_col(f.problems[0].labels[0].span.start);
        assert_eq!(line, 2);

        let (f, sources) = parse("[[tests]]\nrule = \"a\"\n");
        assert_eq!(f.problems.len(), 1);
        assert_eq!(f.problems[0].code, "test::unknown-key");
        assert_eq!(slice(&sources, &f, f.problems[0].labels[0].span), "tests");
        assert!(f.problems[0].help.as_deref().unwrap().contains("singular"));

        let (f, _) = parse("test = 3\n");
        assert_eq!(f.problems[0].code, "test::type");
    }

    #[test]
    fn a_table_needs_a_name() {
        let (f, sources) =
            parse("[[test]]\nrule = \"a\"\nexpect = \"pass\"\n[test.tables]\n\"\" = \"x\"\n");
        assert_eq!(problems_of(&f.tests[0]), ["test::table-name"]);
        let Err(p) = &f.tests[0].body else { panic!() };
        assert_eq!(slice(&sources, &f, p[0].labels[0].span), "\"\"");
    }

    #[test]
    fn an_empty_rule_id_names_no_rule() {
        let (f, _) = parse("[[test]]\nrule = \"\"\nexpect = \"pass\"\nx = 1\n");
        assert_eq!(f.tests[0].header.rule, None);
        assert_eq!(f.tests[0].header.name, "test #1");
    }

    #[test]
    fn inline_array_tests_work_too() {
        let (f, sources) =
            parse("test = [{ rule = \"a\", expect = \"pass\", tables = { T = \"x\" } }]\n");
        assert!(f.problems.is_empty());
        assert!(f.tests[0].body.is_ok());
        assert!(slice(&sources, &f, f.tests[0].header.span).starts_with("{ rule"));
    }
}
