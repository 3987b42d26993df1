//! DJF340: a many-to-many field's intermediary table has the name of another model's table (Django's `fields.E340`): Django refuses to start. See `m2m_table` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m_table::check(ctx, "DJF340", "fields.E340")
}
