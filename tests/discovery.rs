//! Discovery: which folders and files under a path are reports. The fixture tree
//! `tests/data/discovery/tree` has a `.gitignore` and an `.ignore` (read also outside a git
//! repository), a hidden folder, a `target` folder and an ignored table file; links are made in
//! temporary folders, as a repository cannot hold them everywhere.

use rimlig::config::{self, Config};
use rimlig::problem::{Problem, Severity};
use rimlig::report::discover::{
    Listings, ReportFileKind, find_report_dirs, find_reports, find_reports_listed, load_report,
    load_report_listed, load_report_with, report_file_kind,
};
use rimlig::source::Sources;
mod common;

use common::write;
use std::path::{Path, PathBuf};

const TREE: &str = "tests/data/discovery/tree";

fn tree(rel: &str) -> PathBuf {
    if rel.is_empty() {
        PathBuf::from(TREE)
    } else {
        Path::new(TREE).join(rel)
    }
}

fn codes(problems: &[Problem]) -> Vec<&'static str> {
    problems.iter().map(|p| p.code).collect()
}

/// A fresh folder under cargo's temporary directory.
fn scratch(name: &str) -> PathBuf {
    common::scratch_in("discovery", name)
}

const TABLE: &str = "Verksamhet;Redovisat\nKultur;100\n";

#[test]
fn which_files_are_reports_is_said_in_one_place() {
    let kind = |p: &str| report_file_kind(Path::new(p));
    assert_eq!(kind("a/drift.csv"), Some(ReportFileKind::Table));
    assert_eq!(kind("Investeringar 2020.TSV"), Some(ReportFileKind::Table));
    assert_eq!(kind("a/Drift.Csv"), Some(ReportFileKind::Table));
    assert_eq!(kind("a/.drift.csv"), None);
    assert_eq!(kind("a/readme.txt"), None);
    assert_eq!(kind("a/report.toml"), None);
    assert_eq!(kind("csv"), None);
}

#[test]
fn gitignore_ignore_hidden_and_target_are_skipped() {
    let mut problems = Vec::new();
    let dirs = find_report_dirs(&[tree("")], &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    // utkast/ (.gitignore), arkiv/ (.ignore), .dold/ (hidden) and target/ are not looked at.
    assert_eq!(
        dirs,
        [tree("2020-08"), tree("2020-10"), tree("gammalt/2018")]
    );
}

#[test]
fn an_ignored_table_file_is_not_a_table_of_its_report() {
    let mut sources = Sources::default();
    let mut problems = Vec::new();
    let report = load_report(&tree("2020-10"), &mut sources, &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    let names: Vec<&str> = report.tables.iter().map(|t| t.name.as_str()).collect();
    // kladd.tmp.csv matches `*.tmp.csv` in the tree's .gitignore.
    assert_eq!(names, ["drift"]);
    assert_eq!(report.meta.period.as_deref(), Some("2020-10"));
}

#[test]
fn a_path_given_is_checked_even_inside_an_ignored_folder() {
    let mut problems = Vec::new();
    let dirs = find_report_dirs(&[tree("utkast/2020-12")], &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(dirs, [tree("utkast/2020-12")]);
}

#[test]
fn ignore_globs_of_rimlig_toml_are_skipped_too() {
    let mut sources = Sources::default();
    let mut problems = Vec::new();
    let config = config::parse(
        "rimlig.toml",
        "ignore = [\"**/gammalt/**\"]\n".to_string(),
        Path::new(TREE),
        &mut sources,
        &mut problems,
    );
    assert!(problems.is_empty(), "{problems:?}");
    let dirs = find_reports(&[tree("")], &config, &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(dirs, [tree("2020-08"), tree("2020-10")]);
}

#[test]
fn discovery_is_sorted_and_the_same_every_time() {
    let mut problems = Vec::new();
    let paths = [tree("2020-10"), tree(""), tree("2020-08/")];
    let first = find_reports(&paths, &Config::default(), &mut problems);
    let second = find_reports(&paths, &Config::default(), &mut problems);
    assert_eq!(first, second);
    let mut sorted = first.clone();
    sorted.sort();
    assert_eq!(first, sorted);
    // Each folder once, however often it is reached.
    assert_eq!(first.len(), 3);
}

#[test]
fn a_folder_without_reports_is_a_warning() {
    let mut problems = Vec::new();
    let dirs = find_report_dirs(&[tree("noter")], &mut problems);
    assert!(dirs.is_empty());
    assert_eq!(codes(&problems), ["io::no-reports"]);
    assert_eq!(problems[0].severity, Severity::Warning);
}

#[cfg(unix)]
/// Every report under `root` read from the listing discovery kept and by walking its folder
/// again: the same tables, in the same order, with the same problems.
fn listed_as_walked(root: &Path, config: &Config) -> usize {
    let mut problems = Vec::new();
    let mut listings = Listings::default();
    let dirs = find_reports_listed(&[root.to_path_buf()], config, &mut problems, &mut listings);
    let mut listed_count = 0;
    for d in &dirs {
        listed_count += usize::from(listings.get(d).is_some());
        let (mut a, mut b) = (Sources::default(), Sources::default());
        let (mut pa, mut pb) = (Vec::new(), Vec::new());
        let listed = load_report_listed(d, listings.get(d), config, &mut a, &mut pa);
        let walked = load_report_with(d, config, &mut b, &mut pb);
        let names = |r: &rimlig::report::Report| -> Vec<String> {
            r.tables.iter().map(|t| t.name.clone()).collect()
        };
        assert_eq!(names(&listed), names(&walked), "{d:?}");
        // Link problems were said by discovery; a listed folder has no links.
        let said = |p: &[Problem]| -> Vec<&str> {
            p.iter()
                .map(|p| p.code)
                .filter(|c| !c.starts_with("io::link"))
                .collect()
        };
        assert_eq!(said(&pa), said(&pb), "{d:?}");
    }
    listed_count
}

#[test]
fn a_report_read_from_the_listing_is_the_report_read_by_walking() {
    assert!(listed_as_walked(&tree(""), &Config::default()) > 0);
    assert!(listed_as_walked(Path::new("examples"), &Config::default()) > 0);
}

mod links {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_folder_with_a_linked_file_is_walked_again() {
        let base = scratch("listed-links");
        let root = base.join("root");
        write(&root.join("a/drift.csv"), TABLE);
        write(&root.join("b/drift.csv"), TABLE);
        write(&base.join("elsewhere/drift.csv"), TABLE);
        symlink(root.join("b/drift.csv"), root.join("a/lånad.csv")).unwrap();
        symlink(base.join("elsewhere/drift.csv"), root.join("b/utanför.csv")).unwrap();
        let mut problems = Vec::new();
        let mut listings = Listings::default();
        let dirs = find_reports_listed(
            std::slice::from_ref(&root),
            &Config::default(),
            &mut problems,
            &mut listings,
        );
        assert_eq!(dirs, [root.join("a"), root.join("b")]);
        // `a` has a link inside the tree: walked again. The link out of `b` was left out by
        // discovery itself (with its warning), so `b` is listed without it.
        assert!(listings.get(&root.join("a")).is_none());
        assert_eq!(listings.get(&root.join("b")).map(<[_]>::len), Some(1));
        assert_eq!(codes(&problems), ["io::link-outside"]);
        assert_eq!(listed_as_walked(&root, &Config::default()), 1);
    }

    #[test]
    fn a_link_out_of_the_tree_is_not_followed() {
        let base = scratch("outside");
        let root = base.join("root");
        write(&root.join("a/drift.csv"), TABLE);
        write(&base.join("elsewhere/b/drift.csv"), TABLE);
        symlink(base.join("elsewhere/b"), root.join("b")).unwrap();
        symlink(base.join("elsewhere/b/drift.csv"), root.join("a/lånad.csv")).unwrap();

        let mut problems = Vec::new();
        let dirs = find_report_dirs(std::slice::from_ref(&root), &mut problems);
        assert_eq!(dirs, [root.join("a")]);
        assert_eq!(
            codes(&problems),
            ["io::link-outside", "io::link-outside"],
            "{problems:?}"
        );
        assert!(problems.iter().all(|p| p.severity == Severity::Warning));
        assert!(problems[0].message.contains("outside"));

        // Loading the report does not read the linked file either.
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        let report = load_report(&root.join("a"), &mut sources, &mut problems);
        let names: Vec<&str> = report.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["drift"]);
        assert_eq!(codes(&problems), ["io::link-outside"]);
    }

    #[test]
    fn a_link_inside_the_tree_is_followed_and_counted_once() {
        let root = scratch("inside");
        write(&root.join("rapporter/2020-10/drift.csv"), TABLE);
        symlink(
            root.join("rapporter/2020-10"),
            root.join("rapporter/senaste"),
        )
        .unwrap();
        write(&root.join("andra/x/drift.csv"), TABLE);
        symlink(root.join("andra"), root.join("rapporter/andra")).unwrap();

        let mut problems = Vec::new();
        let dirs = find_report_dirs(std::slice::from_ref(&root), &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        // `rapporter/andra` is the folder `andra`, `senaste` the folder 2020-10: each comes
        // after the other name in sorted order, so the folders count under those names.
        assert_eq!(dirs, [root.join("andra/x"), root.join("rapporter/2020-10")]);

        // From `rapporter`, the link `andra` leads out of the tree walked.
        let mut problems = Vec::new();
        let dirs = find_report_dirs(&[root.join("rapporter")], &mut problems);
        assert_eq!(dirs, [root.join("rapporter/2020-10")]);
        assert_eq!(codes(&problems), ["io::link-outside"]);
    }

    #[test]
    fn link_loops_and_links_to_nothing_are_diagnostics() {
        let root = scratch("loops");
        write(&root.join("a/drift.csv"), TABLE);
        // A link to a folder it is in.
        symlink(&root, root.join("a/upp")).unwrap();
        // Two links pointing at each other.
        symlink(root.join("y"), root.join("x")).unwrap();
        symlink(root.join("x"), root.join("y")).unwrap();
        // A link to nothing.
        symlink(root.join("finns-inte"), root.join("död")).unwrap();

        let mut problems = Vec::new();
        let dirs = find_report_dirs(std::slice::from_ref(&root), &mut problems);
        assert_eq!(dirs, [root.join("a")]);
        let mut got = codes(&problems);
        got.sort();
        assert_eq!(
            got,
            [
                "io::broken-link",
                "io::link-loop",
                "io::link-loop",
                "io::link-loop"
            ],
            "{problems:#?}"
        );
        assert!(problems.iter().all(|p| p.severity == Severity::Warning));
    }

    #[test]
    fn an_unreadable_folder_is_a_diagnostic_and_the_walk_goes_on() {
        use std::os::unix::fs::PermissionsExt;
        let root = scratch("unreadable");
        write(&root.join("a/drift.csv"), TABLE);
        write(&root.join("låst/b/drift.csv"), TABLE);
        let locked = root.join("låst");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        let readable_anyway = std::fs::read_dir(&locked).is_ok(); // root reads everything
        let mut problems = Vec::new();
        let dirs = find_report_dirs(std::slice::from_ref(&root), &mut problems);
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        if readable_anyway {
            assert!(problems.is_empty(), "{problems:?}");
            return;
        }
        assert_eq!(dirs, [root.join("a")]);
        assert_eq!(codes(&problems), ["io::read"], "{problems:?}");
        assert!(problems[0].message.contains("låst"));
    }
}

#[cfg(unix)]
#[test]
fn a_run_says_each_link_problem_once() {
    let base = scratch("once");
    let root = base.join("root");
    write(&root.join("a/drift.csv"), TABLE);
    write(&base.join("elsewhere/drift.csv"), TABLE);
    std::os::unix::fs::symlink(base.join("elsewhere/drift.csv"), root.join("a/lånad.csv")).unwrap();
    let run = rimlig::run::check(std::slice::from_ref(&root), &[]);
    let codes: Vec<&str> = run.problems.iter().map(|p| p.code).collect();
    assert_eq!(
        codes,
        ["io::link-outside", "check::nothing-decided"],
        "{:#?}",
        run.problems
    );
    assert_eq!(run.reports.len(), 1);
    assert_eq!(run.reports[0].tables.len(), 1);
}
