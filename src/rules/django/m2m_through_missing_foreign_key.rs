//! DJF336: a through model lacks a foreign key to the source or to the target model (Django's `fields.E336`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, "DJF336", "fields.E336")
}
