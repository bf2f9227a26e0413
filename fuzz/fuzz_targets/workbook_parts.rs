//! A workbook from parts written as text (see `fuzz/bodies/workbook_parts.rs`): never a
//! panic, never a runaway allocation; every span lies inside its sheet's text. Run with
//! `-dict=workbook.dict`, the names and attributes the readers act on and counts that size
//! their buffers.
//!
//! As in the `workbook` target, a panic raised inside calamine is let through to the handler
//! that turns it into a data problem; any other panic is a crash.
#![no_main]

#[path = "../bodies/workbook.rs"]
mod workbook;
#[path = "../bodies/workbook_parts.rs"]
mod workbook_parts;

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
    |data: &[u8]| workbook::run(&workbook_parts::zip_of(data))
);
