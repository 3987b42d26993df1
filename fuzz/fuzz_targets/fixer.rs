//! The fixer on parsable input: every planned fixed text parses, writing the fixes and re-running
//! the check converges, and no offered fix is silently dropped (see `dml_fuzz::fixer`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    dml_fuzz::run_target(|| dml_fuzz::fixer(dml_fuzz::process_dir(), data));
});
