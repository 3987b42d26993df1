//! DJF345: related_name on a symmetrical many-to-many field has no effect (Django's `fields.W345`, a warning). See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, "DJF345", "fields.W345")
}
