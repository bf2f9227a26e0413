//! Hostile rule files and report trees: each gives a pointed diagnostic (or a correct result)
//! quickly, never reads outside the rules tree, never hangs and never crashes. Fixtures are in
//! `tests/data/hostile/`; links, FIFOs and large files are made in a temporary folder.

use rimlig::run::{Run, check};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/hostile")
        .join(rel)
}

/// A fresh temporary folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rimlig-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// `check` that must finish within `secs` seconds (a hang fails the test instead of hanging it).
fn check_within(secs: u64, reports: &[PathBuf], rules: &[PathBuf]) -> Run {
    let (tx, rx) = mpsc::channel();
    let (reports, rules) = (reports.to_vec(), rules.to_vec());
    std::thread::spawn(move || {
        let _ = tx.send(check(&reports, &rules));
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("check did not finish within {secs} s"))
}

/// The first problem of `run` with `code`; the test fails, listing the codes, if none has it.
fn problem<'r>(run: &'r Run, code: &str) -> &'r rimlig::problem::Problem {
    run.problems
        .iter()
        .find(|p| p.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}", codes(run)))
}

fn codes(run: &Run) -> Vec<&'static str> {
    run.problems.iter().map(|p| p.code).collect()
}

fn rule_ids(run: &Run) -> Vec<&str> {
    run.outcome.stats.iter().map(|(r, _)| r.as_str()).collect()
}

fn report() -> PathBuf {
    data("report")
}

// ------------------------------------------------------------------ `use` confinement

#[test]
fn use_of_a_parent_folder_is_refused() {
    let r = check_within(30, &[report()], &[data("use-parent/rules")]);
    assert!(codes(&r).contains(&"rules::use-outside"), "{:?}", codes(&r));
    assert_eq!(
        rule_ids(&r),
        ["inne"],
        "x.rules outside the tree is never read"
    );
}

#[test]
fn use_of_an_absolute_path_or_a_device_is_refused() {
    let r = check_within(30, &[report()], &[data("use-absolute/rules")]);
    let outside = r
        .problems
        .iter()
        .filter(|p| p.code == "rules::use-outside")
        .count();
    assert_eq!(outside, 2, "{:?}", codes(&r));
    assert_eq!(rule_ids(&r), ["inne"]);
}

#[cfg(unix)]
#[test]
fn use_through_a_link_out_of_the_tree_is_refused() {
    let dir = scratch("link-out");
    write(
        &dir.join("outside/secret.rules"),
        "rule hemlig { each tal: a < 0 }\n",
    );
    write(
        &dir.join("rules/main.rules"),
        "use \"secret.rules\"\nuse \"zero.rules\"\nrule inne { each tal: a >= 0 }\n",
    );
    std::os::unix::fs::symlink("../outside/secret.rules", dir.join("rules/secret.rules")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("rules/zero.rules")).unwrap();
    let r = check_within(30, &[report()], &[dir.join("rules/main.rules")]);
    let outside = r
        .problems
        .iter()
        .filter(|p| p.code == "rules::use-outside")
        .count();
    assert_eq!(outside, 2, "{:?}", codes(&r));
    assert_eq!(
        rule_ids(&r),
        ["inne"],
        "the linked file outside is never read"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn use_of_a_fifo_does_not_block() {
    let dir = scratch("fifo");
    write(
        &dir.join("rules/main.rules"),
        "use \"fifo.rules\"\nrule inne { each tal: a >= 0 }\n",
    );
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("rules/fifo.rules"))
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("no mkfifo here; skipped");
        return;
    }
    // Both the `use` and the walk over the rules folder meet the FIFO.
    for rules in [dir.join("rules/main.rules"), dir.join("rules")] {
        let r = check_within(30, &[report()], &[rules]);
        assert!(
            codes(&r).contains(&"rules::use-not-found"),
            "{:?}",
            codes(&r)
        );
        assert_eq!(rule_ids(&r), ["inne"]);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn use_of_itself_is_read_once() {
    let dir = scratch("self");
    write(
        &dir.join("rules/a.rules"),
        "use \"a.rules\"\nuse \"./a.rules\"\nuse \"b.rules\"\nrule a { each tal: a >= -10 }\n",
    );
    write(
        &dir.join("rules/b.rules"),
        "use \"a.rules\"\nrule b { each tal: b >= 0 }\n",
    );
    let r = check_within(30, &[report()], &[dir.join("rules")]);
    assert!(
        !codes(&r).contains(&"rules::duplicate-rule"),
        "{:?}",
        codes(&r)
    );
    let mut ids = rule_ids(&r);
    ids.sort();
    assert_eq!(ids, ["a", "b"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn use_through_a_folder_link_loop_ends() {
    // `d` points at its own folder: `d/a.rules`, `d/d/a.rules` … are all `a.rules`.
    let dir = scratch("dir-loop");
    write(
        &dir.join("rules/a.rules"),
        "use \"d/a.rules\"\nrule a { each tal: a >= -10 }\n",
    );
    std::os::unix::fs::symlink(".", dir.join("rules/d")).unwrap();
    let r = check_within(30, &[report()], &[dir.join("rules/a.rules")]);
    assert!(
        !codes(&r).contains(&"rules::duplicate-rule"),
        "{:?}",
        codes(&r)
    );
    assert_eq!(rule_ids(&r), ["a"]);
    let _ = std::fs::remove_dir_all(&dir);
}

// ------------------------------------------------------------------ size and shape limits

#[test]
fn deep_nesting_is_refused_before_parsing() {
    let dir = scratch("deep");
    let depth = 100_000;
    let text = format!(
        "rule djup {{ each tal: {}a{} == 1 }}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    write(&dir.join("deep.rules"), &text);
    let r = check_within(30, &[report()], &[dir.join("deep.rules")]);
    assert!(codes(&r).contains(&"rules::too-deep"), "{:?}", codes(&r));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn long_chains_and_many_scopes_are_refused() {
    let dir = scratch("chain");
    let chain = vec!["a"; 5_000].join(" + ");
    write(
        &dir.join("chain.rules"),
        &format!("rule lang {{ each tal: {chain} >= 0 }}\n"),
    );
    let scopes = "if a > 0 then ".repeat(1_000);
    write(
        &dir.join("scopes.rules"),
        &format!("rule scopes {{ each tal: {scopes} a > 0 }}\n"),
    );
    let r = check_within(30, &[report()], &[dir.join("chain.rules")]);
    assert!(codes(&r).contains(&"rules::too-long"), "{:?}", codes(&r));
    let r = check_within(30, &[report()], &[dir.join("scopes.rules")]);
    assert!(codes(&r).contains(&"rules::too-deep"), "{:?}", codes(&r));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `for` lists of 100 columns nested four deep gave 10⁸ instances on every row, and a check
/// of a two-row table did not end within a minute.
#[test]
fn nested_for_lists_of_too_many_combinations_are_refused() {
    let dir = scratch("for");
    let list = |n: usize| format!("[{}]", vec!["a"; n].join(", "));
    let nested = |n: usize, deep: usize| {
        let mut body = String::from("a >= -1000");
        for v in (0..deep).rev() {
            body = format!("for c{v} in {}: {body}", list(n));
        }
        format!("rule r {{ each tal: {body} }}\n")
    };
    write(&dir.join("many.rules"), &nested(100, 4));
    let r = check_within(30, &[report()], &[dir.join("many.rules")]);
    let p = problem(&r, "rules::too-long");
    assert!(
        p.message.contains("give 100000000 combinations"),
        "{}",
        p.message
    );
    // 32 × 32 is within the limit, and runs.
    write(&dir.join("some.rules"), &nested(32, 2));
    let r = check_within(30, &[report()], &[dir.join("some.rules")]);
    assert!(!codes(&r).contains(&"rules::too-long"), "{:?}", codes(&r));
    assert!(r.outcome.stats.iter().map(|(_, s)| s.passed).sum::<usize>() >= 1_024);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_rule_file_over_4_mib_is_refused() {
    let dir = scratch("large");
    let mut text = String::from("rule inne { each tal: a >= -10 }\n");
    while text.len() <= 4 * 1024 * 1024 {
        text.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    write(&dir.join("large.rules"), &text);
    let start = Instant::now();
    let r = check_within(30, &[report()], &[dir.join("large.rules")]);
    assert!(codes(&r).contains(&"rules::too-large"), "{:?}", codes(&r));
    assert!(start.elapsed() < Duration::from_secs(10));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_table_of_more_than_10_million_cells_is_refused() {
    let dir = scratch("cells");
    let width = 1_001;
    let mut text = String::with_capacity(11_000_000);
    text.push_str(&";".repeat(width - 1));
    text.push_str("Z\n");
    for _ in 0..10_001 {
        text.push_str(&";".repeat(width - 1));
        text.push_str("1\n");
    }
    write(&dir.join("report/tal.csv"), &text);
    write(&dir.join("r.rules"), "rule z { each tal: z >= 0 }\n");
    let r = check_within(60, &[dir.join("report")], &[dir.join("r.rules")]);
    let p = problem(&r, "data::too-large");
    assert!(
        p.message.contains("10001 rows and 1001 columns"),
        "{}",
        p.message
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A header line of a million delimiters once became a million headers, and (each a
/// duplicate of the others) a million warnings: 80 MB took 23 GB and did not finish in two
/// minutes. A header is at most as wide as a spreadsheet.
#[test]
fn a_header_wider_than_a_spreadsheet_is_refused() {
    let dir = scratch("wide-header");
    let mut text = vec!["a"; 1_000_000].join(";");
    text.push_str("\n1;2\n");
    write(&dir.join("report/tal.csv"), &text);
    write(&dir.join("r.rules"), "rule z { each tal: a >= 0 }\n");
    let r = check_within(60, &[dir.join("report")], &[dir.join("r.rules")]);
    let p = problem(&r, "data::too-large");
    assert!(
        p.message.contains("has 1000000 columns, more than 16384"),
        "{}",
        p.message
    );
    assert_eq!(
        r.problems
            .iter()
            .filter(|p| p.code.starts_with("data::"))
            .count(),
        1
    );
    // Trailing empty columns, as Excel writes them, are no columns: the table is read.
    let mut text = format!("a;b{}\n", ";".repeat(100_000));
    text.push_str(&format!("1;2{}\n", ";".repeat(100_000)));
    write(&dir.join("report/tal.csv"), &text);
    let r = check_within(60, &[dir.join("report")], &[dir.join("r.rules")]);
    assert!(
        !codes(&r).iter().any(|c| c.starts_with("data::")),
        "{:?}",
        codes(&r)
    );
    assert_eq!(
        r.outcome.stats.iter().map(|(_, s)| s.passed).sum::<usize>(),
        1
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A problem per row of a file of a million rows longer than their header took 15 s and
/// 850 MB to say: the first hundred are said one by one, the rest in one problem.
#[test]
fn repeated_problems_of_a_file_are_counted_past_a_hundred() {
    let dir = scratch("ragged");
    let mut text = String::from("k;v\n");
    for i in 0..250 {
        text.push_str(&format!("r{i};1;extra\n"));
    }
    text.push_str("ok;5\n");
    write(&dir.join("report/tal.csv"), &text);
    write(&dir.join("r.rules"), "rule z { each tal: v >= 0 }\n");
    let r = check_within(60, &[dir.join("report")], &[dir.join("r.rules")]);
    let ragged: Vec<_> = r
        .problems
        .iter()
        .filter(|p| p.code == "data::ragged-row")
        .collect();
    assert_eq!(ragged.len(), 101);
    assert!(
        ragged[99].message.contains("line 101 "),
        "{}",
        ragged[99].message
    );
    let last = ragged[100];
    assert_eq!(
        last.message,
        "and 150 more rows longer than the header, on lines 102–251; they are ignored"
    );
    assert_eq!(last.more, 150);
    // The one good row is checked.
    assert_eq!(
        r.outcome.stats.iter().map(|(_, s)| s.passed).sum::<usize>(),
        1
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ------------------------------------------------------------------ numbers, globs, volume

#[test]
fn enormous_numbers_give_a_diagnostic_or_a_result() {
    let dir = scratch("numbers");
    write(
        &dir.join("n.rules"),
        "rule trettio { each tal: a < 123456789012345678901234567890 }\n\
         rule stor { each tal: a * 79228162514264337593543950335 > 0 - 1 }\n\
         rule liten { each tal: a / 0.0000000000000000000000000001 > 0 - 1 }\n",
    );
    write(
        &dir.join("e.rules"),
        "rule exponent { each tal: a < 1e40 }\n",
    );
    let r = check_within(30, &[report()], &[dir.join("n.rules")]);
    // A literal too large for an exact decimal is an error in the rule file, or the check is
    // not applicable: never a panic, never a wrong pass on a figure read as something else.
    for (rule, stats) in &r.outcome.stats {
        assert!(
            stats.passed + stats.failed + stats.not_applicable > 0
                || r.problems
                    .iter()
                    .any(|p| p.code.starts_with("rules::") && !p.labels.is_empty()),
            "{rule}: {stats:?}"
        );
    }
    let r = check_within(30, &[report()], &[dir.join("e.rules")]);
    assert!(
        r.problems.iter().any(|p| p.code.starts_with("rules::")),
        "1e40 is not a number of the language: {:?}",
        codes(&r)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn pathological_globs_are_not_exponential() {
    let pattern = "*a*a*a*a*a*a*a*a*a*a*a*a*b";
    let text = "a".repeat(20_000);
    let start = Instant::now();
    assert!(!rimlig::glob::matches(pattern, &text));
    assert!(rimlig::glob::matches(pattern, &format!("{text}b")));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );

    // The same through a table declaration against long headers.
    let dir = scratch("glob");
    let header = "a".repeat(20_000);
    write(
        &dir.join("report/tal.csv"),
        &format!("Post;{header};{header}b\nEtt;1;2\n"),
    );
    write(
        &dir.join("g.rules"),
        &format!(
            "table tal \"tal\" {{\n  key post \"Post\"\n  column x \"{pattern}\" count\n  column y \"{{{}}}\" count\n}}\nrule g {{ each tal: x >= 0 and y >= 0 }}\n",
            ["*a*a*a*a*x", "*a*a*a*a*b"].join(",")
        ),
    );
    let start = Instant::now();
    let r = check_within(30, &[dir.join("report")], &[dir.join("g.rules")]);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert!(!r.outcome.stats.is_empty(), "{:?}", codes(&r));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn thousands_of_rules_run() {
    let dir = scratch("many");
    let mut text = String::new();
    for i in 0..3_000 {
        text.push_str(&format!("rule r{i} {{ each tal: a >= -{i} }}\n"));
    }
    write(&dir.join("many.rules"), &text);
    let r = check_within(120, &[report()], &[dir.join("many.rules")]);
    assert_eq!(r.outcome.stats.len(), 3_000);
    assert!(r.problems.iter().all(|p| !p.code.starts_with("rules::")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_rule_over_huge_columns_runs() {
    let dir = scratch("huge");
    let rows = 50_000;
    let mut csv = String::from("Post;A;B\n");
    let mut sum: i64 = 0;
    for i in 0..rows {
        csv.push_str(&format!("r{i};{i};{}\n", i * 2));
        sum += i;
    }
    csv.push_str(&format!("Summa;{sum};{}\n", sum * 2));
    write(&dir.join("report/tal.csv"), &csv);
    write(
        &dir.join("h.rules"),
        "table tal \"tal\" { key post \"Post\"  column a \"A\" tkr  column b \"B\" tkr  total \"Summa\" }\n\
         rule summa { in tal: sum(a) == total.a }\n\
         rule dubbel { each tal: b == 2 * a }\n\
         rule storst { in tal: max(b) <= 2 * max(a) }\n",
    );
    let r = check_within(120, &[dir.join("report")], &[dir.join("h.rules")]);
    assert!(
        r.outcome.findings.is_empty(),
        "{:?}",
        r.outcome.findings.first()
    );
    let passed: usize = r.outcome.stats.iter().map(|(_, s)| s.passed).sum();
    assert_eq!(passed, 1 + (rows as usize + 1) + 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn let_cycles_are_diagnosed() {
    let r = check_within(30, &[report()], &[data("let-cycle/case.rules")]);
    assert!(
        r.problems
            .iter()
            .any(|p| p.code.starts_with("rules::") && p.message.contains("x")),
        "{:?}",
        codes(&r)
    );
    assert!(rule_ids(&r).contains(&"annan"));
}

/// Thirty lines of `let aN = aM + aM` stood for a billion terms: every walk of the last let
/// (type check, evaluation) went through all of them, and the check never ended. A chain of
/// 1 300 lets took 3 s on three rows (each let was looked up among all the others, for each
/// other) and over 100 s on 100 000 rows (the chain was walked again for every row).
#[test]
fn lets_that_stand_for_too_much_are_refused_and_chains_are_walked_once() {
    let dir = scratch("lets");
    let mut diamond: Vec<String> = vec!["let a0 = 1".into()];
    diamond.extend((1..30).map(|i| format!("let a{i} = a{} + a{}", i - 1, i - 1)));
    diamond.push("rule r { each tal: a >= a29 - 1000000000000 }".into());
    diamond.push("rule annan { each tal: a >= -1000 }".into());
    write(&dir.join("diamond.rules"), &diamond.join("\n"));
    let r = check_within(30, &[report()], &[dir.join("diamond.rules")]);
    let too_long: Vec<_> = r
        .problems
        .iter()
        .filter(|p| p.code == "rules::too-long")
        .collect();
    assert_eq!(too_long.len(), 1, "{:?}", codes(&r));
    assert!(
        too_long[0]
            .message
            .starts_with("`let a29` stands for 2147483645 terms"),
        "{}",
        too_long[0].message
    );
    // The rule using it is not checked; the other is.
    let checked = |r: &Run, id: &str| {
        r.outcome
            .stats
            .iter()
            .any(|(rule, s)| rule == id && s.passed + s.failed + s.not_applicable > 0)
    };
    assert!(!checked(&r, "r") && checked(&r, "annan"));

    // A chain of fifty thousand: each let was looked for among all the others, in
    // loading, typing and naming, and the check did not end in a minute.
    let mut long: Vec<String> = vec!["let c0 = 1".into()];
    long.extend((1..50_000).map(|i| format!("let c{i} = c{} + 1", i - 1)));
    long.push("rule r { each tal: a >= c49999 - 1000000 }".into());
    write(&dir.join("long.rules"), &long.join("\n"));
    let r = check_within(60, &[report()], &[dir.join("long.rules")]);
    let p = problem(&r, "rules::too-long");
    assert!(
        p.message.starts_with("`let c49999` stands for"),
        "{}",
        p.message
    );

    let mut chain: Vec<String> = vec!["let b0 = 1".into()];
    chain.extend((1..1_300).map(|i| format!("let b{i} = b{} + 1", i - 1)));
    chain.push("rule r { each tal: a >= b1299 - 2000 }".into());
    write(&dir.join("chain.rules"), &chain.join("\n"));
    let r = check_within(30, &[report()], &[dir.join("chain.rules")]);
    assert!(!codes(&r).contains(&"rules::too-long"), "{:?}", codes(&r));
    assert!(checked(&r, "r"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// 40 MB of `>` (blockquotes nested 40 million deep) took 9 s and 2,3 GB in the Markdown
/// parser. A Markdown report is written by hand: over 8 MiB it is not read.
#[test]
fn a_markdown_report_over_8_mib_is_refused() {
    let dir = scratch("markdown");
    let text = format!("+++\nunit = \"x\"\n+++\n{} a\n", ">".repeat(9 << 20));
    write(&dir.join("r.md"), &text);
    let start = Instant::now();
    let r = check_within(30, &[dir.join("r.md")], &[data("let-cycle/case.rules")]);
    let p = problem(&r, "data::too-large");
    assert!(
        p.message.ends_with("is larger than 8 MiB; it is not read"),
        "{}",
        p.message
    );
    assert!(start.elapsed() < Duration::from_secs(10));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A Markdown report of 20 000 tables under one heading took 29 s (each table tried `h 2`,
/// `h 3` … from the start for a free name), and a JSON report of 20 000 tables of one name
/// did not end in minutes (each name was also looked for among all the names so far).
#[test]
fn many_tables_of_one_name_are_numbered_in_linear_time() {
    let dir = scratch("many-names");
    let table = "| Verksamhet | Prognos |\n|---|---|\n| a | 1 |\n\n";
    let markdown = format!(
        "+++\nunit = \"x\"\n+++\n{}",
        format!("## h\n\n{table}").repeat(20_000)
    );
    write(&dir.join("r.md"), &markdown);
    let tables = vec![r#""t": {"columns": ["a"], "rows": [["1"]]}"#; 20_000].join(",");
    write(
        &dir.join("r.json"),
        &format!(r#"{{"tables": {{{tables}}}}}"#),
    );
    let rules = [data("let-cycle/case.rules")];
    let start = Instant::now();
    let r = check_within(60, &[dir.join("r.md"), dir.join("r.json")], &rules);
    let names = |file: &str| -> Vec<&str> {
        let report = r.reports.iter().find(|p| p.path.ends_with(file));
        report
            .expect(file)
            .tables
            .iter()
            .map(|t| t.name.as_str())
            .collect()
    };
    let md = names("r.md");
    assert_eq!((md.len(), md[0], md[19_999]), (20_000, "h", "h 20000"));
    let json = names("r.json");
    assert_eq!(
        (json.len(), json[1], json[19_999]),
        (20_000, "t 2", "t 20000")
    );
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A column left empty made every row of a table not applicable for every rule reading it,
/// and each such instance was listed with its reason: five rules over a million rows took
/// 3 GB and wrote 1,2 GB of JSON. The first thousand per rule are listed, the rest counted.
#[test]
fn not_applicable_instances_are_listed_a_thousand_per_rule_and_counted() {
    let dir = scratch("na");
    let mut text = String::from("k;v\n");
    for i in 0..1_500 {
        text.push_str(&format!("r{i};{i}\n"));
    }
    write(&dir.join("report/tal.csv"), &text);
    write(
        &dir.join("r.rules"),
        "rule r { each tal: v / (v - v) >= 0 }\nrule s { each tal: v >= 0 }\n",
    );
    let r = check_within(60, &[dir.join("report")], &[dir.join("r.rules")]);
    assert_eq!(r.outcome.not_applicable.len(), 1_000);
    assert_eq!(r.outcome.not_applicable_unlisted, [("r".to_string(), 500)]);
    let stats = |id: &str| {
        r.outcome
            .stats
            .iter()
            .find(|(x, _)| x == id)
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(stats("r").not_applicable, 1_500);
    assert_eq!(stats("s").passed, 1_500);
    let _ = std::fs::remove_dir_all(&dir);
}

// ------------------------------------------------------------------ report trees

#[cfg(unix)]
#[test]
fn report_tree_links_out_and_in_loops_are_not_followed() {
    let dir = scratch("tree");
    write(&dir.join("outside/2020/tal.csv"), "Post;A;B\nEtt;-100;0\n");
    write(&dir.join("tree/2020/tal.csv"), "Post;A;B\nEtt;1;0\n");
    std::os::unix::fs::symlink("../outside/2020", dir.join("tree/ut")).unwrap();
    std::os::unix::fs::symlink("..", dir.join("tree/2020/loop")).unwrap();
    write(&dir.join("r.rules"), "rule inne { each tal: a >= 0 }\n");
    let r = check_within(30, &[dir.join("tree")], &[dir.join("r.rules")]);
    let c = codes(&r);
    assert!(c.contains(&"io::link-outside"), "{c:?}");
    assert_eq!(
        r.reports.len(),
        1,
        "{:?}",
        r.reports.iter().map(|r| &r.path).collect::<Vec<_>>()
    );
    assert!(
        r.outcome.findings.is_empty(),
        "the report outside is not checked"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A scratch case `name`: a report folder holding `tabell.csv` with `csv`, and the rule file
/// `case.rules` with `rules`. Returns the case's folder, the report and the rule file.
fn tabell_case(name: &str, csv: &str, rules: &str) -> (PathBuf, PathBuf, PathBuf) {
    let dir = scratch(name);
    let report = dir.join("report");
    write(&report.join("tabell.csv"), csv);
    let rule_file = dir.join("case.rules");
    write(&rule_file, rules);
    (dir, report, rule_file)
}

/// A rule file saved by Notepad as "ANSI" (Windows-1252, as Swedish Windows saves text) is
/// read, with a warning at its first letter so read; before, it was refused whole.
#[test]
fn a_rule_file_in_windows_1252_is_read_with_a_warning() {
    let (dir, report, rule_file) = tabell_case("rules-1252", "rad;a\nx;-1\n", "");
    let text = "table t \"tabell\" {\n  key rad \"rad\"\n  column a \"a\"\n}\n\
                rule r \"Förvaltningens a är positivt\" { each t: a >= 0 }\n";
    std::fs::write(&rule_file, encoding_rs::WINDOWS_1252.encode(text).0).unwrap();
    let run = check_within(60, &[report], &[rule_file]);
    let p = problem(&run, "rules::encoding");
    assert_eq!(p.severity, rimlig::problem::Severity::Warning);
    assert!(
        p.message.contains("the first time here (0xF6, `ö`)"),
        "{}",
        p.message
    );
    assert_eq!(run.outcome.findings.len(), 1, "the rule ran");
    assert_eq!(
        run.outcome.findings[0].title,
        "Förvaltningens a är positivt"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Every failing row of an `each` that reads the sum of its scope: the sum is worked out once
/// per scope and kept (worked out for each row, 20 000 rows took two minutes), so each group,
/// each `for` column and each `where` must still get its own.
#[test]
fn each_row_against_a_sum_gets_its_own_scopes_sum() {
    let (dir, report, rules) = tabell_case(
        "scope-sums",
        "grupp;rad;a;b\nG1;x;1;10\n;y;2;20\nG2;x;3;30\n;y;4;40\n",
        r#"table t "tabell" {
  key    rad   "rad"
  column grupp "grupp" text
  column a     "a"
  column b     "b"
  group  grupp
}
rule over-group { each t: for c in [a, b]: c >= sum(c) }
rule over-filter { each t: a >= sum(a where rad == "y") }
"#,
    );
    let run = check_within(60, &[report], &[rules]);
    let said: Vec<(String, String, String)> = run
        .outcome
        .findings
        .iter()
        .map(|f| {
            let v = f.values.as_ref().expect("values");
            (
                f.rule.to_string(),
                f.row_key.as_deref().unwrap_or_default().to_string(),
                v.right.to_string(),
            )
        })
        .collect();
    let s = |rule: &str, row: &str, sum: &str| (rule.to_string(), row.to_string(), sum.to_string());
    // Every row is below its group's sum, in both columns: G1 sums to 3 and 30, G2 to 7 and 70.
    for expected in [
        s("over-group", "x", "3"),
        s("over-group", "y", "3"),
        s("over-group", "x", "30"),
        s("over-group", "y", "30"),
        s("over-group", "x", "7"),
        s("over-group", "y", "7"),
        s("over-group", "x", "70"),
        s("over-group", "y", "70"),
        // The `y` rows of each group: 2 in G1, 4 in G2; G1's `y` row holds (2 >= 2).
        s("over-filter", "x", "2"),
        s("over-filter", "x", "4"),
    ] {
        assert!(said.contains(&expected), "{expected:?} not in {said:#?}");
    }
    assert_eq!(said.len(), 10, "{said:#?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A row whose key is empty is named by its line where a check of it is not applicable: the
/// reason began `· belopp is missing`, and the verbose listing `tabell · : `.
#[test]
fn a_row_without_a_key_is_named_by_its_line() {
    let (dir, report, rules) = tabell_case(
        "no-key",
        "rad;belopp;budget\nHyror;1;1\n;;2\n",
        "table t \"tabell\" {\n  key rad \"rad\"\n  column belopp \"belopp\" tkr\n  column budget \"budget\" tkr\n}\nrule lika { each t: belopp == budget }\n",
    );
    let run = check_within(
        60,
        std::slice::from_ref(&report),
        std::slice::from_ref(&rules),
    );
    let na = &run.outcome.not_applicable;
    assert_eq!(na.len(), 1, "{na:?}");
    assert_eq!(
        na[0].reason, "the row without a key on line 3 · belopp is missing (empty)",
        "{na:?}"
    );
    let out = rimlig_within(
        60,
        &dir,
        &[
            "check",
            "report",
            "--rules",
            "case.rules",
            "-v",
            "--color",
            "never",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("not applicable: lika in report tabell: the row without a key on line 3"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A table of many groups checked without `group`: every row that asks for `total.c` is told
/// there are many total rows, naming the first ten rather than all of them (a hundred
/// thousand names in each of a million messages).
#[test]
fn many_total_rows_are_counted_and_the_first_named() {
    let mut csv = String::from("rad;belopp\n");
    for g in 0..30 {
        csv.push_str(&format!("Rad {g};1\nSumma {g};1\n"));
    }
    let (dir, report, rules) = tabell_case(
        "many-totals",
        &csv,
        "table t \"tabell\" {\n  key rad \"rad\"\n  column belopp \"belopp\"\n  total \"Summa*\"\n}\nrule andel { each t: belopp <= total.belopp }\n",
    );
    let run = check_within(60, &[report], &[rules]);
    let na = &run.outcome.not_applicable;
    assert_eq!(na.len(), 60, "one per row");
    let reason = &na[0].reason;
    assert!(
        reason.contains("has 30 total rows (Summa 0, Summa 1,"),
        "{reason}"
    );
    assert!(reason.contains("Summa 9, …)"), "{reason}");
    assert!(!reason.contains("Summa 10"), "{reason}");
    let _ = std::fs::remove_dir_all(&dir);
}

// ------------------------------------------------------------------ files named by flags

/// `rimlig ARGS…` in `dir` that must end within `secs` seconds: a run that waits on a named
/// pipe is killed and fails the test instead of hanging it.
fn rimlig_within(secs: u64, dir: &Path, args: &[&str]) -> std::process::Output {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_rimlig"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the rimlig binary runs");
    let deadline = Instant::now() + Duration::from_secs(secs);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("rimlig {args:?} did not end within {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// Exit code and stdout + stderr of a run.
fn said(out: &std::process::Output) -> (i32, String) {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().expect("an exit code"), text)
}

/// A scratch folder holding `r.rules` and the report `r/tal.csv`, to check with flags.
fn flag_repo(name: &str) -> PathBuf {
    let dir = scratch(name);
    write(&dir.join("r/tal.csv"), "Post;A;B\nEtt;1;2\n");
    write(&dir.join("r.rules"), "rule inne { each tal: a >= 0 }\n");
    dir
}

fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

/// A FIFO named by `--baseline` or `--config` waited for a writer for ever.
#[cfg(unix)]
#[test]
fn a_fifo_as_baseline_or_config_is_refused_without_waiting() {
    let dir = flag_repo("flag-fifo");
    if !mkfifo(&dir.join("fifo")) {
        eprintln!("no mkfifo here; skipped");
        return;
    }
    let check = ["check", "r", "--rules", "r.rules", "--format", "concise"];
    for flags in [
        &["--baseline", "fifo"][..],
        &["--baseline", "fifo", "--update-baseline"],
        &["--config", "fifo"],
    ] {
        let (code, text) = said(&rimlig_within(30, &dir, &[&check[..], flags].concat()));
        assert_eq!(code, 2, "{flags:?}: {text}");
        assert!(
            text.contains("error[io::not-a-file]")
                && text.contains("is a named pipe, a socket or a device, not a regular file"),
            "{flags:?}: {text}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--baseline /dev/zero` grew to gigabytes before it ran out of memory.
#[cfg(target_os = "linux")]
#[test]
fn a_device_as_baseline_config_or_rules_is_refused() {
    let dir = flag_repo("flag-device");
    let check = ["check", "r", "--format", "concise"];
    for flags in [
        &["--rules", "r.rules", "--baseline", "/dev/zero"][..],
        &["--rules", "r.rules", "--config", "/dev/zero"],
        &["--rules", "/dev/zero"],
    ] {
        let (code, text) = said(&rimlig_within(30, &dir, &[&check[..], flags].concat()));
        assert_eq!(code, 2, "{flags:?}: {text}");
        assert!(
            text.contains("/dev/zero: error[io::not-a-file]") && !text.contains("does not exist"),
            "{flags:?}: {text}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_folder_as_baseline_or_config_is_refused() {
    let dir = flag_repo("flag-folder");
    let check = ["check", "r", "--rules", "r.rules", "--format", "concise"];
    for flag in ["--baseline", "--config"] {
        let (code, text) = said(&rimlig_within(
            30,
            &dir,
            &[&check[..], &[flag, "r"]].concat(),
        ));
        assert_eq!(code, 2, "{flag}: {text}");
        assert!(
            text.contains("r: error[io::not-a-file]") && text.contains("is a folder"),
            "{flag}: {text}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A baseline over 256 MiB, or a rimlig.toml over 4 MiB, is refused by its size before a
/// byte of it is read (the baseline is a sparse file: it takes no room on disk).
#[test]
fn a_baseline_or_config_too_large_is_refused_unread() {
    let dir = flag_repo("flag-large");
    let baseline = std::fs::File::create(dir.join("baseline.json")).unwrap();
    baseline.set_len((256 << 20) + 1).unwrap();
    let mut toml = String::new();
    while toml.len() <= 4 << 20 {
        toml.push_str("# a comment that pads the settings file out, line after line\n");
    }
    write(&dir.join("big.toml"), &toml);
    let check = ["check", "r", "--rules", "r.rules", "--format", "concise"];
    for (flags, said_as) in [
        (
            ["--baseline", "baseline.json"],
            "error[baseline::too-large]",
        ),
        (["--config", "big.toml"], "error[config::too-large]"),
    ] {
        let start = Instant::now();
        let (code, text) = said(&rimlig_within(30, &dir, &[&check[..], &flags].concat()));
        assert_eq!(code, 2, "{flags:?}: {text}");
        assert!(text.contains(said_as), "{flags:?}: {text}");
        assert!(start.elapsed() < Duration::from_secs(10));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `rimlig check r --format concise` in the scratch folder `name`, with `files` in `r/` and
/// the rules of table `tal` (columns A and B in tkr, `a >= b`): the folder, the exit code
/// and what was said.
fn check_tal(name: &str, files: &[(&str, &str)]) -> (PathBuf, i32, String) {
    let dir = scratch(name);
    for (file, text) in files {
        write(&dir.join("r").join(file), text);
    }
    write(
        &dir.join("r.rules"),
        "table tal \"tal\" { key post \"Post\" column a \"A\" tkr column b \"B\" tkr }\nrule r { each tal: a >= b }\n",
    );
    let args = ["check", "r", "--rules", "r.rules", "--format", "concise"];
    let (code, text) = said(&rimlig_within(30, &dir, &args));
    (dir, code, text)
}

/// A text in a figure column was quoted whole in its warning and help: a cell of 50 MB of
/// digits (a table run together on one line) made 53 MB of terminal output. A message quotes
/// the first 60 characters of a cell or header, and a help the first 60 of what it rewrites.
#[test]
fn a_huge_text_in_a_figure_column_is_quoted_in_part() {
    let long = "1".repeat(1 << 20);
    let csv = format!(
        "Post;A;B\nx;{long};1\ny;{long}-;1\nz;1 {}tkr;1\nw;1e{long};1\n",
        "k".repeat(1 << 20)
    );
    let csv = format!(
        "Post;A;B{}\n{}",
        "h".repeat(1 << 20),
        &csv["Post;A;B\n".len()..]
    );
    let (dir, code, text) = check_tal("huge-text", &[("tal.csv", &csv)]);
    assert_eq!(code, 0, "warnings only: {}", &text[..text.len().min(2000)]);
    assert_eq!(
        text.matches("is not a figure").count(),
        4,
        "{}",
        &text[..text.len().min(2000)]
    );
    assert!(
        text.len() < 10_000,
        "{} bytes: {}",
        text.len(),
        &text[..2000]
    );
    assert!(
        text.contains(&format!("\"{}…\" in column A of tal", "1".repeat(60))),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A text in a column declared as figures made every check that read it not applicable, and
/// said so only in the summary's count: each such cell is a warning where it is written.
#[test]
fn a_text_in_a_figure_column_is_a_warning_at_the_cell() {
    let mut csv = String::from("Post;A;B\nx;1.234,5;1\ny;500-;2\n");
    for i in 0..6 {
        csv.push_str(&format!("z{i};(10{i});3\n"));
    }
    let (dir, code, text) = check_tal("not-a-figure", &[("tal.csv", &csv)]);
    assert_eq!(code, 0, "warnings only: {text}");
    assert!(
        text.contains("r/tal.csv:2:3: warning[data::not-a-figure] \"1.234,5\" in column A"),
        "{text}"
    );
    assert!(
        text.contains("r/tal.csv:3:3: warning[data::not-a-figure] \"500-\""),
        "{text}"
    );
    // Five are shown in a column, and the other three counted.
    assert_eq!(text.matches("is not a figure").count(), 5, "{text}");
    assert!(text.contains("3 more cells in column A"), "{text}");
    assert!(!text.contains("column B"), "B holds figures only: {text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A figure in a unit its column's does not convert to (`995 %` in a tkr column) made the
/// checks that read it not applicable without a word: a warning at the cell, as for a text.
/// Money in another money unit is converted, and no warning.
#[test]
fn a_figure_in_another_unit_than_its_column_is_a_warning_at_the_cell() {
    let (dir, code, text) = check_tal(
        "wrong-unit",
        &[("tal.csv", "Post;A;B\nx;995 %;1\ny;2 mkr;2\nz;3;3\n")],
    );
    assert_eq!(code, 0, "warnings only: {text}");
    assert!(
        text.contains("r/tal.csv:2:3: warning[data::not-a-figure] \"995 %\" in column A of tal is in per cent, but the column is declared tkr"),
        "{text}"
    );
    assert_eq!(text.matches("data::not-a-figure").count(), 1, "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `1.234` in a money column is read with a decimal point, which a dot between thousands
/// also looks like: said at the cell.
#[test]
fn a_dot_before_three_digits_in_money_is_a_warning_at_the_cell() {
    let (dir, _, text) = check_tal(
        "dot-thousands",
        &[("tal.csv", "Post;A;B\nx;1.234;1\ny;2,5;2\nz;12.5;3\n")],
    );
    assert!(
        text.contains("r/tal.csv:2:3: warning[data::ambiguous-figure] \"1.234\" in column A of tal is read as 1,234"),
        "{text}"
    );
    assert_eq!(text.matches("ambiguous-figure").count(), 1, "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two files of one table name in a report folder are both read, and said to be.
#[test]
fn two_files_of_one_table_name_in_a_folder_are_a_warning() {
    let (dir, code, text) = check_tal(
        "duplicate-table",
        &[
            ("tal.csv", "Post;A;B\nx;1;1\n"),
            ("Tal.tsv", "Post\tA\tB\nx\t1\t2\n"),
        ],
    );
    assert_eq!(code, 1, "the second file's row fails: {text}");
    assert!(
        text.contains("warning[data::duplicate-table] r/Tal.tsv and r/tal.csv are both table tal"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A rule test file over 16 MiB is refused by its size, unread, and the run says so.
#[test]
fn a_test_file_too_large_is_refused_unread() {
    let dir = flag_repo("test-large");
    let big = std::fs::File::create(dir.join("r.test.toml")).unwrap();
    big.set_len((16 << 20) + 1).unwrap();
    let (code, text) = said(&rimlig_within(30, &dir, &["test", "."]));
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("test::too-large"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A FIFO where a rimlig.toml or a report.toml is looked for was passed over in silence: the
/// settings or the report's metadata went missing without a word.
#[cfg(unix)]
#[test]
fn a_fifo_found_as_rimlig_toml_or_report_toml_is_a_warning() {
    let dir = flag_repo("found-fifo");
    if !mkfifo(&dir.join("rimlig.toml")) || !mkfifo(&dir.join("r/report.toml")) {
        eprintln!("no mkfifo here; skipped");
        return;
    }
    let (code, text) = said(&rimlig_within(
        30,
        &dir,
        &["check", "r", "--rules", "r.rules", "--format", "concise"],
    ));
    assert_eq!(code, 0, "warnings only: {text}");
    for name in ["rimlig.toml", "r/report.toml"] {
        assert!(
            text.contains(&format!(
                "{name}: warning[io::not-a-file] {name} is a named pipe"
            )),
            "{name}: {text}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `report.toml` that is a link out of its report folder was warned about by the walk and
/// then read all the same (a TOML error even quoted a line of the file it points to). It is
/// now not read, whichever way its report is named, and a link to `/dev/zero` is said once,
/// as a link out, not also as a device.
#[cfg(unix)]
#[test]
fn a_report_toml_linked_out_of_its_folder_is_not_read() {
    let dir = flag_repo("report-toml-out");
    write(
        &dir.join("outside/secret.toml"),
        "unit = \"mkr\"\nhemligt ord = 5\n",
    );
    std::os::unix::fs::symlink("../outside/secret.toml", dir.join("r/report.toml")).unwrap();
    write(&dir.join("z/tal.csv"), "Post;A;B\nEtt;1;2\n");
    std::os::unix::fs::symlink("/dev/zero", dir.join("z/report.toml")).unwrap();
    for named in ["r", "r/report.toml", "."] {
        let (code, text) = said(&rimlig_within(
            30,
            &dir,
            &["check", named, "--rules", "r.rules", "--format", "concise"],
        ));
        assert_eq!(code, 0, "{named}: warnings only: {text}");
        assert!(
            !text.contains("hemligt"),
            "{named}: the file was read: {text}"
        );
        assert!(!text.contains("config::report-toml"), "{named}: {text}");
        assert_eq!(
            text.matches("r/report.toml: warning[io::link-outside]")
                .count(),
            1,
            "{named}: {text}"
        );
    }
    let (_, text) = said(&rimlig_within(
        30,
        &dir,
        &["check", "z", "--rules", "r.rules", "--format", "concise"],
    ));
    assert!(
        text.contains("z/report.toml: warning[io::link-outside]"),
        "{text}"
    );
    assert!(!text.contains("io::not-a-file"), "said twice: {text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A total row whose key has a Cyrillic letter that looks Latin (`Summа`) is not the total
/// row `Summa*` names: the sum check was silently not applicable. The glob now gets a warning
/// naming the letter; a table with no rows gets none.
#[test]
fn a_total_glob_missed_by_a_look_alike_letter_is_named() {
    let dir = scratch("look-alike");
    write(
        &dir.join("r/t.csv"),
        "Post;A\nEkonomi;150\ny;1\nSumm\u{430};151\n",
    );
    write(&dir.join("r/tom.csv"), "Post;A\n");
    write(
        &dir.join("t.rules"),
        "table t \"t\" { key k \"Post\" column a \"A\" tkr total \"Summa*\" }\n\
         table tom \"tom\" { key k \"Post\" column a \"A\" tkr total \"Summa\" skip \"x\" }\n\
         rule s { in t: sum(a) == total.a }\n\
         rule u { each tom: a >= 0 }\n",
    );
    let r = check_within(30, &[dir.join("r")], &[dir.join("t.rules")]);
    assert_eq!(
        codes(&r),
        ["rules::no-total", "check::nothing-decided"],
        "{:#?}",
        r.problems
    );
    let p = problem(&r, "rules::no-total");
    assert!(p.message.contains("t.csv"), "{}", p.message);
    let help = p.help.as_deref().unwrap_or("");
    assert!(
        help.contains("\"Summ\u{430}\" contains the Cyrillic letter '\u{430}' (U+0430)"),
        "{help}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_row_key_of_a_megabyte_is_kept_cut_in_its_findings_and_fixes() {
    // One row whose key is a megabyte, and 20 rules that fail on it: each finding and each fix
    // copied the key whole (600 such rules made 1,2 GB of JSON).
    let dir = scratch("long-key");
    let key = "K".repeat(1_000_000);
    write(&dir.join("r/t.csv"), &format!("k;a;b\n{key};1;2\n"));
    let rules: String = (0..20)
        .map(|i| format!("rule r{i} \"t\" {{ each t: a == b }}\n"))
        .collect();
    write(&dir.join("t.rules"), &rules);
    let r = check_within(30, &[dir.join("r")], &[dir.join("t.rules")]);
    assert_eq!(r.outcome.findings.len(), 20);
    let cut = format!("{}…", &key[..rimlig::finding::ROW_KEY_CHARS]);
    for f in &r.outcome.findings {
        assert_eq!(f.row_key.as_deref(), Some(cut.as_str()));
        let fix = f.fix.as_ref().expect("a fix");
        assert!(
            !fix.changes.is_empty() && fix.changes.iter().all(|c| c.row_key == cut),
            "{:?}",
            fix.changes
                .iter()
                .map(|c| c.row_key.len())
                .collect::<Vec<_>>()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
