//! `rimlig rules --analyze`: what can be said about a rule set before any report is read.
//!
//! The comparisons of the rules are read as linear constraints (`linear.rs`) and decided
//! exactly (`solver.rs`). Three questions are asked:
//!
//! - **contradictions**: rules that no figures can satisfy together (every report with those
//!   figures fails one of them);
//! - **redundancy**: a check that holds whenever some other rules hold, so it can never find
//!   anything they miss;
//! - **cannot fail**: a check that holds for any figures at all, or a condition that never
//!   holds.
//!
//! Every approximation is on the safe side: what is not understood is left out (and listed),
//! so a reported problem is a real one — with one stated exception, `within rounding`, which
//! is read as an exact comparison.

pub mod linear;
pub mod solver;

use crate::catalog::Output;
use crate::check::{RuleRoot, RuleSet};
use crate::problem::{Problem, ProblemKind, Severity};
use crate::render::human::{Style, render_problem};
use crate::ruletest::{self, Inputs};
use crate::source::Sources;
use linear::{Dnf, Fact, RuleFacts, Vars};
use serde::Serialize;
use solver::{Atom, Feas, feasible};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

/// How many feasibility checks one question may take before it is left undecided.
const MAX_CHECKS_PER_QUESTION: usize = 2000;

/// Where a rule is written.
#[derive(Clone, Debug, Serialize)]
pub struct At {
    pub rule: String,
    pub file: String,
    pub line: usize,
    /// The check as written (`for` variables replaced by their columns).
    pub check: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Contradiction {
    /// The rule ids, in load order.
    pub rules: Vec<String>,
    /// The checks of those rules that together cannot hold.
    pub checks: Vec<At>,
    pub explanation: String,
    /// A `within rounding` among them was read as an exact comparison.
    pub rounding_read_as_exact: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Redundant {
    pub rule: String,
    pub file: String,
    pub line: usize,
    /// The checks of the rule that are implied.
    pub checks: Vec<String>,
    /// All of the rule is implied, not only some of its checks.
    pub whole_rule: bool,
    /// The rules that imply it (a smallest set found by leaving rules out one at a time).
    pub implied_by: Vec<String>,
    pub explanation: String,
    pub rounding_read_as_exact: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct CannotFail {
    pub rule: String,
    pub file: String,
    pub line: usize,
    pub checks: Vec<String>,
    pub whole_rule: bool,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct NotAnalysed {
    pub rule: String,
    pub file: String,
    pub line: usize,
    /// Some checks of the rule were analysed, others not.
    pub partly: bool,
    pub reason: String,
}

/// A question the solver could not decide within its bounds.
#[derive(Clone, Debug, Serialize)]
pub struct Undecided {
    pub rules: Vec<String>,
    pub question: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub rules: usize,
    /// Rules with at least one analysed check.
    pub analysed: usize,
    pub contradictions: usize,
    pub redundant: usize,
    pub cannot_fail: usize,
    pub not_analysed: usize,
    pub partly_analysed: usize,
}

/// What the analysis found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Analysis {
    pub contradictions: Vec<Contradiction>,
    pub redundant: Vec<Redundant>,
    pub cannot_fail: Vec<CannotFail>,
    pub not_analysed: Vec<NotAnalysed>,
    pub undecided: Vec<Undecided>,
    pub summary: Summary,
    /// Where each reported rule's id is, for the terminal output.
    #[serde(skip)]
    ids: HashMap<String, (crate::source::SourceId, crate::source::Span)>,
}

/// Whether a conjunction of facts (each a disjunction of cases) plus `extra` can hold: one
/// case per fact is chosen, depth first, dropping a choice as soon as it is infeasible.
fn sat(facts: &[&Dnf], extra: &[Atom], budget: &mut usize) -> Feas {
    let mut base: Vec<Atom> = extra.to_vec();
    let mut multi: Vec<&Dnf> = Vec::new();
    for f in facts {
        match f.len() {
            0 => return Feas::Infeasible,
            1 => base.extend(f[0].iter().cloned()),
            _ => multi.push(f),
        }
    }
    // Facts with the fewest cases first: less branching near the root.
    multi.sort_by_key(|f| f.len());
    dfs(base, &multi, budget)
}

fn dfs(base: Vec<Atom>, multi: &[&Dnf], budget: &mut usize) -> Feas {
    if *budget == 0 {
        return Feas::Unknown;
    }
    *budget -= 1;
    let here = feasible(&base);
    if here != Feas::Feasible || multi.is_empty() {
        return here;
    }
    let mut unknown = false;
    for case in multi[0] {
        let mut next = base.clone();
        next.extend(case.iter().cloned());
        match dfs(next, &multi[1..], budget) {
            Feas::Feasible => return Feas::Feasible,
            Feas::Unknown => unknown = true,
            Feas::Infeasible => {}
        }
    }
    if unknown {
        Feas::Unknown
    } else {
        Feas::Infeasible
    }
}

/// One analysable check, with the rule it belongs to.
struct Item {
    rule: usize,
    fact: Fact,
}

struct Driver<'a> {
    items: Vec<Item>,
    rules: Vec<RuleFacts>,
    ids: Vec<String>,
    set: &'a RuleSet,
    sources: &'a Sources,
}

impl Driver<'_> {
    fn at(&self, item: usize) -> At {
        let it = &self.items[item];
        let (file, line) = self.place(it.rule);
        At {
            rule: self.ids[it.rule].clone(),
            file,
            line,
            check: it.fact.text.clone(),
        }
    }

    fn place(&self, rule: usize) -> (String, usize) {
        let lr = &self.set.rules[rule];
        let f = self.sources.get(lr.source);
        (f.name.clone(), f.line_col(lr.rule.span.start).0)
    }

    fn sat_items(&self, items: &[usize], extra: &[Atom]) -> Feas {
        let facts: Vec<&Dnf> = items.iter().map(|i| &self.items[*i].fact.holds).collect();
        let mut budget = MAX_CHECKS_PER_QUESTION;
        sat(&facts, extra, &mut budget)
    }

    /// The items of `pool` connected to `start` through shared variables.
    fn component(&self, start: &BTreeSet<usize>, pool: &[usize]) -> Vec<usize> {
        let mut vars = start.clone();
        let mut taken = vec![false; pool.len()];
        loop {
            let mut grew = false;
            for (k, i) in pool.iter().enumerate() {
                if !taken[k] && !self.items[*i].fact.vars.is_disjoint(&vars) {
                    taken[k] = true;
                    vars.extend(self.items[*i].fact.vars.iter().copied());
                    grew = true;
                }
            }
            if !grew {
                break;
            }
        }
        pool.iter()
            .zip(taken)
            .filter(|(_, t)| *t)
            .map(|(i, _)| *i)
            .collect()
    }

    /// The rules of `items`, in load order.
    fn rules_of(&self, items: &[usize]) -> Vec<usize> {
        let set: BTreeSet<usize> = items.iter().map(|i| self.items[*i].rule).collect();
        set.into_iter().collect()
    }
}

/// Analyse a loaded rule set.
pub fn analyze(set: &RuleSet, sources: &Sources) -> Analysis {
    let mut vars = Vars::default();
    let mut d = Driver {
        items: Vec::new(),
        rules: Vec::new(),
        ids: set.rules.iter().map(|r| r.rule.id.text.clone()).collect(),
        set,
        sources,
    };
    let mut out = Analysis::default();
    for (i, lr) in set.rules.iter().enumerate() {
        out.ids
            .insert(lr.rule.id.text.clone(), (lr.source, lr.rule.id.span));
        let rf = if lr.enabled {
            linear::translate(lr, set, sources, &mut vars)
        } else {
            RuleFacts::default()
        };
        for f in &rf.facts {
            d.items.push(Item {
                rule: i,
                fact: f.clone(),
            });
        }
        d.rules.push(rf);
    }
    out.summary.rules = set.rules.len();

    // Rules not analysed, or only in part.
    for (i, rf) in d.rules.iter().enumerate() {
        let (file, line) = d.place(i);
        let reason = if !set.rules[i].enabled {
            "the rule has errors and is not run".to_string()
        } else {
            let mut reasons: Vec<&str> = Vec::new();
            for s in &rf.skipped {
                if !reasons.contains(&s.reason.as_str()) {
                    reasons.push(&s.reason);
                }
            }
            reasons.join("; ")
        };
        if rf.facts.is_empty() || !rf.skipped.is_empty() {
            let partly = !rf.facts.is_empty();
            if partly {
                out.summary.partly_analysed += 1;
            } else {
                out.summary.not_analysed += 1;
            }
            out.not_analysed.push(NotAnalysed {
                rule: d.ids[i].clone(),
                file,
                line,
                partly,
                reason: if reason.is_empty() {
                    "it has no checks".into()
                } else {
                    reason
                },
            });
        }
        if !rf.facts.is_empty() {
            out.summary.analysed += 1;
        }
    }

    let mut active = vec![true; set.rules.len()];
    contradictions(&d, &mut active, &mut out);
    let tautologies = cannot_fail(&d, &mut out);
    redundancy(&d, &active, &tautologies, &mut out);

    out.summary.contradictions = out.contradictions.len();
    out.summary.redundant = out.redundant.len();
    out.summary.cannot_fail = out.cannot_fail.len();
    out
}

fn contradictions(d: &Driver, active: &mut [bool], out: &mut Analysis) {
    // Each contradiction found takes its rules out, so this ends; the bound is a guard.
    for _ in 0..d.ids.len().max(1) {
        let pool: Vec<usize> = (0..d.items.len())
            .filter(|i| active[d.items[*i].rule])
            .collect();
        let mut seen = vec![false; d.items.len()];
        let mut found = false;
        for &i in &pool {
            if seen[i] {
                continue;
            }
            let comp = d.component(&d.items[i].fact.vars, &pool);
            // An item without variables is its own component.
            let comp = if comp.is_empty() { vec![i] } else { comp };
            for c in &comp {
                seen[*c] = true;
            }
            match d.sat_items(&comp, &[]) {
                Feas::Feasible => continue,
                Feas::Unknown => {
                    out.undecided.push(Undecided {
                        rules: d.rules_of(&comp).iter().map(|r| d.ids[*r].clone()).collect(),
                        question: "whether these rules can hold together".into(),
                    });
                    continue;
                }
                Feas::Infeasible => {}
            }
            // Deletion filter, first over rules, then over the checks left: what remains is
            // infeasible, and leaving out any one part of it makes it feasible (or undecided).
            let mut rules = d.rules_of(&comp);
            let of = |rules: &[usize]| -> Vec<usize> {
                comp.iter()
                    .copied()
                    .filter(|c| rules.contains(&d.items[*c].rule))
                    .collect()
            };
            let mut k = 0;
            while k < rules.len() {
                let mut trial = rules.clone();
                trial.remove(k);
                if d.sat_items(&of(&trial), &[]) == Feas::Infeasible {
                    rules = trial;
                } else {
                    k += 1;
                }
            }
            let mut items = of(&rules);
            let mut k = 0;
            while k < items.len() {
                let mut trial = items.clone();
                trial.remove(k);
                if d.sat_items(&trial, &[]) == Feas::Infeasible {
                    items = trial;
                } else {
                    k += 1;
                }
            }
            let rounding = items.iter().any(|i| d.items[*i].fact.rounding);
            let explanation = if rules.len() == 1 {
                "no figures can pass this check: it fails wherever its figures are present".into()
            } else {
                "no figures can pass all of these checks at once: wherever the figures are present, at least one of the rules fails".into()
            };
            out.contradictions.push(Contradiction {
                rules: rules.iter().map(|r| d.ids[*r].clone()).collect(),
                checks: items.iter().map(|i| d.at(*i)).collect(),
                explanation,
                rounding_read_as_exact: rounding,
            });
            for r in rules {
                active[r] = false;
            }
            found = true;
            break;
        }
        if !found {
            break;
        }
    }
}

/// Checks that hold for any figures, and conditions that never hold. Returns the items that
/// cannot fail.
fn cannot_fail(d: &Driver, out: &mut Analysis) -> BTreeSet<usize> {
    let mut taut = BTreeSet::new();
    for (i, it) in d.items.iter().enumerate() {
        let mut budget = MAX_CHECKS_PER_QUESTION;
        match sat(&[&it.fact.fails], &[], &mut budget) {
            Feas::Infeasible => {
                taut.insert(i);
            }
            Feas::Unknown => out.undecided.push(Undecided {
                rules: vec![d.ids[it.rule].clone()],
                question: format!("whether `{}` can fail", it.fact.text),
            }),
            Feas::Feasible => {}
        }
    }
    for (r, rf) in d.rules.iter().enumerate() {
        let (file, line) = d.place(r);
        let mine: Vec<usize> = (0..d.items.len())
            .filter(|i| d.items[*i].rule == r)
            .collect();
        let hits: Vec<usize> = mine.iter().copied().filter(|i| taut.contains(i)).collect();
        if !hits.is_empty() {
            let whole = hits.len() == mine.len() && rf.skipped.is_empty();
            let what = if whole { "the rule" } else { "this check" };
            out.cannot_fail.push(CannotFail {
                rule: d.ids[r].clone(),
                file: file.clone(),
                line,
                checks: hits.iter().map(|i| d.items[*i].fact.text.clone()).collect(),
                whole_rule: whole,
                reason: format!(
                    "{} holds for any figures, so {what} can never give a finding",
                    hits.iter()
                        .map(|i| format!("`{}`", d.items[*i].fact.text))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        for c in &rf.conditions {
            let mut budget = MAX_CHECKS_PER_QUESTION;
            if sat(&[&c.holds], &[], &mut budget) == Feas::Infeasible {
                out.cannot_fail.push(CannotFail {
                    rule: d.ids[r].clone(),
                    file: file.clone(),
                    line,
                    checks: vec![c.text.clone()],
                    whole_rule: false,
                    reason: format!(
                        "the `{}` condition `{}` can never hold, so what it guards is never checked",
                        c.keyword, c.text
                    ),
                });
            }
        }
    }
    taut
}

fn redundancy(d: &Driver, active: &[bool], taut: &BTreeSet<usize>, out: &mut Analysis) {
    // The checks that may serve as premises. A check found implied leaves the pool, so of
    // two equal rules only one is reported, and later checks are never explained by it.
    let mut pool: Vec<usize> = (0..d.items.len())
        .filter(|i| active[d.items[*i].rule] && !taut.contains(i))
        .collect();
    let mut found: Vec<Redundant> = Vec::new();
    // Last rule first: of two rules that say the same, the later one is reported.
    for r in (0..d.ids.len()).rev() {
        if !active[r] {
            continue;
        }
        let mine: Vec<usize> = (0..d.items.len())
            .filter(|i| d.items[*i].rule == r)
            .collect();
        let mut implied = Vec::new();
        let mut by: BTreeSet<usize> = BTreeSet::new();
        let mut rounding = false;
        for &i in mine.iter().filter(|i| !taut.contains(i)) {
            let fact = &d.items[i].fact;
            let others: Vec<usize> = pool
                .iter()
                .copied()
                .filter(|p| d.items[*p].rule != r)
                .collect();
            let premises = d.component(&fact.vars, &others);
            if premises.is_empty() {
                continue;
            }
            let implies = |premises: &[usize]| -> Feas {
                let mut unknown = false;
                for case in &fact.fails {
                    match d.sat_items(premises, case) {
                        Feas::Infeasible => {}
                        Feas::Unknown => unknown = true,
                        Feas::Feasible => return Feas::Feasible,
                    }
                }
                if unknown {
                    Feas::Unknown
                } else {
                    Feas::Infeasible
                }
            };
            match implies(&premises) {
                Feas::Feasible => continue,
                Feas::Unknown => {
                    out.undecided.push(Undecided {
                        rules: vec![d.ids[r].clone()],
                        question: format!("whether `{}` follows from other rules", fact.text),
                    });
                    continue;
                }
                Feas::Infeasible => {}
            }
            // A smallest set of rules that still implies it.
            let mut rules = d.rules_of(&premises);
            let of = |rules: &[usize]| -> Vec<usize> {
                premises
                    .iter()
                    .copied()
                    .filter(|c| rules.contains(&d.items[*c].rule))
                    .collect()
            };
            let mut k = 0;
            while k < rules.len() {
                let mut trial = rules.clone();
                trial.remove(k);
                if implies(&of(&trial)) == Feas::Infeasible {
                    rules = trial;
                } else {
                    k += 1;
                }
            }
            rounding |= of(&rules).iter().any(|p| d.items[*p].fact.rounding);
            by.extend(rules);
            implied.push(i);
            pool.retain(|p| *p != i);
        }
        if implied.is_empty() {
            continue;
        }
        let whole = implied.len() + mine.iter().filter(|i| taut.contains(i)).count()
            == mine.len()
            && d.rules[r].skipped.is_empty();
        let (file, line) = d.place(r);
        let by_ids: Vec<String> = by.iter().map(|b| d.ids[*b].clone()).collect();
        let named = by_ids
            .iter()
            .map(|b| format!("`{b}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let checks: Vec<String> = implied
            .iter()
            .map(|i| d.items[*i].fact.text.clone())
            .collect();
        let explanation = format!(
            "whenever {named} {} {}, so {} can never find anything {} not already find",
            if by_ids.len() == 1 { "passes" } else { "pass" },
            checks
                .iter()
                .map(|c| format!("`{c}` holds too"))
                .collect::<Vec<_>>()
                .join(" and "),
            if whole { "the rule" } else { "this check" },
            if by_ids.len() == 1 { "it does" } else { "they do" },
        );
        found.push(Redundant {
            rule: d.ids[r].clone(),
            file,
            line,
            checks,
            whole_rule: whole,
            implied_by: by_ids,
            explanation,
            rounding_read_as_exact: rounding,
        });
    }
    found.reverse();
    out.redundant = found;
}

const ROUNDING_NOTE: &str = "`within rounding` is read here as an exact comparison; with the rounding of printed figures the rules may be less strict than this";

/// The analysis as terminal text: one block per problem, then what was not analysed and a
/// summary line.
pub fn render_human(a: &Analysis, sources: &Sources, style: Style) -> String {
    let mut out = String::new();
    let label = |p: Problem, rule: &str, text: String| -> Problem {
        match a.ids.get(rule) {
            Some((src, span)) => p.with_label(*src, *span, text),
            None => p,
        }
    };
    for c in &a.contradictions {
        let message = if c.rules.len() == 1 {
            format!("rule `{}` can never pass", c.rules[0])
        } else {
            format!(
                "rules {} contradict each other",
                join_and(&c.rules.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>())
            )
        };
        let mut p = Problem::new(
            ProblemKind::Rules,
            Severity::Error,
            "rules::contradiction",
            message,
        );
        for r in &c.rules {
            let checks: Vec<String> = c
                .checks
                .iter()
                .filter(|x| x.rule == *r)
                .map(|x| x.check.clone())
                .collect();
            p = label(p, r, checks.join("; "));
        }
        let mut help = c.explanation.clone();
        if c.rounding_read_as_exact {
            help.push_str(&format!(". Note: {ROUNDING_NOTE}"));
        }
        out.push_str(&render_problem(&p.with_help(help), sources, style));
        out.push('\n');
    }
    for r in &a.redundant {
        let message = if r.whole_rule {
            format!(
                "rule `{}` is implied by {}",
                r.rule,
                join_and(
                    &r.implied_by
                        .iter()
                        .map(|b| format!("`{b}`"))
                        .collect::<Vec<_>>()
                )
            )
        } else {
            format!(
                "a check of rule `{}` is implied by {}",
                r.rule,
                join_and(
                    &r.implied_by
                        .iter()
                        .map(|b| format!("`{b}`"))
                        .collect::<Vec<_>>()
                )
            )
        };
        let mut p = Problem::new(
            ProblemKind::Rules,
            Severity::Warning,
            "rules::redundant",
            message,
        );
        p = label(p, &r.rule, format!("implied: {}", r.checks.join("; ")));
        for b in &r.implied_by {
            p = label(p, b, "implies it".into());
        }
        let mut help = r.explanation.clone();
        if r.rounding_read_as_exact {
            help.push_str(&format!(". Note: {ROUNDING_NOTE}"));
        }
        out.push_str(&render_problem(&p.with_help(help), sources, style));
        out.push('\n');
    }
    for c in &a.cannot_fail {
        let message = if c.whole_rule {
            format!("rule `{}` can never fail", c.rule)
        } else {
            format!("a check of rule `{}` can never fail", c.rule)
        };
        let p = Problem::new(
            ProblemKind::Rules,
            Severity::Warning,
            "rules::cannot-fail",
            message,
        );
        let p = label(p, &c.rule, c.checks.join("; ")).with_help(c.reason.clone());
        out.push_str(&render_problem(&p, sources, style));
        out.push('\n');
    }
    let s = &a.summary;
    if s.not_analysed + s.partly_analysed > 0 {
        let mut line = format!(
            "{} not analysed",
            plural(s.not_analysed, "rule", "rules")
        );
        if s.partly_analysed > 0 {
            line.push_str(&format!(" ({} more only in part)", s.partly_analysed));
        }
        line.push_str(": conditional or non-linear; --format json lists them\n");
        out.push_str(&line);
    }
    if !a.undecided.is_empty() {
        out.push_str(&format!(
            "{} could not be decided (numbers too large or systems too big)\n",
            plural(a.undecided.len(), "question", "questions")
        ));
    }
    out.push_str(&format!(
        "analysed {} of {}: {}, {}, {}\n",
        s.analysed,
        plural(s.rules, "rule", "rules"),
        plural(s.contradictions, "contradiction", "contradictions"),
        plural(s.redundant, "redundancy", "redundancies"),
        plural(s.cannot_fail, "check that cannot fail", "checks that cannot fail"),
    ));
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

pub fn render_json(a: &Analysis) -> String {
    let mut s = serde_json::to_string_pretty(a).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// `rimlig rules --analyze`: the analysis on stdout, problems loading the rule files on
/// stderr. Exit 1 with a contradiction, 2 when the rule files cannot be loaded, else 0.
pub fn run(rule_paths: &[PathBuf], json: bool, style: Style) -> Output {
    let roots = if rule_paths.is_empty() {
        vec![RuleRoot::Embedded]
    } else {
        rule_paths.iter().cloned().map(RuleRoot::Path).collect()
    };
    let inputs = Inputs {
        roots,
        ..Inputs::default()
    };
    let loaded = ruletest::run(&inputs, None);
    let mut stderr = String::new();
    for p in &loaded.rule_problems {
        stderr.push_str(&render_problem(p, &loaded.sources, style));
    }
    if loaded.rule_problems.iter().any(Problem::is_fatal) {
        return Output {
            stdout: String::new(),
            stderr,
            exit_code: 2,
        };
    }
    let a = analyze(&loaded.rules, &loaded.sources);
    Output {
        stdout: if json {
            render_json(&a)
        } else {
            render_human(&a, &loaded.sources, style)
        },
        stderr,
        exit_code: if a.contradictions.is_empty() { 0 } else { 1 },
    }
}
