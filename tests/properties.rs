//! Properties of reading and checking, with proptest (few cases each, so `cargo test` stays
//! fast), and a small deterministic "poor man's fuzzer" that throws random and mutated inputs
//! at the four entry points the cargo-fuzz targets in `fuzz/` exercise (see docs/fuzzing.md).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rimlig::check::{RuleRoot, RuleSet, check_names, check_static};
use rimlig::eval::{Options, Outcome, evaluate_configured};
use rimlig::problem::Problem;
use rimlig::report::CellValue;
use rimlig::report::csv::load_csv;
use rimlig::report::number::{format_decimal, parse_cell};
use rimlig::report::{Report, ReportMeta};
use rimlig::source::{SourceFile, Sources};
use rimlig::syntax::parse_file;
use rust_decimal::Decimal;

/// Rules and one CSV table (named `t`), checked in memory as `rimlig check` does.
fn check_in_memory(rules: &str, csv: &[u8]) -> (Outcome, Vec<Problem>, Sources) {
    check_with_options(rules, csv, &Options::default())
}

/// [`check_in_memory`] under `options`.
fn check_with_options(
    rules: &str,
    csv: &[u8],
    options: &Options,
) -> (Outcome, Vec<Problem>, Sources) {
    let mut sources = Sources::default();
    let id = sources.add(SourceFile::new("p.rules", rules));
    let (file, mut problems) = parse_file(id, sources.get(id));
    let mut set = RuleSet::of_file(file, id);
    check_static(
        &mut set,
        &[RuleRoot::Path("p.rules".into())],
        &sources,
        &mut problems,
    );
    let tables = load_csv("t.csv", "t", csv, &mut sources, &mut problems)
        .into_iter()
        .collect();
    let reports = [Report {
        path: "p".into(),
        meta: ReportMeta::default(),
        tables,
    }];
    check_names(&mut set, &reports, &mut problems);
    let outcome = evaluate_configured(&set, &reports, &[None], &sources, options, &mut || {});
    (outcome, problems, sources)
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// A decimal written the Swedish way, in one of the forms reports use.
fn swedish(d: &Decimal, minus: char, space: char) -> String {
    format_decimal(d)
        .replace('-', &minus.to_string())
        .replace(' ', &space.to_string())
}

// ------------------------------------------------------------------ numbers

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn swedish_figures_round_trip(
        mantissa in -10_000_000_000i64..10_000_000_000i64,
        scale in 0u32..5,
        minus in prop::sample::select(vec!['-', '\u{2212}', '\u{2013}']),
        space in prop::sample::select(vec![' ', '\u{00A0}', '\u{202F}', '\u{2009}']),
    ) {
        let d = Decimal::new(mantissa, scale);
        let text = swedish(&d, minus, space);
        match parse_cell(&text) {
            CellValue::Number(f) => {
                prop_assert_eq!(f.value, d, "{:?}", text);
                prop_assert_eq!(f.value.scale(), scale, "{:?}", text);
                prop_assert_eq!(f.decimals, Some(scale), "{:?}", text);
            }
            other => prop_assert!(false, "{:?} read as {:?}", text, other),
        }
    }

    #[test]
    fn parse_cell_never_panics(s in "\\PC{0,24}") {
        if let CellValue::Number(f) = parse_cell(&s) {
            let again = parse_cell(&format_decimal(&f.value));
            prop_assert!(matches!(again, CellValue::Number(g) if g.value == f.value), "{:?}", s);
        }
    }
}

// ------------------------------------------------------------------ findings

/// A driftsammandrag with `n` rows: (key, redovisat, budget, avvikelse), some avvikelser wrong.
fn drift_rows() -> impl Strategy<Value = Vec<(i64, i64, i64)>> {
    prop::collection::vec((-500i64..500, -500i64..500, -3i64..4), 1..12)
}

const DRIFT_RULES: &str = r#"
table t "t" {
  key    verksamhet "Verksamhet"
  column redovisat  "Redovisat*" tkr
  column budget     "Budget*"    tkr
  column avvikelse  "Avvikelse"  tkr
  total  "Summa*"
}
rule summa { in t: for c in [redovisat, budget, avvikelse]: sum(c) == total.c within rounding }
rule avvikelse { each t: avvikelse == redovisat - budget within rounding }
rule ordning { in t: max(redovisat) >= min(redovisat) }
"#;

fn drift_csv(rows: &[(String, i64, i64, i64)], total: (i64, i64, i64)) -> String {
    let mut s = String::from("Verksamhet;Redovisat jan-aug;Budget jan-aug;Avvikelse\n");
    for (k, r, b, a) in rows {
        s.push_str(&format!(
            "{k};{};{};{}\n",
            swedish(&Decimal::from(*r), '−', ' '),
            swedish(&Decimal::from(*b), '-', ' '),
            a
        ));
    }
    s.push_str(&format!("Summa;{};{};{}\n", total.0, total.1, total.2));
    s
}

type Identity = (String, Option<String>, Option<String>, String);

fn identities(o: &Outcome) -> Vec<Identity> {
    let mut ids: Vec<Identity> = o
        .findings
        .iter()
        .map(|f| {
            (
                f.rule.to_string(),
                f.row_key.as_deref().map(str::to_string),
                f.column_name.as_deref().map(str::to_string),
                // The rows an aggregate summed are listed in file order.
                f.message.split("; summed").next().unwrap_or("").to_string(),
            )
        })
        .collect();
    ids.sort();
    ids
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn row_order_does_not_change_findings(
        raw in drift_rows(),
        seed in any::<u64>(),
        total_off in -3i64..4,
    ) {
        let rows: Vec<(String, i64, i64, i64)> = raw
            .iter()
            .enumerate()
            .map(|(i, (r, b, off))| (format!("V{i}"), *r, *b, r - b + if off.abs() > 1 { *off } else { 0 }))
            .collect();
        let total = (
            rows.iter().map(|r| r.1).sum::<i64>() + total_off,
            rows.iter().map(|r| r.2).sum(),
            rows.iter().map(|r| r.3).sum(),
        );
        let (a, pa, _) = check_in_memory(DRIFT_RULES, drift_csv(&rows, total).as_bytes());
        prop_assert!(pa.iter().all(|p| !p.code.starts_with("rules::")), "{:?}", pa);
        // A deterministic shuffle from the seed.
        let mut shuffled = rows.clone();
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let (b, _, _) = check_in_memory(DRIFT_RULES, drift_csv(&shuffled, total).as_bytes());
        prop_assert_eq!(identities(&a), identities(&b));
        let stats = |o: &Outcome| o.stats.iter().map(|(r, s)| (r.clone(), s.passed, s.failed, s.not_applicable)).collect::<Vec<_>>();
        prop_assert_eq!(stats(&a), stats(&b));
    }
}

/// Whether real values inside the rounding intervals of `a`, `b` and `c` (printed with
/// `da`, `db`, `dc` decimals) can make `a == b + c`, by trying a grid of values.
fn brute_force_within_rounding(
    a: Decimal,
    b: Decimal,
    c: Decimal,
    (da, db, dc): (u32, u32, u32),
) -> bool {
    let half = |d: u32| Decimal::new(5, d + 1);
    let (ha, hb, hc) = (half(da), half(db), half(dc));
    let step = Decimal::new(5, 3); // 0,005: divides every half unit used here
    let steps = |h: Decimal| -> Vec<Decimal> {
        let n = (h * Decimal::from(2) / step).trunc();
        let n = i64::try_from(n).unwrap();
        (0..=n).map(|i| -h + step * Decimal::from(i)).collect()
    };
    for eb in steps(hb) {
        for ec in steps(hc) {
            let v = b + eb + c + ec;
            if (v - a).abs() <= ha {
                return true;
            }
        }
    }
    false
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn within_rounding_agrees_with_brute_force(
        a in -200i64..200, b in -200i64..200, c in -200i64..200,
        da in 0u32..2, db in 0u32..2, dc in 0u32..2,
    ) {
        // Keep the sides near each other, where the answer is interesting.
        let (a, b, c) = (Decimal::new(a, da), Decimal::new(b, db), Decimal::new(c, dc));
        let a = if (a - b - c).abs() > Decimal::from(3) { b + c + (a % Decimal::from(3)) } else { a };
        let a = a.round_dp(da);
        let da = da.max(a.scale());
        let csv = format!(
            "Post;A;B;C\nRad;{};{};{}\n",
            format_decimal(&a.round_dp(da)),
            format_decimal(&b),
            format_decimal(&c)
        );
        let (o, p, _) = check_in_memory("rule r { each t: a == b + c within rounding }", csv.as_bytes());
        prop_assert!(p.iter().all(|p| !p.code.starts_with("rules::")), "{:?}", p);
        let (_, s) = &o.stats[0];
        let parsed = |x: &Decimal, d: u32| -> Decimal {
            let mut y = *x;
            y.rescale(d);
            y
        };
        let expect = brute_force_within_rounding(parsed(&a, da), b, c, (da, db, dc));
        prop_assert_eq!(s.passed == 1, expect, "{}", csv);
        prop_assert_eq!(s.failed == 1, !expect, "{}", csv);
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn arithmetic_never_panics(
        a in prop::sample::select(vec![
            "0", "1", "-1", "79228162514264337593543950335", "-79228162514264337593543950335",
            "0,0000000000000000000000000001", "7 922 816 251 426 433 759 354 395 033,5", "-", "..", "x",
        ]),
        b in prop::sample::select(vec!["0", "-0", "3", "0,5", "79228162514264337593543950335", "-", "1e30"]),
        op in prop::sample::select(vec!["+", "-", "*", "/"]),
    ) {
        let rules = format!(
            "rule r {{ each t: a {op} b >= 0 or a {op} b < 0 }}\n\
             rule s {{ in t: sum(a {op} b) == round(mean(a) {op} max(b), 28) within 1% }}\n\
             rule u {{ each t: abs(a) {op} abs(b) * 79228162514264337593543950335 != a within rounding }}\n"
        );
        let csv = format!("Post;A;B\nRad;{a};{b}\nAnnan;{b};{a}\n");
        let (o, _, _) = check_in_memory(&rules, csv.as_bytes());
        // Division by zero and overflow are not applicable: never a finding from them alone.
        for (_, s) in &o.stats {
            prop_assert!(s.passed + s.failed + s.not_applicable > 0);
        }
    }
}

// ------------------------------------------------------------------ poor man's fuzzer

/// Seeds of the four targets: every rule file of the library, every example CSV.
fn seeds(ext: &str) -> Vec<Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [
        "rules",
        "examples/linkoping-vss/2020-10",
        "tests/data/semantics/arithmetic/report",
    ] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
            paths.sort();
            for p in paths {
                if p.extension().is_some_and(|x| x == ext)
                    && let Ok(b) = std::fs::read(&p)
                {
                    out.push(b);
                }
            }
        }
    }
    assert!(!out.is_empty(), "no .{ext} seeds");
    out
}

const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    "\"",
    "#",
    "`",
    ";",
    ",",
    "\n",
    " ",
    "==",
    "within",
    "rounding",
    "each",
    "in",
    "for",
    "if",
    "then",
    "where",
    "sum(",
    "total.",
    "previous.",
    "parent.",
    "either sign",
    "-",
    "−",
    "9999999999999999999999999999999",
    "0",
    "%",
    "tkr",
    "\u{0}",
    "\u{FEFF}",
    "\r",
    "é",
    "let x = x\n",
    "use \"../x.rules\"\n",
    "*{a,b}?",
];

/// A mutation of `seed`: a few byte edits, token insertions, deletions and splices.
fn mutations(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let n = seeds.len();
    (
        0..n,
        0..n,
        prop::collection::vec((0u8..4, any::<u32>(), any::<u32>(), any::<u8>()), 1..8),
    )
        .prop_map(move |(i, j, edits)| {
            let mut s = seeds[i].clone();
            for (kind, at, len, byte) in edits {
                let at = if s.is_empty() {
                    0
                } else {
                    at as usize % (s.len() + 1)
                };
                match kind {
                    0 => {
                        if at < s.len() {
                            s[at] = byte;
                        }
                    }
                    1 => {
                        let t = TOKENS[byte as usize % TOKENS.len()].as_bytes();
                        s.splice(at..at, t.iter().copied());
                    }
                    2 => {
                        let end = (at + len as usize % 64).min(s.len());
                        s.drain(at..end);
                    }
                    _ => {
                        let other = &seeds[j];
                        let from = len as usize % (other.len() + 1);
                        let end = (from + 256).min(other.len());
                        s.splice(at..at, other[from..end].iter().copied());
                    }
                }
            }
            s
        })
}

fn fuzz(cases: u32, strategy: impl Strategy<Value = Vec<u8>>, f: impl Fn(&[u8])) {
    let mut runner = TestRunner::new_with_rng(
        config(cases),
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    runner
        .run(&strategy, |input| {
            f(&input);
            Ok(())
        })
        .unwrap();
}

#[test]
fn fuzz_parse_rules() {
    fuzz(200, mutations(seeds("rules")), |b| {
        let text = String::from_utf8_lossy(b);
        let _ = check_in_memory(&text, b"Post;A\nRad;1\n");
    });
}

#[test]
fn fuzz_number() {
    let cells: Vec<Vec<u8>> = seeds("csv")
        .iter()
        .flat_map(|f| {
            f.split(|b| *b == b';' || *b == b'\n')
                .map(<[u8]>::to_vec)
                .collect::<Vec<_>>()
        })
        .filter(|c| !c.is_empty())
        .take(400)
        .collect();
    fuzz(400, mutations(cells), |b| {
        let text = String::from_utf8_lossy(b);
        if let CellValue::Number(f) = parse_cell(&text) {
            let printed = format_decimal(&f.value);
            assert!(
                matches!(parse_cell(&printed), CellValue::Number(g) if g.value == f.value),
                "{text:?} → {printed:?}"
            );
        }
    });
}

#[test]
fn fuzz_csv() {
    fuzz(200, mutations(seeds("csv")), |b| {
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        if let Some(t) = load_csv("f.csv", "f", b, &mut sources, &mut problems) {
            let file = sources.get(t.source);
            for row in t.iter_rows() {
                for c in row.cells {
                    let _ = file.slice(c.span());
                }
            }
        }
    });
}

#[test]
fn fuzz_check() {
    let rules = seeds("rules");
    let tables = seeds("csv");
    let pairs: Vec<Vec<u8>> = rules
        .iter()
        .zip(tables.iter().cycle())
        .map(|(r, t)| [r.as_slice(), b"\0", t.as_slice()].concat())
        .collect();
    fuzz(60, mutations(pairs), |b| {
        let split = b.iter().position(|x| *x == 0).unwrap_or(b.len());
        let rules = String::from_utf8_lossy(&b[..split]);
        let csv = b.get(split + 1..).unwrap_or(&[]);
        let (o, _, sources) = check_in_memory(&rules, csv);
        let style = rimlig::render::human::Style {
            color: false,
            width: 100,
            verbose: true,
        };
        for f in &o.findings {
            let _ = rimlig::render::human::render_finding(f, &sources, style);
        }
    });
}

// ------------------------------------------------------------------ the quick pass

/// Rules of every shape the quick pass (src/eval/fast.rs) reads, and some it leaves alone.
const QUICK_RULES: &str = r#"
table t "t" {
  key    namn "namn"
  column g    "g"    text
  column a    "a"    tkr
  column b    "b"    tkr
  column c    "c"
  total  "Summa*"
}
let gräns = 50
rule r-diff "c = a − b" { each t: c == a - b within rounding }
rule r-exact "c = a − b exactly" { each t: c == a - b }
rule r-le "a ≤ b + 3" { each t: a <= b + 3 within rounding }
rule r-chain "chain" { each t: -a < b <= a + b + 100 }
rule r-ne "a ≠ b" { each t: a != b within rounding }
rule r-abs "within 2 tkr" { each t: c == a - b within 2 tkr }
rule r-abs-kr "within 500 kr" { each t: c == a - b within 500 kr }
rule r-pct "within 5 %" { each t: c == a - b within 5 % }
rule r-unit "a ≥ 1,5 mkr" { each t: a >= 1.5 mkr within rounding }
rule r-let "a ≤ gräns" { each t: a <= gräns }
rule r-sum "sums" {
  in t by g:
    for x in [a, b, c]:
      sum(x) == total.x within rounding
}
rule r-sum-table "whole table" { in t: sum(a) - sum(b) == sum(c) within rounding }
rule r-each-sum "a row and the whole column" { each t: a <= sum(a) + total.b within rounding }
table tg "t" {
  key    namn "namn"
  column g    "g"    text
  column a    "a"    tkr
  column b    "b"    tkr
  total  "Summa*"
  group  g
}
rule r-each-group "a row and its group" { each tg: a - sum(b) <= total.a + 5 within rounding }
rule r-in-group "declared groups" { in tg: sum(a) >= total.b }
"#;

/// A cell of the quick-pass tables: figures of every form, missing values, texts.
fn quick_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (-300i64..300).prop_map(|v| v.to_string()),
        2 => (-3000i64..3000, 1u32..3).prop_map(|(m, d)| format_decimal(&Decimal::new(m, d))),
        1 => (-5i64..5).prop_map(|v| format!("{v} mkr")),
        1 => (-500i64..500).prop_map(|v| format!("{v} kr")),
        1 => (1i64..9).prop_map(|v| format!("{v}00000000000000")),
        1 => prop::sample::select(vec!["", "..", "–", "x", "1,234567891"]).prop_map(String::from),
    ]
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn the_quick_pass_changes_nothing(
        rows in prop::collection::vec(
            (0usize..3, any::<bool>(), quick_cell(), quick_cell(), quick_cell(), prop::option::of(-16i64..17)),
            1..24,
        ),
        whole_numbers in any::<bool>(),
    ) {
        let mut table: Vec<(String, usize, [String; 3])> = Vec::new();
        for (i, (g, total, a, b, c, off)) in rows.iter().enumerate() {
            let name = if *total { "Summa".to_string() } else { format!("rad {i}") };
            // Columns of whole numbers and empty cells only, which a table keeps compactly
            // and the quick pass reads column by column.
            let whole = |x: &String| match x.parse::<i64>() {
                Ok(v) => v.to_string(),
                Err(_) if x.is_empty() => String::new(),
                Err(_) => (x.len() as i64 * 7).to_string(),
            };
            let (a, b) = if whole_numbers { (whole(a), whole(b)) } else { (a.clone(), b.clone()) };
            // Often c = a − b, give or take some tenths: the edges of every tolerance.
            let c = match (a.parse::<i64>(), b.parse::<i64>(), off) {
                (Ok(x), Ok(y), Some(o)) if whole_numbers || o % 4 == 0 => (x - y + o / 4).to_string(),
                (Ok(x), Ok(y), Some(o)) => format_decimal(&Decimal::new((x - y) * 10 + o, 1)),
                _ if whole_numbers => whole(c),
                _ => c.clone(),
            };
            table.push((name, *g, [a, b, c]));
        }
        if whole_numbers {
            // Totals at a whole number's distance from their group's sum: the edges of
            // `sum(x) == total.x within rounding`, whose width grows with the rows summed.
            for (k, row) in rows.iter().enumerate() {
                let (g, total, off) = (row.0, row.1, row.5);
                if !total {
                    continue;
                }
                for x in 0..3 {
                    let sum: i64 = table
                        .iter()
                        .filter(|(name, h, _)| name != "Summa" && *h == g)
                        .filter_map(|(_, _, cells)| cells[x].parse::<i64>().ok())
                        .sum();
                    let off = off.unwrap_or(0) / 3 + x as i64 - 1;
                    table[k].2[x] = (sum + off).to_string();
                }
            }
        }
        let mut csv = String::from("namn;g;a;b;c\n");
        for (name, g, [a, b, c]) in &table {
            csv.push_str(&format!("{name};grupp {g};{a};{b};{c}\n"));
        }
        let slow = Options { quick: false, ..Options::default() };
        let (a, pa, _) = check_with_options(QUICK_RULES, csv.as_bytes(), &Options::default());
        let (b, _, _) = check_with_options(QUICK_RULES, csv.as_bytes(), &slow);
        prop_assert!(pa.iter().all(|p| !p.code.starts_with("rules::")), "{:?}", pa);
        let stats = |o: &Outcome| o.stats.iter().map(|(r, s)| (r.clone(), s.passed, s.failed, s.not_applicable)).collect::<Vec<_>>();
        prop_assert_eq!(stats(&a), stats(&b));
        let said = |o: &Outcome| o.findings.iter().map(|f| format!("{} {} {:?}", f.rule, f.message, f.help)).collect::<Vec<_>>();
        prop_assert_eq!(said(&a), said(&b));
        let na = |o: &Outcome| o.not_applicable.iter().map(|n| n.reason.clone()).collect::<Vec<_>>();
        prop_assert_eq!(na(&a), na(&b));

        // Loops split into parts of two rows (or groups), evaluated in parallel, give the
        // same, in the same order; also where only the first findings of a rule are listed.
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        for max in [usize::MAX, 2] {
            let whole = Options { max_findings_per_rule: max, ..Options::default() };
            let split = Options { rows_per_part: 2, ..whole.clone() };
            let (w, _, _) = check_with_options(QUICK_RULES, csv.as_bytes(), &whole);
            let (s, _, _) = pool.install(|| check_with_options(QUICK_RULES, csv.as_bytes(), &split));
            prop_assert_eq!(stats(&w), stats(&s));
            prop_assert_eq!(said(&w), said(&s));
            prop_assert_eq!(na(&w), na(&s));
            prop_assert_eq!(&w.unlisted, &s.unlisted);
            // Past the cap, failing rows the quick pass can tell are only counted: as many
            // as the full evaluation counts.
            let full = Options { quick: false, ..whole.clone() };
            let (f, _, _) = check_with_options(QUICK_RULES, csv.as_bytes(), &full);
            prop_assert_eq!(stats(&w), stats(&f));
            prop_assert_eq!(said(&w), said(&f));
            prop_assert_eq!(&w.unlisted, &f.unlisted);
        }

        // A cap on the whole run lists the run's first findings, in rule order, and counts
        // the rest per rule, whichever rules finished first.
        let all = Options { max_findings_per_rule: usize::MAX, ..Options::default() };
        let (u, _, _) = check_with_options(QUICK_RULES, csv.as_bytes(), &all);
        let counted = |o: &Outcome| o.findings.len() + o.unlisted.iter().map(|(_, n)| n).sum::<usize>();
        for cap in [0, 1, 3] {
            let capped = Options { max_findings_per_run: cap, rows_per_part: 2, ..all.clone() };
            let (c, _, _) = pool.install(|| check_with_options(QUICK_RULES, csv.as_bytes(), &capped));
            let first: Vec<String> = said(&u).into_iter().take(cap).collect();
            prop_assert_eq!(said(&c), first);
            prop_assert_eq!(counted(&c), counted(&u));
            prop_assert_eq!(stats(&c), stats(&u));
        }
    }
}
