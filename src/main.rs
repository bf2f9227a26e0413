//! The `rimlig` binary: parse arguments, run the library, map the outcome to an exit code.
#![forbid(unsafe_code)]

mod cli;

use clap::CommandFactory;
use clap::Parser;
use cli::{CheckArgs, CheckFormat, Cli, Color, Command, Deny, Format};
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
                args.paths.clone()
            };
            let destinations = match args.destinations() {
                Ok(d) => d,
                Err(msg) => {
                    let mut cmd = Cli::command();
                    cmd.build();
                    let check = cmd
                        .find_subcommand_mut("check")
                        .expect("check is a command");
                    check
                        .error(clap::error::ErrorKind::ArgumentConflict, msg)
                        .exit()
                }
            };
            let run = rimlig::run::check(&paths, &args.rules);
            let deny_warnings = args.deny.contains(&Deny::Warnings);
            let mut code = run.exit_code(deny_warnings);
            for (format, file) in &destinations {
                let out = render_check(&run, *format, &args, deny_warnings, file.is_none());
                match file {
                    None => emit(&out, ""),
                    Some(path) => {
                        if let Err(e) = std::fs::write(path, out) {
                            eprintln!("error: cannot write {}: {e}", path.display());
                            code = 2;
                        }
                    }
                }
            }
            code
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
                Format::Human => ruletest::render::render_human(
                    &run,
                    style(args.color, args.width, args.verbose),
                ),
            };
            emit(&out, "");
            run.exit_code()
        }
        Command::Rules(args) => {
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

/// One format of `rimlig check`. Human output has colour only on a terminal (never in a file).
fn render_check(
    run: &rimlig::run::Run,
    format: CheckFormat,
    args: &CheckArgs,
    deny_warnings: bool,
    to_stdout: bool,
) -> String {
    match format {
        CheckFormat::Human => {
            let color = if to_stdout { args.color } else { Color::Never };
            render::human::render(run, style(color, args.width, args.verbose))
        }
        CheckFormat::Json => render::json::render(run, deny_warnings),
        CheckFormat::Sarif => render::sarif::render(run, deny_warnings),
        CheckFormat::Github => render::github::render(run),
        CheckFormat::Gitlab => render::gitlab::render(run),
        CheckFormat::Junit => render::junit::render(run),
        CheckFormat::Concise => render::concise::render(run),
    }
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
