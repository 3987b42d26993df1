//! DJF331: a many-to-many field's through model is not installed, or abstract (Django's `fields.E331`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, "DJF331", "fields.E331")
}
