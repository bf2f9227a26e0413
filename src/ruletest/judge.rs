//! Does what a rule did on a test's report match what the test expects? Pure: findings and
//! counts in, the list of mismatches out (empty when the test passes).

use super::file::{Expect, ExpectedCell};
use crate::finding::Finding;
use crate::report::normalise_name;
use std::collections::{HashMap, HashSet};

/// A finding, with every name its column goes by: the header as written in the fixture and
/// the names rules give it (a declared column's name, the normalised header).
#[derive(Debug)]
pub struct Observed<'a> {
    pub finding: &'a Finding,
    pub columns: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// Expected "pass" or "not-applicable", but the rule has findings.
    Findings,
    /// Expected "pass", no finding, but no instance passed either: the rule did not apply.
    NothingPassed,
    /// Expected "fail" or "not-applicable", but the rule found nothing and instances passed
    /// (or, for "fail", nothing was checked at all).
    NoFinding,
    /// Expected "not-applicable", no finding, but some instances passed.
    Passed,
    /// `fails` lists other cells than the ones that failed: indices into `fails` that had no
    /// finding, and into the findings that `fails` does not list.
    Cells {
        missing: Vec<usize>,
        unexpected: Vec<usize>,
    },
    /// Findings (indices) whose message lacks the `message` text.
    Message { lacking: Vec<usize> },
}

/// Whitespace-collapsed, lower case: how keys and headers are compared.
fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Does a finding fall on the cell a `fails` entry names? Keys compare as written (ignoring
/// case and spacing, as `T["key"]` does); the column may be the header as written or any
/// name the rules give the column.
pub fn cell_matches(cell: &ExpectedCell, o: &Observed) -> bool {
    let key_ok = o
        .finding
        .row_key
        .as_deref()
        .is_some_and(|k| norm(k) == norm(&cell.key));
    if !key_ok {
        return false;
    }
    // A row-only expectation matches a finding on the row that names no column.
    let Some(column) = &cell.column else {
        return o.finding.column_name.is_none();
    };
    let want = norm(column);
    let want_normalised = normalise_name(column);
    o.finding
        .column_name
        .iter()
        .map(|c| c.as_str())
        .chain(o.columns.iter().map(String::as_str))
        .any(|c| {
            norm(c) == want || (!want_normalised.is_empty() && normalise_name(c) == want_normalised)
        })
}

/// A name of a column, normalised once both ways [`cell_matches`] compares names.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Name {
    /// `norm` of the name.
    plain: String,
    /// `normalise_name` of the name (empty for a name of no letter or digit).
    normalised: String,
}

impl Name {
    fn of(name: &str) -> Name {
        Name {
            plain: norm(name),
            normalised: normalise_name(name),
        }
    }
}

/// A finding or an expected cell, as [`cell_matches`] compares it.
#[derive(Debug)]
struct Place {
    /// `norm` of the row key; `None` for a finding on no row, which no cell matches.
    key: Option<String>,
    /// A finding that names no column; an expected cell that is the row as a whole.
    row: bool,
    names: Vec<Name>,
}

/// All that findings (or expected cells) have under one row key.
#[derive(Debug, Default)]
struct AtKey<'a> {
    row: bool,
    plain: HashSet<&'a str>,
    /// Those not empty.
    normalised: HashSet<&'a str>,
}

impl<'a> AtKey<'a> {
    /// Every place, by its row key.
    fn index(places: &'a [Place]) -> HashMap<&'a str, AtKey<'a>> {
        let mut out: HashMap<&str, AtKey> = HashMap::new();
        for p in places {
            let Some(key) = &p.key else { continue };
            let at = out.entry(key.as_str()).or_default();
            at.row |= p.row;
            for n in &p.names {
                at.plain.insert(&n.plain);
                if !n.normalised.is_empty() {
                    at.normalised.insert(&n.normalised);
                }
            }
        }
        out
    }

    /// Whether `p` (a finding, or a cell) matches any cell (or finding) here.
    fn matches(&self, p: &Place) -> bool {
        (p.row && self.row)
            || p.names.iter().any(|n| {
                self.plain.contains(n.plain.as_str())
                    || (!n.normalised.is_empty() && self.normalised.contains(n.normalised.as_str()))
            })
    }
}

/// The indices of `places` that match nothing in `index`, in order.
fn unmatched_in(places: &[Place], index: &HashMap<&str, AtKey>) -> Vec<usize> {
    places
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            !p.key
                .as_deref()
                .and_then(|k| index.get(k))
                .is_some_and(|at| at.matches(p))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The expected cells that no finding falls on, and the findings on no expected cell (indices,
/// in order): [`cell_matches`] of every pair, found by row key and name instead of by
/// comparing each cell with each finding (a test of thousands of failing rows).
fn unmatched(cells: &[ExpectedCell], findings: &[Observed]) -> (Vec<usize>, Vec<usize>) {
    let wanted: Vec<Place> = cells
        .iter()
        .map(|c| Place {
            key: Some(norm(&c.key)),
            row: c.column.is_none(),
            names: c.column.as_deref().map(Name::of).into_iter().collect(),
        })
        .collect();
    let seen: Vec<Place> = findings
        .iter()
        .map(|o| Place {
            key: o.finding.row_key.as_deref().map(norm),
            row: o.finding.column_name.is_none(),
            names: o
                .finding
                .column_name
                .iter()
                .map(|c| c.as_str())
                .chain(o.columns.iter().map(String::as_str))
                .map(Name::of)
                .collect(),
        })
        .collect();
    let missing = unmatched_in(&wanted, &AtKey::index(&seen));
    let unexpected = unmatched_in(&seen, &AtKey::index(&wanted));
    (missing, unexpected)
}

/// Compare what happened with what the test expects.
pub fn judge(
    expect: Expect,
    fails: Option<&[ExpectedCell]>,
    message: Option<&str>,
    findings: &[Observed],
    passed: usize,
) -> Vec<Mismatch> {
    let mut out = Vec::new();
    match expect {
        Expect::Pass => {
            if !findings.is_empty() {
                out.push(Mismatch::Findings);
            } else if passed == 0 {
                out.push(Mismatch::NothingPassed);
            }
        }
        Expect::NotApplicable => {
            if !findings.is_empty() {
                out.push(Mismatch::Findings);
            } else if passed > 0 {
                out.push(Mismatch::Passed);
            }
        }
        Expect::Fail => {
            if findings.is_empty() {
                out.push(Mismatch::NoFinding);
                return out;
            }
            if let Some(cells) = fails {
                let (missing, unexpected) = unmatched(cells, findings);
                if !missing.is_empty() || !unexpected.is_empty() {
                    out.push(Mismatch::Cells {
                        missing,
                        unexpected,
                    });
                }
            }
            if let Some(m) = message {
                let lacking: Vec<usize> = (0..findings.len())
                    .filter(|&i| !findings[i].finding.message.contains(m))
                    .collect();
                if !lacking.is_empty() {
                    out.push(Mismatch::Message { lacking });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Fields;
    use crate::source::Span;

    fn finding(key: &str, column: &str, message: &str) -> Finding {
        Finding::from(Fields {
            message: message.into(),
            row_key: Some(key.into()),
            column_name: Some(column.into()),
            label_len: message.len(),
            ..Fields::for_tests()
        })
    }

    fn cell(key: &str, column: &str) -> ExpectedCell {
        ExpectedCell {
            key: key.into(),
            column: Some(column.into()),
            span: Span::default(),
        }
    }

    fn observed<'a>(f: &'a Finding, declared: &[&str]) -> Observed<'a> {
        Observed {
            finding: f,
            columns: declared.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn pass_needs_no_finding_and_a_passing_instance() {
        assert_eq!(judge(Expect::Pass, None, None, &[], 3), []);
        assert_eq!(
            judge(Expect::Pass, None, None, &[], 0),
            [Mismatch::NothingPassed]
        );
        let f = finding("B", "Avvikelse", "off by 1");
        assert_eq!(
            judge(Expect::Pass, None, None, &[observed(&f, &[])], 3),
            [Mismatch::Findings]
        );
    }

    #[test]
    fn not_applicable_needs_no_finding_and_no_passing_instance() {
        assert_eq!(judge(Expect::NotApplicable, None, None, &[], 0), []);
        assert_eq!(
            judge(Expect::NotApplicable, None, None, &[], 1),
            [Mismatch::Passed]
        );
        let f = finding("B", "Avvikelse", "off by 1");
        assert_eq!(
            judge(Expect::NotApplicable, None, None, &[observed(&f, &[])], 0),
            [Mismatch::Findings]
        );
    }

    #[test]
    fn fail_needs_a_finding() {
        assert_eq!(
            judge(Expect::Fail, None, None, &[], 2),
            [Mismatch::NoFinding]
        );
        let f = finding("B", "Avvikelse", "off by 1");
        assert_eq!(judge(Expect::Fail, None, None, &[observed(&f, &[])], 2), []);
    }

    #[test]
    fn fails_is_the_exact_set_of_failing_cells() {
        let b = finding("B", "Redovisat jan-aug 2020", "x");
        let c = finding("C", "Avvikelse", "x");
        let obs = [observed(&b, &["redovisat"]), observed(&c, &["avvikelse"])];
        // By header, by declared name, ignoring case and spacing.
        let want = [cell("b", "redovisat"), cell(" C ", "AVVIKELSE")];
        assert_eq!(judge(Expect::Fail, Some(&want), None, &obs, 0), []);
        let want = [cell("B", "Redovisat jan-aug 2020"), cell("C", "avvikelse")];
        assert_eq!(judge(Expect::Fail, Some(&want), None, &obs, 0), []);
        // The normalised header works too.
        let want = [cell("B", "redovisat_jan_aug_2020"), cell("C", "Avvikelse")];
        assert_eq!(judge(Expect::Fail, Some(&want), None, &obs, 0), []);

        // One listed cell did not fail, one failing cell is not listed.
        let want = [cell("B", "Redovisat jan-aug 2020"), cell("D", "Avvikelse")];
        assert_eq!(
            judge(Expect::Fail, Some(&want), None, &obs, 0),
            [Mismatch::Cells {
                missing: vec![1],
                unexpected: vec![1],
            }]
        );
        // The right row in the wrong column is not the cell.
        let want = [cell("B", "Avvikelse"), cell("C", "Avvikelse")];
        assert_eq!(
            judge(Expect::Fail, Some(&want), None, &obs, 0),
            [Mismatch::Cells {
                missing: vec![0],
                unexpected: vec![0],
            }]
        );
    }

    /// The cells `fails` lists that no finding is on, and the findings on no listed cell, by
    /// `cell_matches` of every pair.
    fn unmatched_pairwise(cells: &[ExpectedCell], obs: &[Observed]) -> (Vec<usize>, Vec<usize>) {
        let missing = (0..cells.len())
            .filter(|&i| !obs.iter().any(|o| cell_matches(&cells[i], o)))
            .collect();
        let unexpected = (0..obs.len())
            .filter(|&i| !cells.iter().any(|c| cell_matches(c, &obs[i])))
            .collect();
        (missing, unexpected)
    }

    #[test]
    fn cells_are_matched_as_each_pair_compared_would_match_them() {
        let row = |key: &str, message: &str| {
            Finding::from(Fields {
                row_key: Some(key.into()),
                message: message.into(),
                ..Fields::for_tests()
            })
        };
        let no_key = Finding::from(Fields {
            column_name: Some("Avvikelse".into()),
            ..Fields::for_tests()
        });
        let found = [
            finding("B", "Redovisat jan-aug 2020", "x"),
            finding("c", "Avvikelse", "x"),
            finding("D", "Budget", "x"),
            row("E", "x"),
            finding("E", "Budget", "x"),
            no_key,
            finding("  F  g ", "!!!", "x"),
        ];
        let declared: [&[&str]; 7] = [&["redovisat"], &["avvikelse"], &[], &[], &[], &[], &[]];
        let obs: Vec<Observed> = found
            .iter()
            .zip(declared)
            .map(|(f, d)| observed(f, d))
            .collect();
        let row_cell = |key: &str| ExpectedCell {
            key: key.into(),
            column: None,
            span: Span::default(),
        };
        let wanted = [
            cell("b", "REDOVISAT"),
            cell("B", "redovisat_jan_aug_2020"),
            cell("C", "avvikelse"),
            cell("D", "avvikelse"),
            row_cell("D"),
            row_cell("e"),
            cell("E", "budget"),
            cell("", "Avvikelse"),
            cell("f G", "???"),
            cell("F g", "!!!"),
            cell("Z", "Budget"),
        ];
        // Every subset of the findings against every cell alone and all cells together.
        for mask in 0u32..1 << obs.len() {
            let some: Vec<Observed> = obs
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & 1 << i != 0)
                .map(|(_, o)| Observed {
                    finding: o.finding,
                    columns: o.columns.clone(),
                })
                .collect();
            for cells in wanted.chunks(1).chain([&wanted[..]]) {
                assert_eq!(
                    unmatched(cells, &some),
                    unmatched_pairwise(cells, &some),
                    "{cells:?} against findings {mask:b}"
                );
            }
        }
    }

    #[test]
    fn thousands_of_failing_cells_are_judged_at_once() {
        // Comparing each listed cell with each finding took minutes at this size.
        let n = 20_000;
        let found: Vec<Finding> = (0..n)
            .map(|i| finding(&format!("K{i}"), "Budget", "x"))
            .collect();
        let obs: Vec<Observed> = found.iter().map(|f| observed(f, &["budget"])).collect();
        // The last listed cell is in another column, and the last finding is not listed.
        let mut want: Vec<ExpectedCell> = (0..n - 1)
            .map(|i| cell(&format!("k{i}"), "BUDGET"))
            .collect();
        want.push(cell("K0", "Utfall"));
        let started = std::time::Instant::now();
        assert_eq!(
            judge(Expect::Fail, Some(&want), None, &obs, 0),
            [Mismatch::Cells {
                missing: vec![n - 1],
                unexpected: vec![n - 1],
            }]
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn message_must_be_in_every_finding() {
        let a = finding("A", "Avvikelse", "avvikelse is 4, but 5 (off by 1 tkr)");
        let b = finding("B", "Avvikelse", "avvikelse is 9, but 5 (off by 4 tkr)");
        let obs = [observed(&a, &[]), observed(&b, &[])];
        assert_eq!(judge(Expect::Fail, None, Some("off by"), &obs, 0), []);
        assert_eq!(
            judge(Expect::Fail, None, Some("off by 1"), &obs, 0),
            [Mismatch::Message { lacking: vec![1] }]
        );
    }
}
