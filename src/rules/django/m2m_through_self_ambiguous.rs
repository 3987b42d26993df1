//! DJF333: a through model of a relation to self has more than two foreign keys to the model and no through_fields (Django's `fields.E333`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, "DJF333", "fields.E333")
}
