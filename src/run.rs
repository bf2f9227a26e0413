//! One `rimlig check` run: rules and reports in, findings and problems out. The CLI and the
//! tests both go through here, so what the tests see is what users see.

use crate::check::{
    RuleRoot, RuleSet, check_columns_found, check_figures_read, check_names, check_previous_tables,
    check_row_globs_found, check_static, check_tables_found, load_rules,
};
use crate::config::{Choice, Config};
use crate::eval::{Outcome, evaluate_configured};
use crate::problem::{Problem, ProblemKind, Severity};
use crate::progress::{Progress, Quiet};
use crate::render::plural;
use crate::report::Report;
use crate::report::discover::{
    Listings, find_configured_reports, find_reports_listed, load_report_listed, load_report_with,
};
use crate::source::Sources;
use std::path::{Path, PathBuf};

pub struct Run {
    pub sources: Sources,
    pub reports: Vec<Report>,
    /// Previous reports (`report.toml` `previous`) that were not among the checked ones:
    /// read for `previous.` references only, not checked themselves.
    pub earlier: Vec<Report>,
    pub rules: RuleSet,
    pub outcome: Outcome,
    /// Data, rule-file, config and I/O problems, in the order met.
    pub problems: Vec<Problem>,
    /// The `--baseline` compared with (which findings it knew is on each finding).
    pub baseline: Option<crate::baseline::Applied>,
    /// The `rimlig.toml` the run read (the defaults without one).
    pub config: Config,
}

/// Check the reports under `paths` against the rules in `rule_paths` (the embedded library
/// when empty), without a `rimlig.toml`.
pub fn check(paths: &[PathBuf], rule_paths: &[PathBuf]) -> Run {
    check_with(paths, rule_paths, &Quiet)
}

/// [`check`], telling `progress` about reports read and rules evaluated.
pub fn check_with(paths: &[PathBuf], rule_paths: &[PathBuf], progress: &dyn Progress) -> Run {
    check_configured(paths, rule_paths, &Choice::Off, progress)
}

/// [`check_with`] with the `rimlig.toml` that `config` chooses. Its `rules` apply when
/// `rule_paths` is empty, its `reports` globs when `paths` is (without them: the current
/// folder); the rest always.
pub fn check_configured(
    paths: &[PathBuf],
    rule_paths: &[PathBuf],
    config: &Choice,
    progress: &dyn Progress,
) -> Run {
    check_overridden(paths, rule_paths, config, &Overrides::default(), progress)
}

/// What the command line says over `rimlig.toml`.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--no-fixes`: no error localisation, whatever `[check] fixes` says.
    pub no_fixes: bool,
}

/// [`check_configured`] with the command line's `overrides` of the configuration.
pub fn check_overridden(
    paths: &[PathBuf],
    rule_paths: &[PathBuf],
    config: &Choice,
    overrides: &Overrides,
    progress: &dyn Progress,
) -> Run {
    // Parsing and evaluation recurse along the nesting of a rule; the parser bounds that
    // nesting, and a thread with a generous stack makes sure the bound is always affordable
    // (also in debug builds and in test threads, whose stacks are small).
    std::thread::scope(|s| {
        let big = std::thread::Builder::new()
            .name("rimlig-check".into())
            .stack_size(256 * 1024 * 1024)
            .spawn_scoped(s, || {
                check_here(paths, rule_paths, config, overrides, progress)
            });
        match big {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had: check on this one.
            Err(_) => check_here(paths, rule_paths, config, overrides, progress),
        }
    })
}

fn check_here(
    paths: &[PathBuf],
    rule_paths: &[PathBuf],
    choice: &Choice,
    overrides: &Overrides,
    progress: &dyn Progress,
) -> Run {
    let mut sources = Sources::default();
    let mut problems = Vec::new();
    let mut config = crate::config::load(choice, &mut sources, &mut problems);
    config.check.no_fixes |= overrides.no_fixes;
    let roots: Vec<RuleRoot> = if !rule_paths.is_empty() {
        rule_paths.iter().cloned().map(RuleRoot::Path).collect()
    } else if let Some(configured) = &config.rules {
        // Rule paths of rimlig.toml that do not exist are errors there; the library does not
        // stand in for them.
        configured.iter().cloned().map(RuleRoot::Path).collect()
    } else {
        vec![RuleRoot::Embedded]
    };
    let mut rules = load_rules(&roots, &mut sources, &mut problems);
    config.apply_to_rules(&mut rules, &mut problems);
    check_static(&mut rules, &roots, &sources, &mut problems);
    let mut listings = Listings::default();
    let dirs = if !paths.is_empty() {
        find_reports_listed(paths, &config, &mut problems, &mut listings)
    } else if !config.reports.is_empty() {
        find_configured_reports(&config, &mut problems)
    } else {
        find_reports_listed(&[PathBuf::from(".")], &config, &mut problems, &mut listings)
    };
    progress.stage("reading reports", dirs.len());
    // Reports are read in parallel, each into sources of its own, then put together in
    // order: the same ids, problems and reports as reading them one by one.
    let loaded: Vec<(Report, Sources, Vec<Problem>)> = {
        use rayon::prelude::*;
        dirs.par_iter()
            .map(|d| {
                let mut own = Sources::default();
                let mut said = Vec::new();
                let listed = listings.get(d);
                let report = load_report_listed(d, listed, &config, &mut own, &mut said);
                crate::problem::limit_repeats(&mut said, crate::problem::LISTED_PER_FILE);
                progress.step();
                (report, own, said)
            })
            .collect()
    };
    let mut reports = Vec::with_capacity(loaded.len());
    for (report, own, said) in loaded {
        let offset = sources.append(own);
        reports.push(report.shifted(offset));
        problems.extend(said.into_iter().map(|p| p.shifted(offset)));
    }
    let earlier = load_previous_reports(&reports, &config, &mut sources, &mut problems);
    // Finding a report and loading it both look at its files: a link or an unreadable file
    // is said once.
    let mut said = std::collections::HashSet::new();
    problems.retain(|p| {
        p.kind != ProblemKind::Io
            || !p.labels.is_empty()
            || said.insert((p.code, p.path.clone().unwrap_or_else(|| p.message.clone())))
    });
    let previous = previous_of(&reports, &earlier);
    check_names(&mut rules, &reports, &mut problems);
    // The built-in library covers tables of many kinds of report (resultaträkning,
    // sjukfrånvaro …); that a report lacks some of them is expected, not worth a note.
    if !roots.iter().any(|r| matches!(r, RuleRoot::Embedded)) {
        check_tables_found(&rules, &reports, &mut problems);
        check_columns_found(&rules, &reports, &mut problems);
        check_row_globs_found(&rules, &reports, &sources, &mut problems);
    }
    check_figures_read(&rules, &reports, &mut problems);
    check_previous_tables(&rules, &reports, &previous, &mut problems);
    progress.stage("checking rules", rules.rules.len());
    let options = crate::eval::Options {
        default_tolerance: config.check.tolerance.clone(),
        max_findings_per_rule: config
            .check
            .max_findings_per_rule
            .unwrap_or(crate::eval::MAX_FINDINGS_PER_RULE),
        keep_reads: !config.check.no_fixes,
        ..Default::default()
    };
    let mut outcome =
        evaluate_configured(&rules, &reports, &previous, &sources, &options, &mut || {
            progress.step()
        });
    problems.append(&mut outcome.problems);
    // A broken run (exit 2) has said what is wrong already.
    if !problems.iter().any(Problem::is_fatal)
        && let Some(p) = nothing_decided(&rules, &reports, &outcome)
    {
        problems.push(p);
    }
    // Which cells most likely hold the errors, and what they should say.
    if !config.check.no_fixes {
        crate::locate::localise(
            &rules,
            &reports,
            &previous,
            &sources,
            &options,
            &outcome.broken,
            &mut outcome.findings,
        );
    }
    config.apply_allow(&mut outcome.findings, &mut problems);
    Run {
        sources,
        reports,
        earlier,
        rules,
        outcome,
        problems,
        baseline: None,
        config,
    }
}

/// What fails a run: the exit-code policy of `check`, kept in one place so that the JSON
/// `exit_code` and the process's exit code agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gate {
    /// The least serious finding that fails the run (`--fail-on`; `--deny warnings` is
    /// `Warning`). Findings known from the baseline never fail it.
    pub fail_on: Severity,
    /// Exit 0 whatever was found (`--exit-zero`); a broken run still exits 2.
    pub exit_zero: bool,
}

impl Default for Gate {
    fn default() -> Self {
        Gate {
            fail_on: Severity::Error,
            exit_zero: false,
        }
    }
}

/// `deny_warnings`: the gate of `--deny warnings` (true) or of the defaults (false).
impl From<bool> for Gate {
    fn from(deny_warnings: bool) -> Self {
        Gate {
            fail_on: if deny_warnings {
                Severity::Warning
            } else {
                Severity::Error
            },
            exit_zero: false,
        }
    }
}

/// Counts for the summary line and the JSON summary.
#[derive(Debug, Default, serde::Serialize)]
pub struct Summary {
    pub reports: usize,
    pub tables: usize,
    pub rules: usize,
    pub findings: SeverityCounts,
    pub problems: SeverityCounts,
    pub instances: InstanceCounts,
    /// Of `findings`, those known from the baseline (zero without one).
    pub baselined: SeverityCounts,
    /// Of `findings`, those an `[[allow]]` entry of `rimlig.toml` accepts.
    pub suppressed: SeverityCounts,
    /// Findings of the baseline that no longer occur.
    pub fixed_since_baseline: usize,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct SeverityCounts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct InstanceCounts {
    pub passed: usize,
    pub failed: usize,
    pub not_applicable: usize,
}

impl SeverityCounts {
    fn add(&mut self, s: Severity) {
        match s {
            Severity::Error => self.error += 1,
            Severity::Warning => self.warning += 1,
            Severity::Info => self.info += 1,
        }
    }
}

impl Run {
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            reports: self.reports.len(),
            tables: self.reports.iter().map(|r| r.tables.len()).sum(),
            rules: self.rules.rules.len(),
            ..Summary::default()
        };
        for f in &self.outcome.findings {
            s.findings.add(f.severity);
            if f.baselined {
                s.baselined.add(f.severity);
            }
            if f.suppressed {
                s.suppressed.add(f.severity);
            }
        }
        s.fixed_since_baseline = self.baseline.as_ref().map_or(0, |b| b.fixed.len());
        for p in &self.problems {
            s.problems.add(p.severity);
        }
        for (_, st) in &self.outcome.stats {
            s.instances.passed += st.passed;
            s.instances.failed += st.failed;
            s.instances.not_applicable += st.not_applicable;
        }
        s
    }

    /// 2: usage, rule-file, config, baseline or I/O errors (whatever the gate); 0 with
    /// `exit_zero`; 1: a finding neither allowed nor in the baseline at least as serious as `fail_on`, or a
    /// data error in a report file; else 0. `gate` is a [`Gate`], or `deny_warnings` as a bool.
    pub fn exit_code(&self, gate: impl Into<Gate>) -> i32 {
        let gate = gate.into();
        if self.problems.iter().any(Problem::is_fatal) {
            return 2;
        }
        if gate.exit_zero {
            return 0;
        }
        let data_errors = self
            .problems
            .iter()
            .any(|p| p.kind == ProblemKind::Data && p.severity == Severity::Error);
        let failing = self
            .outcome
            .findings
            .iter()
            .any(|f| !f.baselined && !f.suppressed && f.severity <= gate.fail_on);
        if failing || data_errors || self.unlisted_fail(gate.fail_on) {
            1
        } else {
            0
        }
    }

    /// The severity of the rule `id`, after `rimlig.toml`'s `[severity]`.
    pub fn rule_severity(&self, id: &str) -> Severity {
        use crate::syntax::ast::Level;
        let level = self
            .rules
            .rules
            .iter()
            .find(|lr| lr.rule.id.text == id)
            .and_then(|lr| lr.rule.severity.map(|s| s.0));
        match level {
            Some(Level::Warning) => Severity::Warning,
            Some(Level::Info) => Severity::Info,
            _ => Severity::Error,
        }
    }

    /// The failing instances counted beyond `[check] max_findings_per_rule` but not listed, per
    /// rule, with whether they fail the run: the one decision every format and the exit code
    /// take (see [`Unlisted::excused`]).
    pub fn unlisted(&self) -> Vec<Unlisted<'_>> {
        self.outcome
            .unlisted
            .iter()
            .map(|(rule, n)| Unlisted {
                rule: rule.as_str(),
                count: *n,
                severity: self.rule_severity(rule),
                excused: self.unlisted_excuse(rule),
            })
            .collect()
    }

    /// Why the unlisted findings of `rule` do not fail the run, or `None`. No baseline can know
    /// them and no `[[allow]]` entry can name one of them, so they are new, unless an entry
    /// allows the whole rule, or this run wrote the baseline (`--update-baseline` passes what
    /// it wrote down, as README says).
    fn unlisted_excuse(&self, rule: &str) -> Option<String> {
        if self.baseline.as_ref().is_some_and(|b| b.updated) {
            return Some(
                "this run wrote the baseline (--update-baseline), but a baseline cannot hold \
                 them, so a run against it fails on them unless [check] max_findings_per_rule \
                 is raised until they are listed"
                    .to_string(),
            );
        }
        self.config
            .allow
            .iter()
            .find(|a| {
                a.rule == rule
                    && a.report.is_none()
                    && a.table.is_none()
                    && a.key.is_none()
                    && a.column.is_none()
            })
            .map(|a| {
                format!(
                    "allowed by an [[allow]] entry for the whole rule in rimlig.toml: {}",
                    a.reason
                )
            })
    }

    /// Whether unlisted findings fail the run: those of a rule at least as serious as
    /// `fail_on` that nothing excuses.
    fn unlisted_fail(&self, fail_on: Severity) -> bool {
        self.unlisted()
            .iter()
            .any(|u| u.excused.is_none() && u.severity <= fail_on)
    }
}

/// Failing instances of one rule counted beyond `[check] max_findings_per_rule` but not listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unlisted<'a> {
    pub rule: &'a str,
    pub count: usize,
    /// The rule's, after `rimlig.toml`'s `[severity]`.
    pub severity: Severity,
    /// Why they do not fail the run whatever the gate, as a finding known from the baseline or
    /// allowed in `rimlig.toml` would not: an `[[allow]]` entry for the whole rule, or a
    /// baseline this run wrote (`--update-baseline`). `None` when they count like a new
    /// finding of the rule's severity (which fails the run when it reaches `--fail-on`).
    pub excused: Option<String>,
}

impl Unlisted<'_> {
    /// `N more findings of rule R counted but not listed ([check] max_findings_per_rule)`.
    fn counted(&self) -> String {
        format!(
            "{} of rule {} counted but not listed ([check] max_findings_per_rule)",
            plural(self.count, "more finding", "more findings"),
            self.rule
        )
    }

    /// `N more findings of rule R counted but not listed ([check] max_findings_per_rule); no
    /// baseline can know them`: what the formats without the human summary say of those that
    /// fail the run.
    pub fn message(&self) -> String {
        format!("{}; no baseline can know them", self.counted())
    }

    /// [`Unlisted::message`], or, when they do not fail the run, why not.
    pub fn text(&self) -> String {
        match &self.excused {
            None => self.message(),
            Some(why) => format!("{}; they do not fail the run: {why}", self.counted()),
        }
    }
}

/// A run over reports that decided no check at all, passed or failed: no table the rules are
/// about, or every check not applicable (a header the columns' globs do not match, figures
/// read as text). Green in CI, it would say nothing was wrong where nothing was looked at.
fn nothing_decided(rules: &RuleSet, reports: &[Report], outcome: &Outcome) -> Option<Problem> {
    if reports.is_empty() {
        return None;
    }
    if rules.rules.is_empty() {
        return Some(
            Problem::new(
                ProblemKind::Data,
                Severity::Warning,
                "check::nothing-decided",
                "nothing was checked: the rule files hold no rules",
            )
            .with_help("a rule is written `rule ID \"title\" { each TABLE: … }`; without --rules, rimlig's own rules are used"),
        );
    }
    // Rules that all have errors: those errors fail the run already.
    if !rules.rules.iter().any(|r| r.enabled) {
        return None;
    }
    let (mut decided, mut not_applicable) = (0, 0);
    for (_, st) in &outcome.stats {
        decided += st.passed + st.failed;
        not_applicable += st.not_applicable;
    }
    if decided > 0 {
        return None;
    }
    let tables: usize = reports.iter().map(|r| r.tables.len()).sum();
    let (message, help) = if tables == 0 {
        (
            format!(
                "nothing was checked: no table was read from the {}",
                plural(reports.len(), "report", "reports")
            ),
            "a report folder holds one .csv or .tsv file per table, or a workbook with a sheet per table; a Markdown or JSON report holds its tables itself".to_string(),
        )
    } else if not_applicable == 0 {
        let mut names: Vec<&str> = reports
            .iter()
            .flat_map(|r| r.tables.iter().map(|t| t.name.as_str()))
            .collect();
        names.sort_unstable();
        names.dedup();
        let shown = names
            .iter()
            .take(10)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        (
            format!("nothing was checked: no table read ({shown}) is one the rules are about"),
            "a rule's table is found by the glob of its `table` declaration on the file or sheet name; `rimlig rules` lists the tables each rule reads".to_string(),
        )
    } else {
        (
            format!(
                "nothing was decided: all {} were not applicable",
                plural(not_applicable, "check", "checks")
            ),
            "`rimlig check -v` says why for each; often a header the column globs do not match, or a title row read as the header".to_string(),
        )
    };
    Some(
        Problem::new(
            ProblemKind::Data,
            Severity::Warning,
            "check::nothing-decided",
            message,
        )
        .with_help(help),
    )
}

/// A path as [`Folder::same`] compares it: resolved where it can be, else as written.
struct Folder<'p> {
    written: &'p Path,
    resolved: Option<PathBuf>,
}

impl<'p> Folder<'p> {
    fn of(written: &'p Path) -> Self {
        Folder {
            written,
            resolved: written.canonicalize().ok(),
        }
    }

    /// What the folder is known by: its resolved path, or as written when it cannot be
    /// resolved. Two paths name the same folder (`2020-10/../2020-08` and `2020-08`) when
    /// their keys are equal; keys are looked up in maps, as a tree of tens of thousands of
    /// reports has as many previous ones.
    fn key(self) -> PathBuf {
        self.resolved.unwrap_or_else(|| self.written.to_path_buf())
    }
}

/// Read the previous reports that are not checked themselves (each once).
fn load_previous_reports(
    reports: &[Report],
    config: &Config,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Vec<Report> {
    if reports.iter().all(|r| r.meta.previous.is_none()) {
        return Vec::new();
    }
    // Each path resolved once, and looked up in a set: the checked reports, then each
    // previous one as it is read.
    use rayon::prelude::*;
    // Resolving a path asks the file system once per part of it: done in parallel.
    let mut known: std::collections::HashSet<PathBuf> = reports
        .par_iter()
        .map(|r| Folder::of(&r.path).key())
        .collect();
    // A folder, or a single-file report (Markdown, JSON), with what it is known by.
    let previous: Vec<Option<(&Path, PathBuf)>> = reports
        .par_iter()
        .map(|r| {
            let p = r.meta.previous.as_deref()?;
            (p.is_dir() || p.is_file()).then(|| (p, Folder::of(p).key()))
        })
        .collect();
    let mut to_read: Vec<&Path> = Vec::new();
    for (p, key) in previous.into_iter().flatten() {
        if known.insert(key) {
            to_read.push(p);
        }
    }
    // Read in parallel, each into sources of its own, then put together in order, as the
    // checked reports are.
    let loaded: Vec<(Report, Sources, Vec<Problem>)> = to_read
        .par_iter()
        .map(|p| {
            let mut own = Sources::default();
            let mut said = Vec::new();
            let report = load_report_with(p, config, &mut own, &mut said);
            (report, own, said)
        })
        .collect();
    let mut earlier = Vec::with_capacity(loaded.len());
    for (report, own, said) in loaded {
        // A folder of reports, or an empty one, named as the previous report: every
        // `previous.` check would be not applicable without a word.
        if report.tables.is_empty() && said.is_empty() {
            problems.push(
                Problem::new(
                    ProblemKind::Data,
                    Severity::Warning,
                    "data::previous-empty",
                    format!(
                        "the previous report {} has no tables; the checks that compare with it are not applicable",
                        crate::report::discover::display_path(&report.path)
                    ),
                )
                .with_path(crate::report::discover::display_path(&report.path))
                .with_help("`previous` names the folder (or file) of one report, such as \"../2020-08\""),
            );
        }
        let offset = sources.append(own);
        earlier.push(report.shifted(offset));
        problems.extend(said.into_iter().map(|p| p.shifted(offset)));
    }
    earlier
}

/// For each checked report, its previous report (checked or only read), if it has one.
fn previous_of<'a>(reports: &'a [Report], earlier: &'a [Report]) -> Vec<Option<&'a Report>> {
    if reports.iter().all(|r| r.meta.previous.is_none()) {
        return vec![None; reports.len()];
    }
    // The reports of each folder, in order (checked ones first): the first that is not the
    // report itself is its previous one.
    use rayon::prelude::*;
    let all: Vec<&Report> = reports.iter().chain(earlier).collect();
    let keys: Vec<PathBuf> = all.par_iter().map(|r| Folder::of(&r.path).key()).collect();
    let mut by_folder: std::collections::HashMap<PathBuf, Vec<&Report>> = Default::default();
    for (r, key) in all.into_iter().zip(keys) {
        let of = by_folder.entry(key).or_default();
        // Two are enough: the report itself, and another.
        if of.len() < 2 {
            of.push(r);
        }
    }
    reports
        .par_iter()
        .map(|r| {
            let p = Folder::of(r.meta.previous.as_ref()?).key();
            by_folder
                .get(&p)?
                .iter()
                .find(|c| !std::ptr::eq(**c, r))
                .copied()
        })
        .collect()
}
