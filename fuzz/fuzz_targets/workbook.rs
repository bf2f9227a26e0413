//! One workbook from arbitrary bytes: never a panic, never a runaway allocation; every span
//! lies inside its sheet's text. A panic inside calamine is left to rimlig's handler
//! (`fuzz/bodies/calamine_hook.rs`).
//!
//! The body is in `fuzz/bodies/workbook.rs`, which `tests/fuzz_bodies.rs` also runs.
#![no_main]

#[path = "../bodies/workbook.rs"]
mod body;
#[path = "../bodies/calamine_hook.rs"]
mod calamine_hook;

libfuzzer_sys::fuzz_target!(
    init: calamine_hook::install(),
    |data: &[u8]| body::run(data)
);
