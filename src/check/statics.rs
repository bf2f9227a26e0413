//! Static checks of rule files: everything that can be said about a rule before any report is
//! read (types and units, function arity, checks that cannot fail, unused declarations), and
//! the one check that needs the reports but not evaluation (tables no report has).
//!
//! Errors here (`rules::type`, `rules::arity`) disable the rule, as an unknown name does;
//! warnings (`rules::always-true`, `rules::never-true`, `rules::unreachable`, `rules::unused`)
//! and infos (`rules::no-table`) leave it enabled.

use super::{RuleRoot, RuleSet};
use crate::library;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::source::{SourceId, Sources, Span};
use crate::syntax::ast::{Expr, ExprKind, Reference};

/// Every check that needs only the rule files. Run right after loading them.
pub fn check_static(
    set: &mut RuleSet,
    roots: &[RuleRoot],
    sources: &Sources,
    problems: &mut Vec<Problem>,
) {
    // A rule file with errors lost the items (and so the uses) that did not parse: saying
    // what is unused would then mostly be noise about the broken rule.
    let incomplete = problems
        .iter()
        .any(|p| p.kind == ProblemKind::Rules && p.severity == Severity::Error);
    // First: every later check walks lets, and must not walk one without end.
    super::lets::check_let_sizes(set, problems);
    super::types::check_types(set, sources, problems);
    super::lint::check_constant(set, sources, problems);
    if !incomplete {
        let library = library_sources(set, roots, sources);
        super::unused::check_unused(set, &library, problems);
    }
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

/// The expression inside any parentheses ([`Expr::unparen`]).
pub(crate) fn unparen(e: &Expr) -> &Expr {
    e.unparen()
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

/// Rule sets from rule text, for the tests of the static checks.
#[cfg(test)]
pub(crate) mod testing {
    use crate::check::RuleSet;
    use crate::problem::Problem;
    use crate::source::{SourceFile, Sources, Span};
    use crate::syntax::parse_file;

    /// The rule set of one file `t.rules` holding `text`; syntax errors fail the test.
    pub fn rule_set(text: &str) -> (RuleSet, Sources) {
        let mut sources = Sources::default();
        let id = sources.add(SourceFile::new("t.rules", text));
        let (file, problems) = parse_file(id, sources.get(id));
        assert!(problems.is_empty(), "{problems:#?}");
        let set = RuleSet::of_file(file, id);
        (set, sources)
    }

    /// (code, labelled text) of every problem, the first label's text.
    pub fn found(problems: &[Problem], sources: &Sources) -> Vec<(&'static str, String)> {
        problems
            .iter()
            .map(|p| {
                let text = p
                    .labels
                    .first()
                    .map(|l| labelled(sources, l.source, l.span))
                    .unwrap_or_default();
                (p.code, text)
            })
            .collect()
    }

    fn labelled(sources: &Sources, source: crate::source::SourceId, span: Span) -> String {
        super::text_of(sources, source, span).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::load_rules;

    #[test]
    fn the_embedded_library_has_no_static_errors_or_warnings() {
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        let roots = [RuleRoot::Embedded];
        let mut set = load_rules(&roots, &mut sources, &mut problems);
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(!set.rules.is_empty());
        check_static(&mut set, &roots, &sources, &mut problems);
        let found: Vec<_> = problems.iter().map(|p| (p.code, &p.message)).collect();
        assert!(found.is_empty(), "{found:#?}");
        assert!(set.rules.iter().all(|r| r.enabled));
    }

    #[test]
    fn the_library_as_a_rules_folder_is_a_user_folder() {
        // The same files given with --rules are the user's own: their unused columns count.
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let roots = [RuleRoot::Path(dir)];
        let mut set = load_rules(&roots, &mut sources, &mut problems);
        check_static(&mut set, &roots, &sources, &mut problems);
        assert!(
            problems.iter().all(|p| p.code == "rules::unused"),
            "{problems:#?}"
        );
        assert!(problems.iter().all(|p| p.severity == Severity::Warning));
    }
}
