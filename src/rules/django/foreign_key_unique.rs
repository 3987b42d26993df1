//! DJF342: a ForeignKey with unique=True, which a OneToOneField expresses (Django's `fields.W342`, a warning). See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, "DJF342", "fields.W342")
}
