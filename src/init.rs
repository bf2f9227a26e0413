//! `rimlig init [PATH]`: start a report repository with a commented `rimlig.toml`, and a
//! `rules/` folder holding a table declaration, one rule and its tests (one passing, one
//! failing), so that `rimlig check` and `rimlig test rules/` work at once.
//!
//! It never overwrites: if any of the files is there already, nothing is written.

use std::path::{Path, PathBuf};

/// The starter `rimlig.toml`: every key, explained.
pub const CONFIG: &str = r#"# rimlig.toml — the settings of `rimlig check` for the reports in this folder.
#
# rimlig reads the nearest rimlig.toml in the current folder or a folder above it (as cargo
# finds Cargo.toml); `--config FILE` names another, `--no-config` reads none. Paths and globs
# below are relative to the folder this file is in. A key that is left out has its default.

# The rule files: .rules files or folders of them. `--rules PATH` on the command line takes
# their place. Default: the rule library built into rimlig.
rules = ["rules"]

# The reports to check when `rimlig check` is given no PATH: globs of report folders (or
# one-table .csv files). `**` stands for any number of folders, `*` for part of a name.
# Default: every report under the current folder.
# reports = ["rapporter/**"]

# Files and folders that are never checked (also when a PATH above them is given), on top of
# what .gitignore and .ignore say.
# ignore = ["**/gammalt/**", "**/*utkast*"]

[data]
# How cells are read.
#
# missing: the markers of a missing value. A check that needs a missing cell is "not
# applicable" for that row, not a finding. An empty cell is always missing. Case is ignored.
# Default: the symbols of Swedish official statistics.
# missing = ["..", ".", "I.U.", "N/A"]
#
# zero: the markers of an exact zero. Default: a lone dash (-, –, — or −). To read a dash
# as missing instead, name it in `missing` and leave it out here.
# zero = ["-", "–"]
#
# header_row: the row the column headers are on, counted from 1 (the rows above it, such as
# a title and a date, are not read). Default: the first row that is not empty.
# header_row = 3

[check]
# tolerance: how far apart the two sides of an `==` may be when the rule gives no `within`:
# "rounding" (as printed: 8 486 stands for 8 485,5 to 8 486,5), a number such as "1" or
# "0,5 tkr", or a percentage such as "1%". Default: an `==` without `within` is exact.
# tolerance = "rounding"

[severity]
# A rule's severity, by rule id: "error" (fails the run), "warning" or "info". `rimlig rules`
# lists the ids.
# drift-avvikelse = "warning"

# Findings that are known and accepted: each [[allow]] entry names a rule and, optionally, a
# report (a glob relative to this file), a table, a row key and a column. A finding it matches
# does not fail the run; `--verbose` shows it, and JSON marks it `"suppressed": true` with the
# reason. The reason is required. An entry that matches nothing is noted, so that it can go.
#
# [[allow]]
# rule   = "drift-avvikelse"
# report = "rapporter/2020-10"
# table  = "driftsammandrag"
# key    = "Kontakt Linköping"
# column = "Avvikelse"
# reason = "Avvikelsen är avrundad i den tryckta rapporten; godkänt av ekonomichefen 2020-11-02"
"#;

/// The table declaration the starter rule uses (adapted from the library's `tabeller.rules`).
pub const TABLES: &str = r#"# How the tables of a report are addressed: which table (a glob on its name, the file name
# without .csv), its key column, and the columns rules use, with their units. The library
# built into rimlig declares many more; see `rimlig rules` and docs/language.md.

table drift "{Driftsammandrag,Driftredovisning}*" {
  key    verksamhet "{Verksamhet,Enhet}*"
  column redovisat  "{Redovisat,Utfall} jan-*" tkr
  column budget     "Budget jan-*"             tkr
  column avvikelse  "Avvikelse*"               tkr
  total  "Summa*"
  skip   "varav*"
}
"#;

/// The starter rule.
pub const RULES: &str = r#"# A first rule. Add your own below, and a test for each in drift.test.toml.
use "tabeller.rules"

rule drift-avvikelse "Avvikelse = redovisat − budget" {
  tags "drift", "avvikelse"
  help "Avvikelsen ska vara skillnaden mellan redovisat och budget. Räkna om avvikelsen på raden."
  each drift: avvikelse == redovisat - budget within rounding
}
"#;

/// The starter rule's tests: one that passes, one that fails.
pub const TESTS: &str = r#"# Tests for drift.rules; run them with `rimlig test rules/`. Each test gives one rule a
# small report (a table as CSV text, header first) and says what the rule should find.

[[test]]
rule = "drift-avvikelse"
name = "Avvikelsen stämmer på varje rad"
expect = "pass"
[test.tables]
Driftsammandrag = """
Verksamhet;Redovisat jan-aug 2020;Budget jan-aug 2020;Avvikelse
Kultur;8 486;8 000;486
Skola;297 560;296 444;1 116
Summa;306 046;304 444;1 602
"""

[[test]]
rule = "drift-avvikelse"
name = "Avvikelsen för Skola är fel"
expect = "fail"
fails = [{ key = "Skola", column = "Avvikelse" }]
[test.tables]
Driftsammandrag = """
Verksamhet;Redovisat jan-aug 2020;Budget jan-aug 2020;Avvikelse
Kultur;8 486;8 000;486
Skola;297 560;296 444;1 016
Summa;306 046;304 444;1 602
"""
"#;

/// The files `init` writes, relative to its folder, with their text.
pub const FILES: [(&str, &str); 4] = [
    ("rimlig.toml", CONFIG),
    ("rules/tabeller.rules", TABLES),
    ("rules/drift.rules", RULES),
    ("rules/drift.test.toml", TESTS),
];

/// What `init` did: the text for stdout and stderr, and the exit code.
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

fn shown(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Write the starter files into `dir` (created if missing). Refuses (exit 2, nothing written)
/// when any of them exists already.
pub fn init(dir: &Path) -> Outcome {
    // The folder, or the nearest of its parents that exists, must be a folder: the files
    // cannot be written under a file.
    if let Some(file) = dir
        .ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .find(|a| a.exists())
        .filter(|a| !a.is_dir())
    {
        return Outcome {
            stdout: String::new(),
            stderr: format!(
                "error: {} is a file, not a folder\n  help: give rimlig init a folder to write into; it is made if it does not exist\n",
                shown(file)
            ),
            exit_code: 2,
        };
    }
    let targets: Vec<(PathBuf, &str)> = FILES
        .iter()
        .map(|(rel, text)| {
            let path = if dir == Path::new(".") {
                PathBuf::from(rel)
            } else {
                dir.join(rel)
            };
            (path, *text)
        })
        .collect();
    // A name that is there, even a link that leads nowhere (which `exists` does not see, and
    // writing would then stop half-way, at that file).
    let there = |a: &Path| std::fs::symlink_metadata(a).is_ok();
    // A file where a folder of the starter goes (`rules`) blocks it as well.
    let mut existing: Vec<String> = targets
        .iter()
        .flat_map(|(p, _)| {
            p.ancestors()
                .take_while(|a| *a != dir && !a.as_os_str().is_empty())
                .filter(move |a| {
                    if a == p {
                        there(a)
                    } else {
                        there(a) && !a.is_dir()
                    }
                })
        })
        .map(shown)
        .collect();
    existing.dedup();
    if !existing.is_empty() {
        return Outcome {
            stdout: String::new(),
            stderr: format!(
                "error: rimlig init writes nothing, because {} already exist{}:\n{}\n  help: move {} away, or run rimlig init in another folder\n",
                if existing.len() == 1 {
                    "this file"
                } else {
                    "these files"
                },
                if existing.len() == 1 { "s" } else { "" },
                existing
                    .iter()
                    .map(|p| format!("  {p}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
                if existing.len() == 1 { "it" } else { "them" },
            ),
            exit_code: 2,
        };
    }
    let mut stdout = String::new();
    for (path, text) in &targets {
        let written = path
            .parent()
            .map_or(Ok(()), |p| {
                if p.as_os_str().is_empty() {
                    Ok(())
                } else {
                    std::fs::create_dir_all(p)
                }
            })
            .and_then(|()| {
                // `create_new`: never overwrite a file that appeared meanwhile.
                use std::io::Write;
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(path)
                    .and_then(|mut f| f.write_all(text.as_bytes()))
            });
        match written {
            Ok(()) => stdout.push_str(&format!("wrote {}\n", shown(path))),
            Err(e) => {
                return Outcome {
                    stdout,
                    stderr: format!("error: cannot write {}: {e}\n", shown(path)),
                    exit_code: 2,
                };
            }
        }
    }
    let cd = if dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", shown(dir))
    };
    stdout.push_str(&format!(
        "\nnext: {cd}rimlig test rules/   # the starter rule's tests\n      {cd}rimlig check          # check the reports under this folder\n"
    ));
    Outcome {
        stdout,
        stderr: String::new(),
        exit_code: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_link_that_leads_nowhere_where_a_starter_file_goes_writes_nothing() {
        // `rules/drift.rules` a link to nothing: `rimlig.toml` and `rules/tabeller.rules` were
        // written, then the run stopped at the link with "File exists".
        let dir = std::env::temp_dir().join(format!("rimlig-init-link-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("rules")).unwrap();
        std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("rules/drift.rules")).unwrap();
        let out = init(&dir);
        assert_eq!(out.exit_code, 2, "{}", out.stderr);
        assert!(out.stderr.contains("rules/drift.rules"), "{}", out.stderr);
        assert!(!dir.join("rimlig.toml").exists());
        assert!(!dir.join("rules/tabeller.rules").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
