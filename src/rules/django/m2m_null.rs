//! DJF340W: null= on a many-to-many field has no effect (Django's `fields.W340`, a warning `manage.py check` prints). See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, "DJF340W", "fields.W340")
}
