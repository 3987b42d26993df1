//! The commands the binary offers, each over the pipeline: check, fix, add-noqa, and the
//! `--show-settings` description.

pub mod add_noqa;
pub mod check;
pub mod describe;
pub mod fix;
