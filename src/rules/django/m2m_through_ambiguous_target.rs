//! DJF335: a through model has more than one foreign key to the target model and no through_fields (Django's `fields.E335`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, "DJF335", "fields.E335")
}
