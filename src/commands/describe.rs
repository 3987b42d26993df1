//! `--show-settings`: what the linter believes about each project, rendered as text.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::config::Options;
use crate::models::{self, Analysis};
use crate::pipeline::analysis::analyze_project;
use crate::pipeline::inputs::{absolute, find_inputs, group_files, take_early_walk};
use crate::pipeline::settings::explicit_settings_exist;
use crate::{discover, rules};

/// `--show-settings`: what the linter believes about each project under `inputs`.
pub fn describe(inputs: &[PathBuf], options: &Options) -> Result<String, String> {
    let inputs: Vec<PathBuf> = inputs.iter().map(|p| absolute(p)).collect();
    let excludes = discover::Excludes::new(&options.exclude).unwrap_or_default();
    let walked = take_early_walk(&inputs, options);
    let (listing, _) = find_inputs(&inputs, &excludes, options, walked);
    let explicit = BTreeSet::new();
    let mut out = String::new();
    let groups = group_files(&inputs, &listing);
    explicit_settings_exist(&groups, options)?;
    for (root, group) in groups {
        analyze_project(&root, &group, &explicit, options, None, |a, _, _| {
            describe_project(&mut out, a);
        });
    }
    Ok(out)
}

/// One project of `--show-settings`: what the linter believes, every unknown marked as such.
fn describe_project(out: &mut String, a: &Analysis) {
    use std::fmt::Write as _;
    let p = a.project;
    let _ = writeln!(out, "project root: {}", p.root.display());
    let roots: Vec<String> = p
        .source_roots
        .iter()
        .map(|r| r.display().to_string())
        .collect();
    let _ = writeln!(out, "  source roots: {}", roots.join(", "));
    match (&a.settings, &a.unclear) {
        (_, Some(unclear)) => {
            let _ = writeln!(out, "  settings module: unknown: {}", unclear.reason);
            if !unclear.candidates.is_empty() {
                let _ = writeln!(
                    out,
                    "  settings candidates: {}",
                    unclear.candidates.join(", ")
                );
            }
        }
        (Some(s), None) => {
            let _ = writeln!(
                out,
                "  settings module: {} (found by {})",
                s.module, s.found_by
            );
            if let Some(choice) = &s.choice {
                let _ = writeln!(out, "  settings chosen: {choice}");
            }
        }
        (None, None) => {
            let _ = writeln!(
                out,
                "  settings module: none found; every concrete {} subclass is treated as active",
                a.contract.short_name
            );
        }
    }
    for app in a.apps.iter().filter(|x| x.in_project) {
        let _ = writeln!(out, "  app: {} (label {})", app.name, app.label);
    }
    if let Some((reason, _)) = &a.apps_unknown {
        let _ = writeln!(out, "  INSTALLED_APPS: partly unknown: {reason}");
    }
    let _ = writeln!(
        out,
        "  {}: {} ({})",
        a.contract.library,
        a.dot_version,
        a.version_source
            .as_deref()
            .unwrap_or("not pinned; newest assumed")
    );
    for role in &a.contract.roles {
        // A role the DOT version in use does not have (DeviceGrant before 3.2) is not listed.
        if role.since.is_some_and(|since| a.dot_version < since) {
            continue;
        }
        let spec = match a.active.get(&role.role) {
            Some(models::ActiveSpec::Model {
                label,
                model,
                setting,
            }) => format!(
                "{label}.{model}{}",
                if setting.is_some() { "" } else { " (default)" }
            ),
            Some(models::ActiveSpec::Unresolved { reason, .. }) => {
                format!("unknown: {reason}")
            }
            _ => "every concrete subclass".to_string(),
        };
        let found: Vec<String> = a
            .models
            .iter()
            .filter(|m| m.role.role == role.role && m.active == Some(true))
            .map(|m| {
                let loc = m.class.module.file.location(m.class.info().name_span.start);
                format!(
                    "{} at {}:{}",
                    m.name(),
                    m.class.module.file.path.display(),
                    loc.row
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "  {:<13} {spec}{}",
            role.concrete,
            if found.is_empty() {
                String::new()
            } else {
                format!(" -> {}", found.join(", "))
            }
        );
    }
    for (_, line) in rules::unresolved_settings::summary_lines(a) {
        let _ = writeln!(out, "  not checked: {line}");
    }
}
