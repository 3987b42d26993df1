//! DJF344: a many-to-many field's intermediary table has the name of another model's table while DATABASE_ROUTERS is set (Django's `fields.W344`, a warning). See `m2m_table` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m_table::check(ctx, "DJF344", "fields.W344")
}
