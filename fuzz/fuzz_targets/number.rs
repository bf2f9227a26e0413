//! Cell parsing on arbitrary text, and the format → parse round trip of every figure read.
//!
//! The body is in `fuzz/bodies/number.rs`, which `tests/fuzz_bodies.rs` also runs.
#![no_main]

#[path = "../bodies/number.rs"]
mod body;

libfuzzer_sys::fuzz_target!(|data: &[u8]| body::run(data));
