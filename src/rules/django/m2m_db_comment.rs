//! DJF346: db_comment on a many-to-many field has no effect (Django's `fields.W346`, a warning). See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, "DJF346", "fields.W346")
}
