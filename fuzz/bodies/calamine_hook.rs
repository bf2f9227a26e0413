//! The panic hook of the workbook targets.
//!
//! rimlig calls calamine inside `catch_unwind` (a reader bug on a malformed file must not end
//! the run), so a panic raised in calamine's own code is caught and becomes a data problem:
//! such a panic is let through to that handler rather than ending the process. Any other
//! panic is a crash, as libFuzzer's hook makes it.

pub fn install() {
    let abort = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_calamine = info
            .location()
            .is_some_and(|l| l.file().contains("/calamine-"));
        if !in_calamine {
            abort(info);
        }
    }));
}
