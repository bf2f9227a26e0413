//! How large each `let` is once the lets it uses are written out.
//!
//! A `let` is evaluated, type-checked and analysed by walking its expression and, at each
//! name of another `let`, that let's expression. Thirty lines of `let a1 = a0 + a0`, `let a2
//! = a1 + a1` … make such a walk a billion steps long, and a chain of thousands of lets makes
//! every use of the last one thousands of steps deep. So a let is measured here, once, before
//! anything walks it: one larger than [`MAX_LET_TERMS`] is an error at the let, and the rules
//! that use it are not evaluated.

use super::RuleSet;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::syntax::ast::{Assertion, Expr, ExprKind, Reference};
use std::collections::HashMap;

/// The most terms a `let` may stand for, its lets written out.
pub const MAX_LET_TERMS: u64 = 4_096;

/// Measure every let of `set`; say which are too large, and disable the rules that use them.
pub fn check_let_sizes(set: &mut RuleSet, problems: &mut Vec<Problem>) {
    let index: HashMap<&str, usize> = set
        .lets
        .iter()
        .enumerate()
        .map(|(i, (l, _))| (l.name.text.as_str(), i))
        .collect();
    // Each let's own terms, and the lets it names.
    let parts: Vec<(u64, Vec<usize>)> = set
        .lets
        .iter()
        .map(|(l, _)| {
            let mut names = Vec::new();
            let own = terms(&l.value, &mut |n| names.extend(index.get(n).copied()));
            (own, names)
        })
        .collect();
    let sizes = expanded(&parts);
    let too_large: Vec<usize> = (0..set.lets.len())
        .filter(|&i| sizes[i] > MAX_LET_TERMS)
        .collect();
    if too_large.is_empty() {
        return;
    }
    // Said of the largest only: those no other let too large uses (a chain of them is one
    // error, at its end).
    let used_by_too_large: std::collections::HashSet<usize> = too_large
        .iter()
        .flat_map(|&i| parts[i].1.iter().copied())
        .collect();
    for &i in too_large.iter().filter(|i| !used_by_too_large.contains(i)) {
        let (l, source) = &set.lets[i];
        problems.push(
            Problem::new(
                ProblemKind::Rules,
                Severity::Error,
                "rules::too-long",
                format!(
                    "`let {}` stands for {} terms once the lets it uses are written out; at most {MAX_LET_TERMS} are accepted, and the rules that use it are not checked",
                    l.name.text,
                    if sizes[i] == u64::MAX { "more than 10¹⁹".to_string() } else { sizes[i].to_string() }
                ),
            )
            .with_label(*source, l.name.span, "this let")
            .with_help("give the value as a figure, or build it from fewer lets"),
        );
    }
    let names: std::collections::HashSet<&str> = too_large
        .iter()
        .map(|&i| set.lets[i].0.name.text.as_str())
        .collect();
    let users: Vec<usize> = set
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.rule.body.iter().any(|a| assertion_names(a, &names)))
        .map(|(i, _)| i)
        .collect();
    for i in users {
        set.rules[i].enabled = false;
    }
}

/// The terms of `e` (every node counts one), calling `name` with each bare name it reads.
fn terms(e: &Expr, name: &mut impl FnMut(&str)) -> u64 {
    let own = match &e.kind {
        ExprKind::Ref {
            reference: Reference::Name(n),
            ..
        } => {
            name(&n.text);
            1
        }
        ExprKind::Ref {
            reference: Reference::Keyed { key, .. },
            ..
        } => 1 + terms(key, name),
        _ => 1,
    };
    e.children()
        .into_iter()
        .fold(own, |n, c| n.saturating_add(terms(c, name)))
}

/// The size of each let with the lets it names written out (saturating), from `parts`: its
/// own terms and the lets it names. A let in a circle counts its circle once (the circle
/// itself is an error of evaluation). Worked out without recursion, so a chain of a hundred
/// thousand lets is measured in a loop, not a hundred thousand calls deep.
fn expanded(parts: &[(u64, Vec<usize>)]) -> Vec<u64> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    let mut state = vec![State::New; parts.len()];
    let mut size = vec![0u64; parts.len()];
    for start in 0..parts.len() {
        if state[start] != State::New {
            continue;
        }
        // (let, how many of its names have been visited)
        let mut stack = vec![(start, 0usize)];
        state[start] = State::Open;
        while let Some(&mut (i, ref mut next)) = stack.last_mut() {
            if let Some(&j) = parts[i].1.get(*next) {
                *next += 1;
                if state[j] == State::New {
                    state[j] = State::Open;
                    stack.push((j, 0));
                }
                continue;
            }
            size[i] = parts[i].1.iter().fold(parts[i].0, |n, &j| {
                // A let still open is in a circle with this one: counted as itself alone.
                let s = if state[j] == State::Done {
                    size[j]
                } else {
                    parts[j].0
                };
                n.saturating_add(s)
            });
            state[i] = State::Done;
            stack.pop();
        }
    }
    size
}

/// Whether assertion `a` reads one of `names` anywhere.
fn assertion_names(a: &Assertion, names: &std::collections::HashSet<&str>) -> bool {
    let mut found = false;
    let mut reads = |e: &Expr| {
        terms(e, &mut |n| found |= names.contains(n));
    };
    match a {
        Assertion::In { body, .. } | Assertion::For { body, .. } => {
            return assertion_names(body, names);
        }
        Assertion::Each { filter, body, .. } => {
            if let Some(f) = filter {
                reads(f);
            }
            return found || assertion_names(body, names);
        }
        Assertion::If { cond, body, .. } => {
            reads(cond);
            return found || assertion_names(body, names);
        }
        Assertion::Block(items, _) => return items.iter().any(|a| assertion_names(a, names)),
        Assertion::Check(e) => reads(e),
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lets_are_measured_written_out() {
        // a0 = 1 term; a1 = a0 + a0: 3 own terms (+, a0, a0), plus a0 twice.
        let parts = vec![(1, vec![]), (3, vec![0, 0]), (3, vec![1, 1])];
        assert_eq!(expanded(&parts), [1, 5, 13]);
        // Doubling sixty times saturates rather than overflowing.
        let mut parts = vec![(1u64, vec![])];
        for i in 0..70 {
            parts.push((3, vec![i, i]));
        }
        assert_eq!(*expanded(&parts).last().unwrap(), u64::MAX);
        // A circle is measured once round: 1 counts 0's own terms, 0 counts all of 1.
        assert_eq!(expanded(&[(2, vec![1]), (2, vec![0])]), [6, 4]);
        // A chain of a hundred thousand: no recursion.
        let chain: Vec<(u64, Vec<usize>)> = (0..100_000)
            .map(|i| (1, if i == 0 { vec![] } else { vec![i - 1] }))
            .collect();
        assert_eq!(expanded(&chain)[99_999], 100_000);
    }
}
