//! A whole check in memory: the input is a rule file and a CSV table, split at the first
//! `\0` byte. Rules are parsed and checked statically, the table read, names resolved, every
//! rule evaluated, the findings localised (fix suggestions) and every finding rendered (its JSON
//! written by hand compared with serde's) — never a panic, never a hang.

use rimlig::check::{RuleRoot, RuleSet, check_names, check_static};
use rimlig::eval::{Options, Outcome, evaluate, evaluate_configured};
use rimlig::report::csv::load_csv;
use rimlig::report::{Report, ReportMeta};
use rimlig::source::{SourceFile, Sources};
use rimlig::syntax::parse_file;

pub fn run(data: &[u8]) {
    let split = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let (rules, csv) = (&data[..split], data.get(split + 1..).unwrap_or(&[]));
    let Ok(rules) = std::str::from_utf8(rules) else {
        return;
    };
    let mut sources = Sources::default();
    let id = sources.add(SourceFile::new("fuzz.rules", rules));
    let (file, mut problems) = parse_file(id, sources.get(id));
    let mut set = RuleSet::of_file(file, id);
    check_static(
        &mut set,
        &[RuleRoot::Path("fuzz.rules".into())],
        &sources,
        &mut problems,
    );
    let mut tables = Vec::new();
    // The table is reachable both by a typical name and through `Driftsammandrag*`.
    if let Some(t) = load_csv("t.csv", "driftsammandrag", csv, &mut sources, &mut problems) {
        tables.push(t);
    }
    let report = Report {
        path: "fuzz".into(),
        meta: ReportMeta::default(),
        tables,
    };
    let reports = [report];
    check_names(&mut set, &reports, &mut problems);
    let mut outcome = evaluate(&set, &reports, &[None], &sources);
    parts_agree_with_one_loop(&set, &reports, &sources);
    rimlig::locate::localise(
        &set,
        &reports,
        &[None],
        &sources,
        &rimlig::eval::Options::default(),
        &outcome.broken,
        &mut outcome.findings,
    );
    for f in &outcome.findings {
        if let Some(fix) = &f.fix {
            let _ = fix.summary();
        }
    }
    let style = rimlig::render::human::Style {
        color: false,
        width: 100,
        verbose: true,
    };
    for f in &outcome.findings {
        let _ = rimlig::render::human::render_finding(f, &sources, style);
        // The JSON written by hand is what serde writes.
        if let Err(e) = rimlig::render::json::compare_finding_writers(f) {
            panic!("{e}");
        }
    }
    for p in problems.iter().chain(&outcome.problems) {
        let _ = rimlig::render::human::render_problem(p, &sources, style);
    }
}

/// Loops split into parts of two rows (evaluated in parallel, once the rule has listed three
/// findings only counting theirs), and the full evaluation of every instance without the
/// quick pass, give what one loop over every row gives.
fn parts_agree_with_one_loop(set: &RuleSet, reports: &[Report], sources: &Sources) {
    let one = Options {
        max_findings_per_rule: 3,
        ..Options::default()
    };
    let parts = Options {
        rows_per_part: 2,
        ..one.clone()
    };
    let full = Options {
        quick: false,
        ..one.clone()
    };
    let a = evaluate_configured(set, reports, &[None], sources, &one, &mut || {});
    for (options, what) in [(&parts, "in parts"), (&full, "in full")] {
        let b = evaluate_configured(set, reports, &[None], sources, options, &mut || {});
        agree(&a, &b, what);
    }
}

fn agree(a: &Outcome, b: &Outcome, what: &str) {
    let said = |o: &Outcome| -> Vec<String> {
        o.findings
            .iter()
            .map(|f| format!("{} {} {}", f.rule, f.line, f.message))
            .collect()
    };
    let counts = |o: &Outcome| -> Vec<(String, usize, usize, usize)> {
        o.stats
            .iter()
            .map(|(r, s)| (r.clone(), s.passed, s.failed, s.not_applicable))
            .collect()
    };
    let na = |o: &Outcome| -> Vec<String> {
        o.not_applicable.iter().map(|n| n.reason.clone()).collect()
    };
    assert_eq!(counts(a), counts(b), "counts {what}");
    assert_eq!(said(a), said(b), "findings {what}");
    assert_eq!(na(a), na(b), "not applicable {what}");
    assert_eq!(a.unlisted, b.unlisted, "unlisted {what}");
}
