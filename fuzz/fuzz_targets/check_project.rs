//! The whole check on one small project built from the input (see `src/lib.rs` for the layout):
//! no panic, and every span, related span and fix edit lies inside its file on char boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    dml_fuzz::run_target(|| dml_fuzz::check_project(dml_fuzz::process_dir(), data));
});
