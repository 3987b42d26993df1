//! `--output-format sarif`: SARIF 2.1.0 (valid against the OASIS schema; GitHub code scanning
//! reads it). One run whose `tool.driver` lists the rules that have results (id, name,
//! summary, the rule's documentation, help URI, default level); one result per diagnostic with
//! its location, related locations (the setting that activated the model, the inherited
//! declaration…) and, unless the fix is display-only, the fix as artifact changes.
//!
//! Locations below the working directory are relative URIs against `%SRCROOT%` (declared in
//! `originalUriBaseIds` as the working directory), others absolute `file://` URIs. Columns are
//! 1-based and count Unicode code points (`columnKind: unicodeCodePoints`), as everywhere in the
//! tool; `endColumn` is exclusive, as SARIF defines it. Keys are sorted (`serde_json` maps), so
//! the output is deterministic.

use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value, json};

use crate::diagnostic::{Applicability, Diagnostic, SourceFile};
use crate::rules::RULES;
use crate::syntax::Span;

const SRCROOT: &str = "%SRCROOT%";

pub fn render(out: &mut dyn Write, diagnostics: &[Diagnostic], cwd: &Path) -> io::Result<()> {
    // The rules with results, in registry order; results refer to them by index.
    let rules: Vec<&crate::rules::RuleInfo> = RULES
        .iter()
        .filter(|r| diagnostics.iter().any(|d| d.code == r.code()))
        .collect();
    let rule_objects: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.code(),
                "name": r.name(),
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.doc(), "markdown": r.doc() },
                "help": { "text": r.doc(), "markdown": r.doc() },
                "helpUri": super::rule_url(r.rule),
                "defaultConfiguration": { "level": r.severity.as_str() },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut result = json!({
                "ruleId": d.code,
                "level": d.severity.as_str(),
                "message": { "text": d.message },
                "locations": [physical(&d.file, d.span, cwd)],
            });
            if let Some(i) = rules.iter().position(|r| r.code() == d.code) {
                result["ruleIndex"] = json!(i);
            }
            if !d.related.is_empty() {
                result["relatedLocations"] = d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let mut loc = physical(&r.file, r.span, cwd);
                        loc["id"] = json!(i + 1);
                        loc["message"] = json!({ "text": r.message });
                        loc
                    })
                    .collect();
            }
            if let Some(fix) = d
                .fix
                .as_ref()
                .filter(|f| f.applicability != Applicability::Display)
            {
                // One artifactChange per file: a rename fix may edit other modules.
                let mut by_file: Vec<(
                    &std::sync::Arc<crate::diagnostic::SourceFile>,
                    Vec<serde_json::Value>,
                )> = Vec::new();
                for e in &fix.edits {
                    let file = e.file.as_ref().unwrap_or(&d.file);
                    let replacement = json!({
                        "deletedRegion": region(file, e.span),
                        "insertedContent": { "text": e.content },
                    });
                    match by_file.iter_mut().find(|(f, _)| f.path == file.path) {
                        Some((_, list)) => list.push(replacement),
                        None => by_file.push((file, vec![replacement])),
                    }
                }
                result["fixes"] = json!([{
                    "description": { "text": fix.message },
                    "artifactChanges": by_file.iter().map(|(file, replacements)| json!({
                        "artifactLocation": artifact(&file.path, cwd),
                        "replacements": replacements,
                    })).collect::<Vec<_>>(),
                }]);
            }
            let mut properties = serde_json::Map::new();
            if let Some(help) = &d.help {
                properties.insert("help".into(), json!(help));
            }
            if !d.notes.is_empty() {
                properties.insert("notes".into(), json!(d.notes));
            }
            if let Some(fix) = &d.fix {
                properties.insert("fixApplicability".into(), json!(fix.applicability));
            }
            if let Some(check) = &d.django {
                properties.insert("django_check".into(), json!(check.id));
                properties.insert("django_object".into(), json!(check.object));
            }
            if !properties.is_empty() {
                result["properties"] = Value::Object(properties);
            }
            result
        })
        .collect();
    let mut root = super::file_uri(cwd);
    if !root.ends_with('/') {
        root.push('/');
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "django-model-lint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rule_objects,
                },
            },
            "originalUriBaseIds": { SRCROOT: { "uri": root } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::from)?;
    writeln!(out)
}

fn artifact(path: &Path, cwd: &Path) -> Value {
    let uri = super::path_uri(path, cwd);
    if uri.starts_with("file://") {
        json!({ "uri": uri })
    } else {
        json!({ "uri": uri, "uriBaseId": SRCROOT })
    }
}

fn region(file: &SourceFile, span: Span) -> Value {
    let start = file.location(span.start);
    let end = file.location(span.end);
    json!({
        "startLine": start.row,
        "startColumn": start.column,
        "endLine": end.row,
        "endColumn": end.column,
    })
}

fn physical(file: &SourceFile, span: Span, cwd: &Path) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": artifact(&file.path, cwd),
            "region": region(file, span),
        }
    })
}
