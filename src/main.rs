//! The `rimlig` binary: parse arguments, run the library, map the outcome to an exit code.
// The exceptions are in `allocator`: a setting of the C allocator, and advice to the kernel
// on how to map large blocks.
#![deny(unsafe_code)]

mod cli;

use clap::CommandFactory;
use clap::Parser;
use cli::{CheckArgs, CheckFormat, Cli, Color, Command, Deny, Format};
use rimlig::catalog;
use rimlig::output::write_over;
use rimlig::progress;
use rimlig::render::{self, human::Style};
use rimlig::ruletest;
use rimlig::run::Gate;
use std::io::{IsTerminal, Write};

fn main() {
    allocator::tune();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            if e.use_stderr() {
                let _ = e.print();
                std::process::exit(2);
            }
            // `--help` and `--version` go to stdout, which may be a full disk.
            let printed = e.print().and_then(|()| std::io::stdout().flush());
            std::process::exit(if stdout_failed(printed) { 2 } else { 0 });
        }
    };
    let choice = if cli.no_config {
        rimlig::config::Choice::Off
    } else if let Some(file) = &cli.config {
        rimlig::config::Choice::File(file.clone())
    } else {
        rimlig::config::Choice::Search(".".into())
    };
    let code = match cli.command {
        Command::Check(args) => {
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
            // Progress on stderr (src/progress.rs) only while a person watches the terminal
            // output; baseline (src/baseline.rs) and gate() decide what fails the run.
            let human_on_stdout = destinations
                .iter()
                .any(|(f, file)| *f == CheckFormat::Human && file.is_none());
            let bar = progress::Bar::start(progress::wanted(human_on_stdout));
            let overrides = rimlig::run::Overrides {
                no_fixes: args.no_fixes,
            };
            let mut run =
                rimlig::run::check_overridden(&args.paths, &args.rules, &choice, &overrides, &bar);
            bar.finish();
            if let Some(file) = &args.baseline {
                rimlig::baseline::apply(&mut run, file, args.update_baseline);
            }
            let gate = gate(&args);
            let mut code = run.exit_code(gate);
            for (format, file) in &destinations {
                if matches!(format, CheckFormat::Json | CheckFormat::Human) {
                    // Streamed: a run with many findings is not built as one string first.
                    let written = write_streamed(&run, *format, &args, gate, file.as_deref());
                    match file {
                        Some(path) => {
                            if let Err(e) = written {
                                say_error(&format!("cannot write {}: {e}", path.display()));
                                code = 2;
                            }
                        }
                        None if stdout_failed(written) => code = 2,
                        None => {}
                    }
                    continue;
                }
                let out = render_check(&run, *format, &args, gate, file.is_none());
                match file {
                    None => code = emit(&out, "", code),
                    Some(path) => {
                        if let Err(e) = write_over(path, |w| w.write_all(out.as_bytes())) {
                            say_error(&format!("cannot write {}: {e}", path.display()));
                            code = 2;
                        }
                    }
                }
            }
            // The process ends right after: freeing millions of cells one by one would only
            // cost time (a tenth of a 1M-row run).
            std::mem::forget(run);
            code
        }
        Command::Test(args) => {
            let configured = match configured_rules(&choice, args.color) {
                Ok(r) => r,
                Err(code) => std::process::exit(code),
            };
            let paths = if !args.paths.is_empty() {
                args.paths
            } else if let Some(rules) = configured.filter(|r| !r.is_empty()) {
                rules
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
            emit(&out, "", run.exit_code())
        }
        Command::Rules(args) => {
            let rules = rules_or_configured(&args.rules, &choice, args.color);
            let json = args.format == Format::Json;
            let out = if args.analyze {
                rimlig::analyze::run(&rules, json, style(args.color, args.width, false))
            } else {
                catalog::list(&rules, json, style(args.color, args.width, false))
            };
            emit(&out.stdout, &out.stderr, out.exit_code)
        }
        Command::Explain(args) => {
            let rules = rules_or_configured(&args.rules, &choice, args.color);
            let out = catalog::explain(&args.id, &rules, style(args.color, args.width, false));
            emit(&out.stdout, &out.stderr, out.exit_code)
        }
        Command::Init(args) => {
            let dir = args.path.unwrap_or_else(|| ".".into());
            let out = rimlig::init::init(&dir);
            emit(&out.stdout, &out.stderr, out.exit_code)
        }
    };
    std::process::exit(code);
}

/// The `rules` of the rimlig.toml `choice` picks (`None` without the key). Its problems are
/// shown on stderr, as `check` shows them; a broken rimlig.toml gives `Err` with the exit
/// code, 2.
fn configured_rules(
    choice: &rimlig::config::Choice,
    color: Color,
) -> Result<Option<Vec<std::path::PathBuf>>, i32> {
    let mut sources = rimlig::source::Sources::default();
    let mut problems = Vec::new();
    let config = rimlig::config::load(choice, &mut sources, &mut problems);
    let style = style(color, None, false);
    let mut err = String::new();
    for p in &problems {
        err.push_str(&render::human::render_problem(p, &sources, style));
        err.push('\n');
    }
    if problems.iter().any(rimlig::problem::Problem::is_fatal) {
        return Err(emit("", &err, 2));
    }
    // A misspelt key is a warning: the command goes on, but says so.
    let _ = std::io::stderr().lock().write_all(err.as_bytes());
    Ok(config.rules)
}

/// `--rules` when given, else the `rules` of rimlig.toml (else none: the built-in library).
fn rules_or_configured(
    given: &[std::path::PathBuf],
    choice: &rimlig::config::Choice,
    color: Color,
) -> Vec<std::path::PathBuf> {
    if !given.is_empty() {
        return given.to_vec();
    }
    match configured_rules(choice, color) {
        Ok(rules) => rules.unwrap_or_default(),
        Err(code) => std::process::exit(code),
    }
}

/// One format of `rimlig check`. Human output has colour only on a terminal (never in a file).
fn render_check(
    run: &rimlig::run::Run,
    format: CheckFormat,
    args: &CheckArgs,
    gate: Gate,
    to_stdout: bool,
) -> String {
    match format {
        CheckFormat::Human => {
            let color = if to_stdout { args.color } else { Color::Never };
            render::human::render(run, style(color, args.width, args.verbose))
        }
        CheckFormat::Json => render::json::render(run, gate),
        CheckFormat::Sarif => render::sarif::render(run, gate),
        CheckFormat::Github => render::github::render(run),
        CheckFormat::Gitlab => render::gitlab::render(run),
        CheckFormat::Junit => render::junit::render(run),
        CheckFormat::Concise => render::concise::render(run),
        CheckFormat::Html => render::html::render(run),
    }
}

/// The JSON document or the terminal view into `file`, or stdout, written as it is made.
fn write_streamed(
    run: &rimlig::run::Run,
    format: CheckFormat,
    args: &CheckArgs,
    gate: Gate,
    file: Option<&std::path::Path>,
) -> std::io::Result<()> {
    let color = if file.is_none() {
        args.color
    } else {
        Color::Never
    };
    let write = |w: &mut dyn std::io::Write| match format {
        CheckFormat::Human => {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
            render::human::write(run, style(color, args.width, args.verbose), &mut w)
        }
        _ => render::json::write(run, gate, w),
    };
    match file {
        Some(path) => write_over(path, write),
        None => write(&mut std::io::stdout().lock()),
    }
}

/// What fails a `check` run: `--fail-on`, `--deny warnings` (the more demanding of the two),
/// `--exit-zero`. `--update-baseline` baselines every finding, so it exits 0 too.
fn gate(args: &CheckArgs) -> Gate {
    let mut fail_on = args.fail_on;
    if args.deny.contains(&Deny::Warnings) {
        fail_on = fail_on.max(rimlig::problem::Severity::Warning);
    }
    Gate {
        fail_on,
        exit_zero: args.exit_zero,
    }
}

/// Colour on stdout: `--color always|never` first; then `NO_COLOR` (non-empty) turns it off,
/// and `FORCE_COLOR` (non-empty, not `0`) on, also into a pipe or file; else only on a terminal.
fn use_color(choice: Color) -> bool {
    let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto if set("NO_COLOR").is_some() => false,
        Color::Auto if set("FORCE_COLOR").is_some_and(|v| v != "0") => true,
        Color::Auto => std::io::stdout().is_terminal(),
    }
}

/// The terminal style of the subcommands other than `check`.
fn style(color: Color, width: Option<usize>, verbose: bool) -> Style {
    let color = use_color(color);
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

/// Write the output of a run that exits with `code`; the exit code, 2 if stdout could not be
/// written (see [`stdout_failed`]).
fn emit(stdout: &str, stderr: &str, code: i32) -> i32 {
    let mut out = std::io::stdout().lock();
    let written = out.write_all(stdout.as_bytes()).and_then(|_| out.flush());
    drop(out);
    if !stderr.is_empty() {
        let mut err = std::io::stderr().lock();
        // Where stderr cannot be written, nothing can be said.
        let _ = err.write_all(stderr.as_bytes()).and_then(|_| err.flush());
    }
    if stdout_failed(written) { 2 } else { code }
}

/// Whether writing stdout failed in a way that fails the run, said on stderr if so. A closed
/// pipe (`rimlig check | head`) is not: the reader has seen what it wanted. Any other error
/// is (a full disk under `rimlig check --format sarif > rimlig.sarif`): the report left
/// behind is cut short or empty, and a run that passed would upload it.
fn stdout_failed(written: std::io::Result<()>) -> bool {
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            say_error(&format!("cannot write to standard output: {e}"));
            true
        }
        _ => false,
    }
}

/// `error: MESSAGE` on stderr. Unlike `eprintln!`, no panic where stderr cannot be written.
fn say_error(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "error: {message}");
}

mod allocator {
    /// glibc raises the size from which it maps a block on its own each time such a block
    /// is freed (up to 32 MB), and from then on keeps blocks that large in its heaps, where
    /// once freed they are not given back. A check allocates and frees many such blocks
    /// (the pieces of a large table read in parallel, the findings of each part of it), and
    /// on a million-row table that held about 20 MB more at the peak. A fixed threshold at
    /// glibc's default keeps every large block mapped on its own and returned when freed.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    pub fn tune() {
        // SAFETY: `mallopt` only changes a setting of the allocator, and is called first
        // thing in `main`, before any other thread exists. Its result (whether the setting
        // was taken) needs no action: without it rimlig only holds more memory.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        }
    }

    /// Other allocators give large blocks back on their own.
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    pub fn tune() {}

    /// The system allocator, asking the kernel for huge pages (2 MB) under each large block.
    ///
    /// A large table's text, columns and findings are fresh blocks of tens of megabytes, and
    /// each of their 4 KB pages is faulted in on its first write: on a million-row table
    /// 45 000 faults, a quarter of the run's processor time. Where transparent huge pages are
    /// on for those who ask (`madvise`, the usual setting), the kernel then maps most of such a
    /// block 2 MB at a time: a third fewer faults, about 4 % of the run. Elsewhere the advice is
    /// ignored. Nothing else changes: every block is the system allocator's.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    pub struct HugePages;

    /// Blocks from this size are advised: the smallest that can hold a whole 2 MB page.
    /// (From 4 MB, a million-row table's columns of figures, 4 bytes a row, were just too
    /// small, and took 3 000 faults more.)
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    const HUGE_FROM: usize = 2 << 20;

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    impl HugePages {
        /// Advise the whole pages inside `[ptr, ptr + size)`, if that block is large.
        fn advise(ptr: *mut u8, size: usize) {
            if size < HUGE_FROM || ptr.is_null() {
                return;
            }
            const PAGE: usize = 4096;
            let start = (ptr as usize).next_multiple_of(PAGE);
            let end = (ptr as usize + size) / PAGE * PAGE;
            if end > start {
                // SAFETY: the range lies inside a block the allocator just handed out and
                // nobody else uses yet; `MADV_HUGEPAGE` changes how its pages are mapped,
                // never what they hold. A refusal (no huge pages here) changes nothing.
                unsafe {
                    libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
                }
            }
        }
    }

    // SAFETY: every call is passed on to `System` unchanged; `advise` only adds advice.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    unsafe impl std::alloc::GlobalAlloc for HugePages {
        unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
            // SAFETY: the caller's promises about `layout` are passed on.
            let ptr = unsafe { std::alloc::System.alloc(layout) };
            Self::advise(ptr, layout.size());
            ptr
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
            // SAFETY: as for `alloc`.
            unsafe { std::alloc::System.dealloc(ptr, layout) }
        }

        unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
            // SAFETY: as for `alloc`. A zeroed large block is fresh from the kernel, not yet
            // touched: advised as well.
            let ptr = unsafe { std::alloc::System.alloc_zeroed(layout) };
            Self::advise(ptr, layout.size());
            ptr
        }

        unsafe fn realloc(
            &self,
            ptr: *mut u8,
            layout: std::alloc::Layout,
            new_size: usize,
        ) -> *mut u8 {
            // SAFETY: as for `alloc`.
            let new = unsafe { std::alloc::System.realloc(ptr, layout, new_size) };
            Self::advise(new, new_size);
            new
        }
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[global_allocator]
static ALLOCATOR: allocator::HugePages = allocator::HugePages;
