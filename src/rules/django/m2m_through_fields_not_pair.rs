//! DJF337: through_fields does not name two link fields (Django's `fields.E337`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, "DJF337", "fields.E337")
}
