//! Static checks of rule files: everything that can be said about a rule before any report is
//! read (types and units, function arity, checks that cannot fail, unused declarations), and
//! the one check that needs the reports but not evaluation (tables no report has).
//!
//! Errors here (`rules::type`, `rules::arity`) disable the rule, as an unknown name does;
//! warnings (`rules::always-true`, `rules::never-true`, `rules::unreachable`, `rules::unused`)
//! and infos (`rules::no-table`) leave it enabled.

use super::{RuleRoot, RuleSet};
use crate::library;
use crate::problem::Problem;
use crate::source::{SourceId, Sources, Span};
use crate::syntax::ast::{Expr, ExprKind, Reference};

/// Every check that needs only the rule files. Run right after loading them.
pub fn check_static(
    set: &mut RuleSet,
    roots: &[RuleRoot],
    sources: &Sources,
    problems: &mut Vec<Problem>,
) {
    super::types::check_types(set, sources, problems);
    super::lint::check_constant(set, sources, problems);
    let library = library_sources(set, roots, sources);
    super::unused::check_unused(set, &library, problems);
}

/// The loaded files that are the embedded standard library. A shared library declares tables
/// and columns for many rule sets, so "declared but unused" is not said about it.
fn library_sources(set: &RuleSet, roots: &[RuleRoot], sources: &Sources) -> Vec<SourceId> {
    if !roots.iter().any(|r| matches!(r, RuleRoot::Embedded)) {
        return Vec::new();
    }
    set.files
        .iter()
        .copied()
        .filter(|&id| {
            let file = sources.get(id);
            library::FILES.iter().any(|(name, text)| {
                file.name == format!("rules/{name}") && file.text.as_str() == *text
            })
        })
        .collect()
}

/// The text of a span of a rule file, as written; empty if the span does not fit the text.
pub(crate) fn text_of(sources: &Sources, source: SourceId, span: Span) -> &str {
    sources
        .get(source)
        .text
        .get(span.start..span.end)
        .unwrap_or("")
}

/// The expression inside any parentheses.
pub(crate) fn unparen(mut e: &Expr) -> &Expr {
    while let ExprKind::Paren(inner) = &e.kind {
        e = inner;
    }
    e
}

/// `T` when an aggregate's argument reads `T.c`: the evaluator then runs the aggregate over
/// T's rows and reads bare names in the argument from T (mirrors `eval::other_table`).
pub(crate) fn aggregate_table(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Ref {
            reference: Reference::Column { table, .. },
            ..
        } => Some(&table.text),
        ExprKind::Neg(x) | ExprKind::Paren(x) => aggregate_table(x),
        ExprKind::Arith(_, a, b) => aggregate_table(a).or_else(|| aggregate_table(b)),
        ExprKind::Call { args, .. } => args.iter().find_map(aggregate_table),
        _ => None,
    }
}
