//! DJF334: a through model has more than one foreign key to the source model and no through_fields (Django's `fields.E334`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, "DJF334", "fields.E334")
}
