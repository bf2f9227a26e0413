//! What the groups of tests share: checking tables written to a scratch folder, finding a
//! finding and its fix, asking whether a check still fails, and the run as the terminal
//! shows it.
// Each module uses some of these, never all.
#![allow(dead_code)]

use crate::common::{scratch_in, write};
use rimlig::finding::Finding;
use rimlig::locate::Fix;
use rimlig::render::human::{Style, render};
use rimlig::run::{Run, check};
use std::path::Path;

/// The tables `files` (file name, text) written to `r/` and checked with `rules`, in a
/// scratch folder `name` of `group`.
pub fn check_files(group: &str, name: &str, files: &[(&str, &str)], rules: &str) -> Run {
    let dir = scratch_in(group, name);
    for (file, text) in files {
        write(&dir.join("r").join(file), text);
    }
    write(&dir.join("t.rules"), rules);
    let run = check(&[dir.join("r")], &[dir.join("t.rules")]);
    let _ = std::fs::remove_dir_all(&dir);
    run
}

/// The table `t.csv` checked with `rules`, in a scratch folder `name` of `group`.
pub fn check_table(group: &str, name: &str, table: &str, rules: &str) -> Run {
    check_files(group, name, &[("t.csv", table)], rules)
}

/// The tables `t.csv` and `u.csv` checked with `rules`, in a scratch folder `name` of
/// `group`.
pub fn check_tables(group: &str, name: &str, t: &str, u: &str, rules: &str) -> Run {
    check_files(group, name, &[("t.csv", t), ("u.csv", u)], rules)
}

/// The finding of `rule` on the row `row_key`.
pub fn finding<'a>(run: &'a Run, rule: &str, row_key: &str) -> &'a Finding {
    run.outcome
        .findings
        .iter()
        .find(|f| &*f.rule == rule && f.row_key.as_deref() == Some(row_key))
        .unwrap_or_else(|| panic!("no {rule} finding on {row_key}"))
}

/// The first finding of `rule`, on whichever row.
pub fn rule_finding<'a>(run: &'a Run, rule: &str) -> &'a Finding {
    run.outcome
        .findings
        .iter()
        .find(|f| &*f.rule == rule)
        .unwrap_or_else(|| panic!("no {rule} finding"))
}

/// The fix of the finding of `rule` on the row `row_key`.
pub fn fix_of<'a>(run: &'a Run, rule: &str, row_key: &str) -> &'a Fix {
    finding(run, rule, row_key)
        .fix
        .as_deref()
        .unwrap_or_else(|| panic!("no fix for {rule} on {row_key}"))
}

/// Does the check `described` (as a fix lists it: `drift-avvikelse (B)`, or
/// `drift-summa[redovisat]` for a check of the whole table) fail in `run`?
pub fn fails(run: &Run, described: &str) -> bool {
    let (name, key) = match described.strip_suffix(')').and_then(|d| d.split_once(" (")) {
        Some((name, key)) => (name, Some(key)),
        None => (described, None),
    };
    run.outcome
        .findings
        .iter()
        .any(|f| f.instance_name() == name && key.is_none_or(|k| f.row_key.as_deref() == Some(k)))
}

/// `run` as the terminal shows it, `width` columns wide, without colour.
pub fn text(run: &Run, width: usize) -> String {
    render(
        run,
        Style {
            color: false,
            width,
            verbose: false,
        },
    )
}

/// The files of the folder `from` copied to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}
