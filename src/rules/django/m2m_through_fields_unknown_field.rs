//! DJF338: through_fields names a field the through model does not have (Django's `fields.E338`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, "DJF338", "fields.E338")
}
