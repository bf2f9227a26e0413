//! Progress of a `check` run on stderr: reports read, rules evaluated. Shown only to a person
//! watching a terminal — stderr a TTY, not in CI, human output — and only once the run has
//! taken longer than a second; cleared when the run ends, so it never mixes with the output.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

/// What a run reports as it goes. Every method does nothing by default.
pub trait Progress: Sync {
    /// A new stage of `len` steps (`"reading reports"`, `"checking rules"`).
    fn stage(&self, _what: &'static str, _len: usize) {}
    /// One step of the current stage done.
    fn step(&self) {}
}

/// No progress shown: tests, pipes, CI.
pub struct Quiet;

impl Progress for Quiet {}

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_secs(1);

/// Whether a progress bar may be drawn: only for human output (`human`), with stderr a
/// terminal, not in CI (`CI` set, to anything), and not on a dumb terminal.
pub fn wanted(human: bool) -> bool {
    decide(
        human,
        std::io::stderr().is_terminal(),
        std::env::var_os("CI").is_some(),
        std::env::var_os("TERM").is_some_and(|t| t == "dumb"),
    )
}

fn decide(human: bool, stderr_tty: bool, ci: bool, dumb: bool) -> bool {
    human && stderr_tty && !ci && !dumb
}

/// An indicatif bar on stderr that stays hidden until the run has taken [`DELAY`]. Call
/// [`Bar::finish`] when the run is done: it clears the bar.
pub struct Bar {
    bar: ProgressBar,
    /// Dropped by `finish`, which wakes the thread waiting to show the bar.
    stop: Option<mpsc::Sender<()>>,
    shower: Option<JoinHandle<()>>,
}

impl Bar {
    /// A bar that shows after the delay when `enabled` (see [`wanted`]), else one that never
    /// shows. `RIMLIG_PROGRESS_DELAY_MS` changes the delay (for tests).
    pub fn start(enabled: bool) -> Bar {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden())
            .with_message("reading rules");
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {pos}/{len} {wide_bar}") {
            bar.set_style(style.progress_chars("=> "));
        }
        if !enabled {
            return Bar {
                bar,
                stop: None,
                shower: None,
            };
        }
        let delay = std::env::var("RIMLIG_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(DELAY, Duration::from_millis);
        let (stop, stopped) = mpsc::channel::<()>();
        let shown = bar.clone();
        let shower = std::thread::Builder::new()
            .name("rimlig-progress".into())
            .spawn(move || {
                if stopped.recv_timeout(delay) == Err(mpsc::RecvTimeoutError::Timeout) {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(100));
                }
            })
            .ok();
        Bar {
            bar,
            stop: Some(stop),
            shower,
        }
    }

    /// Stop and clear the bar (if it ever showed).
    pub fn finish(mut self) {
        drop(self.stop.take());
        if let Some(shower) = self.shower.take() {
            // The thread shows the bar or not and ends; only then is it cleared.
            let _ = shower.join();
        }
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn stage(&self, what: &'static str, len: usize) {
        self.bar.set_message(what);
        self.bar.update(|state| {
            state.set_pos(0);
            state.set_len(len as u64);
        });
    }

    fn step(&self) {
        self.bar.inc(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_person_at_a_terminal_sees_progress() {
        assert!(decide(true, true, false, false));
        assert!(!decide(false, true, false, false), "not with JSON output");
        assert!(
            !decide(true, false, false, false),
            "not when stderr is a pipe"
        );
        assert!(!decide(true, true, true, false), "not in CI");
        assert!(!decide(true, true, false, true), "not on a dumb terminal");
    }

    #[test]
    fn a_bar_that_never_shows_finishes_quietly() {
        let bar = Bar::start(false);
        bar.stage("reading reports", 2);
        bar.step();
        bar.finish();
    }
}
