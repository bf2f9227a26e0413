//! Evaluation semantics, end to end through `rimlig::run::check`: small reports and rule
//! files under `tests/data/semantics/<case>/`, and the findings, instance counts and problems
//! they must give.

use rimlig::finding::Finding;
use rimlig::run::{Run, check};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::process::Command;

// ------------------------------------------------------------------ helpers

fn case(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/semantics")
        .join(name)
}

/// `<case>/report` checked against `<case>/<rules>`.
fn run_with(name: &str, rules: &str) -> Run {
    let dir = case(name);
    check(&[dir.join("report")], &[dir.join(rules)])
}

fn run(name: &str) -> Run {
    let r = run_with(name, "case.rules");
    let fatal: Vec<String> = r
        .problems
        .iter()
        .filter(|p| p.code.starts_with("rules::"))
        .map(|p| format!("[{}] {}", p.code, p.message))
        .collect();
    assert!(
        fatal.is_empty(),
        "case {name}: unexpected rule problems {fatal:#?}"
    );
    r
}

/// (passed, failed, not applicable) of a rule.
fn stats(run: &Run, rule: &str) -> (usize, usize, usize) {
    let (_, s) = run
        .outcome
        .stats
        .iter()
        .find(|(r, _)| r == rule)
        .unwrap_or_else(|| {
            panic!(
                "no rule {rule} in {:?}",
                run.outcome.stats.iter().map(|(r, _)| r).collect::<Vec<_>>()
            )
        });
    (s.passed, s.failed, s.not_applicable)
}

fn findings<'a>(run: &'a Run, rule: &str) -> Vec<&'a Finding> {
    run.outcome
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .collect()
}

/// The row keys of a rule's findings, in order.
fn failing_rows(run: &Run, rule: &str) -> Vec<String> {
    findings(run, rule)
        .iter()
        .map(|f| f.row_key.as_deref().unwrap_or_default().to_string())
        .collect()
}

/// The row keys of a rule's not-applicable instances, and their reasons.
fn not_applicable<'a>(run: &'a Run, rule: &str) -> Vec<(Option<&'a str>, &'a str)> {
    run.outcome
        .not_applicable
        .iter()
        .filter(|n| n.rule == rule || n.rule.starts_with(&format!("{rule}[")))
        .map(|n| (n.row_key.as_deref(), n.reason.as_str()))
        .collect()
}

/// The one finding of a rule.
fn the_finding<'a>(run: &'a Run, rule: &str) -> &'a Finding {
    let f = findings(run, rule);
    assert_eq!(f.len(), 1, "{rule}: {f:#?}");
    f[0]
}

/// Left value, right value and difference of a finding, as plain decimals.
fn values(f: &Finding) -> (&str, &str, Option<&str>) {
    let v = f
        .values
        .as_ref()
        .unwrap_or_else(|| panic!("{}: no values", f.rule));
    (v.left.as_str(), v.right.as_str(), v.difference.as_deref())
}

fn codes(run: &Run) -> Vec<&str> {
    run.problems.iter().map(|p| p.code).collect()
}

// ------------------------------------------------------------------ within rounding

#[test]
fn rounding_a_sum_of_eight_rounded_rows_may_be_off_by_one() {
    let r = run("rounding");
    // redovisat and budget add up exactly; avvikelse sums to 6 873 against 6 874 and passes.
    assert_eq!(stats(&r, "summa"), (3, 1, 0));
    let f = the_finding(&r, "summa");
    assert_eq!(f.bindings, [("c".to_string(), "foreg".to_string())]);
    assert_eq!(f.instance_name(), "summa[foreg]");
    // The failing one is foreg, off by 5; its two dashes are exact, so rounding allows 3,5.
    assert_eq!(f.row_key.as_deref(), Some("Summa"));
    assert_eq!(f.column_name.as_deref(), Some("Föregående år"));
    assert_eq!(values(f), ("16015", "16020", Some("-5")));
    let v = f.values.as_ref().unwrap();
    assert_eq!(v.op, "==");
    assert!(
        v.tolerance.as_deref().is_some_and(|t| t.contains("3,5")),
        "{v:?}"
    );
    assert!(f.message.contains("summed 8 rows"), "{}", f.message);
}

#[test]
fn rounding_the_same_sum_without_tolerance_fails() {
    let r = run("rounding");
    assert_eq!(stats(&r, "summa-exakt"), (0, 1, 0));
    let f = the_finding(&r, "summa-exakt");
    assert_eq!(
        (f.row_key.as_deref(), f.column_name.as_deref()),
        (Some("Summa"), Some("Avvikelse"))
    );
    assert_eq!(values(f), ("6873", "6874", Some("-1")));
    assert_eq!(f.values.as_ref().unwrap().tolerance, None);
}

#[test]
fn rounding_row_identity_holds_on_every_row_including_the_total_row() {
    let r = run("rounding");
    // `each` runs over the total row too: 8 rows and Summa (8 486 − 1 613 = 6 873 ≈ 6 874).
    assert_eq!(stats(&r, "drift-rad"), (9, 0, 0));
}

#[test]
fn rounding_995_where_1000_minus_0_is_expected_fails() {
    let r = run("rounding");
    assert_eq!(stats(&r, "prognos-rad"), (1, 1, 0));
    let f = the_finding(&r, "prognos-rad");
    assert_eq!(f.row_key.as_deref(), Some("Kontakt Linköping"));
    assert_eq!(f.column_name.as_deref(), Some("Avvikelse"));
    assert_eq!(f.title, "Avvikelse = prognos − budget");
    assert_eq!(values(f), ("995", "1000", Some("-5")));
    assert!(
        f.values
            .as_ref()
            .unwrap()
            .tolerance
            .as_deref()
            .is_some_and(|t| t.contains("1,5"))
    );
    // The finding points at the 995 in the file.
    assert_eq!((f.line, f.column), (2, 27));
    assert!(f.file.ends_with("prognos.csv"));
    let src = std::fs::read_to_string(case("rounding").join("report/prognos.csv")).unwrap();
    assert_eq!(&src[f.span.offset..f.span.offset + f.span.length], "995");
    assert_eq!(r.exit_code(false), 1);
}

// ------------------------------------------------------------------ within N, within N%

#[test]
fn absolute_tolerance_and_its_spellings() {
    let r = run("tolerance");
    // |diff| = 4, 6, 9, 11, 4.8, 5: within 5 holds for A, E and F (the bound is inclusive).
    for rule in ["inom-5", "plusminus-5", "ascii-plusminus-5"] {
        assert_eq!(stats(&r, rule), (3, 3, 0), "{rule}");
        assert_eq!(failing_rows(&r, rule), ["B", "C", "D"], "{rule}");
    }
    let f = &findings(&r, "inom-5")[0];
    assert_eq!(values(f), ("106", "100", Some("6")));
    assert!(
        f.values
            .as_ref()
            .unwrap()
            .tolerance
            .as_deref()
            .is_some_and(|t| t.contains('5'))
    );
    // Without a tolerance every difference fails.
    assert_eq!(stats(&r, "exakt"), (0, 6, 0));
}

#[test]
fn tolerance_on_an_inequality() {
    let r = run("tolerance");
    // utfall <= plan within 5: A (104), E and F (105) hold; B, C, D are over by more than 5.
    assert_eq!(stats(&r, "hogst-5-over"), (3, 3, 0));
    assert_eq!(failing_rows(&r, "hogst-5-over"), ["B", "C", "D"]);
}

#[test]
fn relative_tolerance_is_relative_to_the_right_side() {
    let r = run("tolerance");
    // 5 % of plan: 5, 5, 10, 10, 5, 5.
    assert_eq!(stats(&r, "inom-5-procent"), (4, 2, 0));
    assert_eq!(failing_rows(&r, "inom-5-procent"), ["B", "D"]);
    // 5 % of utfall: E's 95,2 allows only 4,76 against a difference of 4,8.
    assert_eq!(stats(&r, "inom-5-procent-omvant"), (3, 3, 0));
    assert_eq!(failing_rows(&r, "inom-5-procent-omvant"), ["B", "D", "E"]);
    let e = findings(&r, "inom-5-procent-omvant")[2];
    assert_eq!(values(e), ("100", "95.2", Some("4.8")));
    assert!(
        e.values
            .as_ref()
            .unwrap()
            .tolerance
            .as_deref()
            .is_some_and(|t| t.contains("4,76"))
    );
}

#[test]
fn let_constants() {
    let r = run("tolerance");
    assert_eq!(stats(&r, "under-taket"), (3, 3, 0));
    assert_eq!(failing_rows(&r, "under-taket"), ["B", "C", "D"]);
}

// ------------------------------------------------------------------ missing values

#[test]
fn missing_cells_make_instances_not_applicable_and_are_counted() {
    let r = run("missing");
    // Empty, "..", ".", "I.U." and "N/A": not applicable; the two dashes are 0 == 0; Fel fails.
    assert_eq!(stats(&r, "lika"), (3, 1, 5));
    assert_eq!(failing_rows(&r, "lika"), ["Fel"]);
    let na = not_applicable(&r, "lika");
    let rows: Vec<Option<&str>> = na.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        rows,
        [
            Some("Tom"),
            Some("Ej tillgänglig"),
            Some("Kan ej förekomma"),
            Some("Ingen uppgift"),
            Some("Ej tillämplig")
        ]
    );
    assert!(na.iter().all(|(_, why)| why.contains("missing")), "{na:?}");
    let summary = r.summary();
    assert_eq!(
        summary.instances.not_applicable,
        r.outcome.not_applicable.len()
    );
}

#[test]
fn a_lone_dash_is_an_exact_zero() {
    let r = run("missing");
    // "-" and "–" are exactly 0: not within rounding of 0.4 …
    assert_eq!(stats(&r, "streck-ar-exakt"), (0, 2, 0));
    assert_eq!(
        failing_rows(&r, "streck-ar-exakt"),
        ["Streck", "Tankstreck"]
    );
    assert_eq!(
        values(findings(&r, "streck-ar-exakt")[0]),
        ("0", "0.4", Some("-0.4"))
    );
    // … while a printed 0 stands for [-0,5; 0,5].
    assert_eq!(stats(&r, "noll-ar-avrundad"), (2, 0, 0));
}

#[test]
fn a_sum_over_a_column_with_a_missing_cell_is_not_applicable() {
    let r = run("missing");
    assert_eq!(stats(&r, "summa-med-lucka"), (0, 0, 1));
    let na = not_applicable(&r, "summa-med-lucka");
    assert!(
        na[0].1.contains("sum(utfall)") && na[0].1.contains("missing"),
        "{na:?}"
    );
    assert_eq!(stats(&r, "summa-utan-lucka"), (1, 0, 0));
}

#[test]
fn is_missing_and_is_present() {
    let r = run("missing");
    assert_eq!(stats(&r, "finns"), (4, 5, 0));
    assert_eq!(
        failing_rows(&r, "finns"),
        [
            "Tom",
            "Ej tillgänglig",
            "Kan ej förekomma",
            "Ingen uppgift",
            "Ej tillämplig"
        ]
    );
    // The finding points at the missing cell itself.
    let f = findings(&r, "finns")[0];
    assert_eq!(f.column_name.as_deref(), Some("Utfall"));
    let v = f.values.as_ref().expect("a predicate finding has values");
    assert_eq!(v.op, "is present");
    assert!(f.message.contains("but must be given"), "{}", f.message);
    assert_eq!(stats(&r, "saknas"), (5, 4, 0));
    assert_eq!(
        failing_rows(&r, "saknas"),
        ["Streck", "Tankstreck", "Fel", "Rätt"]
    );
    assert_eq!(stats(&r, "finns-inte"), stats(&r, "saknas"));
    // `if` runs its assertion only where the condition holds: five instances, all pass.
    assert_eq!(stats(&r, "om-saknas"), (5, 0, 0));
}

#[test]
fn and_and_or_are_decided_by_either_side_when_the_other_reads_a_missing_cell() {
    let r = run("missing");
    // `plan > 100` is false on every row: the conjunction fails there in both orders.
    assert_eq!(stats(&r, "och-vanster"), (0, 9, 0));
    assert_eq!(stats(&r, "och-hoger"), (0, 9, 0));
    assert_eq!(
        failing_rows(&r, "och-vanster"),
        failing_rows(&r, "och-hoger")
    );
    assert_eq!(stats(&r, "eller-vanster"), (9, 0, 0));
    // Undecided when the side that can be decided holds: the five missing cells.
    assert_eq!(stats(&r, "och-oavgjord"), (2, 2, 5));
}

// ------------------------------------------------------------------ arithmetic that cannot be done

#[test]
fn division_by_zero_is_not_applicable() {
    let r = run("arithmetic");
    assert_eq!(stats(&r, "kvot"), (2, 0, 1));
    let na = not_applicable(&r, "kvot");
    assert_eq!(na[0].0, Some("Noll"));
    assert!(na[0].1.contains("division by zero"), "{na:?}");
    assert_eq!(stats(&r, "noll-division-i-summa"), (0, 0, 1));
}

#[test]
fn overflow_is_not_applicable_never_a_panic() {
    let r = run("arithmetic");
    // 79228162514264337593543950335 is the largest decimal; + 1 and squaring overflow.
    assert_eq!(stats(&r, "plus-ett"), (2, 0, 1));
    assert_eq!(not_applicable(&r, "plus-ett")[0].0, Some("Stor"));
    assert!(not_applicable(&r, "plus-ett")[0].1.contains("overflow"));
    assert_eq!(stats(&r, "kvadrat"), (2, 0, 1));
    assert_eq!(stats(&r, "literal-overflow"), (0, 0, 3));
    assert!(r.outcome.findings.is_empty());
    assert_eq!(r.exit_code(false), 0);
}

#[test]
fn a_figure_compared_with_text_is_not_applicable() {
    let r = run("arithmetic");
    assert_eq!(stats(&r, "text-mot-tal"), (0, 0, 3));
}

#[test]
fn round_is_half_away_from_zero() {
    let r = run("arithmetic");
    assert_eq!(stats(&r, "avrundning"), (1, 0, 0));
}

// ------------------------------------------------------------------ text

#[test]
fn text_compared_with_equals_is_exact() {
    let r = run("text");
    // "Klar" is not "klar"; surrounding spaces of a cell do not count.
    assert_eq!(stats(&r, "klar"), (2, 2, 0));
    assert_eq!(failing_rows(&r, "klar"), ["P2", "P4"]);
    assert_eq!(values(findings(&r, "klar")[0]), ("Klar", "klar", None));
    assert_eq!(stats(&r, "inte-klar"), (2, 2, 0));
    assert_eq!(failing_rows(&r, "inte-klar"), ["P1", "P3"]);
}

#[test]
fn matches_is_a_case_insensitive_glob() {
    let r = run("text");
    assert_eq!(stats(&r, "matchar"), (3, 1, 0));
    assert_eq!(failing_rows(&r, "matchar"), ["P4"]);
    assert_eq!(stats(&r, "matchar-glob"), (4, 0, 0));
    assert_eq!(stats(&r, "projekt-nyckel"), (4, 0, 0));
    // `key` is the row's key.
    assert_eq!(stats(&r, "nyckel"), (3, 1, 0));
    assert_eq!(failing_rows(&r, "nyckel"), ["P4"]);
    assert_eq!(stats(&r, "nyckel-glob"), (4, 0, 0));
}

// ------------------------------------------------------------------ groups

#[test]
fn declared_groups_are_checked_one_by_one() {
    let r = run("groups");
    // Sjukfrånvaro: 4 ≤ 5 ≤ 6 holds; Omsättning: 6 is above both 2 and 5.
    assert_eq!(stats(&r, "mellan"), (1, 1, 0));
    let f = the_finding(&r, "mellan");
    assert_eq!(f.row_key.as_deref(), Some("Totalt"));
    assert_eq!(f.line, 5);
    assert_eq!(values(f), ("6", "5", Some("1")));
    assert_eq!(f.values.as_ref().unwrap().op, "<=");
    // In row scope an aggregate runs over the row's own group.
    assert_eq!(stats(&r, "medel"), (1, 1, 0));
    assert_eq!(values(the_finding(&r, "medel")), ("6", "3.5", Some("2.5")));
    // Outside a group "Män" names two rows.
    assert_eq!(stats(&r, "tvetydig"), (0, 0, 1));
}

#[test]
fn in_table_by_column() {
    let r = run("groups");
    assert_eq!(stats(&r, "per-kategori"), (1, 1, 0));
    let f = the_finding(&r, "per-kategori");
    assert_eq!(
        (f.row_key.as_deref(), f.column_name.as_deref()),
        (Some("Summa B"), Some("Belopp"))
    );
    assert_eq!(values(f), ("45", "50", Some("-5")));
    // Without `by`, two total rows: not applicable.
    assert_eq!(stats(&r, "utan-by"), (0, 0, 1));
    assert!(not_applicable(&r, "utan-by")[0].1.contains("total rows"));
}

// ------------------------------------------------------------------ lookups by key

#[test]
fn rows_reached_by_key() {
    let r = run("lookup");
    assert_eq!(stats(&r, "ekonomi-prognos"), (1, 0, 0));
    // The key taken from each row of budget.csv (Windows-1252) reaches prognos' rows.
    assert_eq!(stats(&r, "budget-per-verksamhet"), (2, 1, 0));
    let f = the_finding(&r, "budget-per-verksamhet");
    assert_eq!(f.row_key.as_deref(), Some("Kontakt Linköping"));
    assert_eq!(values(f), ("5", "0", Some("5")));
    assert!(codes(&r).contains(&"data::windows-1252"));
    // Its span counts the bytes of the file as stored: "ö" is one byte in Windows-1252.
    let bytes = std::fs::read(case("lookup").join("report/budget.csv")).unwrap();
    assert_eq!(&bytes[f.span.offset..f.span.offset + f.span.length], b"5");
    // A key no row has: not applicable.
    assert_eq!(stats(&r, "finns-inte"), (0, 0, 1));
    assert!(not_applicable(&r, "finns-inte")[0].1.contains("Finns inte"));
    // A key that looks like a row's but has a Cyrillic letter: the reason names the letter.
    assert_eq!(stats(&r, "kyrilliskt-a"), (0, 0, 1));
    let reason = not_applicable(&r, "kyrilliskt-a")[0].1;
    assert!(
        reason.contains("the Cyrillic letter 'А' (U+0410)") && reason.contains("\"LKDATA\""),
        "{reason}"
    );
}

#[test]
fn skipped_rows_are_left_out_of_sums_but_reachable() {
    let r = run("lookup");
    assert_eq!(stats(&r, "summa-utan-varav"), (1, 0, 0));
    assert_eq!(stats(&r, "varav-nas"), (1, 0, 0));
}

#[test]
fn previous_is_not_evaluated_yet() {
    let r = run("lookup");
    assert_eq!(stats(&r, "mot-foregaende"), (0, 0, 1));
    assert!(
        not_applicable(&r, "mot-foregaende")[0]
            .1
            .contains("previous")
    );
}

#[test]
fn numeric_keys_find_their_row() {
    let r = run_with("lookup", "numeric-key.rules");
    assert_eq!(stats(&r, "nyckel-text"), (1, 0, 0));
    assert_eq!(
        stats(&r, "nyckel-tal"),
        (1, 0, 0),
        "{:?}",
        not_applicable(&r, "nyckel-tal")
    );
}

// ------------------------------------------------------------------ units

#[test]
fn declared_units_convert_exactly() {
    let r = run("units");
    // 6,3 mkr is [6 250; 6 350] tkr and meets 6 339 tkr.
    assert_eq!(stats(&r, "mkr-tkr-avrundning"), (1, 0, 0));
    assert_eq!(stats(&r, "enhet-i-cellen"), (1, 0, 0));
    // Exactly, 6 300 is not 6 339.
    assert_eq!(stats(&r, "mkr-tkr-exakt"), (0, 1, 0));
    assert_eq!(
        the_finding(&r, "mkr-tkr-exakt")
            .values
            .as_ref()
            .unwrap()
            .difference
            .as_deref(),
        Some("-39")
    );
    // 6,2 mkr is at most 6 250 tkr.
    assert_eq!(stats(&r, "mkr-tkr-for-lagt"), (0, 1, 0));
}

#[test]
fn finding_values_are_in_the_unit_of_the_difference() {
    let r = run("units");
    let (left, right, diff) = values(the_finding(&r, "mkr-tkr-exakt"));
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    assert_eq!(
        d(left) - d(right),
        d(diff.unwrap()),
        "left {left}, right {right}, difference {diff:?}"
    );
}

// ------------------------------------------------------------------ mistakes in rule files

#[test]
fn unknown_names_are_rule_errors_with_did_you_mean_and_others_still_run() {
    let r = run_with("unknown-names", "case.rules");
    let text = std::fs::read_to_string(case("unknown-names").join("case.rules")).unwrap();
    let mut seen = Vec::new();
    for p in &r.problems {
        let label = p.labels.first().expect("a label in the rule file");
        let at = &text[label.span.start..label.span.end];
        let help = p.help.as_deref().unwrap_or_default();
        seen.push((p.code, at));
        match p.code {
            "rules::unknown-column" => assert!(help.contains("did you mean `budget`"), "{help}"),
            "rules::unknown-table" => assert!(help.contains("did you mean `drift`"), "{help}"),
            "rules::unknown-name" => assert!(help.contains("did you mean `budget`"), "{help}"),
            other => panic!("unexpected {other}: {}", p.message),
        }
        assert!(p.is_fatal());
    }
    assert_eq!(
        seen,
        [
            ("rules::unknown-column", "budegt"),
            ("rules::unknown-table", "drfit"),
            ("rules::unknown-name", "budgett")
        ]
    );
    // The broken rules are not evaluated; the others are.
    assert_eq!(stats(&r, "okand-kolumn"), (0, 0, 0));
    assert_eq!(stats(&r, "okand-tabell"), (0, 0, 0));
    assert_eq!(stats(&r, "okant-namn"), (0, 0, 0));
    assert_eq!(stats(&r, "positiv"), (2, 1, 0));
    assert_eq!(failing_rows(&r, "positiv"), ["B"]);
    assert_eq!(stats(&r, "summa"), (1, 0, 0));
    assert_eq!(r.exit_code(false), 2);
}

#[test]
fn a_duplicate_rule_id_is_labelled_at_both_definitions() {
    let dir = case("duplicate-id");
    let r = check(&[dir.join("report")], &[dir.join("rules")]);
    assert_eq!(codes(&r), ["rules::duplicate-rule"]);
    let p = &r.problems[0];
    assert!(p.message.contains("samma"));
    assert_eq!(p.labels.len(), 2);
    let at: Vec<(String, (usize, usize), String)> = p
        .labels
        .iter()
        .map(|l| {
            let f = r.sources.get(l.source);
            (
                f.name.rsplit('/').next().unwrap().to_string(),
                f.line_col(l.span.start),
                f.slice(l.span).to_string(),
            )
        })
        .collect();
    assert_eq!(
        at,
        [
            ("b.rules".to_string(), (4, 6), "samma".to_string()),
            ("a.rules".to_string(), (1, 6), "samma".to_string())
        ]
    );
    // The first definition is the one that runs.
    assert_eq!(
        r.rules
            .rules
            .iter()
            .filter(|x| x.rule.id.text == "samma")
            .count(),
        1
    );
    assert_eq!(stats(&r, "samma"), (1, 0, 0));
    assert_eq!(r.exit_code(false), 2);
}

#[test]
fn use_may_not_leave_the_rules_folder() {
    let dir = case("use-escape");
    let r = check(&[dir.join("report")], &[dir.join("rules/main.rules")]);
    let text = std::fs::read_to_string(dir.join("rules/main.rules")).unwrap();
    let refused: Vec<&str> = r
        .problems
        .iter()
        .map(|p| {
            assert_eq!(p.code, "rules::use-outside");
            let l = &p.labels[0];
            &text[l.span.start..l.span.end]
        })
        .collect();
    assert_eq!(
        refused,
        ["\"../x.rules\"", "\"delad/../../x.rules\"", "\"/x.rules\""]
    );
    let ids: Vec<&str> = r
        .rules
        .rules
        .iter()
        .map(|x| x.rule.id.text.as_str())
        .collect();
    assert_eq!(
        ids,
        ["inne", "main"],
        "a file inside the folder is included, none outside"
    );
    assert_eq!(r.exit_code(false), 2);
}

// ------------------------------------------------------------------ the command line

fn rimlig(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rimlig"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run rimlig");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

const DATA: &str = "tests/data/semantics";

#[test]
fn exit_codes() {
    let report = format!("{DATA}/rounding/report");
    let rules = |f: &str| format!("{DATA}/rounding/{f}");
    let code = |extra: &[&str], r: &str| {
        let mut args = vec!["check", report.as_str(), "--color", "never", "--rules"];
        let r = rules(r);
        args.push(&r);
        args.extend_from_slice(extra);
        rimlig(&args).0
    };
    assert_eq!(code(&[], "passing.rules"), Some(0));
    assert_eq!(code(&[], "warning.rules"), Some(0), "warnings alone pass");
    assert_eq!(code(&["--deny", "warnings"], "warning.rules"), Some(1));
    assert_eq!(code(&[], "case.rules"), Some(1));
    let (c, _) = rimlig(&[
        "check",
        &format!("{DATA}/unknown-names/report"),
        "--rules",
        &format!("{DATA}/unknown-names/case.rules"),
    ]);
    assert_eq!(c, Some(2));
}

#[test]
fn json_output_has_the_documented_shape() {
    let (code, out) = rimlig(&[
        "check",
        &format!("{DATA}/rounding/report"),
        "--rules",
        &format!("{DATA}/rounding/case.rules"),
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(1));
    let doc: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "version",
        "findings",
        "problems",
        "not_applicable",
        "rules",
        "summary",
        "exit_code",
    ] {
        assert!(keys.contains(&k), "missing {k} in {keys:?}");
    }
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["exit_code"], 1);
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 3);
    let f = findings
        .iter()
        .find(|f| f["rule"] == "prognos-rad")
        .unwrap();
    assert_eq!(f["severity"], "error");
    assert_eq!(f["row_key"], "Kontakt Linköping");
    assert_eq!(f["column_name"], "Avvikelse");
    assert_eq!(f["table"], "prognos");
    assert_eq!(f["file"], format!("{DATA}/rounding/report/prognos.csv"));
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(2), Some(27))
    );
    assert_eq!(f["span"]["length"], 3);
    assert_eq!(f["values"]["left"], "995");
    assert_eq!(f["values"]["right"], "1000");
    assert_eq!(f["values"]["difference"], "-5");
    assert_eq!(f["values"]["op"], "==");
    assert_eq!(f["rule_file"], format!("{DATA}/rounding/case.rules"));
    assert!(f["related"].is_array() && f["bindings"].is_array());
    let summa = findings.iter().find(|f| f["rule"] == "summa").unwrap();
    assert_eq!(summa["bindings"], serde_json::json!([["c", "foreg"]]));
    let rule = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "drift-rad")
        .unwrap();
    assert_eq!(
        (
            rule["passed"].as_u64(),
            rule["failed"].as_u64(),
            rule["not_applicable"].as_u64()
        ),
        (Some(9), Some(0), Some(0))
    );
    assert_eq!(doc["summary"]["findings"]["error"], 3);
    assert_eq!(doc["summary"]["rules"], 4);
}

// ------------------------------------------------------------------ newest features: helpers

/// (row key, column header) of a rule's findings, in order; "" where there is none.
fn rows_and_columns(run: &Run, rule: &str) -> Vec<(String, String)> {
    findings(run, rule)
        .iter()
        .map(|f| {
            (
                f.row_key.as_deref().unwrap_or_default().to_string(),
                f.column_name.as_deref().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// A report folder of a case other than `report/`, checked against the case's rules.
fn run_folder(name: &str, folder: &str) -> Run {
    let dir = case(name);
    check(&[dir.join(folder)], &[dir.join("case.rules")])
}

// ------------------------------------------------------------------ previous report

#[test]
fn previous_column_in_each_is_the_row_with_the_same_key_then() {
    let r = run("previous");
    // HR service 150 = 150; eLärandeCenter −280 against E-lärandecenter's 280 (the keys differ
    // only in case and punctuation); Ny verksamhet is not in the previous report; Summa
    // −130 against 430.
    for rule in ["samma-rad", "samma-rad-tabell"] {
        assert_eq!(stats(&r, rule), (1, 2, 1), "{rule}");
        assert_eq!(
            rows_and_columns(&r, rule),
            pairs(&[
                ("eLärandeCenter", "Bokslut 2019"),
                ("Summa", "Bokslut 2019")
            ]),
            "{rule}"
        );
        assert_eq!(
            values(findings(&r, rule)[0]),
            ("-280", "280", Some("-560")),
            "{rule}"
        );
        let na = not_applicable(&r, rule);
        assert_eq!(na.len(), 1, "{rule}: {na:?}");
        assert_eq!(na[0].0, Some("Ny verksamhet"));
        assert!(
            na[0]
                .1
                .contains("no row \"Ny verksamhet\" in the previous report"),
            "{na:?}"
        );
    }
    // The finding points at the cell of the checked report, not the previous one.
    let f = findings(&r, "samma-rad")[0];
    assert!(
        f.file.ends_with("previous/report/prognos.csv"),
        "{}",
        f.file
    );
}

#[test]
fn previous_keyed_and_total_references() {
    let r = run("previous");
    // previous.prognos["HR service"].prognos: 210 >= 200.
    assert_eq!(stats(&r, "nyckel"), (1, 0, 0));
    // previous.prognos.total.bokslut and previous.total.bokslut: −130 against 430.
    for rule in ["summa", "summa-kort"] {
        assert_eq!(stats(&r, rule), (0, 1, 0), "{rule}");
        assert_eq!(
            rows_and_columns(&r, rule),
            pairs(&[("Summa", "Bokslut 2019")])
        );
        assert_eq!(values(the_finding(&r, rule)), ("-130", "430", Some("-560")));
    }
}

#[test]
fn each_and_in_previous_table_run_on_the_previous_report() {
    let r = run("previous");
    // Stängd (only in the previous report) has a negative prognos.
    assert_eq!(stats(&r, "forra-each"), (3, 1, 0));
    let f = the_finding(&r, "forra-each");
    assert_eq!(
        (f.row_key.as_deref(), f.column_name.as_deref()),
        (Some("Stängd"), Some("Prognos helår"))
    );
    // (The path is shown as reached: `…/report/../forra/prognos.csv`.)
    assert!(f.file.ends_with("forra/prognos.csv"), "{}", f.file);
    // 200 + 300 − 10 = 490, the previous report's summa.
    assert_eq!(stats(&r, "forra-in"), (1, 0, 0));
}

#[test]
fn previous_row_required_with_is_present() {
    let r = run("previous");
    // HR service and eLärandeCenter (E-lärandecenter then) were there; Ny verksamhet was not.
    assert_eq!(stats(&r, "fanns-forut"), (2, 1, 0));
    assert_eq!(failing_rows(&r, "fanns-forut"), ["Ny verksamhet"]);
    let f = the_finding(&r, "fanns-forut");
    assert_eq!(f.values.as_ref().map(|v| v.op.as_str()), Some("is present"));
    assert!(f.message.contains("but must be given"), "{}", f.message);
}

#[test]
fn without_a_previous_report_previous_checks_are_not_applicable() {
    // forra/ has no report.toml, so no previous report of its own.
    let r = run_folder("previous", "forra");
    // Every check is not applicable, and the run says so.
    assert_eq!(codes(&r), ["check::nothing-decided"]);
    assert!(r.outcome.findings.is_empty(), "{:?}", r.outcome.findings);
    for (rule, n) in [
        ("samma-rad", 4),
        ("samma-rad-tabell", 4),
        ("nyckel", 1),
        ("summa", 1),
        ("summa-kort", 1),
        ("forra-each", 1),
        ("forra-in", 1),
        // `is present` cannot be decided without a previous report either.
        ("fanns-forut", 3),
    ] {
        assert_eq!(stats(&r, rule), (0, 0, n), "{rule}");
        let na = not_applicable(&r, rule);
        assert!(
            na.iter()
                .all(|(_, why)| why.contains("there is no previous report")),
            "{rule}: {na:?}"
        );
    }
}

#[test]
fn a_previous_report_that_is_not_there_makes_previous_checks_not_applicable() {
    // utan-forra/report.toml names ../finns-inte.
    let r = run_folder("previous", "utan-forra");
    assert_eq!(
        codes(&r),
        ["data::previous-missing", "check::nothing-decided"]
    );
    assert_eq!(stats(&r, "samma-rad"), (0, 0, 4));
    assert_eq!(stats(&r, "fanns-forut"), (0, 0, 3));
    let na = not_applicable(&r, "samma-rad");
    assert!(
        na.iter()
            .all(|(_, why)| why.contains("finns-inte") && why.contains("could not be read")),
        "{na:?}"
    );
    assert_eq!(r.exit_code(false), 0);
}

#[test]
fn a_table_of_the_report_itself_or_a_folder_of_no_tables_as_previous_is_a_warning() {
    // egen-tabell/report.toml names its own prognos.csv; tom-forra/report.toml an empty folder.
    let r = run_folder("previous", "egen-tabell");
    assert_eq!(
        codes(&r),
        ["data::previous-itself", "check::nothing-decided"]
    );
    assert_eq!(stats(&r, "samma-rad"), (0, 0, 4));
    let r = run_folder("previous", "tom-forra");
    assert_eq!(
        codes(&r),
        ["data::previous-empty", "check::nothing-decided"]
    );
    assert_eq!(stats(&r, "samma-rad"), (0, 0, 4));
}

#[test]
fn a_previous_report_without_the_tables_compared_with_it_is_a_warning() {
    // annan-forra/report.toml names a folder whose one table is personal.csv: every check
    // that compares prognos with the previous report is not applicable, and the run says why.
    let r = run_folder("previous", "annan-forra");
    assert_eq!(
        codes(&r),
        ["data::previous-unmatched", "check::nothing-decided"]
    );
    let p = &r.problems[0];
    assert!(
        p.message.contains("annan-forra/personal")
            && p.message
                .contains("none of the tables the rules compare with it (prognos)"),
        "{}",
        p.message
    );
    assert!(
        p.help
            .as_deref()
            .is_some_and(|h| h.contains("its tables are personal")),
        "{:?}",
        p.help
    );
    assert_eq!(stats(&r, "samma-rad"), (0, 0, 4));
    // A previous report that has the table is not told about.
    let r = run_folder("previous", "report");
    assert!(!codes(&r).contains(&"data::previous-unmatched"));
}

#[test]
fn a_report_that_names_itself_as_previous_is_a_warning_and_has_no_previous() {
    // sig-sjalv/report.toml says `previous = "."`: the report itself, which could be read, so
    // "could not be read" was the wrong reason, and nothing pointed at the line.
    let r = run_folder("previous", "sig-sjalv");
    assert_eq!(
        codes(&r),
        ["data::previous-itself", "check::nothing-decided"]
    );
    let p = &r.problems[0];
    assert!(
        p.message.contains("names this report itself"),
        "{}",
        p.message
    );
    assert_eq!(p.labels.len(), 1, "at the value in report.toml");
    assert_eq!(stats(&r, "samma-rad"), (0, 0, 4));
    let na = not_applicable(&r, "samma-rad");
    assert!(
        na.iter()
            .all(|(_, why)| why.contains("names this report itself")),
        "{na:?}"
    );
    assert_eq!(r.exit_code(false), 0);
}

// ------------------------------------------------------------------ parent

#[test]
fn parent_is_the_nearest_row_above_that_is_not_a_part_row() {
    let r = run("parent");
    // Varav chatt's utfall 210 000 is more than Ärenden Kontakt Linköping's 201 000. Varav
    // e-post's prognos 40 000 is more than Varav chatt's 30 000 above it, but its parent is
    // Ärenden Kontakt Linköping (250 000): it passes.
    assert_eq!(stats(&r, "varav-mindre"), (5, 1, 0));
    let f = the_finding(&r, "varav-mindre");
    assert_eq!(f.instance_name(), "varav-mindre[utfall]");
    assert_eq!(
        (f.row_key.as_deref(), f.column_name.as_deref()),
        (Some("Varav chatt"), Some("Oktober 2020"))
    );
    assert_eq!(values(f), ("210000", "201000", Some("9000")));
    assert_eq!(f.values.as_ref().unwrap().op, "<=");
}

#[test]
fn parent_in_a_row_that_is_not_a_part_row_is_not_applicable() {
    let r = run("parent");
    assert_eq!(stats(&r, "parent-overallt"), (2, 1, 2));
    assert_eq!(failing_rows(&r, "parent-overallt"), ["Varav chatt"]);
    let na = not_applicable(&r, "parent-overallt");
    let rows: Vec<Option<&str>> = na.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        rows,
        [
            Some("Ärenden Kontakt Linköping"),
            Some("Ärenden LKDATA support")
        ]
    );
    assert!(
        na.iter().all(|(_, why)| why.contains("not a part row")),
        "{na:?}"
    );
}

// ------------------------------------------------------------------ either sign

/// (table, row key) of a rule's findings, in order.
fn tables_and_rows(run: &Run, rule: &str) -> Vec<(String, String)> {
    findings(run, rule)
        .iter()
        .map(|f| {
            (
                f.table.to_string(),
                f.row_key.as_deref().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn either_sign_findings_table_by_table() {
    let r = run("either-sign");
    // prognos-motsatt: budget − prognos throughout (C is 0 both ways): passes.
    // prognos-en: A, C, D as written, B alone the other way: B.
    // prognos-bada: B (80 − 50 = 30, written 25) holds neither way.
    // prognos-lika: A, B as written, C, D the other way: a tie, so C and D (they differ from
    //   the rule as written).
    // prognos-minoritet: A, B the other way, C alone as written: C.
    assert_eq!(
        tables_and_rows(&r, "tecken"),
        pairs(&[
            ("prognos-bada", "B"),
            ("prognos-en", "B"),
            ("prognos-lika", "C"),
            ("prognos-lika", "D"),
            ("prognos-minoritet", "C"),
        ])
    );
    assert_eq!(stats(&r, "tecken"), (11, 5, 0));
    for f in findings(&r, "tecken") {
        assert_eq!(f.column_name.as_deref(), Some("Avvikelse"), "{f:?}");
    }
}

#[test]
fn either_sign_a_table_written_the_other_way_passes() {
    let r = run("either-sign");
    assert!(
        !tables_and_rows(&r, "tecken")
            .iter()
            .any(|(t, _)| t == "prognos-motsatt")
    );
    // `either sign` may also come before the tolerance.
    assert_eq!(stats(&r, "tecken-omvand-ordning"), (3, 0, 0));
    // Without it, the rows written the other way fail.
    assert_eq!(stats(&r, "utan-either-sign"), (1, 2, 0));
    assert_eq!(failing_rows(&r, "utan-either-sign"), ["A", "B"]);
}

#[test]
fn either_sign_messages_say_which_way_the_row_differs() {
    let r = run("either-sign");
    let of = |table: &str, row: &str| {
        findings(&r, "tecken")
            .into_iter()
            .find(|f| f.table == table && f.row_key.as_deref() == Some(row))
            .unwrap_or_else(|| panic!("no finding at {table} · {row}"))
    };
    let both = of("prognos-bada", "B");
    assert!(
        both.message
            .contains("the opposite sign, -30, does not match either"),
        "{}",
        both.message
    );
    assert_eq!(values(both), ("25", "30", Some("-5")));
    // The odd row out is shown the way round it does not hold: as written.
    let odd = of("prognos-en", "B");
    assert!(
        odd.message
            .contains("the other 3 rows of prognos-en follow the rule as written"),
        "{}",
        odd.message
    );
    assert_eq!(values(odd), ("20", "-20", Some("40")));
    let minority = of("prognos-minoritet", "C");
    assert!(
        minority.message.contains("have the opposite sign"),
        "{}",
        minority.message
    );
}

// ------------------------------------------------------------------ texts, count, sum where, by

#[test]
fn a_text_built_with_plus_is_a_key() {
    let r = run("functions");
    // "Ärenden " + indikator: Kontakt Linköping agrees, LKDATA support does not, and there is
    // no row "Ärenden Saknas".
    assert_eq!(stats(&r, "samma-tal"), (1, 1, 1));
    assert_eq!(
        rows_and_columns(&r, "samma-tal"),
        pairs(&[("LKDATA support", "Oktober 2020")])
    );
    assert_eq!(
        values(the_finding(&r, "samma-tal")),
        ("47000", "48000", Some("-1000"))
    );
    let na = not_applicable(&r, "samma-tal");
    assert_eq!(na[0].0, Some("Saknas"));
    assert!(na[0].1.contains("\"Ärenden Saknas\""), "{na:?}");
}

#[test]
fn in_table_by_column_with_a_total_row_per_group() {
    let r = run("functions");
    // IT: 1 000 + 300 = 1 300 ✓ (Nätverk's empty Typ continues IT); Lokaler: 2 000 + 500 +
    // 100 = 2 600 against 2 700 ✗.
    assert_eq!(stats(&r, "per-typ"), (1, 1, 0));
    assert_eq!(
        rows_and_columns(&r, "per-typ"),
        pairs(&[("Summa lokaler", "Netto")])
    );
    let f = the_finding(&r, "per-typ");
    // The sides as written: sum(netto) == total.netto; the finding points at the total.
    assert_eq!(values(f), ("2600", "2700", Some("-100")));
    assert!(
        f.message
            .contains("summed 3 rows: Ombyggnad, Inventarier, Möbler"),
        "{}",
        f.message
    );
}

#[test]
fn count_without_arguments_counts_rows_and_count_of_a_column_its_present_cells() {
    let r = run("functions");
    // Five rows besides the two total rows.
    assert_eq!(stats(&r, "antal"), (1, 0, 0));
    // Per Typ: IT has 2 rows, Lokaler 3.
    assert_eq!(stats(&r, "antal-per-typ"), (1, 1, 0));
    assert_eq!(
        values(the_finding(&r, "antal-per-typ")),
        ("3", "2", Some("1"))
    );
    // Three of the five rows have a ram.
    assert_eq!(stats(&r, "alla-har-ram"), (0, 1, 0));
    let f = the_finding(&r, "alla-har-ram");
    assert_eq!(values(f), ("3", "5", Some("-2")));
    // A finding about the whole table has no row.
    assert_eq!(
        (f.row_key.as_deref(), f.column_name.as_deref()),
        (None, None)
    );
    // Both sides ran over the same rows: said once.
    assert_eq!(f.message.matches("counted").count(), 1, "{}", f.message);
}

#[test]
fn sum_where_sums_the_rows_where_the_condition_holds() {
    let r = run("functions");
    // Datorer, Nätverk and Ombyggnad have a ram: 3 300.
    assert_eq!(stats(&r, "summa-med-ram"), (1, 0, 0));
    // Datorer, Ombyggnad, Inventarier are 500 or more: 3 500 (the total rows do not count).
    assert_eq!(stats(&r, "summa-stora"), (1, 0, 0));
    // No row: 0.
    assert_eq!(stats(&r, "summa-inga"), (1, 0, 0));
    // Inventarier alone: 500, not 400.
    assert_eq!(stats(&r, "summa-fel"), (0, 1, 0));
    let f = the_finding(&r, "summa-fel");
    assert_eq!(values(f), ("500", "400", Some("100")));
    assert!(
        f.message.contains("summed 1 row: Inventarier"),
        "{}",
        f.message
    );
}

// ------------------------------------------------------------------ unit literals

#[test]
fn a_number_with_a_unit_is_a_quoted_figure_with_its_rounding_interval() {
    let r = run("unit-literals");
    // 6.3 mkr is 6 250–6 350 tkr under `within rounding`: 6 339 tkr holds.
    assert_eq!(stats(&r, "mkr-avrundat"), (1, 0, 0));
    // 2.8 mkr is 2 750–2 850 tkr: 2 600 tkr does not.
    assert_eq!(stats(&r, "mkr-fel"), (0, 1, 0));
    let f = the_finding(&r, "mkr-fel");
    assert_eq!(
        (f.row_key.as_deref(), f.column_name.as_deref()),
        (Some("Investeringar"), Some("Prognos"))
    );
    assert_eq!(values(f), ("2600", "2800", Some("-200")));
    // Without `within rounding`, 6.3 mkr is exactly 6 300 tkr.
    assert_eq!(stats(&r, "mkr-exakt"), (0, 1, 0));
    assert_eq!(
        values(the_finding(&r, "mkr-exakt")),
        ("6339", "6300", Some("39"))
    );
    assert_eq!(stats(&r, "kr-exakt"), (1, 0, 0));
    // Percent literals.
    assert_eq!(stats(&r, "procent"), (1, 0, 0));
    assert_eq!(stats(&r, "procent-avrundat"), (1, 0, 0));
    assert_eq!(stats(&r, "procent-fel"), (0, 1, 0));
}

#[test]
fn a_bare_number_is_exact() {
    let r = run("unit-literals");
    // A printed 1 is [0,5; 1,5]: not the exact 0 …
    assert_eq!(stats(&r, "noll-exakt"), (0, 1, 0));
    assert_eq!(values(the_finding(&r, "noll-exakt")), ("1", "0", Some("1")));
    // … but it meets a quoted 0 tkr ([−0,5; 0,5]) …
    assert_eq!(stats(&r, "noll-tkr"), (1, 0, 0));
    // … and a printed 0 is within rounding of the exact 0.
    assert_eq!(stats(&r, "noll-tryckt"), (1, 0, 0));
}

// ------------------------------------------------------------------ let

#[test]
fn a_let_that_reaches_itself_is_a_rule_error_not_a_stack_overflow() {
    let r = run_with("let-cycle", "case.rules");
    assert_eq!(codes(&r), ["rules::evaluation"]);
    let p = &r.problems[0];
    assert!(p.message.contains("in terms of itself"), "{}", p.message);
    let text = std::fs::read_to_string(case("let-cycle").join("case.rules")).unwrap();
    let l = &p.labels[0];
    assert_eq!(&text[l.span.start..l.span.end], "a");
    assert_eq!(
        r.sources.get(l.source).line_col(l.span.start),
        (2, 5),
        "labelled at `let a`"
    );
    assert_eq!(stats(&r, "cirkel"), (0, 0, 0));
    assert_eq!(stats(&r, "rak"), (1, 0, 0));
    assert_eq!(r.exit_code(false), 2);
}

#[test]
fn in_a_text_column_only_an_empty_cell_is_missing() {
    let r = run("text-column");
    // P2's comment is empty: missing. "..", "-" and "Försenat" are written texts.
    assert_eq!(stats(&r, "kommenterad"), (3, 1, 0));
    assert_eq!(failing_rows(&r, "kommenterad"), ["P2"]);
    // A comparison with the empty cell cannot be decided; ".." is compared as text.
    assert_eq!(stats(&r, "inte-punkter"), (2, 1, 1));
    assert_eq!(failing_rows(&r, "inte-punkter"), ["P3"]);
}

#[test]
fn findings_about_aggregates_and_sign_majorities_name_the_right_place() {
    let r = run("aggregate-findings");
    // sum(budget) = 190 > 100: the finding is about the table, not its first row.
    let tak = &findings(&r, "tak")[0];
    assert_eq!(tak.row_key, None);
    assert_eq!(tak.line, 1);
    // count skips HR, whose utfall is missing: 50, 60, 70, 30 → four positive, not two.
    assert_eq!(stats(&r, "positiva"), (0, 1, 0));
    assert!(findings(&r, "positiva")[0].message.contains("count"));
    // A holds as written, the three others with the opposite sign: A is the odd one out, and
    // its values say what it was measured against.
    assert_eq!(failing_rows(&r, "tecken"), ["A"]);
    let v = findings(&r, "tecken")[0].values.clone().unwrap();
    assert_eq!(v.right_expr, "-(utfall - budget)");
    assert_eq!((v.left.as_str(), v.right.as_str()), ("10", "-10"));
}

#[test]
fn group_findings_point_at_the_group_and_percentages_differ_in_points() {
    let r = run("aggregate-findings");
    // Omsättning has one row besides its total: the finding stands on that group's total row.
    let f = the_finding(&r, "tre-rader");
    assert_eq!((f.line, f.row_key.as_deref()), (5, Some("Totalt")));
    // 9 % against 8 %: values keep their per cent sign, the difference is in points.
    let f = the_finding(&r, "andel-tak");
    assert_eq!(
        f.message,
        "andel is 9 %, more than 8 % (over by 1 percentage point)"
    );
}

#[test]
fn zero_times_a_number_with_decimals_is_an_exact_zero() {
    let r = run("exact-zero");
    // The doc's example: an avvikelse of −38 on a budget of 0 is more than 10 % of it.
    assert_eq!(stats(&r, "stor-avvikelse"), (2, 1, 0));
    assert_eq!(failing_rows(&r, "stor-avvikelse"), ["Upphandling"]);
    for rule in ["halva", "halva-avrundad", "konstant"] {
        assert_eq!(stats(&r, rule), (3, 0, 0), "{rule}");
    }
    // `within 0 kr` in a tkr comparison is a tolerance of 0 tkr.
    assert_eq!(failing_rows(&r, "noll-kr"), ["Ekonomiservice"]);
    assert_eq!(stats(&r, "noll-kr"), (2, 1, 0));
}

#[test]
fn zero_kr_in_a_tkr_column_is_zero_tkr_not_missing() {
    let r = run("exact-zero");
    assert_eq!(stats(&r, "kr-noll"), (3, 0, 0));
    assert_eq!(stats(&r, "kr-givet"), (3, 0, 0));
}

#[test]
fn results_that_a_decimal_holds_exactly_are_not_refused() {
    let r = run("long-figures");
    // 531 219 012 285 653 515 277 853,252 tkr is a kr figure of 27 digits.
    assert_eq!(stats(&r, "tkr-mot-kr"), (1, 0, 0));
    // 26 ones and ,5 times 1000: 29 digits, within 96 bits, exact.
    assert_eq!(stats(&r, "gange-tusen"), (1, 0, 0));
    assert_eq!(stats(&r, "summa"), (1, 0, 0));
}

#[test]
fn a_text_in_a_column_of_figures_is_not_compared() {
    let r = run("text-in-figures");
    // B and C have texts where figures were declared: not applicable, and the rows after
    // them are still checked (D is over its ram).
    assert_eq!(stats(&r, "inom-ram"), (1, 1, 2));
    assert_eq!(failing_rows(&r, "inom-ram"), ["D"]);
    assert_eq!(stats(&r, "lika"), (1, 1, 2));
    assert_eq!(stats(&r, "olika"), (1, 1, 2));
    let na = not_applicable(&r, "inom-ram");
    assert_eq!(na[0].0, Some("B"));
    assert!(na[0].1.contains("\"ej klart\""), "{}", na[0].1);
    // Columns without a unit, or of texts, still compare their texts.
    assert_eq!(stats(&r, "noter"), (3, 1, 0));
    assert!(codes(&r).contains(&"data::not-a-figure"));
}

#[test]
fn min_and_max_take_their_values_to_the_smaller_unit() {
    let r = run("min-max-units");
    // 87 meets t (tkr): 87 tkr, less than c = 1 mkr.
    assert_eq!(stats(&r, "golv"), (1, 0, 0));
    // max(1 kr, 1 mkr) is 1 000 000 kr: `within 5` is 5 kr, and b is 10 kr off.
    assert_eq!(stats(&r, "inom-fem"), (0, 1, 0));
    // The unit of the result does not depend on which value wins: kr either way.
    assert_eq!(stats(&r, "max-ett"), (0, 1, 0));
    assert_eq!(stats(&r, "min-ett"), (1, 0, 0));
    assert_eq!(stats(&r, "max-miljon"), (1, 0, 0));
}

#[test]
fn min_and_max_within_rounding_span_every_argument() {
    let r = run("min-max-rounding");
    // R: 10 is [9,5; 10,5], 10,4 is [10,35; 10,45]; their min is [9,5; 10,45], their max
    // [10,35; 10,5]. S: 9,6 is [9,55; 9,65]; min [9,5; 9,65], max [9,55; 10,5].
    assert_eq!(failing_rows(&r, "min-hog"), ["R", "S"]);
    assert_eq!(stats(&r, "min-lag"), (2, 0, 0));
    assert_eq!(stats(&r, "max-hog"), (2, 0, 0));
    assert_eq!(failing_rows(&r, "max-lag"), ["R", "S"]);
}
