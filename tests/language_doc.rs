//! The examples of `docs/language.md` are real: every one is parsed, and the ones with data are
//! run, here.
//!
//! The convention (also described in an HTML comment at the top of the document):
//!
//! - A fenced block of language `rules` is a complete rule file. It must parse without a
//!   single problem.
//! - A block of language `rules-fragment` is one or more assertions. It must parse when
//!   wrapped in `rule x { … }`.
//! - Blocks whose info string has a `title=PATH` (```` ```csv title=drift.csv ````,
//!   ```` ```toml title=report.toml ````) are data files of the nearest `rules` block above
//!   them. PATH is relative to the checked report folder, `rapport/`; a previous report is
//!   written as `../2020-08/prognos.csv`.
//! - An `expect` block closes the example: the rule file is run (through
//!   `rimlig::run::check`, like `rimlig check rapport --rules example.rules`) against a
//!   temporary folder built from the data blocks, and must give exactly these findings:
//!   - `RULE: ROW KEY` per finding, where RULE is the instance name (`drift-summa[budget]`
//!     inside a `for`) and ROW KEY the key of the finding's row (`RULE` alone when it has none);
//!   - `none` when there are no findings;
//!   - optionally `n/a RULE: ROW KEY` lines: then the not-applicable instances must be exactly
//!     these;
//!   - optionally `counts: P passed, F failed, N not applicable` (all rules together);
//!   - blank lines and lines starting with `#` are ignored. Order does not matter.
//!
//!   The run must also give no problem at all (no rule-file error, no data warning).
//! - Fences start in the first column. A data block without a following `expect` block is an
//!   error, and so is an `expect` block without data.
//!
//! A broken example fails the test with `docs/language.md:LINE` of its block.

use rimlig::run::check;
use rimlig::source::{SourceFile, Sources};
use rimlig::syntax::parse_file;
use std::path::{Path, PathBuf};

const DOC: &str = "docs/language.md";

/// A fenced block: its info string, its text, and the line of its opening fence (1-based).
#[derive(Debug)]
struct Block {
    info: String,
    text: String,
    line: usize,
}

impl Block {
    fn lang(&self) -> &str {
        self.info.split_whitespace().next().unwrap_or("")
    }
    fn title(&self) -> Option<&str> {
        self.info
            .split_whitespace()
            .find_map(|w| w.strip_prefix("title="))
    }
}

fn blocks(doc: &str) -> Result<Vec<Block>, String> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in doc.lines().enumerate() {
        match &mut open {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    open = Some(Block {
                        info: info.trim().to_string(),
                        text: String::new(),
                        line: i + 1,
                    });
                }
            }
            Some(b) => {
                if line.trim_end() == "```" {
                    out.extend(open.take());
                } else {
                    b.text.push_str(line);
                    b.text.push('\n');
                }
            }
        }
    }
    match open {
        Some(b) => Err(format!("{DOC}:{}: the block is never closed", b.line)),
        None => Ok(out),
    }
}

fn parse_problems(name: &str, text: &str) -> Vec<String> {
    let mut sources = Sources::default();
    let id = sources.add(SourceFile::new(name, text));
    let (_, problems) = parse_file(id, sources.get(id));
    problems
        .iter()
        .map(|p| {
            let at = p
                .labels
                .first()
                .map(|l| {
                    let (line, col) = sources.get(id).line_col(l.span.start);
                    format!(" at {line}:{col}")
                })
                .unwrap_or_default();
            format!("[{}] {}{at}", p.code, p.message)
        })
        .collect()
}

/// What an `expect` block asks for.
#[derive(Debug, Default)]
struct Expect {
    findings: Vec<String>,
    not_applicable: Option<Vec<String>>,
    counts: Option<(usize, usize, usize)>,
}

fn parse_expect(b: &Block) -> Result<Expect, String> {
    let mut e = Expect::default();
    let mut none = false;
    for (i, raw) in b.text.lines().enumerate() {
        let line = raw.trim();
        let at = || format!("{DOC}:{}", b.line + 1 + i);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "none" {
            none = true;
        } else if let Some(rest) = line.strip_prefix("counts:") {
            let nums: Vec<usize> = rest
                .split(',')
                .map(|part| {
                    part.split_whitespace()
                        .next()
                        .and_then(|n| n.parse().ok())
                        .ok_or_else(|| format!("{}: cannot read `{line}`", at()))
                })
                .collect::<Result<_, _>>()?;
            let [p, f, n] = nums[..] else {
                return Err(format!(
                    "{}: write `counts: P passed, F failed, N not applicable`",
                    at()
                ));
            };
            e.counts = Some((p, f, n));
        } else if let Some(rest) = line.strip_prefix("n/a ") {
            e.not_applicable
                .get_or_insert_with(Vec::new)
                .push(normal_entry(rest));
        } else {
            e.findings.push(normal_entry(line));
        }
    }
    if none && !e.findings.is_empty() {
        return Err(format!(
            "{DOC}:{}: `none` and findings in one expect block",
            b.line
        ));
    }
    e.findings.sort();
    if let Some(n) = &mut e.not_applicable {
        n.sort();
    }
    Ok(e)
}

/// `rule: key` with single spaces, `rule` when the key is empty.
fn normal_entry(s: &str) -> String {
    match s.split_once(':') {
        Some((r, k)) if !k.trim().is_empty() => format!("{}: {}", r.trim(), k.trim()),
        Some((r, _)) => r.trim().to_string(),
        None => s.trim().to_string(),
    }
}

/// A temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(line: usize) -> TempDir {
        let p =
            std::env::temp_dir().join(format!("rimlig-language-doc-{}-{line}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("create a temporary folder");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Where a data block's title puts its file, inside `root`.
fn data_path(root: &Path, title: &str) -> Option<PathBuf> {
    let (dir, name) = match title.strip_prefix("../") {
        Some(rest) => {
            let (folder, name) = rest.split_once('/')?;
            (root.join(folder), name)
        }
        None => (root.join("rapport"), title),
    };
    let ok = |s: &str| !s.is_empty() && !s.contains(['/', '\\']) && s != "." && s != "..";
    (ok(name) && dir.file_name().is_some_and(|f| ok(&f.to_string_lossy()))).then(|| dir.join(name))
}

/// Run one example; `Err` says what differs.
fn run_example(rules: &Block, data: &[&Block], expect: &Block) -> Result<(), String> {
    let want = parse_expect(expect)?;
    let tmp = TempDir::new(rules.line);
    let rule_file = tmp.0.join("regler/exempel.rules");
    std::fs::create_dir_all(tmp.0.join("regler")).unwrap();
    std::fs::create_dir_all(tmp.0.join("rapport")).unwrap();
    std::fs::write(&rule_file, &rules.text).unwrap();
    for d in data {
        let title = d.title().unwrap_or_default();
        let path = data_path(&tmp.0, title).ok_or_else(|| {
            format!(
                "{DOC}:{}: title=`{title}` must be NAME or ../FOLDER/NAME",
                d.line
            )
        })?;
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &d.text).unwrap();
    }
    let run = check(&[tmp.0.join("rapport")], &[rule_file]);
    let mut errors = Vec::new();
    if !run.problems.is_empty() {
        let p: Vec<String> = run
            .problems
            .iter()
            .map(|p| format!("[{}] {}", p.code, p.message))
            .collect();
        errors.push(format!("problems: {p:#?}"));
    }
    let mut got: Vec<String> = run
        .outcome
        .findings
        .iter()
        .map(|f| {
            normal_entry(&format!(
                "{}: {}",
                f.instance_name(),
                f.row_key.as_deref().unwrap_or_default()
            ))
        })
        .collect();
    got.sort();
    if got != want.findings {
        let detail: Vec<String> = run
            .outcome
            .findings
            .iter()
            .map(|f| format!("{} @ {:?}: {}", f.instance_name(), f.row_key, f.message))
            .collect();
        errors.push(format!(
            "findings: expected {:#?}\ngot {got:#?}\n{detail:#?}",
            want.findings
        ));
    }
    if let Some(want_na) = &want.not_applicable {
        let mut na: Vec<String> = run
            .outcome
            .not_applicable
            .iter()
            .map(|n| {
                normal_entry(&format!(
                    "{}: {}",
                    n.rule,
                    n.row_key.clone().unwrap_or_default()
                ))
            })
            .collect();
        na.sort();
        if &na != want_na {
            let reasons: Vec<String> = run
                .outcome
                .not_applicable
                .iter()
                .map(|n| format!("{} @ {:?}: {}", n.rule, n.row_key, n.reason))
                .collect();
            errors.push(format!(
                "not applicable: expected {want_na:#?}\ngot {na:#?}\n{reasons:#?}"
            ));
        }
    }
    if let Some(c) = want.counts {
        let s = run.summary().instances;
        let got = (s.passed, s.failed, s.not_applicable);
        if got != c {
            let reasons: Vec<String> = run
                .outcome
                .not_applicable
                .iter()
                .map(|n| format!("{} @ {:?}: {}", n.rule, n.row_key, n.reason))
                .collect();
            errors.push(format!(
                "counts (passed, failed, not applicable): expected {c:?}, got {got:?}; not applicable: {reasons:#?}"
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{DOC}:{}: the example (expect block at line {}) does not run as documented:\n{}",
            rules.line,
            expect.line,
            errors.join("\n")
        ))
    }
}

#[test]
fn every_example_in_the_language_reference_holds() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DOC);
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {DOC}: {e}"));
    let blocks = blocks(&doc).unwrap_or_else(|e| panic!("{e}"));
    let mut failures = Vec::new();
    let (mut parsed, mut fragments, mut runs) = (0, 0, 0);
    // The open example: its rules block and the data blocks seen since.
    let mut current: Option<(&Block, Vec<&Block>)> = None;
    let close = |cur: &mut Option<(&Block, Vec<&Block>)>, failures: &mut Vec<String>| {
        if let Some((r, data)) = cur.take()
            && let Some(d) = data.first()
        {
            failures.push(format!(
                "{DOC}:{}: data block of the rules at line {} has no `expect` block",
                d.line, r.line
            ));
        }
    };
    for b in &blocks {
        match b.lang() {
            "rules" => {
                close(&mut current, &mut failures);
                parsed += 1;
                let problems = parse_problems("example.rules", &b.text);
                if !problems.is_empty() {
                    failures.push(format!(
                        "{DOC}:{}: the rules block does not parse: {problems:#?}",
                        b.line
                    ));
                }
                current = Some((b, Vec::new()));
            }
            "rules-fragment" => {
                fragments += 1;
                let wrapped = format!("rule x {{\n{}}}\n", b.text);
                let problems = parse_problems("fragment.rules", &wrapped);
                if !problems.is_empty() {
                    failures.push(format!(
                        "{DOC}:{}: the fragment does not parse inside `rule x {{ … }}` (lines counted from the `rule x {{` line above it): {problems:#?}",
                        b.line
                    ));
                }
            }
            "expect" => match current.take() {
                Some((r, data)) if !data.is_empty() => {
                    runs += 1;
                    if let Err(e) = run_example(r, &data, b) {
                        failures.push(e);
                    }
                }
                _ => failures.push(format!(
                    "{DOC}:{}: an `expect` block needs a `rules` block and data blocks (```csv title=NAME.csv) above it",
                    b.line
                )),
            },
            _ if b.title().is_some() => match &mut current {
                Some((_, data)) => data.push(b),
                None => failures.push(format!(
                    "{DOC}:{}: a data block (title=…) needs a `rules` block above it",
                    b.line
                )),
            },
            _ => {}
        }
    }
    close(&mut current, &mut failures);
    assert!(
        failures.is_empty(),
        "{} of the examples in {DOC} are broken:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    // Guard against the extraction silently finding nothing.
    assert!(
        parsed >= 20 && runs >= 15 && fragments >= 5,
        "only {parsed} rule files, {fragments} fragments and {runs} runs found in {DOC}"
    );
}

#[test]
fn the_extraction_sees_fences_titles_and_expectations() {
    let doc = "text\n```rules\nrule a { 1 == 1 }\n```\n\n```csv title=t.csv\nA;B\n```\n```expect\n# c\na: X\nn/a b[c]:  Y \ncounts: 1 passed, 2 failed, 0 not applicable\n```\n";
    let b = blocks(doc).unwrap();
    assert_eq!(b.len(), 3);
    assert_eq!((b[0].lang(), b[0].line), ("rules", 2));
    assert_eq!(b[1].title(), Some("t.csv"));
    let e = parse_expect(&b[2]).unwrap();
    assert_eq!(e.findings, ["a: X"]);
    assert_eq!(e.not_applicable, Some(vec!["b[c]: Y".to_string()]));
    assert_eq!(e.counts, Some((1, 2, 0)));
    assert!(blocks("```rules\nrule a { 1 == 1 }\n").is_err());
    let root = Path::new("/t");
    assert_eq!(data_path(root, "a.csv"), Some(root.join("rapport/a.csv")));
    assert_eq!(
        data_path(root, "../2020-08/a.csv"),
        Some(root.join("2020-08/a.csv"))
    );
    assert_eq!(data_path(root, "../../a.csv"), None);
    assert_eq!(data_path(root, "x/a.csv"), None);
}
