//! django-model-lint: static checks of Django model files against django-oauth-toolkit's
//! contract for swapped models. This file declares the modules and re-exports the commands;
//! the pipeline (design.md) is in `pipeline` (find inputs → read → settings → analysis →
//! rules) and the commands that run it (check, fix, add-noqa, `--show-settings`) in
//! `commands`. No module imports from here.

#![forbid(unsafe_code)]

mod blank_bodies;
mod bytescan;
pub mod codes;
pub mod commands;
pub mod config;
pub mod contract;
pub mod diagnostic;
pub mod discover;
pub mod django;
pub mod edits;
mod embedded;
pub mod fix;
pub mod index;
pub mod library;
pub mod migrations;
pub mod models;
pub mod noqa;
mod pipeline;
pub mod prefilter;
pub mod project;
pub mod pyproject;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod settings;
pub mod source;
pub mod syntax;
pub mod versions;

pub use commands::add_noqa::add_noqa;
pub use commands::check::{CheckResult, check_paths};
pub use commands::describe::describe;
pub use commands::fix::{FixSummary, fix_paths};
pub use config::Options;
pub use diagnostic::FixDetails;
pub use pipeline::inputs::{
    PlaceWorker, configure_threads, place_workers_with, run_at_most, size_pool, start_walk, warm_up,
};
