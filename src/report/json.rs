//! `--output-format json`: an array of objects with ruff's field names (`code`, `message`,
//! `filename`, `location`, `end_location`, `fix`, `noqa_row`, `url`), plus `name`, `severity`,
//! `help`, `notes` and `related`; the rules that anticipate a Django check add `django_check`
//! (`fields.E304`) and `django_object` (`app.Model.field`), absent elsewhere. Field order is
//! fixed; rows and columns are 1-based, columns count characters.

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::source::Location;

#[derive(Serialize)]
struct JsonEdit {
    /// Only for an edit in another file than the diagnostic's (ruff's edits have no file).
    #[serde(skip_serializing_if = "Option::is_none")]
    filename: Option<String>,
    content: String,
    location: Location,
    end_location: Location,
}

#[derive(Serialize)]
struct JsonFix {
    applicability: Applicability,
    message: String,
    edits: Vec<JsonEdit>,
}

#[derive(Serialize)]
struct JsonRelated {
    filename: String,
    location: Location,
    end_location: Location,
    message: String,
}

#[derive(Serialize)]
pub(super) struct JsonDiagnostic {
    cell: Option<u32>,
    code: &'static str,
    end_location: Location,
    filename: String,
    fix: Option<JsonFix>,
    location: Location,
    message: String,
    name: &'static str,
    noqa_row: Option<u32>,
    severity: Severity,
    url: String,
    help: Option<String>,
    notes: Vec<String>,
    related: Vec<JsonRelated>,
    /// Django's check ID (`fields.E304`), on the DJF / DJM rules only.
    #[serde(skip_serializing_if = "Option::is_none")]
    django_check: Option<&'static str>,
    /// The object Django names (`app_label.Model.field`), with `django_check`.
    #[serde(skip_serializing_if = "Option::is_none")]
    django_object: Option<String>,
}

pub fn render(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    let items: Vec<JsonDiagnostic> = diagnostics.iter().map(item).collect();
    serde_json::to_writer_pretty(&mut *out, &items).map_err(io::Error::from)?;
    writeln!(out)
}

/// One diagnostic as `json` (and `json-lines`) shows it.
pub(super) fn item(d: &Diagnostic) -> JsonDiagnostic {
    let location = d.location();
    JsonDiagnostic {
        cell: None,
        code: d.code,
        end_location: d.end_location(),
        filename: d.file.path.display().to_string(),
        fix: d.fix.as_ref().map(|f| JsonFix {
            applicability: f.applicability,
            message: f.message.clone(),
            edits: f
                .edits
                .iter()
                .map(|e| {
                    let file = e.file.as_ref().unwrap_or(&d.file);
                    JsonEdit {
                        filename: e.file.as_ref().map(|f| f.path.display().to_string()),
                        content: e.content.clone(),
                        location: file.location(e.span.start),
                        end_location: file.location(e.span.end),
                    }
                })
                .collect(),
        }),
        location,
        message: d.message.clone(),
        name: d.name,
        noqa_row: Some(location.row),
        severity: d.severity,
        url: super::rule_url(d.rule),
        help: d.help.clone(),
        notes: d.notes.clone(),
        related: d
            .related
            .iter()
            .map(|r| JsonRelated {
                filename: r.file.path.display().to_string(),
                location: r.file.location(r.span.start),
                end_location: r.file.location(r.span.end),
                message: r.message.clone(),
            })
            .collect(),
        django_check: d.django.as_ref().map(|c| c.id),
        django_object: d.django.as_ref().map(|c| c.object.clone()),
    }
}
