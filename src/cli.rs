//! Command-line interface (clap derive).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// rimlig — plausibility checks for the tables of financial follow-up reports.
#[derive(Parser, Debug)]
#[command(name = "rimlig", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
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
}

#[derive(clap::Args, Debug)]
pub struct TestArgs {
    /// Rules folders (or .rules / .test.toml files); default: `rules` if it exists, else `.`.
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
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// The rule id, e.g. drift-avvikelse.
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
    /// Report folders, or folders holding report folders (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// A .rules file or a folder of them; repeatable. Replaces the built-in rule library.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// One self-contained HTML page (`check` only): summary and the tables with findings marked.
    Html,
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
