//! One workbook from arbitrary bytes: never a panic, never a runaway allocation; every span
//! lies inside its sheet's text.
//!
//! rimlig calls calamine inside `catch_unwind` (a reader bug on a malformed file must not end
//! the run), so a panic raised in calamine's own code is caught and becomes a data problem;
//! here it is let through to that handler rather than ending the process. Any other panic is
//! a crash, as libFuzzer's hook makes it.
//!
//! The body is in `fuzz/bodies/workbook.rs`, which `tests/fuzz_bodies.rs` also runs.
#![no_main]

#[path = "../bodies/workbook.rs"]
mod body;

libfuzzer_sys::fuzz_target!(
    init: {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|l| l.file().contains("/calamine-"));
            if !in_calamine {
                abort(info);
            }
        }));
    },
    |data: &[u8]| body::run(data)
);
