//! DJF320: a relation with on_delete=SET_NULL is not null=True (Django's `fields.E320`): Django refuses to start (`manage.py check`, `runserver`,
//! `migrate` all stop on it). See `on_delete` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::on_delete::check(ctx, crate::rules::Rule::DJF320, "fields.E320")
}
