//! The effective reverse query name of a re-declared relation, and the check DOT001 and DOT002
//! share: DOT queries the target model through that name, so it must stay what DOT declares.
//!
//! Django's rule (`RelatedField.related_query_name`): `related_query_name`, else `related_name`
//! (a name ending in `+` hides the reverse side), else `Meta.default_related_name` of the
//! concrete model, else the lower-cased model name; `%(class)s`, `%(model_name)s` and
//! `%(app_label)s` are interpolated for the concrete model.

use crate::contract::in_range;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::edits;
use crate::models::{Analysis, DotModel, FieldDecl};
use crate::resolve::ClassRef;
use crate::rules::Rule;
use crate::syntax::{Expr, ExprKind, Span, UseKind};

/// Where the effective reverse query name comes from. The variants are named after Django's
/// attributes, hence the shared suffix.
#[allow(clippy::enum_variant_names)]
#[derive(Clone, Debug, PartialEq)]
pub enum Via {
    RelatedQueryName(Expr),
    RelatedName(Expr),
    DefaultRelatedName,
    ModelName,
}

#[derive(Clone, Debug)]
pub struct ReverseName {
    /// The name as queried; `None` when `related_name` ends with `+` (hidden).
    pub query: Option<String>,
    /// The `related_name` as written, before interpolation (for messages).
    pub written: String,
    pub via: Via,
}

fn interpolate(ctx: &Analysis, model: &DotModel, text: &str) -> Option<String> {
    let class = model.name().to_lowercase();
    let mut out = text
        .replace("%(class)s", &class)
        .replace("%(model_name)s", &class);
    if out.contains("%(app_label)s") {
        out = out.replace("%(app_label)s", &model.app_label.as_deref()?.to_lowercase());
    }
    let _ = ctx;
    Some(out)
}

/// The effective reverse query name of `field` (declared in `owner`) on concrete `model`, or
/// `None` when a value cannot be evaluated statically.
pub fn reverse_name(
    ctx: &Analysis,
    model: &DotModel,
    owner: &ClassRef,
    field: &FieldDecl,
) -> Option<ReverseName> {
    let string = |e: &Expr| ctx.resolver.string_value(&owner.module, e);
    if let Some(k) = field.keyword("related_query_name") {
        let written = string(&k.value)?;
        return Some(ReverseName {
            query: Some(interpolate(ctx, model, &written)?),
            written,
            via: Via::RelatedQueryName(k.value.clone()),
        });
    }
    if let Some(k) = field.keyword("related_name") {
        let written = string(&k.value)?;
        let name = interpolate(ctx, model, &written)?;
        return Some(ReverseName {
            query: (!name.ends_with('+')).then_some(name),
            written,
            via: Via::RelatedName(k.value.clone()),
        });
    }
    if let Some((meta_owner, meta)) = model.effective_meta()
        && let Some(e) = meta.attrs.get("default_related_name")
    {
        let written = ctx.resolver.string_value(&meta_owner.module, e)?;
        return Some(ReverseName {
            query: Some(interpolate(ctx, model, &written)?),
            written,
            via: Via::DefaultRelatedName,
        });
    }
    let name = model.name().to_lowercase();
    Some(ReverseName {
        query: Some(name.clone()),
        written: name,
        via: Via::ModelName,
    })
}

/// DOT001 / DOT002: every relation the contract marks with `rule`.
pub fn check(ctx: &Analysis, rule: Rule) -> Vec<Diagnostic> {
    let lib_name = &ctx.contract.library;
    let mut out = Vec::new();
    for rel in ctx
        .contract
        .relations
        .iter()
        .filter(|r| r.rule == Some(rule))
    {
        let Some(required) = rel.reverse_query_name.as_deref() else {
            continue;
        };
        if !in_range(ctx.dot_version, rel.reverse_since, None) {
            continue;
        }
        for model in ctx.active_models().filter(|m| m.role.role == rel.role) {
            let Some((owner, member)) = model.redeclared(&rel.field) else {
                continue;
            };
            let Some(field) = ctx.field(&owner.module, &member) else {
                continue;
            };
            let Some(reverse) = reverse_name(ctx, model, &owner, &field) else {
                continue;
            };
            if reverse.query.as_deref() == Some(required) {
                continue;
            }
            let target = ctx
                .contract
                .role(&rel.to)
                .map_or(rel.to.as_str(), |r| r.concrete.as_str());
            let field_name = format!("{}.{}", owner.info().name, rel.field);
            let (span, message, help, edit) = match &reverse.via {
                Via::RelatedName(value) => (
                    value.span,
                    if reverse.query.is_none() {
                        format!(
                            "related_name `{}` hides the reverse relation that {lib_name} queries as `{required}` on {target}",
                            reverse.written
                        )
                    } else {
                        format!(
                            "related_name `{}` replaces {lib_name}'s `{required}` reverse query name on {target}",
                            reverse.written
                        )
                    },
                    format!("use related_name=\"{required}\""),
                    replace_value(&owner, value, required),
                ),
                Via::RelatedQueryName(value) => (
                    value.span,
                    format!(
                        "related_query_name `{}` replaces {lib_name}'s `{required}` reverse query name on {target}",
                        reverse.written
                    ),
                    format!("use related_query_name=\"{required}\", or remove it"),
                    replace_value(&owner, value, required),
                ),
                Via::DefaultRelatedName | Via::ModelName => (
                    field.call.span,
                    format!(
                        "`{field_name}` is re-declared without related_name, so its reverse query name is `{}`, not {lib_name}'s `{required}`",
                        reverse.query.as_deref().unwrap_or_default()
                    ),
                    format!("add related_name=\"{required}\""),
                    edits::append_argument(
                        &owner.module.file.text,
                        &field.call,
                        &format!(
                            "related_name={}",
                            edits::quoted(&owner.module.file.text, required)
                        ),
                    ),
                ),
            };
            let mut d = super::model_diag(ctx, rule, Severity::Error, model, &owner, span, message)
                .help(help)
                .note(super::breaks_note(
                    ctx.contract,
                    &rel.failing_operation,
                    rel.failure.as_deref(),
                    rel.reverse_since,
                    None,
                    &rel.evidence,
                ));
            // The fix renames the old name's uses across the project: a scan of every file,
            // made only for a diagnostic that will be reported (a one-file run elsewhere in the
            // project does not pay for it).
            if ctx.is_reported(&d) {
                d = match ctx.fix_details {
                    crate::diagnostic::FixDetails::Full => {
                        let renames = renamed_names(&reverse, required);
                        with_rename_fix(ctx, d, edit, &renames, required)
                    }
                    crate::diagnostic::FixDetails::Summary => d.fix(edit.map(|e| Fix {
                        applicability: Applicability::Unsafe,
                        message: format!(
                            "Set the reverse query name to `{required}`, renaming any uses of the old name"
                        ),
                        edits: vec![e],
                    })),
                };
            }
            if matches!(reverse.via, Via::RelatedName(_)) {
                d = d.note(format!(
                    "Alternatively, keep the related_name and add related_query_name=\"{required}\", or delete the re-declaration to inherit DOT's field."
                ));
            }
            out.push(d);
        }
    }
    out
}

/// Attaches the fix (the declaration's edit and the renamed uses of the old name) and the uses
/// as related locations.
fn with_rename_fix(
    ctx: &Analysis,
    mut d: Diagnostic,
    edit: Option<Edit>,
    renames: &Renames,
    required: &str,
) -> Diagnostic {
    let declaration = edit.as_ref().map(|e| (&d.file.path, e.span));
    let uses = project_uses(ctx, renames, declaration);
    let dynamic: Vec<&Use> = uses.iter().filter(|u| u.kind == UseKind::Dynamic).collect();
    let fix = edit.map(|e| {
        let mut edits = vec![e];
        if dynamic.is_empty() {
            edits.extend(
                uses.iter()
                    .map(|u| Edit::replace(u.span, u.new.clone()).in_file(u.file.clone())),
            );
        }
        match dynamic.first() {
            None => Fix {
                applicability: Applicability::Unsafe,
                message: if uses.is_empty() {
                    format!("Set the reverse query name to `{required}`")
                } else {
                    format!(
                        "Set the reverse query name to `{required}` and rename {} use(s) of the old name",
                        uses.len()
                    )
                },
                edits,
            },
            Some(u) => Fix {
                applicability: Applicability::Display,
                message: format!(
                    "Set the reverse query name to `{required}`; not applied automatically because {}:{} builds a lookup with `{}` in an f-string",
                    u.file.path.display(),
                    u.file.location(u.span.start).row,
                    u.old
                ),
                edits,
            },
        }
    });
    d = d.fix(fix);
    for u in uses.iter().take(20) {
        d = d.related(
            u.file.clone(),
            u.span,
            format!(
                "uses the old reverse name `{}`; the fix renames it to `{}`",
                u.old, u.new
            ),
        );
    }
    if uses.len() > 20 {
        d = d.note(format!(
            "The fix also renames {} more uses of the old name.",
            uses.len() - 20
        ));
    }
    d
}

/// Old → new names the fix changes: the reverse accessor (attributes) and the reverse query
/// name (lookups), each only when it changes.
struct Renames {
    accessor: Option<(String, String)>,
    query: Option<(String, String)>,
}

fn renamed_names(reverse: &ReverseName, required: &str) -> Renames {
    let changed = |old: Option<&str>| {
        old.filter(|o| *o != required && !o.ends_with('+') && !o.contains('%'))
            .map(|o| (o.to_string(), required.to_string()))
    };
    match &reverse.via {
        // related_query_name changes only the query name; the accessor keeps related_name.
        Via::RelatedQueryName(_) => Renames {
            accessor: None,
            query: changed(reverse.query.as_deref()),
        },
        _ => Renames {
            accessor: changed(reverse.query.as_deref()),
            query: changed(reverse.query.as_deref()),
        },
    }
}

struct Use {
    file: std::sync::Arc<crate::diagnostic::SourceFile>,
    span: Span,
    kind: UseKind,
    old: String,
    new: String,
}

/// Uses of the old names in the project's code (migrations excluded), minus the declaration the
/// fix itself rewrites.
fn project_uses(
    ctx: &Analysis,
    renames: &Renames,
    declaration: Option<(&std::path::PathBuf, Span)>,
) -> Vec<Use> {
    let mut names: Vec<&str> = Vec::new();
    for (old, _) in renames.accessor.iter().chain(&renames.query) {
        if !names.contains(&old.as_str()) {
            names.push(old);
        }
    }
    let mut out = Vec::new();
    for name in &names {
        for file in ctx.project.files_mentioning(name) {
            for u in crate::syntax::name_uses(&file.text, &[name]) {
                let overlaps_declaration = declaration.is_some_and(|(path, span)| {
                    *path == file.path && u.span.start < span.end && span.start < u.span.end
                });
                if overlaps_declaration {
                    continue;
                }
                let rename = match u.kind {
                    UseKind::Attribute => &renames.accessor,
                    _ => &renames.query,
                };
                let Some((old, new)) = rename else { continue };
                out.push(Use {
                    file: file.clone(),
                    span: u.span,
                    kind: u.kind,
                    old: old.clone(),
                    new: new.clone(),
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.file.path, a.span).cmp(&(&b.file.path, b.span)));
    out.dedup_by(|a, b| a.file.path == b.file.path && a.span == b.span);
    out
}

/// Replaces a `related_name=` value by the required string, keeping quote style.
fn replace_value(
    owner: &ClassRef,
    value: &Expr,
    required: &str,
) -> Option<crate::diagnostic::Edit> {
    let text = &owner.module.file.text;
    Some(match value.kind {
        ExprKind::Str(_) => edits::replace_string(text, value.span, required),
        _ => crate::diagnostic::Edit::replace(
            Span::new(value.span.start, value.span.end),
            edits::quoted(text, required),
        ),
    })
}
