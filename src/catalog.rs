//! What the loaded rules are: `rimlig rules` (a list) and `rimlig explain ID` (one rule in
//! full, with a worked example of a failure from its tests). Pure functions from a rule set to
//! data and text.

use crate::check::{LoadedRule, RuleRoot, RuleSet};
use crate::problem::{Problem, ProblemKind, Severity};
use crate::render::human::{Style, render_finding, render_problem};
use crate::render::visible::{visible, visible_line};
use crate::ruletest::file::Expect;
use crate::ruletest::{self, Inputs, Verdict};
use crate::source::Sources;
use crate::suggest::did_you_mean;
use crate::syntax::ast::*;
use serde::Serialize;
use std::path::PathBuf;

/// A table a rule reads, and the columns it reads there, in the order the rule names them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableUse {
    pub name: String,
    /// Read from the previous report (`previous.T.c`).
    pub previous: bool,
    pub columns: Vec<String>,
}

impl TableUse {
    /// `drift`, or `previous.drift`.
    pub fn display_name(&self) -> String {
        if self.previous {
            format!("previous.{}", self.name)
        } else {
            self.name.clone()
        }
    }
}

/// The tables (and their columns) a rule reads: its `in`/`each` scopes and every `T.c`,
/// `T.total.c` and `T[k].c`, through the `let`s it uses. `for` variables stand for their
/// columns; `key` is not a column.
pub fn tables_used(rule: &Rule, set: &RuleSet) -> Vec<TableUse> {
    let mut w = Walker {
        set,
        scopes: Vec::new(),
        vars: Vec::new(),
        lets_seen: Vec::new(),
        out: Vec::new(),
    };
    for a in &rule.body {
        w.assertion(a);
    }
    w.out
}

struct Walker<'a> {
    set: &'a RuleSet,
    /// The `in`/`each` tables around the current point, innermost last: (name, previous).
    scopes: Vec<(String, bool)>,
    /// `for` variables and the columns they stand for.
    vars: Vec<(String, Vec<String>)>,
    /// `let`s already walked, so a `let` used twice (or one naming itself) is walked once.
    lets_seen: Vec<String>,
    out: Vec<TableUse>,
}

impl Walker<'_> {
    fn table(&mut self, name: &str, previous: bool) -> usize {
        match self
            .out
            .iter()
            .position(|t| t.name == name && t.previous == previous)
        {
            Some(i) => i,
            None => {
                self.out.push(TableUse {
                    name: name.to_string(),
                    previous,
                    columns: Vec::new(),
                });
                self.out.len() - 1
            }
        }
    }

    /// Record `col` (or the columns a `for` variable stands for) as read from a table.
    fn column(&mut self, table: &str, previous: bool, col: &str) {
        let cols = match self.vars.iter().rev().find(|(v, _)| v == col) {
            Some((_, cols)) => cols.clone(),
            None => vec![col.to_string()],
        };
        let i = self.table(table, previous);
        for c in cols {
            if !self.out[i].columns.contains(&c) {
                self.out[i].columns.push(c);
            }
        }
    }

    fn scope(&mut self, t: &TableRef) {
        self.table(&t.name.text, t.previous);
        self.scopes.push((t.name.text.clone(), t.previous));
    }

    fn assertion(&mut self, a: &Assertion) {
        match a {
            Assertion::In {
                table, by, body, ..
            } => {
                self.scope(table);
                if let Some(b) = by {
                    self.column(&table.name.text, table.previous, &b.text);
                }
                self.assertion(body);
                self.scopes.pop();
            }
            Assertion::Each {
                table,
                filter,
                body,
                ..
            } => {
                self.scope(table);
                if let Some(f) = filter {
                    self.expr(f);
                }
                self.assertion(body);
                self.scopes.pop();
            }
            Assertion::For {
                var, columns, body, ..
            } => {
                self.vars.push((
                    var.text.clone(),
                    columns.iter().map(|c| c.text.clone()).collect(),
                ));
                self.assertion(body);
                self.vars.pop();
            }
            Assertion::If { cond, body, .. } => {
                self.expr(cond);
                self.assertion(body);
            }
            Assertion::Block(items, _) => items.iter().for_each(|i| self.assertion(i)),
            Assertion::Check(e) => self.expr(e),
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Ref {
                previous,
                reference,
            } => self.reference(*previous, reference),
            _ => e.children().into_iter().for_each(|x| self.expr(x)),
        }
    }

    fn reference(&mut self, previous: bool, r: &Reference) {
        match r {
            // Resolved as the name checker does: `key`, a `for` variable, a `let`, then a
            // column of the innermost table.
            Reference::Name(n) => {
                let scope = self.scopes.last().cloned();
                if n.text == "key" && scope.is_some() {
                    return;
                }
                let is_var = self.vars.iter().any(|(v, _)| *v == n.text);
                if !is_var && let Some(l) = self.set.constant(&n.text) {
                    if !self.lets_seen.contains(&n.text) {
                        self.lets_seen.push(n.text.clone());
                        let value = l.value.clone();
                        self.expr(&value);
                    }
                    return;
                }
                if let Some((t, scope_previous)) = scope {
                    self.column(&t, previous || scope_previous, &n.text);
                }
            }
            Reference::Column { table, column }
            | Reference::Total {
                table: Some(table),
                column,
            } => self.column(&table.text, previous, &column.text),
            Reference::Total {
                table: None,
                column,
            }
            | Reference::Parent { column } => {
                if let Some((t, scope_previous)) = self.scopes.last().cloned() {
                    self.column(&t, previous || scope_previous, &column.text);
                }
            }
            Reference::Keyed { table, key, column } => {
                self.expr(key);
                self.column(&table.text, previous, &column.text);
            }
        }
    }
}

/// One rule as `rimlig rules` lists it.
#[derive(Clone, Debug, Serialize)]
pub struct RuleInfo {
    pub id: String,
    pub severity: &'static str,
    /// The title, or the id when the rule has none.
    pub title: String,
    pub file: String,
    pub line: usize,
    pub tags: Vec<String>,
    pub tables: Vec<TableUse>,
    #[serde(skip)]
    pub help: Option<String>,
}

/// A rule's info for the terminal: its texts with control characters shown, not sent (see
/// [`crate::render::visible`]); the help keeps its line breaks, every other text is one line.
fn shown(i: &RuleInfo) -> RuleInfo {
    let line = |s: &String| visible_line(s).into_owned();
    RuleInfo {
        id: line(&i.id),
        severity: i.severity,
        title: line(&i.title),
        file: line(&i.file),
        line: i.line,
        tags: i.tags.iter().map(line).collect(),
        tables: i
            .tables
            .iter()
            .map(|t| TableUse {
                name: line(&t.name),
                previous: t.previous,
                columns: t.columns.iter().map(line).collect(),
            })
            .collect(),
        help: i.help.as_deref().map(|h| visible(h).into_owned()),
    }
}

pub fn severity_name(rule: &Rule) -> &'static str {
    match rule.severity.map(|s| s.0) {
        Some(Level::Warning) => "warning",
        Some(Level::Info) => "info",
        _ => "error",
    }
}

pub fn rule_info(lr: &LoadedRule, set: &RuleSet, sources: &Sources) -> RuleInfo {
    let file = sources.get(lr.source);
    let r = &lr.rule;
    RuleInfo {
        id: r.id.text.clone(),
        severity: severity_name(r),
        title: r
            .title
            .as_ref()
            .map_or_else(|| r.id.text.clone(), |t| t.text.clone()),
        file: file.name.clone(),
        line: file.line_col(r.span.start).0,
        tags: r.tags.iter().map(|t| t.text.clone()).collect(),
        tables: tables_used(r, set),
        help: r.help.as_ref().map(|h| h.text.clone()),
    }
}

/// Every loaded rule, in load order.
pub fn rule_infos(set: &RuleSet, sources: &Sources) -> Vec<RuleInfo> {
    set.rules
        .iter()
        .map(|lr| rule_info(lr, set, sources))
        .collect()
}

/// `drift, previous.drift` — the tables of a rule, for a column of the list.
fn tables_cell(info: &RuleInfo) -> String {
    let names: Vec<String> = info.tables.iter().map(TableUse::display_name).collect();
    if names.is_empty() {
        "–".into()
    } else {
        names.join(", ")
    }
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

/// The rules as an aligned table, grouped by the file they are written in.
/// `read` is the number of rule files read: a file whose rules all had errors still counts.
pub fn render_list_human(infos: &[RuleInfo], read: usize) -> String {
    let infos: Vec<RuleInfo> = infos.iter().map(shown).collect();
    let infos = infos.as_slice();
    let w = |f: &dyn Fn(&RuleInfo) -> String| {
        infos
            .iter()
            .map(|i| f(i).chars().count())
            .max()
            .unwrap_or(0)
    };
    let line_w = w(&|i| i.line.to_string());
    let id_w = w(&|i| i.id.clone());
    let sev_w = w(&|i| i.severity.to_string());
    let tables_w = w(&tables_cell);
    let mut out = String::new();
    let mut files: Vec<&str> = Vec::new();
    for i in infos {
        if !files.contains(&i.file.as_str()) {
            files.push(&i.file);
        }
    }
    for (n, file) in files.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        out.push_str(file);
        out.push('\n');
        for i in infos.iter().filter(|i| i.file == *file) {
            let tags = if i.tags.is_empty() {
                String::new()
            } else {
                format!("  [{}]", i.tags.join(", "))
            };
            let line = format!(
                "  {:>line_w$}  {}  {}  {}  {}{tags}",
                i.line,
                pad(&i.id, id_w),
                pad(i.severity, sev_w),
                pad(&tables_cell(i), tables_w),
                i.title,
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    let files_n = files.len().max(read);
    out.push_str(&format!(
        "\n{} {} in {} {}\n",
        infos.len(),
        if infos.len() == 1 { "rule" } else { "rules" },
        files_n,
        if files_n == 1 { "file" } else { "files" }
    ));
    out
}

/// The rules as a JSON array.
pub fn render_list_json(infos: &[RuleInfo]) -> String {
    let mut s = serde_json::to_string_pretty(infos).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

/// What `rimlig rules --format json` prints when the rule files cannot be loaded (exit 2):
/// an object rather than the array, so that a broken rule file never reads as a list of no
/// rules (or of fewer rules than there are), with the problems in it for a program to show.
#[derive(Serialize)]
struct BrokenListJson<'a> {
    /// The rules that were read all the same.
    rules: Vec<BrokenListRule<'a>>,
    problems: Vec<ruletest::render::ProblemJson<'a>>,
    exit_code: i32,
}

/// A rule as the array lists it, and whether `check` would run it: errors of its own (a type
/// error, an unknown name) disable it.
#[derive(Serialize)]
struct BrokenListRule<'a> {
    #[serde(flatten)]
    info: &'a RuleInfo,
    enabled: bool,
}

fn render_broken_list_json(
    infos: &[RuleInfo],
    set: &RuleSet,
    problems: &[Problem],
    sources: &Sources,
) -> String {
    let doc = BrokenListJson {
        // `rule_infos` keeps the order of `set.rules`.
        rules: infos
            .iter()
            .zip(&set.rules)
            .map(|(info, lr)| BrokenListRule {
                info,
                enabled: lr.enabled,
            })
            .collect(),
        problems: problems
            .iter()
            .map(|p| ruletest::render::problem_json(p, sources))
            .collect(),
        exit_code: 2,
    };
    ruletest::render::broken_json(&doc)
}

/// What `rimlig rules` or `rimlig explain` prints, and its exit code.
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

fn roots(rule_paths: &[PathBuf]) -> Vec<RuleRoot> {
    if rule_paths.is_empty() {
        vec![RuleRoot::Embedded]
    } else {
        rule_paths.iter().cloned().map(RuleRoot::Path).collect()
    }
}

/// `run` with the static checks `check` makes of its rules (types, units, unknown names, …):
/// a rule `check` would not run is not shown as sound.
pub(crate) fn checked(mut run: ruletest::TestRun, roots: &[RuleRoot]) -> ruletest::TestRun {
    crate::check::check_static(&mut run.rules, roots, &run.sources, &mut run.rule_problems);
    run
}

/// `rimlig rules`: the list on stdout, problems loading the rule files on stderr (exit 2);
/// with `json`, the problems are in the JSON on stdout too.
pub fn list(rule_paths: &[PathBuf], json: bool, style: Style) -> Output {
    // No tests: only the rules are loaded.
    let inputs = Inputs {
        roots: roots(rule_paths),
        ..Inputs::default()
    };
    let run = checked(ruletest::run(&inputs, None), &inputs.roots);
    let mut stderr = String::new();
    for p in &run.rule_problems {
        stderr.push_str(&render_problem(p, &run.sources, style));
    }
    let infos = rule_infos(&run.rules, &run.sources);
    let fatal = run.rule_problems.iter().any(Problem::is_fatal);
    Output {
        stdout: match (json, fatal) {
            (true, true) => {
                render_broken_list_json(&infos, &run.rules, &run.rule_problems, &run.sources)
            }
            (true, false) => render_list_json(&infos),
            (false, _) => render_list_human(&infos, run.rules.files.len()),
        },
        stderr,
        exit_code: if fatal { 2 } else { 0 },
    }
}

/// The instances of a rule as findings and baselines name them, without the rule id: `budget`
/// for `drift-summa[budget]`, `a,b` for two nested `for`s; one per combination of the columns
/// its `for`s stand for, in the order `check` evaluates them. Empty for a rule without `for`.
pub fn instances(rule: &Rule) -> Vec<String> {
    fn walk(a: &Assertion, bound: &mut Vec<(String, String)>, out: &mut Vec<String>) {
        match a {
            Assertion::In { body, .. }
            | Assertion::Each { body, .. }
            | Assertion::If { body, .. } => walk(body, bound, out),
            Assertion::For {
                var, columns, body, ..
            } => {
                for c in columns {
                    // An outer `for` variable in the list stands for its column, as in `check`.
                    let col = bound
                        .iter()
                        .rev()
                        .find(|(v, _)| *v == c.text)
                        .map_or_else(|| c.text.clone(), |(_, col)| col.clone());
                    bound.push((var.text.clone(), col));
                    walk(body, bound, out);
                    bound.pop();
                }
            }
            Assertion::Block(items, _) => items.iter().for_each(|i| walk(i, bound, out)),
            Assertion::Check(_) => {
                if !bound.is_empty() {
                    let cols: Vec<&str> = bound.iter().map(|(_, c)| c.as_str()).collect();
                    let name = cols.join(",");
                    if !out.contains(&name) {
                        out.push(name);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    for a in &rule.body {
        walk(a, &mut Vec::new(), &mut out);
    }
    out
}

/// The problem of `explain RULE[INSTANCE]` when `instance` is not one of the rule's, or `None`
/// when it is. `drift-summa[ budget ]` is `drift-summa[budget]`, as a finding names it.
fn unknown_instance(rule: &Rule, instance: &str) -> Option<Problem> {
    let id = &rule.id.text;
    let wanted = instance
        .split(',')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(",");
    let all = instances(rule);
    if all.contains(&wanted) {
        return None;
    }
    let help = if all.is_empty() {
        format!("`{id}` has no `for`, so it has no instances: explain it as `{id}`")
    } else {
        // A rule with several nested `for`s can have many; the first ones say enough.
        const SHOWN: usize = 12;
        let mut names: Vec<String> = all.iter().take(SHOWN).map(|i| format!("[{i}]")).collect();
        if all.len() > SHOWN {
            names.push(format!("and {} more", all.len() - SHOWN));
        }
        let mut help = format!("the instances of `{id}` are {}", names.join(", "));
        if let Some(s) = did_you_mean(&wanted, all.iter().map(String::as_str)) {
            help.push_str(&format!("; did you mean `{id}[{s}]`?"));
        }
        help
    };
    Some(
        Problem::new(
            ProblemKind::Rules,
            Severity::Error,
            "rules::unknown-instance",
            format!("rule `{id}` has no instance `{id}[{wanted}]`"),
        )
        .with_help(help),
    )
}

/// `rimlig explain ID`: the rule's title, severity, tags, help, source, the tables and
/// columns it reads, and the first test that expects it to fail, run and shown as a finding.
pub fn explain(id: &str, rule_paths: &[PathBuf], style: Style) -> Output {
    // A rule instance as findings and baselines name it (`drift-summa[budget]`) is explained
    // as its rule, once the rule is known to have that instance.
    let (id, instance) = match id.trim().split_once('[') {
        Some((rule, rest)) if rest.ends_with(']') => (rule, Some(&rest[..rest.len() - 1])),
        _ => (id.trim(), None),
    };
    let roots = roots(rule_paths);
    let inputs = Inputs {
        tests: roots.iter().flat_map(ruletest::tests_beside).collect(),
        roots,
        only_tested_coverage: true,
    };
    let run = checked(ruletest::run(&inputs, Some(id)), &inputs.roots);
    let mut stderr = String::new();
    let mut exit_code = 0;
    // Only the rule files matter here: a broken test of another rule is `rimlig test`'s business.
    for p in run.rule_problems.iter().filter(|p| p.is_fatal()) {
        stderr.push_str(&render_problem(p, &run.sources, style));
        exit_code = 2;
    }
    let Some(lr) = run.rules.rules.iter().find(|r| r.rule.id.text == id) else {
        let ids = run.rules.rules.iter().map(|r| r.rule.id.text.as_str());
        let help = match did_you_mean(id, ids) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "`rimlig rules` lists the loaded rules".to_string(),
        };
        let p = Problem::new(
            ProblemKind::Rules,
            Severity::Error,
            "rules::unknown-rule",
            format!("unknown rule `{id}`: no loaded rule has this id"),
        )
        .with_help(help);
        stderr.push_str(&render_problem(&p, &run.sources, style));
        return Output {
            stdout: String::new(),
            stderr,
            exit_code: 2,
        };
    };
    if let Some(p) = instance.and_then(|i| unknown_instance(&lr.rule, i)) {
        stderr.push_str(&render_problem(&p, &run.sources, style));
        return Output {
            stdout: String::new(),
            stderr,
            exit_code: 2,
        };
    }
    let raw = rule_info(lr, &run.rules, &run.sources);
    let info = shown(&raw);
    let mut out = String::new();
    out.push_str(&format!("{} — {}\n\n", info.id, info.title));
    out.push_str(&format!("  severity  {}\n", info.severity));
    let tags = if info.tags.is_empty() {
        "–".to_string()
    } else {
        info.tags.join(", ")
    };
    out.push_str(&format!("  tags      {tags}\n"));
    out.push_str(&format!("  defined   {}:{}\n", info.file, info.line));
    if let Some(h) = &info.help {
        out.push_str(&format!("\nHelp\n  {h}\n"));
    }

    out.push_str("\nReads\n");
    if info.tables.is_empty() {
        out.push_str("  no tables\n");
    }
    for t in &raw.tables {
        out.push_str(&describe_table_use(t, &run.rules));
    }

    let file = run.sources.get(lr.source);
    let (first, _) = file.line_col(lr.rule.span.start);
    let (last, _) = file.line_col(lr.rule.span.end.saturating_sub(1).max(lr.rule.span.start));
    out.push_str(&format!("\nRule ({}:{first})\n", visible_line(&file.name)));
    let width = last.to_string().len();
    for line in first..=last {
        let text = visible_line(file.line_text(line).trim_end());
        out.push_str(format!("  {line:>width$} │ {text}").trim_end());
        out.push('\n');
    }

    // The first failing test that holds; one that does not hold only when there is no other.
    let fails = || {
        run.results
            .iter()
            .filter(|r| r.expect == Some(Expect::Fail))
    };
    let example = fails()
        .find(|r| r.verdict == Verdict::Passed)
        .or_else(|| fails().next());
    match example {
        Some(r) => {
            out.push_str(&format!(
                "\nExample: \"{}\" ({}:{})\n",
                visible_line(&r.name),
                visible_line(&r.file),
                r.line
            ));
            if r.verdict != Verdict::Passed {
                out.push_str("  (this test does not pass at the moment; `rimlig test` shows why)\n");
            }
            if r.findings.is_empty() {
                out.push_str("  the rule found nothing on this test's report\n");
            }
            for f in r.findings.iter().take(3) {
                out.push('\n');
                out.push_str(&render_finding(f, &run.sources, style));
            }
            if r.findings.len() > 3 {
                out.push_str(&format!("\n… and {} more findings\n", r.findings.len() - 3));
            }
        }
        None => out.push_str(
            "\nExample\n  none: no test beside the rules expects this rule to fail; write one in a *.test.toml file (see `rimlig test`)\n",
        ),
    }
    Output {
        stdout: out,
        stderr,
        exit_code,
    }
}

/// A table a rule reads, with the headers its columns are found by when it is declared; its
/// texts shown as [`visible_line`] does.
fn describe_table_use(t: &TableUse, set: &RuleSet) -> String {
    let mut out = String::new();
    let decl = set.table(&t.name).map(|lt| &lt.decl);
    let whose = if t.previous {
        " in the previous report"
    } else {
        ""
    };
    match decl {
        Some(d) => out.push_str(&format!(
            "  {} — the table named \"{}\"{whose}\n",
            visible_line(&t.display_name()),
            visible_line(&d.glob.text)
        )),
        None => out.push_str(&format!(
            "  {} — the table {} (no `table` declaration){whose}\n",
            visible_line(&t.display_name()),
            visible_line(&t.name)
        )),
    }
    let width = t
        .columns
        .iter()
        .map(|c| visible_line(c).chars().count())
        .max()
        .unwrap_or(0);
    for c in &t.columns {
        let how = match decl {
            Some(d) => match d.columns.iter().find(|x| x.name.text == *c) {
                Some(x) => format!("the column headed \"{}\"", visible_line(&x.glob.text)),
                None => match &d.key {
                    Some((k, g)) if k.text == *c => {
                        format!("the key column headed \"{}\"", visible_line(&g.text))
                    }
                    _ => "the column of that name".to_string(),
                },
            },
            None => "the column of that name".to_string(),
        };
        let c = visible_line(c);
        let pad = " ".repeat(width - c.chars().count());
        out.push_str(&format!("    {c}{pad}  {how}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Sources};
    use crate::syntax::parse_file;

    fn uses(text: &str) -> Vec<(String, Vec<String>)> {
        let mut sources = Sources::default();
        let id = sources.add(SourceFile::new("t.rules", text));
        let (file, problems) = parse_file(id, sources.get(id));
        assert!(problems.is_empty(), "{problems:?}");
        let mut set = RuleSet::default();
        for item in file.items {
            match item {
                Item::Let(l) => set.lets.push((l, id)),
                Item::Rule(r) => set.rules.push(LoadedRule {
                    rule: r,
                    source: id,
                    enabled: true,
                }),
                _ => {}
            }
        }
        tables_used(&set.rules[0].rule, &set)
            .into_iter()
            .map(|t| (t.display_name(), t.columns))
            .collect()
    }

    fn v(t: &str, cols: &[&str]) -> (String, Vec<String>) {
        (t.to_string(), cols.iter().map(|c| c.to_string()).collect())
    }

    #[test]
    fn scopes_and_references_name_their_tables_and_columns() {
        assert_eq!(
            uses("rule r { each drift where key matches \"x*\": avvikelse == redovisat - budget }"),
            [v("drift", &["avvikelse", "redovisat", "budget"])]
        );
        assert_eq!(
            uses(
                "rule r { in drift: for c in [budget, foreg]: sum(c) == total.c within rounding }"
            ),
            [v("drift", &["budget", "foreg"])]
        );
        assert_eq!(
            uses(
                "rule r { in ekonomi: ekonomi[\"A\"].prognos == prognos.total.prognos + drift.budget }"
            ),
            [
                v("ekonomi", &["prognos"]),
                v("prognos", &["prognos"]),
                v("drift", &["budget"])
            ]
        );
    }

    #[test]
    fn previous_tables_are_marked_and_lets_are_followed() {
        assert_eq!(
            uses(
                "let gräns = drift.total.budget\nrule r { each drift: previous.drift.total.budget <= gräns }"
            ),
            [v("drift", &["budget"]), v("previous.drift", &["budget"])]
        );
        assert_eq!(
            uses("rule r { in previous.drift: sum(budget) == total.budget }"),
            [v("previous.drift", &["budget"])]
        );
    }
}
