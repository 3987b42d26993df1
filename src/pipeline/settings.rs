//! Settings as the pipeline needs them: the `--settings` module must exist, and the installed
//! apps Django's own checks may rely on.

use std::path::PathBuf;

use super::inputs::{Group, absolute};
use crate::config::Options;
use crate::project::Project;
use crate::{rules, settings};

/// `--settings X` (or `settings = "X"`) must name a module of one of the projects checked:
/// a name that matches nothing would silently leave every setting unknown.
pub(crate) fn explicit_settings_exist(
    groups: &[(PathBuf, Group<'_>)],
    options: &Options,
) -> Result<(), String> {
    let Some(name) = options.settings.as_deref() else {
        return Ok(());
    };
    let mut looked: Vec<String> = Vec::new();
    for (root, group) in groups {
        let mut extra: Vec<PathBuf> = options.src.iter().map(|p| absolute(p)).collect();
        extra.extend(group.package_roots.iter().cloned());
        let project = Project::new(root.clone(), extra, Some(group.listing.clone()));
        if project.has_module(name) {
            return Ok(());
        }
        let rel: PathBuf = name.split('.').collect();
        for r in &project.source_roots {
            let candidate = r.join(&rel);
            looked.push(format!("{}.py", candidate.display()));
        }
    }
    if groups.is_empty() {
        return Ok(());
    }
    looked.sort();
    looked.dedup();
    Err(format!(
        "the settings module `{name}` was not found (looked for {})",
        looked.join(", ")
    ))
}

/// The installed apps as Django's checks may rely on them: an entry only some branches of an
/// `if` add (`if DEBUG: INSTALLED_APPS += [...]`, one of two mutually exclusive test apps) may
/// be missing, so it is not counted as installed, and the list counts as partly unknown.
/// `apps`: the installed apps as read from `s` (`settings::installed_apps`).
pub(crate) fn django_installed_apps(
    mut apps: settings::Apps,
    s: &settings::Settings,
) -> settings::Apps {
    let conditional = settings::conditional_entries(s, "INSTALLED_APPS");
    if conditional.is_empty() {
        return apps;
    }
    apps.known.retain(|a| !conditional.contains(&a.entry));
    if apps.unknown.is_none()
        && let Some(v) = s.get("INSTALLED_APPS")
    {
        apps.unknown = Some((
            format!("{} is added under a condition", conditional.join(", ")),
            v.clone(),
        ));
    }
    apps
}

/// Whether any of Django's own checks (DJF / DJM) or a library contract rule (which reads the
/// same Django context) is selected.
pub(crate) fn django_checks_selected(options: &Options) -> bool {
    rules::RULES.iter().any(|r| {
        (r.code().starts_with("DJF")
            || r.code().starts_with("DJM")
            || crate::library::is_contract_code(r.code()))
            && options.selection.enabled(r.rule)
    })
}
