//! DJF339: a through_fields field is not a foreign key to the model it links (Django's `fields.E339`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, "DJF339", "fields.E339")
}
