//! The `rimlig` binary: parse arguments, run the library, map the outcome to an exit code.
#![forbid(unsafe_code)]

mod cli;

use clap::Parser;
use cli::{Cli, Color, Command, Deny, Format};
use rimlig::catalog;
use rimlig::render::{self, human::Style};
use rimlig::ruletest;
use std::io::{IsTerminal, Write};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let code = match cli.command {
        Command::Check(args) => {
            let paths = if args.paths.is_empty() {
                vec![".".into()]
            } else {
                args.paths
            };
            let run = rimlig::run::check(&paths, &args.rules);
            let deny_warnings = args.deny.contains(&Deny::Warnings);
            let out = match args.format {
                Format::Json => render::json::render(&run, deny_warnings),
                Format::Html => render::html::render(&run),
                Format::Human => {
                    let tty = std::io::stdout().is_terminal();
                    let color = match args.color {
                        Color::Always => true,
                        Color::Never => false,
                        Color::Auto => {
                            tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                        }
                    };
                    let width = args.width.unwrap_or_else(|| {
                        std::env::var("COLUMNS")
                            .ok()
                            .and_then(|c| c.parse().ok())
                            .unwrap_or(100)
                    });
                    render::human::render(
                        &run,
                        Style {
                            color,
                            width,
                            verbose: args.verbose,
                        },
                    )
                }
            };
            // A closed pipe (`rimlig check | head`) is not an error.
            let mut stdout = std::io::stdout().lock();
            let _ = stdout
                .write_all(out.as_bytes())
                .and_then(|_| stdout.flush());
            run.exit_code(deny_warnings)
        }
        Command::Test(args) => {
            let paths = if !args.paths.is_empty() {
                args.paths
            } else if std::path::Path::new("rules").is_dir() {
                vec!["rules".into()]
            } else {
                vec![".".into()]
            };
            let run = ruletest::run_paths(&paths);
            let out = match args.format {
                Format::Json => ruletest::render::render_json(&run),
                Format::Html => check_only("html"),
                Format::Human => ruletest::render::render_human(
                    &run,
                    style(args.color, args.width, args.verbose),
                ),
            };
            emit(&out, "");
            run.exit_code()
        }
        Command::Rules(args) => {
            if args.format == Format::Html {
                check_only("html");
            }
            let json = args.format == Format::Json;
            let out = catalog::list(&args.rules, json, style(args.color, None, false));
            emit(&out.stdout, &out.stderr);
            out.exit_code
        }
        Command::Explain(args) => {
            let out = catalog::explain(&args.id, &args.rules, style(args.color, args.width, false));
            emit(&out.stdout, &out.stderr);
            out.exit_code
        }
    };
    std::process::exit(code);
}

/// A format only `rimlig check` writes, asked of another subcommand: a usage error (exit 2).
fn check_only(format: &str) -> ! {
    emit(
        "",
        &format!("error: --format {format} is only for `rimlig check`; use human or json\n"),
    );
    std::process::exit(2)
}

/// The terminal style of the subcommands other than `check`.
fn style(color: Color, width: Option<usize>, verbose: bool) -> Style {
    let color = match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let width = width.unwrap_or_else(|| {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(100)
    });
    Style {
        color,
        width,
        verbose,
    }
}

/// Write the output; a closed pipe (`rimlig test | head`) is not an error.
fn emit(stdout: &str, stderr: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(stdout.as_bytes()).and_then(|_| out.flush());
    if !stderr.is_empty() {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(stderr.as_bytes()).and_then(|_| err.flush());
    }
}
