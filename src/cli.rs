//! Command-line interface (clap derive).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

/// rimlig — plausibility checks for the tables of financial follow-up reports.
#[derive(Parser, Debug)]
#[command(name = "rimlig", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Read this rimlig.toml instead of the nearest one in this folder or above it.
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Read no rimlig.toml: every setting has its default.
    #[arg(long, global = true)]
    pub no_config: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check report folders (or trees of them) against the rules.
    Check(CheckArgs),
    /// Run the rule tests (*.test.toml) beside the rules.
    Test(TestArgs),
    /// List the loaded rules: id, severity, file, the tables they read.
    Rules(RulesArgs),
    /// Explain one rule: what it checks, its source, and an example of a failure.
    Explain(ExplainArgs),
    /// Start a report repository: a commented rimlig.toml and a rules/ folder with a rule and
    /// its tests.
    Init(InitArgs),
}

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// The folder to write into (default: the current folder); created if it does not exist.
    pub path: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct TestArgs {
    /// Rules folders (or .rules / .test.toml files); default: the `rules` of rimlig.toml, else
    /// `rules` if it exists, else `.`.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also show every test's findings and not-applicable instances.
    #[arg(long, short)]
    pub verbose: bool,
    /// Colour in the terminal output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Width of the terminal output (default: the terminal's, or 100).
    #[arg(long, hide = true)]
    pub width: Option<usize>,
}

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// A .rules file or a folder of them; repeatable. Replaces the built-in rule library.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Colour in the terminal output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Analyse the rule set instead of listing it: rules that contradict each other (exit 1),
    /// rules implied by others, and checks that can never fail.
    #[arg(long)]
    pub analyze: bool,
    /// Width of the terminal output (default: the terminal's, or 100).
    #[arg(long, hide = true)]
    pub width: Option<usize>,
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// The rule id, e.g. drift-avvikelse, or one of its instances as findings name them, e.g.
    /// drift-summa[budget].
    pub id: String,
    /// A .rules file or a folder of them; repeatable. Replaces the built-in rule library.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Colour in the terminal output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Width of the terminal output (default: the terminal's, or 100).
    #[arg(long, hide = true)]
    pub width: Option<usize>,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Reports (a folder of CSV files, a workbook, a Markdown or JSON report, one CSV file), or
    /// folders holding reports (default: the `reports` of rimlig.toml, else the current
    /// folder).
    pub paths: Vec<PathBuf>,
    /// A .rules file or a folder of them; repeatable. Replaces the `rules` of rimlig.toml and
    /// the built-in rule library.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Output format; repeatable: the i-th --format goes to the i-th --output, the one beyond
    /// them (at most one) to stdout. Default: human.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Vec<CheckFormat>,
    /// Write the --format at the same position to FILE instead of stdout (`-` is stdout);
    /// repeatable. Without --format, a name ending in .json, .sarif, .xml or .html says it.
    #[arg(long, short, value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Also fail (exit 1) on warning-level findings.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub deny: Vec<Deny>,
    /// List instances that were not applicable, and why.
    #[arg(long, short)]
    pub verbose: bool,
    /// Colour in the terminal output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Width of the terminal output (default: the terminal's, or 100).
    #[arg(long, hide = true)]
    pub width: Option<usize>,
    /// The least serious finding that fails the run (exit 1). `--deny warnings` is
    /// `--fail-on warning`.
    #[arg(long, value_enum, value_name = "LEVEL", default_value = "error")]
    pub fail_on: rimlig::problem::Severity,
    /// Exit 0 even with findings; a broken run (rule-file, config, baseline or I/O errors)
    /// still exits 2.
    #[arg(long)]
    pub exit_zero: bool,
    /// Suggest no fixes: skip error localisation (which cell to fix, and how), as
    /// `[check] fixes = false` in rimlig.toml does. A gate that only needs pass or fail is
    /// faster without it.
    #[arg(long)]
    pub no_fixes: bool,
    /// A baseline file (JSON, written by --update-baseline): the findings it knows are shown
    /// apart and do not fail the run; new findings do.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write this run's findings to the --baseline file (creating it), and exit 0.
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// The formats of `rimlig check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Diagnostics for the terminal.
    Human,
    /// The JSON document (docs/rimlig-check.schema.json).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// JUnit XML: a test case per rule and report.
    Junit,
    /// One line per finding: file:line:col: severity[rule] message.
    Concise,
    /// One self-contained HTML page: summary, and the tables with the findings marked.
    Html,
}

impl CheckArgs {
    /// Each format with its file (`None`: stdout), pairing `--format` and `--output` by
    /// position. An error (a usage error) when there are more outputs than formats, when more
    /// than one format would go to stdout, or when a file is named twice.
    pub fn destinations(&self) -> Result<Vec<(CheckFormat, Option<PathBuf>)>, String> {
        let formats = if self.format.is_empty() {
            // `--output rimlig.json` alone: the name says the format, as a reader of the
            // file expects; terminal text in a `.json` file would break whatever parses it.
            let named = self.output.first().and_then(|p| {
                let ext = p.extension()?.to_str()?.to_ascii_lowercase();
                Some(match ext.as_str() {
                    "json" => CheckFormat::Json,
                    "sarif" => CheckFormat::Sarif,
                    "xml" => CheckFormat::Junit,
                    "html" | "htm" => CheckFormat::Html,
                    _ => return None,
                })
            });
            vec![named.unwrap_or(CheckFormat::Human)]
        } else {
            self.format.clone()
        };
        if self.output.len() > formats.len() {
            return Err(format!(
                "{} --output but {} --format: each --output needs a --format at the same position",
                self.output.len(),
                formats.len()
            ));
        }
        let pairs: Vec<(CheckFormat, Option<PathBuf>)> = formats
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let out = self.output.get(i).filter(|p| p.as_os_str() != "-").cloned();
                (*f, out)
            })
            .collect();
        let to_stdout = pairs.iter().filter(|(_, o)| o.is_none()).count();
        if to_stdout > 1 {
            return Err(format!(
                "{to_stdout} formats would go to stdout, at most one may: give each other \
                 --format an --output FILE"
            ));
        }
        let files: Vec<&PathBuf> = pairs.iter().filter_map(|(_, o)| o.as_ref()).collect();
        if let Some(dup) = files
            .iter()
            .enumerate()
            .find(|(i, p)| files[..*i].contains(p))
            .map(|(_, p)| p)
        {
            return Err(format!("--output {} is given twice", dup.display()));
        }
        // rimlig only reads its inputs: an output must not be written over one of them.
        let same = |a: &PathBuf, b: &PathBuf| {
            a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
        };
        for file in &files {
            if let Some(baseline) = self.baseline.as_ref().filter(|b| same(file, b)) {
                return Err(format!(
                    "--output {} is the --baseline file: the report would be written over it",
                    baseline.display()
                ));
            }
            if self.paths.iter().chain(&self.rules).any(|p| same(file, p)) {
                return Err(format!(
                    "--output {} is one of the files checked: it would be written over",
                    file.display()
                ));
            }
            // A link is written through: what it leads to is what would be written over
            // (`out.html` linked to a report's `drift.csv`), so both names are looked at.
            let target = file.canonicalize().ok();
            let names = || std::iter::once(file.as_path()).chain(target.as_deref());
            let extension_is = |p: &Path, of: &[&str]| {
                p.extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| of.iter().any(|o| x.eq_ignore_ascii_case(o)))
            };
            let input_kind = names()
                .any(|p| extension_is(p, &["csv", "tsv", "xlsx", "xlsm", "xls", "ods", "rules"]));
            // A settings file (`rimlig.toml`, `report.toml`), or a Markdown or JSON report
            // that is there: no format rimlig writes is TOML, and a report is an input.
            let settings = names().any(|p| extension_is(p, &["toml"]));
            // A JSON file rimlig wrote (an earlier run's output, which may be large) is
            // known by its first key; any other is looked into for a report, wherever it is
            // (a report's `previous` need not be under a checked folder).
            if settings
                || (!written_by_rimlig(file)
                    && rimlig::report::discover::is_document_report_in_tree(file))
            {
                return Err(format!(
                    "--output {} is {}: it would be written over; give the output a name of \
                     its own (`rimlig.json`, `rimlig.sarif`, `rimlig.html`)",
                    file.display(),
                    if settings {
                        "a settings file (TOML)"
                    } else {
                        "a report"
                    }
                ));
            }
            if input_kind {
                let linked = target
                    .as_deref()
                    .filter(|t| file.file_name() != t.file_name());
                return Err(match linked {
                    Some(t) => format!(
                        "--output {} is a link to {}, a report table or rule file: it would be \
                         written over; give the report a file of its own (`rimlig.json`, \
                         `rimlig.sarif`, `rimlig.html`)",
                        file.display(),
                        t.display()
                    ),
                    None => format!(
                        "--output {} has the name of a report table or rule file; give the \
                         report a name of its own (`rimlig.json`, `rimlig.sarif`, `rimlig.html`)",
                        file.display()
                    ),
                });
            }
            // A file of several names (a hard link) may be an input under another name, which
            // no name tells: only an earlier output of rimlig's is written over.
            if hard_linked(file) && !written_by_rimlig(file) {
                return Err(format!(
                    "--output {} is a file with more than one name (a hard link), which may be \
                     an input under another name: it is not written over; give the output a \
                     file of its own",
                    file.display()
                ));
            }
        }
        Ok(pairs)
    }
}

/// Whether `file` is a regular file with more than one name.
#[cfg(unix)]
fn hard_linked(file: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(file).is_ok_and(|m| m.is_file() && m.nlink() > 1)
}

#[cfg(not(unix))]
fn hard_linked(_: &Path) -> bool {
    false
}

/// Whether `file` begins as the JSON rimlig writes (`{"version": …`), which no report does
/// (a report's keys are `unit`, `period` and `tables`).
fn written_by_rimlig(file: &Path) -> bool {
    rimlig::input::start_of(file).is_some_and(|s| rimlig::input::is_rimlig_json(&s))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn dest(args: &[&str]) -> Result<Vec<(CheckFormat, Option<PathBuf>)>, String> {
        let cli = Cli::try_parse_from(["rimlig", "check"].iter().chain(args)).unwrap();
        match cli.command {
            Command::Check(a) => a.destinations(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn formats_and_outputs_pair_by_position() {
        use CheckFormat::*;
        assert_eq!(dest(&[]), Ok(vec![(Human, None)]));
        assert_eq!(
            dest(&["--output", "a.txt"]),
            Ok(vec![(Human, Some("a.txt".into()))])
        );
        assert_eq!(
            dest(&[
                "--format", "sarif", "--output", "r.sarif", "--format", "human"
            ]),
            Ok(vec![(Sarif, Some("r.sarif".into())), (Human, None)])
        );
        assert_eq!(
            dest(&[
                "--format", "json", "-o", "-", "--format", "junit", "-o", "j.xml"
            ]),
            Ok(vec![(Json, None), (Junit, Some("j.xml".into()))])
        );
        assert!(dest(&["--format", "json", "--format", "human"]).is_err());
        assert!(dest(&["--format", "json", "-o", "a", "-o", "b"]).is_err());
        assert!(
            dest(&[
                "--format", "json", "-o", "a", "--format", "sarif", "-o", "a"
            ])
            .is_err()
        );
    }

    #[test]
    fn an_output_alone_takes_the_format_its_name_says() {
        use CheckFormat::*;
        for (name, format) in [
            ("r.json", Json),
            ("r.SARIF", Sarif),
            ("junit.xml", Junit),
            ("r.html", Html),
            ("r.txt", Human),
        ] {
            assert_eq!(
                dest(&["--output", name]),
                Ok(vec![(format, Some(name.into()))])
            );
        }
        // A --format given is followed.
        assert_eq!(
            dest(&["--format", "concise", "--output", "r.json"]),
            Ok(vec![(Concise, Some("r.json".into()))])
        );
    }

    #[test]
    fn an_output_is_never_written_over_an_input() {
        let err = |args: &[&str]| dest(args).unwrap_err();
        let json = ["--format", "json", "--output"];
        assert!(
            err(&[&json[..], &["bl.json", "--baseline", "bl.json"]].concat())
                .contains("--baseline")
        );
        assert!(err(&[&json[..], &["r/a.json", "r/a.json"]].concat()).contains("files checked"));
        assert!(err(&[&json[..], &["r/drift.csv", "r"]].concat()).contains("report table"));
        assert!(err(&[&json[..], &["x.RULES"]].concat()).contains("rule file"));
        assert!(err(&[&json[..], &["rimlig.toml"]].concat()).contains("settings file"));
        assert!(err(&[&json[..], &["r/report.TOML"]].concat()).contains("settings file"));
        // A JSON report and a Markdown one with front matter, there already.
        let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/linkoping-vss-");
        for report in ["json/2020-08.json", "md/2020-08.md"] {
            let path = format!("{shipped}{report}");
            assert!(err(&[&json[..], &[path.as_str()]].concat()).contains("is a report"));
            // Also when the paths checked are elsewhere: it may be a report's `previous`.
            assert!(err(&[&json[..], &[path.as_str(), "r"]].concat()).contains("is a report"));
        }
        // An earlier run's output is written over, without reading it through.
        let earlier = std::env::temp_dir().join(format!("rimlig-cli-{}.json", std::process::id()));
        std::fs::write(
            &earlier,
            "{\n  \"version\": 1,\n  \"findings\": [],\"tables\": {}}",
        )
        .unwrap();
        let earlier_path = earlier.to_string_lossy().into_owned();
        assert!(dest(&[&json[..], &[earlier_path.as_str()]].concat()).is_ok());
        let _ = std::fs::remove_file(&earlier);
        assert!(
            dest(&[&json[..], &["rimlig.json", "r", "--baseline", "bl.json"]].concat()).is_ok()
        );
    }
}
