//! From command-line paths to reports: find the reports, then load every table of one.
//!
//! Which files make reports is said in one place, [`report_file_kind`]. A folder that
//! directly holds a table file (`.csv`, `.tsv`) or a `report.toml` is a report, its tables
//! the table files in it; a table file given on the command line is a one-table report. A
//! workbook (`.xlsx`, `.xlsm`, `.xls`, `.ods`), given or found in a tree, is a report of its
//! own, one table per sheet (see [`super::workbook`]). A single-file report takes its
//! metadata from a sidecar `<stem>.report.toml` beside it ([`sidecar_meta`]). A Markdown or
//! JSON report is one file too (see the section on them below).
//!
//! Walking a tree respects `.gitignore`, `.ignore` and `.git/info/exclude` (also outside a
//! git repository), skips hidden files and folders and folders named `target`, and the
//! `ignore` globs of `rimlig.toml`. A symbolic link is followed only when it points inside
//! the folder walked; one pointing outside it, a loop of links and a link to nothing are
//! diagnostics. Whatever cannot be read is a diagnostic too, and the walk goes on. The
//! result is sorted, so the same tree always gives the same run.

use super::csv::{Bytes, load_csv_owned};
use super::mapped::MappedText;
use super::workbook;
use super::{Report, ReportMeta, Table, previous_itself};
use super::{json_report, markdown};
use crate::check::leaves_through_link;
use crate::config::{Config, tidy_path};
use crate::input::{ReadError, not_a_file, read_regular};
use crate::problem::{Problem, ProblemKind, Severity};
use crate::source::{SourceFile, Sources, Span};
use std::collections::{BTreeSet, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Files larger than this are not read.
const MAX_TABLE_BYTES: u64 = 256 * 1024 * 1024;

/// The name of a report folder's metadata file.
const REPORT_TOML: &str = "report.toml";

/// What a file is to discovery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFileKind {
    /// `.csv` or `.tsv`: one table; the folder holding it is the report.
    Table,
    /// `.xlsx`, `.xlsm`, `.xls`, `.ods`: a report of its own, a table per sheet.
    Workbook,
}

/// Which files are reports: THE place that says so. `None` for a file that is not part of a
/// report (`report.toml` is handled by the walk itself). Hidden files are never reports.
///
/// A kind whose file is a whole report on its own (a workbook, a Markdown or JSON report)
/// gets a variant of its own; [`find_reports`] and [`load_report`] say what each kind
/// makes.
pub fn report_file_kind(path: &Path) -> Option<ReportFileKind> {
    let name = path.file_name()?;
    if is_hidden(name) {
        return None;
    }
    let ext = Path::new(name).extension().and_then(OsStr::to_str)?;
    if ext.eq_ignore_ascii_case("csv") || ext.eq_ignore_ascii_case("tsv") {
        Some(ReportFileKind::Table)
    } else if workbook::is_workbook_file(name) {
        Some(ReportFileKind::Workbook)
    } else {
        None
    }
}

/// What to do with a file that holds a report's tables in a form rimlig does not read, by
/// its extension: what a unit head saving from Excel most often ends up with instead of a
/// `.csv` file or a workbook. `None` for any other file (notes, images), which is passed
/// over without a word.
fn unread_format_advice(path: &Path) -> Option<&'static str> {
    unread_format(path).map(|(_, advice)| advice)
}

/// How likely a file [`unread_format_advice`] knows holds a table saved in the wrong form:
/// text from Excel and other workbooks first, archives, then documents.
fn unread_format_rank(path: &Path) -> u8 {
    unread_format(path).map_or(u8::MAX, |(rank, _)| rank)
}

/// [`unread_format_rank`] and [`unread_format_advice`] of a file, by its extension.
fn unread_format(path: &Path) -> Option<(u8, &'static str)> {
    let name = path.file_name()?;
    if is_hidden(name) {
        return None;
    }
    let ext = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "txt" | "prn" => (
            0,
            "a text file, as Excel saves \"Text (Tab delimited)\" or \"Unicode Text\": rimlig \
             reads a tab-separated table named .tsv, so rename it, or save the sheet from Excel as \
             CSV",
        ),
        "xlsb" => (
            1,
            "an Excel binary workbook: open it in Excel and save it as an Excel Workbook (.xlsx)",
        ),
        "numbers" => (
            1,
            "a Numbers document: export it as Excel (.xlsx) or as CSV files",
        ),
        "zip" => (2, "an archive: unpack it and check the folder it holds"),
        "pdf" => (
            3,
            "a PDF: its tables cannot be read back; check the workbook or CSV files it was made \
             from",
        ),
        "docx" | "doc" | "odt" | "rtf" => (
            3,
            "a text document: copy its tables into a workbook, or export them as CSV files",
        ),
        _ => return None,
    })
}

/// The files of `files` that hold tables in a form rimlig does not read, each on a line of
/// its own with what to do, as the help of a warning that no report was found: three of
/// them, then the names of a few more, then how many more there are.
fn unread_formats_help(files: &[PathBuf]) -> Option<String> {
    const ADVISED: usize = 3;
    const NAMED: usize = 8;
    let mut lines: Vec<String> = files
        .iter()
        .take(ADVISED)
        .filter_map(|f| {
            Some(format!(
                "- {} is {}",
                display_path(f),
                unread_format_advice(f)?
            ))
        })
        .collect();
    if lines.is_empty() {
        return None;
    }
    let named: Vec<String> = files
        .iter()
        .skip(ADVISED)
        .take(NAMED)
        .map(|f| display_path(f))
        .collect();
    if !named.is_empty() {
        let rest = files.len() - ADVISED - named.len();
        lines.push(match named.split_last() {
            Some((last, before)) if rest == 0 && !before.is_empty() => {
                format!("- also {} and {last}", before.join(", "))
            }
            _ if rest > 0 => format!("- also {} and {rest} more", named.join(", ")),
            _ => format!("- also {}", named.join(", ")),
        });
    }
    Some(lines.join("\n"))
}

/// The missing-value and zero markers of `rimlig.toml` for reports whose loaders read cells
/// with the defaults (workbooks, Markdown, JSON): every cell is read again from its text as
/// shown. Nothing changes without a `[data]` section. (`header_row` is for CSV only so far.)
fn apply_markers(report: &mut Report, config: &Config) {
    if config.data.missing == crate::config::DataConfig::default().missing
        && config.data.zero == crate::config::DataConfig::default().zero
    {
        return;
    }
    for table in &mut report.tables {
        table.reparse_cells(&config.data);
    }
}

/// Report folders under the given paths, with the defaults (no `rimlig.toml`).
pub fn find_report_dirs(paths: &[PathBuf], problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    find_reports(paths, &Config::default(), problems)
}

/// Reports under the given paths (folders, or files of a report kind), in sorted order,
/// each once (also when two paths name the same folder, e.g. through a link).
///
/// A file among `paths` is returned as is: [`load_report`] reads it as a report. A `report.toml`
/// among them stands for its folder.
pub fn find_reports(
    paths: &[PathBuf],
    config: &Config,
    problems: &mut Vec<Problem>,
) -> Vec<PathBuf> {
    find_reports_listed(paths, config, problems, &mut Listings::default())
}

/// The table files of report folders, as the walk that found the folders saw them: reading
/// a folder listed here needs no walk of its own ([`load_report_listed`]). A folder with a
/// link among its files is walked again, for the warnings about links.
#[derive(Debug, Default)]
///
/// Folders are kept by their path's bytes, as the walk wrote them: a folder is looked up
/// with the path the same walk found it by, and hashing a path part by part cost more than
/// the rest of putting ten thousand folders here.
pub struct Listings(foldhash::HashMap<OsString, Option<Vec<(OsString, PathBuf)>>>);

impl Listings {
    /// The table files of `dir` in file-name order, if the walk saw all of them.
    pub fn get(&self, dir: &Path) -> Option<&[(OsString, PathBuf)]> {
        self.0.get(dir.as_os_str())?.as_deref()
    }

    /// The table files a walk met in `dir`; none is kept for a folder with a link among
    /// them (walked again when read, for the warnings about links).
    fn add_all(&mut self, dir: OsString, tables: Vec<FileSeen>) {
        let files = self.0.entry(dir).or_insert_with(|| Some(Vec::new()));
        for t in tables {
            match files {
                Some(list) if !t.linked => list.push((t.name, t.path)),
                _ => *files = None,
            }
        }
    }

    fn sort(&mut self) {
        for list in self.0.values_mut().flatten() {
            // A folder under two of the paths given (`ex ex/2020-10`) was walked twice.
            list.sort();
            list.dedup();
        }
    }
}

/// [`find_reports`], keeping in `listings` the table files the walks saw.
pub fn find_reports_listed(
    paths: &[PathBuf],
    config: &Config,
    problems: &mut Vec<Problem>,
    listings: &mut Listings,
) -> Vec<PathBuf> {
    let mut found = BTreeSet::new();
    let links = AtomicBool::new(false);
    // `ex//2020-10/` and `ex/./2020-10` are `ex/2020-10`: one report under one name (findings
    // and baselines name reports by their path), and a path given twice is walked once.
    let mut tidy: Vec<PathBuf> = Vec::with_capacity(paths.len());
    // Looked up in a set: a shell's `*.csv` can give tens of thousands of paths.
    let mut seen: HashSet<PathBuf> = HashSet::with_capacity(paths.len());
    for path in paths {
        let path: PathBuf = path.components().collect();
        if seen.insert(path.clone()) {
            tidy.push(path);
        }
    }
    let paths = &tidy[..];
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
            match report_file_kind(path) {
                Some(ReportFileKind::Table | ReportFileKind::Workbook) => {
                    found.insert(path.clone());
                }
                None if name == REPORT_TOML => {
                    found.insert(parent_dir(path));
                }
                None => problems.push(
                    Problem::new(
                        ProblemKind::Io,
                        Severity::Error,
                        "io::not-a-report",
                        format!(
                            "{shown} is neither a .csv or .tsv file, a workbook nor a report folder"
                        ),
                    )
                    .with_path(shown)
                    .with_help(match unread_format_advice(path) {
                        Some(advice) => format!(
                            "it is {advice}; rimlig reads a report folder, a folder of report folders, a .csv/.tsv file or a workbook (.xlsx, .xlsm, .xls, .ods)"
                        ),
                        None => "give a report folder, a folder of report folders, a .csv/.tsv file or a workbook (.xlsx, .xlsm, .xls, .ods)".to_string(),
                    }),
                ),
            }
            continue;
        }

        if !metadata.is_dir() {
            // A named pipe, a socket or a device: reading one could wait for ever, and a run
            // in CI must end.
            problems.push(
                Problem::new(
                    ProblemKind::Io,
                    Severity::Error,
                    "io::not-a-file",
                    format!(
                        "{shown} is neither a file nor a folder (a named pipe, a socket or a device), so it is not read"
                    ),
                )
                .with_path(shown)
                .with_help(
                    "give a report folder, a folder of report folders, a .csv/.tsv file or a workbook (.xlsx, .xlsm, .xls, .ods); rimlig reads only regular files, so that no input can make it wait",
                ),
            );
            continue;
        }

        let mut unread = Vec::new();
        if !walk(
            path,
            config,
            problems,
            &mut found,
            &links,
            listings,
            &mut unread,
        ) {
            const HELP: &str = "a report folder holds .csv or .tsv files (one per table) or a report.toml; a workbook (.xlsx, .xlsm, .xls, .ods) is a report of its own";
            // Those most likely a table saved in the wrong form first.
            unread.sort_by_key(|p| (unread_format_rank(p), p.clone()));
            problems.push(
                Problem::new(
                    ProblemKind::Io,
                    Severity::Warning,
                    "io::no-reports",
                    format!("no report found under {shown}"),
                )
                .with_path(shown.clone())
                .with_help(match unread_formats_help(&unread) {
                    Some(found) => format!("{HELP}. Under {shown}:\n{found}"),
                    None => HELP.to_string(),
                }),
            );
        }
    }
    listings.sort();
    // One folder walked without meeting a link: no two of its paths name the same folder.
    if paths.len() == 1 && !links.load(Ordering::Relaxed) {
        return found.into_iter().collect();
    }
    // A table file given beside its folder (`ex/2020-10 ex/2020-10/prognos.csv`) is read as
    // one of the folder's tables, not once more as a report of its own.
    let folders: HashSet<PathBuf> = found
        .iter()
        .filter(|p| p.is_dir())
        .map(|p| p.canonicalize().unwrap_or_else(|_| p.clone()))
        .collect();
    found.retain(|p| {
        let table_in_folder = report_file_kind(p) == Some(ReportFileKind::Table)
            && p.parent()
                .and_then(|d| d.canonicalize().ok())
                .is_some_and(|d| folders.contains(&d));
        !table_in_folder
    });
    dedupe(found)
}

/// The reports the `reports` globs of `rimlig.toml` select (used when no path is given).
pub fn find_configured_reports(config: &Config, problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    let mut found = BTreeSet::new();
    for glob in &config.reports {
        let root = config.glob_root(glob);
        let mut here = BTreeSet::new();
        if root.is_dir() {
            let mut unused = Listings::default();
            walk(
                &root,
                config,
                problems,
                &mut here,
                &AtomicBool::new(false),
                &mut unused,
                &mut Vec::new(),
            );
        } else if root.is_file() && report_file_kind(&root).is_some() {
            here.insert(root.clone());
        }
        let before = found.len();
        found.extend(here.into_iter().filter(|p| config.selects(glob, p)));
        if found.len() == before {
            let mut p = Problem::new(
                ProblemKind::Config,
                Severity::Warning,
                "config::no-reports",
                format!("the report glob `{}` selects no report", glob.text),
            )
            .with_help(format!(
                "globs in {} are relative to its folder ({}); a report folder holds .csv or .tsv files or a report.toml",
                crate::config::FILE_NAME,
                display_path(&config.dir)
            ));
            if let Some(f) = &config.file {
                p = p.with_path(f.clone());
            }
            if let Some(s) = config.source {
                p = p.with_label(s, glob.span, "no report here");
            }
            problems.push(p);
        }
    }
    dedupe(found)
}

/// One report per folder: paths that reach the same folder (through a link, or written
/// differently) count once, under the first of them in sorted order.
fn dedupe(found: BTreeSet<PathBuf>) -> Vec<PathBuf> {
    let mut seen = HashSet::new();
    found
        .into_iter()
        .filter(|p| seen.insert(p.canonicalize().unwrap_or_else(|_| p.clone())))
        .collect()
}

/// The walker of a folder: ignore files, hidden entries, `target`, `ignore` globs, links
/// only inside `root`. Problems met by its filter are collected in `notes`.
fn walker(
    root: &Path,
    max_depth: Option<usize>,
    config: &Config,
    notes: &Arc<Mutex<Vec<Problem>>>,
    links: Option<&Arc<AtomicBool>>,
) -> ignore::WalkBuilder {
    // Resolved at the first link met: most trees have none, and resolving costs a system
    // call for every folder on the way.
    let resolved_root = Arc::new(std::sync::OnceLock::new());
    let root_path = root.to_path_buf();
    let links = links.cloned();
    // A folder given on purpose inside an ignored one is walked as asked.
    let use_ignore_globs = !config.is_ignored(root);
    let config = config.clone();
    let notes = Arc::clone(notes);
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .standard_filters(true)
        .git_global(false)
        .require_git(false)
        .follow_links(true)
        .max_depth(max_depth)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |entry| {
            let path = entry.path();
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if is_dir && entry.file_name() == "target" {
                return false;
            }
            if use_ignore_globs && config.is_ignored(path) {
                return false;
            }
            if entry.path_is_symlink() {
                if let Some(l) = &links {
                    l.store(true, Ordering::Relaxed);
                }
                let canonical_root: &PathBuf = resolved_root.get_or_init(|| {
                    root_path
                        .canonicalize()
                        .unwrap_or_else(|_| root_path.clone())
                });
                match path.canonicalize() {
                    Ok(target) if target.starts_with(canonical_root) => {}
                    Ok(target) => {
                        if let Ok(mut n) = notes.lock() {
                            n.push(link_outside(path, &target, canonical_root));
                        }
                        return false;
                    }
                    Err(e) => {
                        if let Ok(mut n) = notes.lock() {
                            n.push(link_problem(path, &e));
                        }
                        return false;
                    }
                }
            }
            true
        });
    builder
}

/// Walk the folder `root`, adding the reports in it to `found`, and to `unread` the files
/// that hold tables in a form rimlig does not read (see [`unread_format_advice`]). False if
/// there were no reports.
fn walk(
    root: &Path,
    config: &Config,
    problems: &mut Vec<Problem>,
    found: &mut BTreeSet<PathBuf>,
    links: &AtomicBool,
    listings: &mut Listings,
    unread: &mut Vec<PathBuf>,
) -> bool {
    let notes = Arc::new(Mutex::new(Vec::new()));
    let met = Arc::new(AtomicBool::new(false));
    // A folder given on purpose inside an ignored one is walked without the `ignore` globs;
    // reading one of its reports applies them again, so the listing would not be the same.
    let listing = !config.is_ignored(root);
    let (files, mut errors) = files_under(walker(root, None, config, &notes, Some(&met)), root);
    problems.append(&mut errors);
    // The table files by folder (the walk meets them in any order), and the reports met.
    // (By the bytes of their paths, as `Listings` keeps them.)
    let mut folders: foldhash::HashMap<OsString, Vec<FileSeen>> = Default::default();
    let mut reports = Vec::new();
    for file in files {
        match file.met {
            Met::Table { ref dir } => match folders.get_mut(dir.as_os_str()) {
                Some(tables) => tables.push(file),
                None => {
                    folders.insert(dir.as_os_str().to_os_string(), vec![file]);
                }
            },
            Met::Report => reports.push(file.path),
            Met::ReportToml => reports.push(parent_dir(&file.path)),
            Met::Unread => unread.push(file.path),
            Met::Other => {}
        }
    }
    let any = !folders.is_empty() || !reports.is_empty();
    for (dir, tables) in folders {
        reports.push(PathBuf::from(&dir));
        if listing {
            listings.add_all(dir, tables);
        }
    }
    add_sorted(found, reports);
    let mut notes = take(&notes);
    notes.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    problems.extend(notes);
    if met.load(Ordering::Relaxed) {
        links.store(true, Ordering::Relaxed);
    }
    any
}

/// Add `paths` to `found`. Ten thousand report folders inserted one by one took a tenth of
/// a large tree's walk, each insert comparing paths part by part a dozen times; sorted first
/// by [`order_key`] (bytes compared at once), they are put in as one sorted run.
fn add_sorted(found: &mut BTreeSet<PathBuf>, mut paths: Vec<PathBuf>) {
    paths.sort_by_cached_key(|p| order_key(p));
    // Already in order: collecting checks that with one comparison each.
    let mut sorted: BTreeSet<PathBuf> = paths.into_iter().collect();
    found.append(&mut sorted);
}

/// Bytes that sort as `path` sorts among paths: part by part, a shorter part first. Each
/// part is a tag (a root or a `.` sorts before a name, as `Component` does) followed by its
/// bytes and a 0, which no file name holds.
fn order_key(path: &Path) -> Vec<u8> {
    use std::path::Component;
    let mut key = Vec::with_capacity(path.as_os_str().len() + 8);
    for part in path.components() {
        let (tag, bytes): (u8, &[u8]) = match part {
            Component::Prefix(p) => (1, p.as_os_str().as_encoded_bytes()),
            Component::RootDir => (2, b""),
            Component::CurDir => (3, b""),
            Component::ParentDir => (4, b""),
            Component::Normal(name) => (5, name.as_encoded_bytes()),
        };
        key.push(tag);
        key.extend_from_slice(bytes);
        key.push(0);
    }
    key
}

/// A file met by a walk, and what it is to the walk: worked out on the core that met it.
struct FileSeen {
    /// Without a leading `./`: `./rapporter/2020-10` is shown as `rapporter/2020-10`.
    path: PathBuf,
    name: OsString,
    /// Reached through a symbolic link.
    linked: bool,
    met: Met,
}

/// What a file met by a walk is.
enum Met {
    /// A table file of the report folder `dir`.
    Table { dir: PathBuf },
    /// A report of its own: a workbook, or a Markdown or JSON report.
    Report,
    /// The `report.toml` of a report folder.
    ReportToml,
    /// Tables in a form rimlig does not read (see [`unread_format_advice`]).
    Unread,
    /// Anything else.
    Other,
}

impl FileSeen {
    fn new(path: PathBuf, name: OsString, linked: bool) -> FileSeen {
        let path = match path.strip_prefix(".") {
            Ok(rest) if !rest.as_os_str().is_empty() => rest.to_path_buf(),
            _ => path,
        };
        let met = match report_file_kind(&path) {
            Some(ReportFileKind::Table) => Met::Table {
                dir: parent_dir(&path),
            },
            Some(ReportFileKind::Workbook) => Met::Report,
            None if is_document_report_in_tree(&path) => Met::Report,
            None if name == REPORT_TOML => Met::ReportToml,
            None if unread_format_advice(&path).is_some() => Met::Unread,
            None => Met::Other,
        };
        FileSeen {
            path,
            name,
            linked,
            met,
        }
    }
}

/// The files under `root` (not `root` itself) that `walk` reaches, in no set order, and the
/// problems met on the way, in path order. The folders are read on every core: a tree of
/// ten thousand report folders is walked in a tenth of a second on one, nearly all of it in
/// system calls (each folder is opened and read, and looked in for ignore files).
fn files_under(walk: ignore::WalkBuilder, root: &Path) -> (Vec<FileSeen>, Vec<Problem>) {
    let seen: Mutex<(Vec<FileSeen>, Vec<Problem>)> = Mutex::default();
    walk.build_parallel().run(|| {
        Box::new(|entry| {
            let found = match entry {
                Ok(entry)
                    if entry.depth() > 0 && entry.file_type().is_some_and(|t| t.is_file()) =>
                {
                    let linked = entry.path_is_symlink();
                    let name = entry.file_name().to_os_string();
                    Ok(FileSeen::new(entry.into_path(), name, linked))
                }
                Ok(_) => return ignore::WalkState::Continue,
                Err(e) => Err(walk_problem(root, &e)),
            };
            let mut seen = seen
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match found {
                Ok(file) => seen.0.push(file),
                Err(problem) => seen.1.push(problem),
            }
            ignore::WalkState::Continue
        })
    });
    let (files, mut problems) = seen
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // The files are put in sets and sorted lists by the caller; the problems are told in the
    // order of their paths, whichever thread met them first.
    problems.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    (files, problems)
}

fn take(notes: &Arc<Mutex<Vec<Problem>>>) -> Vec<Problem> {
    notes
        .lock()
        .map(|mut n| std::mem::take(&mut *n))
        .unwrap_or_default()
}

/// `io::link-outside`: the link `path` points to `target`, outside the folder `root` it was
/// met in, and is not followed.
fn link_outside(path: &Path, target: &Path, root: &Path) -> Problem {
    let shown = display_link(path);
    Problem::new(
        ProblemKind::Io,
        Severity::Warning,
        "io::link-outside",
        format!(
            "{shown} is a symbolic link to {}, outside {}; it is not followed",
            display_path(target),
            display_path(root),
        ),
    )
    .with_path(shown)
    .with_help("give the folder it points to as a path of its own to check it")
}

/// The `io::link-outside` warning for a metadata file `path` of the report folder `dir` that
/// is a symbolic link out of that folder; `None` if it is no link or stays inside. Its tables
/// are read only from inside the folder, and so is it: a report from an untrusted branch must
/// not make rimlig read (and quote, in a TOML error) a file elsewhere on the machine.
fn metadata_linked_out(dir: &Path, path: &Path) -> Option<Problem> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link || !leaves_through_link(dir, path) {
        return None;
    }
    let root = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let (Ok(target), Ok(root)) = (path.canonicalize(), root.canonicalize()) else {
        return None;
    };
    // Said with the path the walk uses, so that a walk that met the link too says it once.
    Some(link_outside(path, &target, &root))
}

/// A link met by a walk, for display: `./2020/x.csv` is shown as `2020/x.csv`, as reports
/// are, and as the same link met again when its report is read, so that it is said once.
fn display_link(path: &Path) -> String {
    match path.strip_prefix(".") {
        Ok(rest) if !rest.as_os_str().is_empty() => display_path(rest),
        _ => display_path(path),
    }
}

/// A link that cannot be followed: it points nowhere, or round in a loop.
fn link_problem(path: &Path, e: &std::io::Error) -> Problem {
    let shown = display_link(path);
    // The walker wraps the error it met; following the link again gives the system's own.
    let fresh = std::fs::metadata(path).err();
    let e = fresh.as_ref().unwrap_or(e);
    let (code, message) = if e.kind() == std::io::ErrorKind::NotFound {
        (
            "io::broken-link",
            format!("{shown} is a symbolic link to nothing; it is skipped"),
        )
    } else if is_loop(e) {
        (
            "io::link-loop",
            format!("{shown} is a symbolic link that leads round in a loop; it is not followed"),
        )
    } else {
        (
            "io::read",
            format!("cannot follow the symbolic link {shown}: {e}"),
        )
    };
    let severity = if code == "io::read" {
        Severity::Error
    } else {
        Severity::Warning
    };
    Problem::new(ProblemKind::Io, severity, code, message).with_path(shown)
}

/// "Too many levels of symbolic links".
fn is_loop(e: &std::io::Error) -> bool {
    let raw = e.raw_os_error();
    (cfg!(target_os = "linux") && raw == Some(40))
        || (cfg!(any(
            target_os = "macos",
            target_os = "ios",
            target_os = "freebsd"
        )) && raw == Some(62))
}

/// A problem from the walker: a link loop, or an entry that cannot be read.
fn walk_problem(root: &Path, e: &ignore::Error) -> Problem {
    let mut path: Option<&Path> = None;
    let mut err = e;
    loop {
        match err {
            ignore::Error::WithPath {
                path: p,
                err: inner,
            } => {
                path = Some(p);
                err = inner;
            }
            ignore::Error::WithDepth { err: inner, .. }
            | ignore::Error::WithLineNumber { err: inner, .. } => err = inner,
            ignore::Error::Loop { ancestor, child } => {
                let shown = display_path(child);
                return Problem::new(
                    ProblemKind::Io,
                    Severity::Warning,
                    "io::link-loop",
                    format!(
                        "{shown} is a symbolic link to {}, a folder it is in: a loop; it is not followed",
                        display_path(ancestor)
                    ),
                )
                .with_path(shown);
            }
            ignore::Error::Io(io) => {
                let at = path.unwrap_or(root);
                if at.is_symlink() {
                    return link_problem(at, io);
                }
                return read_problem(&display_path(at), io);
            }
            other => {
                let at = display_path(path.unwrap_or(root));
                return Problem::new(
                    ProblemKind::Io,
                    Severity::Error,
                    "io::read",
                    format!("cannot read {at}: {other}"),
                )
                .with_path(at);
            }
        }
    }
}

/// Load every table of one report folder (or the single table of a `.csv`/`.tsv` file), with
/// the defaults (no `rimlig.toml`).
pub fn load_report(dir: &Path, sources: &mut Sources, problems: &mut Vec<Problem>) -> Report {
    load_report_with(dir, &Config::default(), sources, problems)
}

/// Load every table of one report folder (or the report a file of a report kind is).
///
/// Tables are the table files directly inside the folder that discovery would look at (not
/// ignored, not hidden, links only inside the folder), in file-name order, each named by its
/// file stem. `report.toml`, if present, fills in [`ReportMeta`]. Cells are read with
/// `config.data`. Problems are pushed to `problems`; whatever could be read is returned.
pub fn load_report_with(
    dir: &Path,
    config: &Config,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Report {
    load_report_listed(dir, None, config, sources, problems)
}

/// [`load_report_with`] for a folder whose table files are already known (`listed`, in
/// file-name order, from [`Listings`]): nothing more is walked.
pub fn load_report_listed(
    dir: &Path,
    listed: Option<&[(OsString, PathBuf)]>,
    config: &Config,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Report {
    let mut report = Report {
        path: dir.to_path_buf(),
        meta: ReportMeta::default(),
        tables: Vec::new(),
    };

    // A folder the walk listed is one (a question less for each of ten thousand reports).
    if listed.is_none() && dir.is_file() {
        let shown = display_path(dir);
        // Markdown and JSON reports: one file, one report.
        match document_kind(dir) {
            Some(DocumentKind::Markdown) => {
                let mut report = markdown::load_markdown(dir, &shown, sources, problems);
                apply_markers(&mut report, config);
                return report;
            }
            Some(DocumentKind::Json) => {
                let mut report = json_report::load_json_report(dir, &shown, sources, problems);
                apply_markers(&mut report, config);
                return report;
            }
            None => {}
        }
        // A workbook: one report, one table per sheet.
        if report_file_kind(dir) == Some(ReportFileKind::Workbook) {
            let mut report = workbook::load_workbook(dir, &shown, sources, problems);
            report.meta = sidecar_meta(dir, sources, problems);
            apply_markers(&mut report, config);
            return report;
        }
        report.meta = sidecar_meta(dir, sources, problems);
        if let Some(table) = load_table_file(dir, &shown, config, sources, problems) {
            report.tables.push(table);
        }
        return report;
    }

    let files = match listed {
        Some(files) => files.to_vec(),
        None => {
            let Some(files) = list_tables(dir, config, problems) else {
                return report;
            };
            files
        }
    };

    report.meta = load_meta(dir, &dir.join(REPORT_TOML), dir, sources, problems);

    // Files whose names differ only in case or extension (`prognos.csv`, `Prognos.tsv`) are
    // the same table name: both are read, and said to be.
    let mut seen: Vec<(String, String)> = Vec::new();
    for (name, path) in files {
        let shown = display_join(dir, &name);
        if let Some(stem) = path.file_stem().map(|s| s.to_string_lossy().to_lowercase()) {
            if let Some((_, first)) = seen.iter().find(|(s, _)| *s == stem) {
                problems.push(
                    Problem::new(
                        ProblemKind::Data,
                        Severity::Warning,
                        "data::duplicate-table",
                        format!(
                            "{first} and {shown} are both table {stem}: the rules read each, and \
                             a lookup `{stem}[…]` cannot tell them apart"
                        ),
                    )
                    .with_path(&shown)
                    .with_help("keep one file per table in a report folder"),
                );
            } else {
                seen.push((stem, shown.clone()));
            }
        }
        if let Some(table) = load_table_file(&path, &shown, config, sources, problems) {
            report.tables.push(table);
        }
    }
    report
}

/// The table files of the folder `dir` (not ignored, not hidden, links only inside it), in
/// file-name order; `None` if the folder cannot be read.
fn list_tables(
    dir: &Path,
    config: &Config,
    problems: &mut Vec<Problem>,
) -> Option<Vec<(std::ffi::OsString, PathBuf)>> {
    if let Err(e) = std::fs::read_dir(dir) {
        problems.push(read_problem(&display_path(dir), &e));
        return None;
    }
    let notes = Arc::new(Mutex::new(Vec::new()));
    let mut files: Vec<(std::ffi::OsString, PathBuf)> = Vec::new();
    for entry in walker(dir, Some(1), config, &notes, None).build() {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if entry.depth() == 1
                    && is_file
                    && report_file_kind(entry.path()) == Some(ReportFileKind::Table)
                {
                    files.push((entry.file_name().to_os_string(), entry.into_path()));
                }
            }
            Err(e) => problems.push(walk_problem(dir, &e)),
        }
    }
    problems.extend(take(&notes));
    files.sort();
    Some(files)
}

/// Read one table file, refusing files that are too large.
fn load_table_file(
    path: &Path,
    shown: &str,
    config: &Config,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    // Opened, then asked for its size: the path is looked up once, and what is measured is
    // what is read. A walk lists only regular files, but the file may have been swapped for
    // a pipe since, which opening without waiting does not wait for.
    let opened = crate::input::open_without_waiting(path)
        .and_then(|file| file.metadata().map(|m| (file, m)));
    let (file, size) = match opened {
        Ok((_, m)) if !m.is_file() => {
            problems.push(read_problem(
                shown,
                &std::io::Error::other("it is not a regular file"),
            ));
            return None;
        }
        Ok((file, m)) => (file, m.len()),
        Err(e) => {
            problems.push(read_problem(shown, &e));
            return None;
        }
    };
    if size > MAX_TABLE_BYTES {
        problems.push(
            Problem::too_large(format!("{shown} is larger than 256 MiB; it is not read"))
                .with_path(shown),
        );
        return None;
    }
    let bytes = match table_bytes(file, size) {
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
    load_csv_owned(shown, &stem, bytes, &config.data, sources, problems)
}

/// From this many bytes on a table file is mapped rather than read.
const MAPPED_FROM: u64 = 8 << 20;

/// The bytes of the opened table `file`, which was `size` bytes long a moment ago. A large
/// file is mapped where it lies in the page cache (see `report::mapped`), or if that fails,
/// read.
fn table_bytes(file: std::fs::File, size: u64) -> std::io::Result<Bytes<'static>> {
    if size >= MAPPED_FROM
        && let Some(map) = MappedText::map(&file)
    {
        return Ok(Bytes::Mapped(map));
    }
    read_sized(file, size).map(Bytes::Read)
}

/// The bytes of the opened `file`, which was `size` bytes long a moment ago: what
/// `std::fs::read` gives, in fewer system calls. `std::fs::read` asks for the size again and
/// reads once more to meet the end; here one read into room for a byte more than `size` that
/// comes back with `size` bytes is the whole file. Ten thousand small reports are twenty
/// thousand such files, and each call costs about as much as reading one of them.
fn read_sized(mut file: std::fs::File, size: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    // (A size too large to hold is read on to the end instead.)
    let size = usize::try_from(size).unwrap_or(0);
    let mut bytes = vec![0u8; size + 1];
    let n = file.read(&mut bytes)?;
    bytes.truncate(n);
    if n != size {
        // Changed since, or read in parts: read on to the end as it is now.
        file.read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

/// The metadata of a single-file report (a workbook, a `.csv` file): its sidecar
/// `<stem>.report.toml` beside it (`2020-10.report.toml` for `2020-10.xlsx`), read as
/// `report.toml` is, `previous` relative to the folder holding both. Empty without one.
pub fn sidecar_meta(path: &Path, sources: &mut Sources, problems: &mut Vec<Problem>) -> ReportMeta {
    let Some(stem) = path.file_stem() else {
        return ReportMeta::default();
    };
    let mut name = stem.to_os_string();
    name.push(".report.toml");
    let dir = parent_dir(path);
    load_meta(&dir, &dir.join(&name), path, sources, problems)
}

/// Read `report.toml` (or a sidecar `<stem>.report.toml`): keys `unit`, `period` and
/// `previous` (a path relative to the folder; naming `report`, the report itself, is a
/// warning). Without one (or with a folder of that name)
/// the metadata is empty; a named pipe, a socket or a device of that name is passed over
/// with a warning, since reading it could wait for ever, and so is a symbolic link out of
/// the folder.
fn load_meta(
    dir: &Path,
    toml_path: &Path,
    report: &Path,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> ReportMeta {
    let mut meta = ReportMeta::default();
    let shown = display_join(
        dir,
        toml_path.file_name().unwrap_or(OsStr::new(REPORT_TOML)),
    );
    // Nearly every report folder has none: one look, not a look and a try to open it.
    if std::fs::symlink_metadata(toml_path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
    {
        return meta;
    }
    // Asked first: a link to `/dev/zero` is said once, as a link out, not also as a device.
    if let Some(warning) = metadata_linked_out(dir, toml_path) {
        problems.push(warning);
        return meta;
    }
    let bytes = match read_regular(toml_path, crate::config::MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadError::NotFound | ReadError::Folder) => return meta,
        Err(ReadError::NotAFile) => {
            let mut warning = not_a_file(&shown, &shown, false);
            warning.severity = Severity::Warning;
            problems.push(warning.with_help(
                "rimlig reads only regular files, so that no input can make it wait; the report is read without its unit, period and previous report",
            ));
            return meta;
        }
        Err(ReadError::TooLarge { size }) => {
            problems.push(
                Problem::new(
                    ProblemKind::Config,
                    Severity::Error,
                    "config::report-toml",
                    format!(
                        "{shown} is {size} bytes; at most {} are read",
                        crate::config::MAX_FILE_BYTES
                    ),
                )
                .with_path(shown.clone())
                .with_help(
                    "report.toml holds `unit`, `period` and `previous`; is this the right file?",
                ),
            );
            return meta;
        }
        Err(ReadError::Io(e)) => {
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

    let (table, mut errors) = toml::de::DeTable::parse_recoverable(&text);
    // Arrays nested past the parser's depth give the same error at the same place once for
    // each level left open: said once.
    errors.dedup_by(|a, b| a.message() == b.message() && a.span() == b.span());
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
        // A value the TOML error above is inside of is said once, by that error (of a key
        // rimlig does not know as well: the error comes first).
        let at = value.span();
        let broken = errors
            .iter()
            .filter_map(toml::de::Error::span)
            .any(|e| at.start <= e.start && e.start <= at.end);
        if broken {
            continue;
        }
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
                // workbook: the previous report may be a single file (a workbook)
                if !path.is_dir() && !path.is_file() {
                    problems.push(
                        Problem::new(
                            ProblemKind::Data,
                            Severity::Warning,
                            "data::previous-missing",
                            format!("the previous report `{s}` named in {shown} is not a folder or file"),
                        )
                        .with_label(id, span_of(value.span()), "no such report folder or file")
                        .with_help(
                            "rules that compare with the previous report (`previous.`) are not applicable until it is there; give its folder (or file) relative to this one",
                        ),
                    );
                }
                let span = span_of(value.span());
                meta.set_previous(
                    path,
                    report,
                    || previous_itself(s, &shown, id, span),
                    problems,
                );
            }
        }
    }
    meta
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
pub fn is_document_report_in_tree(path: &Path) -> bool {
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

fn is_hidden(name: &OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// The folder holding `path`; `.` for a bare file name.
pub(super) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A path for display, with forward slashes.
pub(crate) fn display_path(path: &Path) -> String {
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

    fn open(path: &Path) -> std::fs::File {
        std::fs::File::open(path).expect("open")
    }

    #[test]
    fn a_file_read_at_its_size_is_the_file_whatever_size_was_told() {
        let dir = TempDir::new("sized");
        let bytes: Vec<u8> = (0..10_000).map(|i| (i % 251) as u8).collect();
        let path = dir.write("t.csv", &bytes);
        for told in [0, 1, 9_999, 10_000, 10_001, 1 << 20] {
            assert_eq!(
                read_sized(open(&path), told).expect("read"),
                bytes,
                "told {told}"
            );
        }
        let empty = dir.write("empty.csv", b"");
        assert_eq!(read_sized(open(&empty), 0).expect("read"), b"");
        assert_eq!(read_sized(open(&empty), 5).expect("read"), b"");
    }

    /// A table file swapped for a named pipe after the walk listed it is said, not waited
    /// on: it is opened without waiting and then asked what it is.
    #[cfg(unix)]
    #[test]
    fn a_table_file_that_is_a_pipe_is_said_without_waiting() {
        let dir = TempDir::new("pipe");
        let path = dir.0.join("drift.csv");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .is_ok_and(|s| s.success());
        if !made {
            return; // no mkfifo here
        }
        let (mut sources, mut problems) = (Sources::default(), Vec::new());
        let table = load_table_file(
            &path,
            "drift.csv",
            &Config::default(),
            &mut sources,
            &mut problems,
        );
        assert!(table.is_none());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code, "io::read");
        assert!(
            problems[0].message.contains("not a regular file"),
            "{}",
            problems[0].message
        );
    }

    /// `bytes` loaded as the table file `stor.csv`.
    fn load_stor(bytes: Bytes<'static>) -> (Table, Sources, Vec<Problem>) {
        let (mut sources, mut problems) = (Sources::default(), Vec::new());
        let config = Config::default();
        let table = load_csv_owned(
            "stor.csv",
            "stor",
            bytes,
            &config.data,
            &mut sources,
            &mut problems,
        )
        .expect("a table");
        (table, sources, problems)
    }

    #[test]
    fn a_large_file_is_mapped_and_gives_the_table_a_small_one_does() {
        let dir = TempDir::new("mapped");
        let mut text = String::from("enhet;budget;utfall\n");
        let mut i = 0;
        while text.len() < MAPPED_FROM as usize + 100 {
            text.push_str(&format!("Område {i};{};{}\n", i % 1000, i % 997));
            i += 1;
        }
        let path = dir.write("stor.csv", text.as_bytes());
        let bytes = table_bytes(open(&path), text.len() as u64).expect("read");
        assert!(matches!(bytes, Bytes::Mapped(_)));
        let read = |bytes| {
            let (table, sources, problems) = load_stor(bytes);
            let last = table.rows.len() - 1;
            (
                sources.get(table.source).text.len(),
                table.rows.len(),
                format!("{:?}", table.cell(last, 2)),
                problems.len(),
            )
        };
        assert_eq!(read(bytes), read(Bytes::Read(text.into_bytes())));
    }

    #[test]
    fn a_large_file_not_utf8_is_mapped_and_decoded_as_windows_1252() {
        let dir = TempDir::new("mapped-1252");
        let mut bytes = b"enhet;budget\n".to_vec();
        while bytes.len() < MAPPED_FROM as usize + 10 {
            bytes.extend_from_slice(b"V\xe4rnamo;12\n");
        }
        let path = dir.write("stor.csv", &bytes);
        let mapped = table_bytes(open(&path), bytes.len() as u64).expect("read");
        assert!(matches!(mapped, Bytes::Mapped(_)));
        let (table, sources, problems) = load_stor(mapped);
        assert!(
            sources
                .get(table.source)
                .text
                .starts_with("enhet;budget\nVärnamo;12\n")
        );
        assert!(problems.iter().any(|p| p.code == "data::windows-1252"));
    }

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
        let CellValue::Number(f) = &drift.row_cells(0)[1].value(drift) else {
            panic!("not a number: {:?}", drift.row_cells(0)[1]);
        };
        assert_eq!(f.value, rust_decimal::Decimal::from(8486));
        let CellValue::Number(p) = &report.tables[0].row_cells(0)[2].value(&report.tables[0])
        else {
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
    fn arrays_nested_too_deep_are_said_once_per_error() {
        let tmp = TempDir::new("deep-toml");
        tmp.write(
            "report.toml",
            format!("unit = {}\n", "[".repeat(100_000)).as_bytes(),
        );
        tmp.write("t.csv", b"A;B\nx;1\n");
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        load_report(&tmp.0, &mut sources, &mut problems);
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[2].contains("must be a string"), "{messages:?}");
        assert!(messages[1].contains("unclosed array"), "{messages:?}");
    }

    #[test]
    fn an_unknown_key_whose_value_is_not_valid_toml_is_said_once() {
        let tmp = TempDir::new("unknown-broken");
        tmp.write(
            "report.toml",
            format!("x = {}1{}\n", "{a=".repeat(1_000), "}".repeat(1_000)).as_bytes(),
        );
        tmp.write("t.csv", b"A;B\nx;1\n");
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        load_report(&tmp.0, &mut sources, &mut problems);
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].contains("is not valid TOML"), "{messages:?}");
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
    fn a_value_broken_inside_is_said_once() {
        let tmp = TempDir::new("deep");
        let deep = format!(
            "unit = {}{}
",
            "[".repeat(5000),
            "]".repeat(5000)
        );
        tmp.write("report.toml", deep.as_bytes());
        tmp.write("t.csv", b"A;B\nx;1\n");
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        load_report(&tmp.0, &mut sources, &mut problems);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("is not valid TOML"));
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

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_said_to_be_no_file_and_not_read() {
        let tmp = TempDir::new("pipe");
        let pipe = tmp.0.join("drift.csv");
        let made = std::process::Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .is_ok_and(|s| s.success());
        if !made {
            eprintln!("no mkfifo here; skipped");
            return;
        }
        let mut problems = Vec::new();
        let dirs = find_report_dirs(std::slice::from_ref(&pipe), &mut problems);
        assert!(dirs.is_empty());
        assert_eq!(codes(&problems), ["io::not-a-file"]);
        assert_eq!(problems[0].severity, Severity::Error);
        assert!(
            problems[0].message.contains("named pipe"),
            "{}",
            problems[0].message
        );
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

    /// The key folders are sorted by first sorts them as paths sort, so that putting them
    /// in the set is one run: across separators, prefixes, case, non-ASCII names, `.` and
    /// `..` parts, roots and repeated separators.
    #[test]
    fn the_order_key_sorts_as_paths_sort() {
        let texts = [
            "a",
            "a/b",
            "a-b",
            "a/b/c",
            "a.b",
            "ab",
            "A",
            "a/B",
            "b",
            "å",
            "ä/x",
            "Z/ä",
            "/a",
            "/",
            "./a",
            "../a",
            "a/../b",
            "a//b",
            "a/./b",
            "a/",
            "tree/000010",
            "tree/000009",
            "tree/00001",
            "rapporter/2020-10",
            "rapporter/2020-08/prognos.csv",
            "x y/z",
            "",
        ];
        let paths: Vec<&Path> = texts.iter().map(Path::new).collect();
        for a in &paths {
            for b in &paths {
                assert_eq!(
                    order_key(a).cmp(&order_key(b)),
                    a.cmp(b),
                    "{} against {}",
                    a.display(),
                    b.display()
                );
            }
        }
        let mut found: BTreeSet<PathBuf> = [PathBuf::from("m")].into();
        add_sorted(
            &mut found,
            paths.iter().rev().map(|p| p.to_path_buf()).collect(),
        );
        let mut expected: Vec<&Path> = paths.clone();
        expected.push(Path::new("m"));
        expected.sort();
        expected.dedup();
        assert_eq!(
            found.iter().map(PathBuf::as_path).collect::<Vec<_>>(),
            expected
        );
    }

    /// A folder with tables saved in forms rimlig does not read says which files they are
    /// and what to do with each, the likeliest first; a notes file is not named.
    #[test]
    fn files_in_forms_not_read_are_named_with_what_to_do() {
        let tmp = TempDir::new("unread");
        let folder = tmp.0.join("2020-10");
        for name in ["b.pdf", "a.XLSB", "drift.txt", "bild.png", "c.zip"] {
            tmp.write(&format!("2020-10/{name}"), b"x");
        }
        let mut problems = Vec::new();
        let dirs = find_report_dirs(std::slice::from_ref(&folder), &mut problems);
        assert!(dirs.is_empty());
        assert_eq!(codes(&problems), ["io::no-reports"]);
        let help = problems[0].help.as_deref().unwrap_or_default();
        let lines: Vec<&str> = help.lines().skip(1).collect();
        assert_eq!(lines.len(), 4, "{help}");
        assert!(lines[0].starts_with("- ") && lines[0].contains("drift.txt is a text file"));
        assert!(lines[0].contains("named .tsv"), "{help}");
        assert!(
            lines[1].contains("a.XLSB is an Excel binary workbook"),
            "{help}"
        );
        assert!(lines[2].contains("c.zip is an archive"), "{help}");
        assert!(
            lines[3].starts_with("- also ") && lines[3].ends_with("b.pdf"),
            "{help}"
        );
        assert!(!help.contains("bild.png"), "{help}");

        // Only notes: the usual help alone.
        let notes = tmp.0.join("notes");
        tmp.write("notes/bild.png", b"x");
        let mut problems = Vec::new();
        find_report_dirs(std::slice::from_ref(&notes), &mut problems);
        assert_eq!(codes(&problems), ["io::no-reports"]);
        assert!(
            !problems[0]
                .help
                .as_deref()
                .unwrap_or_default()
                .contains('\n')
        );

        // A file given by name says what it is.
        let mut problems = Vec::new();
        find_report_dirs(&[folder.join("a.XLSB")], &mut problems);
        assert_eq!(codes(&problems), ["io::not-a-report"]);
        let help = problems[0].help.as_deref().unwrap_or_default();
        assert!(help.starts_with("it is an Excel binary workbook"), "{help}");
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
