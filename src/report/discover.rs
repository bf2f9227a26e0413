//! From command-line paths to reports: find the report folders, then load every table of one.
//!
//! A report folder is a directory that directly holds at least one `.csv` or `.tsv` file, or a
//! `report.toml`. A `.csv`/`.tsv` file given on the command line is a one-table report.
//! A Markdown or JSON report is one file (see the section on them below).

use super::csv::load_csv;
use super::{Report, ReportMeta, Table};
use super::{json_report, markdown};
use crate::problem::{Problem, ProblemKind, Severity};
use crate::source::{SourceFile, Sources, Span};
use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Files larger than this are not read.
const MAX_TABLE_BYTES: u64 = 256 * 1024 * 1024;

/// The name of a report folder's metadata file.
const REPORT_TOML: &str = "report.toml";

/// Report folders under the given paths, deterministic (sorted) order, deduplicated.
///
/// A `.csv`/`.tsv` file among `paths` is returned as is: [`load_report`] reads it as a
/// one-table report. Hidden directories and files (name starting with `.`) and directories
/// named `target` are skipped; symbolic links to directories are not followed.
pub fn find_report_dirs(paths: &[PathBuf], problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    let mut found = BTreeSet::new();
    for path in paths {
        let shown = display_path(path);
        let metadata = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                problems.push(
                    Problem::new(
                        ProblemKind::Io,
                        Severity::Error,
                        "io::not-found",
                        format!("{shown} does not exist"),
                    )
                    .with_path(shown),
                );
                continue;
            }
            Err(e) => {
                problems.push(read_problem(&shown, &e));
                continue;
            }
        };

        if metadata.is_file() {
            let name = path.file_name().unwrap_or_default();
            // Markdown and JSON reports (see `document_report_given`).
            if let Some(is_report) = document_report_given(path, &shown, problems) {
                if is_report {
                    found.insert(path.clone());
                }
                continue;
            }
            if is_table_file(name) {
                found.insert(path.clone());
            } else if name == REPORT_TOML {
                found.insert(parent_dir(path));
            } else {
                problems.push(
                    Problem::new(
                        ProblemKind::Io,
                        Severity::Error,
                        "io::not-a-report",
                        format!("{shown} is neither a .csv or .tsv file nor a report folder"),
                    )
                    .with_path(shown)
                    .with_help(
                        "give a report folder, a folder of report folders, or a .csv/.tsv file",
                    ),
                );
            }
            continue;
        }

        let mut any = false;
        let walker = walkdir::WalkDir::new(path)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_skipped(e));
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let at = e.path().map_or_else(|| shown.clone(), display_path);
                    let message = e
                        .io_error()
                        .map_or_else(|| e.to_string(), std::string::ToString::to_string);
                    problems.push(
                        Problem::new(
                            ProblemKind::Io,
                            Severity::Error,
                            "io::read",
                            format!("cannot read {at}: {message}"),
                        )
                        .with_path(at),
                    );
                    continue;
                }
            };
            if entry.depth() == 0 {
                continue;
            }
            let name = entry.file_name();
            if (is_table_file(name) || name == REPORT_TOML) && entry.path().is_file() {
                found.insert(parent_dir(entry.path()));
                any = true;
            } else if is_document_report_in_tree(entry.path()) {
                // A Markdown or JSON report found in the tree is a report by itself.
                found.insert(entry.path().to_path_buf());
                any = true;
            }
        }
        if !any {
            problems.push(
                Problem::new(
                    ProblemKind::Io,
                    Severity::Warning,
                    "io::no-reports",
                    format!("no report found under {shown}"),
                )
                .with_path(shown)
                .with_help(
                    "a report folder holds .csv or .tsv files (one per table) or a report.toml",
                ),
            );
        }
    }
    found.into_iter().collect()
}

/// Load every table of one report folder (or the single table of a `.csv`/`.tsv` file).
///
/// Tables are the `.csv`/`.tsv` files directly inside the folder, in file-name order, each
/// named by its file stem. `report.toml`, if present, fills in [`ReportMeta`]. Problems are
/// pushed to `problems`; whatever could be read is returned.
pub fn load_report(dir: &Path, sources: &mut Sources, problems: &mut Vec<Problem>) -> Report {
    let mut report = Report {
        path: dir.to_path_buf(),
        meta: ReportMeta::default(),
        tables: Vec::new(),
    };

    if dir.is_file() {
        let shown = display_path(dir);
        // Markdown and JSON reports: one file, one report.
        match document_kind(dir) {
            Some(DocumentKind::Markdown) => {
                return markdown::load_markdown(dir, &shown, sources, problems);
            }
            Some(DocumentKind::Json) => {
                return json_report::load_json_report(dir, &shown, sources, problems);
            }
            None => {}
        }
        if let Some(table) = load_table_file(dir, &shown, sources, problems) {
            report.tables.push(table);
        }
        return report;
    }

    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(read_problem(&display_path(dir), &e));
            return report;
        }
    };
    let mut files: Vec<(std::ffi::OsString, PathBuf)> = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => {
                let name = entry.file_name();
                let path = entry.path();
                if !is_hidden(&name) && is_table_file(&name) && path.is_file() {
                    files.push((name, path));
                }
            }
            Err(e) => problems.push(read_problem(&display_path(dir), &e)),
        }
    }
    files.sort();

    let toml_path = dir.join(REPORT_TOML);
    if toml_path.is_file() {
        report.meta = load_meta(dir, &toml_path, sources, problems);
    }

    for (name, path) in files {
        let shown = display_join(dir, &name);
        if let Some(table) = load_table_file(&path, &shown, sources, problems) {
            report.tables.push(table);
        }
    }
    report
}

/// Read one table file, refusing files that are too large.
fn load_table_file(
    path: &Path,
    shown: &str,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    let size = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => {
            problems.push(read_problem(shown, &e));
            return None;
        }
    };
    if size > MAX_TABLE_BYTES {
        problems.push(
            Problem::new(
                ProblemKind::Data,
                Severity::Error,
                "data::too-large",
                format!("{shown} is larger than 256 MiB; it is not read"),
            )
            .with_path(shown),
        );
        return None;
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            problems.push(read_problem(shown, &e));
            return None;
        }
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    load_csv(shown, &stem, &bytes, sources, problems)
}

/// Read `report.toml`: keys `unit`, `period` and `previous` (a path relative to the folder).
fn load_meta(
    dir: &Path,
    toml_path: &Path,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> ReportMeta {
    let mut meta = ReportMeta::default();
    let shown = display_join(dir, OsStr::new(REPORT_TOML));
    let bytes = match std::fs::read(toml_path) {
        Ok(bytes) => bytes,
        Err(e) => {
            problems.push(read_problem(&shown, &e));
            return meta;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            problems.push(
                Problem::new(
                    ProblemKind::Config,
                    Severity::Error,
                    "config::report-toml",
                    format!("{shown} is not UTF-8; unreadable bytes were replaced"),
                )
                .with_path(shown.clone())
                .with_help("save report.toml as UTF-8"),
            );
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let text = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    let id = sources.add(SourceFile::new(shown.clone(), text));
    let text = sources.get(id).text.clone();
    let len = text.len();
    let span_of = |r: std::ops::Range<usize>| {
        Span::new(r.start.min(len), r.end.min(len).max(r.start.min(len)))
    };
    let config_problem = |message: String, span: Span, label: &str| {
        Problem::new(
            ProblemKind::Config,
            Severity::Error,
            "config::report-toml",
            message,
        )
        .with_path(shown.clone())
        .with_label(id, span, label)
    };

    let (table, errors) = toml::de::DeTable::parse_recoverable(&text);
    for error in &errors {
        let message = error.message().trim().to_string();
        let span = error.span().map_or(Span::new(0, 0), span_of);
        problems.push(config_problem(
            format!("{shown} is not valid TOML: {message}"),
            span,
            "here",
        ));
    }

    // The map is ordered by key; report in the order the file is written.
    let mut entries: Vec<_> = table.get_ref().iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    for (key, value) in entries {
        let name: &str = key.get_ref();
        let slot = match name {
            "unit" | "period" | "previous" => name,
            _ => {
                problems.push(
                    config_problem(
                        format!("unknown key `{name}` in {shown}"),
                        span_of(key.span()),
                        "unknown key",
                    )
                    .with_help("report.toml knows the keys `unit`, `period` and `previous`"),
                );
                continue;
            }
        };
        let Some(s) = value.get_ref().as_str() else {
            problems.push(string_expected(
                config_problem(
                    format!(
                        "`{slot}` in {shown} must be a string, not {}",
                        describe_type(value.get_ref())
                    ),
                    span_of(value.span()),
                    "expected a string",
                ),
                slot,
            ));
            continue;
        };
        match slot {
            "unit" => meta.unit = Some(s.to_string()),
            "period" => meta.period = Some(s.to_string()),
            _ => {
                let path = tidy_path(&dir.join(s));
                if !path.is_dir() {
                    problems.push(
                        Problem::new(
                            ProblemKind::Data,
                            Severity::Warning,
                            "data::previous-missing",
                            format!("the previous report `{s}` named in {shown} is not a folder"),
                        )
                        .with_label(id, span_of(value.span()), "no such report folder")
                        .with_help(
                            "rules that compare with the previous report (`previous.`) are not applicable until it is there; give its folder relative to this one",
                        ),
                    );
                }
                meta.previous = Some(path);
            }
        }
    }
    meta
}

/// `a/2020-10/../2020-08` → `a/2020-08`, without touching the file system (so the path stays
/// as the user wrote it, relative or not), for the file names shown in findings.
pub(super) fn tidy_path(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

fn string_expected(problem: Problem, key: &str) -> Problem {
    let example = match key {
        "unit" => "unit = \"Linköpings kommun\"",
        "period" => "period = \"2020-10\"",
        _ => "previous = \"../2020-08\"",
    };
    problem.with_help(format!("write it in quotes, e.g. {example}"))
}

fn describe_type(value: &toml::de::DeValue<'_>) -> String {
    let t = value.type_str();
    let article = if t.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {t}")
}

fn read_problem(shown: &str, e: &std::io::Error) -> Problem {
    Problem::new(
        ProblemKind::Io,
        Severity::Error,
        "io::read",
        format!("cannot read {shown}: {e}"),
    )
    .with_path(shown)
}

// ---------------------------------------------------------------------------------------------
// Markdown and JSON reports (src/report/markdown.rs, src/report/json_report.rs): one file is
// one report. A `.md`/`.markdown` file named on the command line is a report; one found in a
// folder tree only if it starts with `+++` front matter (so README.md and notes are passed
// over). A `.json` file is a report if its top-level object has a `tables` key; other JSON
// (a baseline, package.json) is passed over silently in a tree.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DocumentKind {
    Markdown,
    Json,
}

/// The kind of single-file report a path's extension says, in any case.
fn document_kind(path: &Path) -> Option<DocumentKind> {
    let ext = path.extension().and_then(OsStr::to_str)?;
    if ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown") {
        Some(DocumentKind::Markdown)
    } else if ext.eq_ignore_ascii_case("json") {
        Some(DocumentKind::Json)
    } else {
        None
    }
}

/// A file found while walking a folder tree: a Markdown or JSON report by itself?
fn is_document_report_in_tree(path: &Path) -> bool {
    let Some(kind) = document_kind(path) else {
        return false;
    };
    if path.file_name().is_some_and(is_hidden) || !path.is_file() {
        return false;
    }
    match kind {
        DocumentKind::Markdown => markdown::has_front_matter(path),
        DocumentKind::Json => json_report::looks_like_report(path),
    }
}

/// A file named on the command line: `None` if it is not Markdown or JSON; else whether it is
/// a report (a JSON file that is not gets a problem).
fn document_report_given(path: &Path, shown: &str, problems: &mut Vec<Problem>) -> Option<bool> {
    match document_kind(path)? {
        DocumentKind::Markdown => Some(true),
        DocumentKind::Json if json_report::looks_like_report(path) => Some(true),
        DocumentKind::Json => {
            problems.push(
                Problem::new(
                    ProblemKind::Io,
                    Severity::Error,
                    "io::not-a-report",
                    format!("{shown} is JSON but not a report: it has no top-level `tables`"),
                )
                .with_path(shown)
                .with_help(
                    "a JSON report is {\"unit\": …, \"period\": …, \"tables\": {\"NAME\": {\"columns\": […], \"rows\": [[…]]}}}",
                ),
            );
            Some(false)
        }
    }
}

// ---------------------------------------------------------------------------------------------

/// `.csv` or `.tsv`, in any case.
fn is_table_file(name: &OsStr) -> bool {
    if is_hidden(name) {
        return false;
    }
    Path::new(name)
        .extension()
        .and_then(OsStr::to_str)
        .is_some_and(|ext| ext.eq_ignore_ascii_case("csv") || ext.eq_ignore_ascii_case("tsv"))
}

fn is_hidden(name: &OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// Entries below a given path that the walk does not look at.
fn is_skipped(entry: &walkdir::DirEntry) -> bool {
    let name = entry.file_name();
    is_hidden(name) || (entry.file_type().is_dir() && name == "target")
}

/// The folder holding `path`; `.` for a bare file name.
pub(super) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A path for display, with forward slashes.
fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    if cfg!(windows) {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    }
}

/// `dir` as given joined with a file name, with forward slashes.
fn display_join(dir: &Path, name: &OsStr) -> String {
    let mut s = display_path(dir);
    while s.len() > 1 && s.ends_with('/') {
        s.pop();
    }
    if !s.is_empty() && !s.ends_with('/') {
        s.push('/');
    }
    s.push_str(&name.to_string_lossy());
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{CellValue, Unit};
    use std::sync::atomic::{AtomicUsize, Ordering};

    const FIXTURES: &str = "tests/data/loader";

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> Self {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir()
                .join(format!("rimlig-discover-{}-{tag}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).expect("create temp dir");
            TempDir(path)
        }
        fn write(&self, rel: &str, contents: &[u8]) -> PathBuf {
            let path = self.0.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("create dirs");
            }
            std::fs::write(&path, contents).expect("write file");
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn codes(problems: &[Problem]) -> Vec<&'static str> {
        problems.iter().map(|p| p.code).collect()
    }

    #[test]
    fn fixture_report_is_loaded_with_its_metadata() {
        let dir = PathBuf::from(FIXTURES).join("simple");
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        let report = load_report(&dir, &mut sources, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(report.path, dir);
        assert_eq!(report.meta.unit.as_deref(), Some("Linköpings kommun"));
        assert_eq!(report.meta.period.as_deref(), Some("2020-10"));
        assert_eq!(
            report.meta.previous,
            Some(PathBuf::from(FIXTURES).join("tree"))
        );

        let names: Vec<&str> = report.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Investeringar 2020", "driftsammandrag"]);
        let drift = &report.tables[1];
        assert_eq!(
            sources.get(drift.source).name,
            "tests/data/loader/simple/driftsammandrag.csv"
        );
        assert_eq!(
            sources.get(report.tables[0].source).name,
            "tests/data/loader/simple/Investeringar 2020.tsv"
        );
        assert_eq!(drift.rows.len(), 3);
        let CellValue::Number(f) = &drift.rows[0].cells[1].value else {
            panic!("not a number: {:?}", drift.rows[0].cells[1]);
        };
        assert_eq!(f.value, rust_decimal::Decimal::from(8486));
        let CellValue::Number(p) = &report.tables[0].rows[0].cells[2].value else {
            panic!("not a number");
        };
        assert_eq!(p.unit, Some(Unit::Pct));
    }

    #[test]
    fn fixture_tree_gives_sorted_report_folders() {
        let root = PathBuf::from(FIXTURES);
        let mut problems = Vec::new();
        let dirs = find_report_dirs(&[root.join("tree"), root.join("tree/")], &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let expected: Vec<PathBuf> = [
            "tree/a-kommun/2020-08",
            "tree/a-kommun/2020-10",
            "tree/b-region",
        ]
        .iter()
        .map(|p| root.join(p))
        .collect();
        assert_eq!(dirs, expected);
    }

    #[test]
    fn bad_report_toml_is_reported_with_spans() {
        let dir = PathBuf::from(FIXTURES).join("bad-toml");
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        let report = load_report(&dir, &mut sources, &mut problems);
        assert_eq!(
            codes(&problems),
            ["config::report-toml", "config::report-toml"]
        );
        let toml_source = problems[0].labels[0].source;
        let file = sources.get(toml_source);
        assert_eq!(file.name, "tests/data/loader/bad-toml/report.toml");
        let labelled: Vec<&str> = problems
            .iter()
            .map(|p| file.slice(p.labels[0].span))
            .collect();
        // Problems come in the order of the file.
        assert_eq!(labelled, ["2020", "currency"]);
        assert!(
            problems[0]
                .message
                .contains("must be a string, not an integer"),
            "{}",
            problems[0].message
        );
        assert!(problems[1].message.contains("unknown key `currency`"));
        // What could be read is kept.
        assert_eq!(report.meta.unit.as_deref(), Some("Region Test"));
        assert_eq!(report.meta.period, None);
        assert_eq!(report.tables.len(), 1);
    }

    #[test]
    fn toml_syntax_error_is_labelled() {
        let tmp = TempDir::new("syntax");
        tmp.write("report.toml", b"unit = \"A\"\nperiod = 2020-\n");
        tmp.write("t.csv", b"A;B\nx;1\n");
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        let report = load_report(&tmp.0, &mut sources, &mut problems);
        assert!(!problems.is_empty());
        assert!(problems.iter().all(|p| p.code == "config::report-toml"));
        assert!(problems[0].message.contains("is not valid TOML"));
        let label = &problems[0].labels[0];
        let file = sources.get(label.source);
        assert!(label.span.end <= file.text.len());
        assert_eq!(report.meta.unit.as_deref(), Some("A"));
        assert_eq!(report.tables.len(), 1);
    }

    #[test]
    fn hidden_and_target_folders_are_skipped() {
        let tmp = TempDir::new("hidden");
        tmp.write("r1/a.csv", b"A\n1\n");
        tmp.write("r2/report.toml", b"");
        tmp.write("r3/B.TSV", b"A\n1\n");
        tmp.write(".git/x/a.csv", b"A\n1\n");
        tmp.write("target/debug/a.csv", b"A\n1\n");
        tmp.write("r4/notes.txt", b"A\n1\n");
        tmp.write("r5/.hidden.csv", b"A\n1\n");
        let mut problems = Vec::new();
        let dirs = find_report_dirs(std::slice::from_ref(&tmp.0), &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let expected: Vec<PathBuf> = ["r1", "r2", "r3"].iter().map(|d| tmp.0.join(d)).collect();
        assert_eq!(dirs, expected);
    }

    #[test]
    fn a_folder_with_tables_is_itself_a_report() {
        let tmp = TempDir::new("self");
        tmp.write("a.csv", b"A\n1\n");
        tmp.write("sub/b.csv", b"A\n1\n");
        let mut problems = Vec::new();
        let dirs = find_report_dirs(std::slice::from_ref(&tmp.0), &mut problems);
        assert!(problems.is_empty());
        assert_eq!(dirs, vec![tmp.0.clone(), tmp.0.join("sub")]);
    }

    #[test]
    fn missing_paths_and_other_files_are_problems() {
        let tmp = TempDir::new("missing");
        let notes = tmp.write("notes.txt", b"x");
        let empty = tmp.0.join("empty");
        std::fs::create_dir_all(&empty).expect("mkdir");
        let mut problems = Vec::new();
        let dirs = find_report_dirs(&[tmp.0.join("nope"), notes, empty], &mut problems);
        assert!(dirs.is_empty());
        assert_eq!(
            codes(&problems),
            ["io::not-found", "io::not-a-report", "io::no-reports"]
        );
        assert_eq!(problems[0].kind, ProblemKind::Io);
        assert_eq!(problems[0].severity, Severity::Error);
        assert!(
            problems[0]
                .path
                .as_deref()
                .is_some_and(|p| p.ends_with("nope"))
        );
        assert_eq!(problems[2].severity, Severity::Warning);
    }

    #[test]
    fn a_single_csv_file_is_a_one_table_report() {
        let tmp = TempDir::new("single");
        let file = tmp.write("prognos.csv", b"A;B\nx;1\n");
        tmp.write("other.csv", b"A;B\nx;1\n");
        let mut problems = Vec::new();
        let dirs = find_report_dirs(std::slice::from_ref(&file), &mut problems);
        assert_eq!(dirs, vec![file.clone()]);
        let mut sources = Sources::default();
        let report = load_report(&file, &mut sources, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(report.path, file);
        assert_eq!(report.tables.len(), 1);
        assert_eq!(report.tables[0].name, "prognos");
        assert_eq!(
            sources.get(report.tables[0].source).name,
            display_path(&file)
        );
    }

    #[test]
    fn too_large_files_are_skipped() {
        let tmp = TempDir::new("large");
        tmp.write("small.csv", b"A\n1\n");
        let big = tmp.write("big.csv", b"");
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&big)
            .expect("open");
        f.set_len(MAX_TABLE_BYTES + 1).expect("sparse file");
        drop(f);
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        let report = load_report(&tmp.0, &mut sources, &mut problems);
        assert_eq!(codes(&problems), ["data::too-large"]);
        assert_eq!(problems[0].kind, ProblemKind::Data);
        assert_eq!(report.tables.len(), 1);
        assert_eq!(report.tables[0].name, "small");
    }

    #[test]
    fn display_names_use_forward_slashes() {
        assert_eq!(
            display_join(Path::new("examples/x/"), OsStr::new("a.csv")),
            "examples/x/a.csv"
        );
        assert_eq!(
            display_join(Path::new("examples/x"), OsStr::new("a.csv")),
            "examples/x/a.csv"
        );
        assert_eq!(display_join(Path::new(""), OsStr::new("a.csv")), "a.csv");
        assert_eq!(display_join(Path::new("/"), OsStr::new("a.csv")), "/a.csv");
        assert_eq!(parent_dir(Path::new("a.csv")), PathBuf::from("."));
    }
}
