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
use crate::render::plural;
use crate::ruletest::{self, Inputs};
use crate::source::Sources;
use linear::{Dnf, Fact, RuleFacts, Vars};
use serde::Serialize;
use solver::{Atom, Feas, feasible_within};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

/// How many feasibility checks one question may take before it is left undecided.
const MAX_CHECKS_PER_QUESTION: usize = 2000;
/// How many elimination steps the whole analysis may take: beyond it, every question left is
/// not decided, so even a huge rule set gives an answer in seconds.
const MAX_WORK: usize = 4_000_000;

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
    /// An `if`/`where` condition that never holds: what it guards is never checked.
    pub never_applies: bool,
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
fn sat(facts: &[&Dnf], extra: &[Atom], budget: &mut usize, work: &mut usize) -> Feas {
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
    dfs(base, &multi, budget, work)
}

fn dfs(base: Vec<Atom>, multi: &[&Dnf], budget: &mut usize, work: &mut usize) -> Feas {
    if *budget == 0 {
        return Feas::Unknown;
    }
    *budget -= 1;
    let here = feasible_within(&base, work);
    if here != Feas::Feasible || multi.is_empty() {
        return here;
    }
    let mut unknown = false;
    for case in multi[0] {
        let mut next = base.clone();
        next.extend(case.iter().cloned());
        match dfs(next, &multi[1..], budget, work) {
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

/// A smallest subset of `parts` (kept in order) of which `holds` is true, when it is true of
/// all of them: grow a prefix until it holds, then leave out each part that is not needed,
/// the last first, so that earlier parts are the ones kept. Cheap when a few early parts
/// suffice, which is the usual case.
fn minimal(parts: &[usize], holds: impl Fn(&[usize]) -> bool) -> Vec<usize> {
    let mut kept = Vec::new();
    for p in parts {
        kept.push(*p);
        if holds(&kept) {
            break;
        }
    }
    for k in (0..kept.len()).rev() {
        let mut trial = kept.clone();
        trial.remove(k);
        if holds(&trial) {
            kept = trial;
        }
    }
    kept
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
    /// What is left of [`MAX_WORK`].
    work: std::cell::Cell<usize>,
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

    /// Take `n` steps from what is left of [`MAX_WORK`]; `false` when none is left. Finding
    /// the rules a question is about goes through all of them, and a set of sixty thousand
    /// rules asks as many questions: that counts too.
    fn spend(&self, n: usize) -> bool {
        let left = self.work.get();
        self.work.set(left.saturating_sub(n));
        left > 0
    }

    fn sat_items(&self, items: &[usize], extra: &[Atom]) -> Feas {
        let facts: Vec<&Dnf> = items.iter().map(|i| &self.items[*i].fact.holds).collect();
        self.sat(&facts, extra)
    }

    fn sat(&self, facts: &[&Dnf], extra: &[Atom]) -> Feas {
        let mut budget = MAX_CHECKS_PER_QUESTION;
        let mut work = self.work.get();
        let out = sat(facts, extra, &mut budget, &mut work);
        self.work.set(work);
        out
    }

    /// The items of `pool` connected to `start` through shared variables.
    fn component(&self, start: &BTreeSet<usize>, pool: &[usize]) -> Vec<usize> {
        let mut vars = start.clone();
        let mut taken = vec![false; pool.len()];
        loop {
            self.spend(pool.len());
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

    /// The items of `items` that belong to one of `rules`.
    fn of_rules(&self, items: &[usize], rules: &[usize]) -> Vec<usize> {
        let mut mask = vec![false; self.ids.len()];
        for r in rules {
            mask[*r] = true;
        }
        items
            .iter()
            .copied()
            .filter(|i| mask[self.items[*i].rule])
            .collect()
    }

    /// The ids of the rules of `items`, in load order.
    fn rule_ids(&self, items: &[usize]) -> Vec<String> {
        self.rules_of(items)
            .iter()
            .map(|r| self.ids[*r].clone())
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
        work: std::cell::Cell::new(MAX_WORK),
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
        for (k, &i) in pool.iter().enumerate() {
            if seen[i] {
                continue;
            }
            if !d.spend(0) {
                let rest: Vec<usize> = pool[k..].iter().copied().filter(|p| !seen[*p]).collect();
                out.undecided.push(Undecided {
                    rules: d.rule_ids(&rest),
                    question:
                        "whether these rules can hold together (the analysis ran out of work)"
                            .into(),
                });
                break;
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
                        rules: d.rule_ids(&comp),
                        question: "whether these rules can hold together".into(),
                    });
                    continue;
                }
                Feas::Infeasible => {}
            }
            // First over rules, then over the checks left: what remains is infeasible, and
            // leaving out any one part of it makes it feasible (or undecided).
            let rules = minimal(&d.rules_of(&comp), |rules| {
                d.sat_items(&d.of_rules(&comp, rules), &[]) == Feas::Infeasible
            });
            let items = minimal(&d.of_rules(&comp, &rules), |items| {
                d.sat_items(items, &[]) == Feas::Infeasible
            });
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
        match d.sat(&[&it.fact.fails], &[]) {
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
                never_applies: false,
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
            if d.sat(&[&c.holds], &[]) == Feas::Infeasible {
                out.cannot_fail.push(CannotFail {
                    rule: d.ids[r].clone(),
                    file: file.clone(),
                    line,
                    checks: vec![c.text.clone()],
                    whole_rule: false,
                    never_applies: true,
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
            if !d.spend(pool.len()) {
                out.undecided.push(Undecided {
                    rules: vec![d.ids[r].clone()],
                    question: format!("whether `{}` follows from other rules", fact.text),
                });
                continue;
            }
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
            // A smallest set of rules that still implies it; the earlier rules (the ones
            // others were written after) are the ones kept.
            let rules = minimal(&d.rules_of(&premises), |rules| {
                implies(&d.of_rules(&premises, rules)) == Feas::Infeasible
            });
            rounding |= d
                .of_rules(&premises, &rules)
                .iter()
                .any(|p| d.items[*p].fact.rounding);
            by.extend(rules);
            implied.push(i);
            pool.retain(|p| *p != i);
        }
        if implied.is_empty() {
            continue;
        }
        let whole = implied.len() + mine.iter().filter(|i| taut.contains(i)).count() == mine.len()
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
            "whenever {} {named} {}, {} too, so {} can never find anything that {named} {} not already find",
            if by_ids.len() == 1 { "rule" } else { "rules" },
            if by_ids.len() == 1 { "passes" } else { "pass" },
            join_and(
                &checks
                    .iter()
                    .map(|c| format!("`{c}` holds"))
                    .collect::<Vec<_>>()
            ),
            if whole { "the rule" } else { "this check" },
            if by_ids.len() == 1 { "does" } else { "do" },
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
        let mut message = if c.rules.len() == 1 {
            format!("rule `{}` can never pass", c.rules[0])
        } else {
            format!(
                "rules {} contradict each other",
                join_and(&c.rules.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>())
            )
        };
        // Read exactly, `within rounding` is stricter than it is: the rounding of printed
        // figures may let them all pass, so this is no certain contradiction.
        if c.rounding_read_as_exact {
            message.push_str(" if `within rounding` is read exactly");
        }
        let mut p = Problem::new(
            ProblemKind::Rules,
            if c.rounding_read_as_exact {
                Severity::Warning
            } else {
                Severity::Error
            },
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
        let message = if c.never_applies {
            format!("a condition of rule `{}` can never hold", c.rule)
        } else if c.whole_rule {
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
        let mut line = format!("{} not analysed", plural(s.not_analysed, "rule", "rules"));
        if s.partly_analysed > 0 {
            line.push_str(&format!(" ({} more only in part)", s.partly_analysed));
        }
        line.push_str(
            ": conditional, non-linear, text or the previous report; --format json lists them\n",
        );
        out.push_str(&line);
    }
    if !a.undecided.is_empty() {
        out.push_str(&format!(
            "{} could not be decided (numbers too large, systems too big, or the analysis out of its work budget)\n",
            plural(a.undecided.len(), "question", "questions")
        ));
    }
    out.push_str(&format!(
        "analysed {} of {}: {}, {}, {}\n",
        s.analysed,
        plural(s.rules, "rule", "rules"),
        plural(s.contradictions, "contradiction", "contradictions"),
        plural(s.redundant, "redundancy", "redundancies"),
        plural(
            s.cannot_fail,
            "check that cannot fail",
            "checks that cannot fail"
        ),
    ));
    out
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

/// What `rimlig rules --analyze --format json` prints when the rule files cannot be loaded
/// (exit 2), as `rimlig rules --format json` does: an object with the problems and the exit
/// code, and none of the analysis's lists, so that a broken rule file never reads as a rule set
/// without contradictions.
#[derive(Serialize)]
struct BrokenJson<'a> {
    problems: Vec<ruletest::render::ProblemJson<'a>>,
    exit_code: i32,
}

fn render_broken_json(problems: &[Problem], sources: &Sources) -> String {
    let doc = BrokenJson {
        problems: problems
            .iter()
            .map(|p| ruletest::render::problem_json(p, sources))
            .collect(),
        exit_code: 2,
    };
    ruletest::render::broken_json(&doc)
}

/// `rimlig rules --analyze`: the analysis on stdout, problems loading the rule files on
/// stderr (and in the JSON on stdout with `json`). Exit 1 with a contradiction, 2 when the rule
/// files cannot be loaded, else 0.
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
    let loaded = crate::catalog::checked(ruletest::run(&inputs, None), &inputs.roots);
    let mut stderr = String::new();
    for p in &loaded.rule_problems {
        stderr.push_str(&render_problem(p, &loaded.sources, style));
    }
    if loaded.rule_problems.iter().any(Problem::is_fatal) {
        return Output {
            stdout: if json {
                render_broken_json(&loaded.rule_problems, &loaded.sources)
            } else {
                String::new()
            },
            stderr,
            exit_code: 2,
        };
    }
    // Translation recurses over expressions (bounded in depth); a big stack keeps the bound
    // far from the stack's end, as for the evaluator.
    let a = std::thread::scope(|s| {
        let big = std::thread::Builder::new()
            .name("rimlig-analyze".into())
            .stack_size(64 * 1024 * 1024)
            .spawn_scoped(s, || analyze(&loaded.rules, &loaded.sources));
        match big {
            Ok(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            Err(_) => analyze(&loaded.rules, &loaded.sources),
        }
    });
    Output {
        stdout: if json {
            render_json(&a)
        } else {
            render_human(&a, &loaded.sources, style)
        },
        stderr,
        exit_code: i32::from(a.contradictions.iter().any(|c| !c.rounding_read_as_exact)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::source::SourceFile;
    use crate::syntax::parse_file;

    /// Tables `t` (columns a b c x y, key k) and `g` (grouped by `grupp`) are declared.
    const TABLES: &str = r#"
table t "t" {
  key    k "K"
  column a "A" tkr
  column b "B" tkr
  column c "C" tkr
  column x "X" tkr
  column y "Y" tkr
  column m "M" mkr
  total  "Summa"
}
table g "g" {
  key    k     "K"
  column grupp "Grupp" text
  column x     "X" tkr
  group  grupp
}
"#;

    fn analysis(rules: &str) -> Analysis {
        // The parser recurses deeply on nested brackets; the test thread's stack is small.
        let rules = rules.to_string();
        std::thread::Builder::new()
            .stack_size(64 * 1024 * 1024)
            .spawn(move || analysis_here(&rules))
            .expect("a thread")
            .join()
            .expect("no panic")
    }

    fn analysis_here(rules: &str) -> Analysis {
        let mut sources = Sources::default();
        let text = format!("{TABLES}\n{rules}");
        let id = sources.add(SourceFile::new("t.rules", text));
        let (file, problems) = parse_file(id, sources.get(id));
        assert!(problems.is_empty(), "{problems:?}");
        let set = RuleSet::of_file(file, id);
        analyze(&set, &sources)
    }

    fn contradictions(a: &Analysis) -> Vec<Vec<&str>> {
        a.contradictions
            .iter()
            .map(|c| c.rules.iter().map(String::as_str).collect())
            .collect()
    }

    fn redundant(a: &Analysis) -> Vec<(&str, Vec<&str>)> {
        a.redundant
            .iter()
            .map(|r| {
                (
                    r.rule.as_str(),
                    r.implied_by.iter().map(String::as_str).collect(),
                )
            })
            .collect()
    }

    fn cannot_fail(a: &Analysis) -> Vec<&str> {
        a.cannot_fail.iter().map(|c| c.rule.as_str()).collect()
    }

    fn clean(a: &Analysis) -> bool {
        a.contradictions.is_empty() && a.redundant.is_empty() && a.cannot_fail.is_empty()
    }

    #[test]
    fn bounds_that_cross_contradict() {
        let a = analysis(
            "rule lo { each t: x >= 10 }\nrule hi { each t: x <= 5 }\nrule ok { each t: y >= 0 }",
        );
        assert_eq!(contradictions(&a), [["lo", "hi"]]);
        assert!(a.redundant.is_empty() && a.cannot_fail.is_empty());
        assert!(!a.contradictions[0].rounding_read_as_exact);
    }

    #[test]
    fn strict_orders_both_ways_contradict() {
        let a = analysis("rule ab { each t: a > b }\nrule ba { each t: b > a }");
        assert_eq!(contradictions(&a), [["ab", "ba"]]);
        // Not strict: a == b satisfies both.
        let a = analysis("rule ab { each t: a >= b }\nrule ba { each t: b >= a }");
        assert!(clean(&a), "{a:?}");
    }

    #[test]
    fn sums_and_totals_are_variables_of_their_own() {
        let a = analysis(
            "rule summa { in t: sum(x) == total.x }\nrule mer { in t: sum(x) >= total.x + 1 }",
        );
        assert_eq!(contradictions(&a), [["summa", "mer"]]);
        // `T.total.c` from anywhere is the same total row.
        let a = analysis(
            "rule summa { in t: sum(x) == total.x }\nrule fast { t.total.x == 7 }\nrule ocksa { in t: sum(x) == 8 }",
        );
        assert_eq!(contradictions(&a), [["summa", "fast", "ocksa"]]);
    }

    #[test]
    fn the_smallest_contradicting_set_is_reported() {
        let a = analysis(
            "rule r1 { each t: a == b - c }\nrule r2 { each t: y >= 0 }\nrule r3 { each t: b >= 10 }\nrule r4 { each t: c >= 0 }\nrule r5 { each t: a >= b + 1 }",
        );
        assert_eq!(contradictions(&a), [["r1", "r4", "r5"]]);
    }

    #[test]
    fn a_rule_that_can_never_pass_is_a_contradiction_alone() {
        let a = analysis("rule nie { each t: a < a - 1 }");
        assert_eq!(contradictions(&a), [["nie"]]);
    }

    #[test]
    fn chains_for_and_keyed_rows() {
        let a = analysis("rule andel { each t: 0 <= x <= 100 }\nrule stor { each t: x >= 200 }");
        assert_eq!(contradictions(&a), [["andel", "stor"]]);
        let a = analysis(
            "rule summa { in t: for c in [a, b]: sum(c) == total.c }\nrule b-mer { in t: sum(b) == total.b + 1 }\nrule a-ok { in t: sum(a) >= 0 }",
        );
        assert_eq!(contradictions(&a), [["summa", "b-mer"]]);
        let a = analysis(
            "rule ett { t[\"A\"].x == 1 }\nrule tva { in t: t[\"A\"].x == 2 }\nrule annan { t[\"B\"].x == 2 }",
        );
        assert_eq!(contradictions(&a), [["ett", "tva"]]);
    }

    #[test]
    fn different_scopes_are_not_mixed_up() {
        // Per group (`by`, a grouped table) is not the whole table.
        let a = analysis(
            "rule per-grupp { in t by k: sum(x) == total.x }\nrule hela { in t: sum(x) == total.x + 1 }",
        );
        assert!(clean(&a), "{a:?}");
        let a = analysis(
            "rule grupp { in g: sum(x) == total.x }\nrule utifran { g.total.x == sum(g.x) + 1 }",
        );
        assert!(clean(&a), "{a:?}");
        // A row of `each t` and the one-row table `t.x` seen from elsewhere are not the same.
        let a = analysis("rule rad { each t: x >= 1 }\nrule ett { in g: t.x <= 0 }");
        assert!(clean(&a), "{a:?}");
    }

    #[test]
    fn a_relative_tolerance_is_split_on_the_sign() {
        let rules = "rule nara { each t: a == b within 10% }\nrule dubbel { each t: a >= 2 * b }";
        // With b < 0, a = b satisfies both.
        assert!(clean(&analysis(rules)));
        let a = analysis(&format!("{rules}\nrule positiv {{ each t: b >= 1 }}"));
        assert_eq!(contradictions(&a), [["nara", "dubbel", "positiv"]]);
    }

    #[test]
    fn rounding_is_read_as_exact_and_said_so() {
        let a = analysis(
            "rule lika { each t: a == b within rounding }\nrule storre { each t: a >= b + 1 }",
        );
        assert_eq!(contradictions(&a), [["lika", "storre"]]);
        assert!(a.contradictions[0].rounding_read_as_exact);
    }

    #[test]
    fn implied_rules_are_redundant() {
        let a = analysis(
            "rule exakt { each t: a == b - c }\nrule inom { each t: a == b - c within 5 }\nrule hogst { each t: a <= b - c + 10 }",
        );
        assert!(a.contradictions.is_empty());
        assert_eq!(
            redundant(&a),
            [("inom", vec!["exakt"]), ("hogst", vec!["exakt"])]
        );
        assert!(a.redundant.iter().all(|r| r.whole_rule));
        let a = analysis("rule tio { each t: x >= 10 }\nrule noll { each t: x >= 0 }");
        assert_eq!(redundant(&a), [("noll", vec!["tio"])]);
        // Strict implies non-strict, not the other way round.
        let a = analysis("rule le { each t: a <= b }\nrule lt { each t: a < b }");
        assert_eq!(redundant(&a), [("le", vec!["lt"])]);
    }

    #[test]
    fn of_two_equal_rules_only_the_later_is_redundant() {
        let a = analysis("rule forst { each t: a == b }\nrule sedan { each t: b == a }");
        assert_eq!(redundant(&a), [("sedan", vec!["forst"])]);
    }

    #[test]
    fn implication_through_several_rules() {
        let a = analysis(
            "rule ab { each t: a <= b }\nrule bc { each t: b <= c }\nrule ac { each t: a <= c }\nrule x { each t: x >= 0 }",
        );
        assert_eq!(redundant(&a), [("ac", vec!["ab", "bc"])]);
    }

    #[test]
    fn a_partly_implied_rule_names_the_check() {
        let a = analysis("rule exakt { each t: a == b }\nrule tva { each t: { a <= b  x >= 1 } }");
        assert_eq!(redundant(&a), [("tva", vec!["exakt"])]);
        assert!(!a.redundant[0].whole_rule);
        assert_eq!(a.redundant[0].checks, ["a <= b"]);
    }

    #[test]
    fn checks_that_cannot_fail() {
        for rule in [
            "each t: a == a within 5",
            "each t: abs(x) >= 0",
            "each t: x <= x + 1",
            "each t: a == a within 5%",
            "each t: min(a, b) <= max(a, b)",
            "in t: for c in [a, b]: total.c - 1 < total.c",
            "each t: a <= b or a > b",
            "each t: not (a < a)",
        ] {
            let a = analysis(&format!("rule r {{ {rule} }}"));
            assert_eq!(cannot_fail(&a), ["r"], "{rule}");
            assert!(a.cannot_fail[0].whole_rule, "{rule}");
            assert!(
                a.contradictions.is_empty() && a.redundant.is_empty(),
                "{rule}"
            );
        }
        for rule in [
            "each t: a == b within 5",
            "each t: abs(x) >= 1",
            "each t: min(a, b) < max(a, b)",
            "each t: a == a * 2",
            "each t: a <= b or a < b",
        ] {
            let a = analysis(&format!("rule r {{ {rule} }}"));
            assert!(clean(&a), "{rule}: {a:?}");
        }
    }

    #[test]
    fn a_condition_that_never_holds_is_reported() {
        let a = analysis("rule r { each t where x > 5 and x < 3: y > 0 }");
        assert_eq!(cannot_fail(&a), ["r"]);
        assert!(a.cannot_fail[0].reason.contains("`where` condition"));
        let a = analysis("rule r { each t: if x > 5 and x < 6 then y > 0 }");
        assert!(clean(&a));
    }

    #[test]
    fn what_is_not_understood_is_listed_with_a_reason() {
        let a = analysis(
            "rule villkor { each t where x > 0: y > 0 }\nrule om { each t: if x > 0 then y > 0 }\nrule text { each t: k == \"A\" }\nrule forra { each t: x == previous.x }\nrule produkt { each t: x * y >= 0 }\nrule kvot { each t: x / y >= 0 }\nrule tecken { each t: a == b - c either sign }\nrule saknas { each t: x is present }\nrule enheter { each t: x <= 6 mkr }\nrule halft { each t: { x >= 0  x * y >= 0 } }",
        );
        let reasons: Vec<(&str, bool, &str)> = a
            .not_analysed
            .iter()
            .map(|n| (n.rule.as_str(), n.partly, n.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                ("villkor", false, "it has a `where` condition"),
                ("om", false, "it has an `if` condition"),
                ("text", false, "it compares text"),
                ("forra", false, "it reads the previous report"),
                ("produkt", false, "it multiplies two values"),
                ("kvot", false, "it divides by a value"),
                ("tecken", false, "it uses `either sign`"),
                ("saknas", false, "it tests whether a value is missing"),
                ("enheter", false, "it mixes units"),
                ("halft", true, "it multiplies two values"),
            ]
        );
        assert_eq!(a.summary.analysed, 1);
        assert_eq!(a.summary.not_analysed, 9);
        assert_eq!(a.summary.partly_analysed, 1);
    }

    #[test]
    fn money_tolerances_convert_to_the_column_unit() {
        // 1 mkr is 1 000 tkr: `a == b within 1 mkr` is implied by `a == b + 999`.
        let a = analysis(
            "rule nara { each t: a == b + 999 }\nrule mkr { each t: a == b within 1 mkr }",
        );
        assert_eq!(redundant(&a), [("mkr", vec!["nara"])]);
        let a = analysis(
            "rule nara { each t: a == b + 1001 }\nrule mkr { each t: a == b within 1 mkr }",
        );
        assert_eq!(contradictions(&a), [["nara", "mkr"]]);
    }

    #[test]
    fn lets_are_followed() {
        let a = analysis(
            "let grans = 10\nrule lo { each t: x >= grans }\nrule hi { each t: x <= grans - 1 }",
        );
        assert_eq!(contradictions(&a), [["lo", "hi"]]);
    }

    #[test]
    fn huge_numbers_are_not_analysed_and_never_panic() {
        let big = "79228162514264337593543950335";
        let a = analysis(&format!(
            "rule r {{ each t: x * {big} * {big} * {big} >= {big} }}\nrule s {{ each t: x * {big} * {big} <= 0.0000000000000000000000000001 }}\nrule u {{ each t: x * {big} >= y * {big} + 1 }}\nrule v {{ each t: y * {big} >= x * {big} }}"
        ));
        // Whatever is decided, nothing panics, and an overflow is not a finding.
        let _ = render_json(&a);
    }

    #[test]
    fn deep_expressions_do_not_overflow_the_stack() {
        let deep = format!("{}x{}", "(".repeat(60), ")".repeat(60));
        let a = analysis(&format!(
            "rule r {{ each t: {deep} >= 1 }}\nrule s {{ each t: x <= 0 }}"
        ));
        assert_eq!(contradictions(&a), [["r", "s"]]);
        let long = vec!["x"; 200].join(" + ");
        let a = analysis(&format!("rule r {{ each t: {long} >= 1 }}"));
        assert!(a.contradictions.is_empty());
    }
}
