//! One workbook from arbitrary bytes: never a panic, never a runaway allocation; every span
//! lies inside its sheet's text.
//!
//! The body is in `fuzz/bodies/workbook.rs`, which `tests/fuzz_bodies.rs` also runs.
#![no_main]

#[path = "../bodies/workbook.rs"]
mod body;

libfuzzer_sys::fuzz_target!(|data: &[u8]| body::run(data));
