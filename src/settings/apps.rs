//! The installed apps: each `INSTALLED_APPS` entry's package and label (`AppConfig.name` /
//! `label`, inherited ones included), as far as the list is known.

use std::sync::Arc;

use rayon::prelude::*;

use super::*;
use crate::index::{ClassInfo, MemberKind};
use crate::project::{Project, SourceModule};
use crate::resolve::{Resolver, Symbol};
use crate::syntax::ExprKind;

pub(super) fn class_str_attr(class: &ClassInfo, name: &str) -> Option<String> {
    match &class.member(name)?.kind {
        MemberKind::Value { value, .. } => value.as_str().map(str::to_string),
        _ => None,
    }
}

pub(super) const APP_CONFIG: &[&str] = &["django.apps.AppConfig", "django.apps.config.AppConfig"];

/// An `AppConfig` attribute (`name`, `label`) as the class inherits it: from the nearest project
/// class that sets it; a `name` also from a library's config it derives from (`AdminConfig` of
/// `django.contrib.admin.apps` has `name = "django.contrib.admin"`, so the label is `admin`).
pub(super) fn inherited_str_attr(
    resolver: &Resolver,
    class: &crate::resolve::ClassRef,
    attr: &str,
) -> Option<String> {
    for ancestor in resolver.mro(class) {
        match ancestor {
            crate::resolve::Ancestor::Project(p) => {
                if let Some(v) = class_str_attr(p.info(), attr) {
                    return Some(v);
                }
            }
            crate::resolve::Ancestor::External(q) if APP_CONFIG.contains(&q.as_str()) => {
                return None;
            }
            // A label not set by a project class derives from the name, as Django does.
            crate::resolve::Ancestor::External(_) if attr != "name" => return None,
            crate::resolve::Ancestor::External(q) => {
                // A library's config is conventionally `<package>.apps.<Name>Config`.
                let module = q.rsplit_once('.')?.0;
                return module.strip_suffix(".apps").map(str::to_string);
            }
        }
    }
    None
}

/// The installed apps with their labels (from `AppConfig.label`, else the last part of the
/// name), as far as `INSTALLED_APPS` could be read.
pub fn installed_apps(project: &Project, settings: &Settings) -> Apps {
    let Some(setting) = settings.get("INSTALLED_APPS") else {
        // Not set in the project, but a library's base settings may set it.
        return Apps {
            known: Vec::new(),
            unknown: settings.maybe_set_elsewhere().and_then(|v| match &v.value {
                Value::Unknown(reason) => Some((reason.clone(), v.clone())),
                _ => None,
            }),
        };
    };
    let resolver = Resolver::new(project);
    let entries: &[Value] = match &setting.value {
        Value::List(entries) => entries,
        _ => &[],
    };
    let unknown = match &setting.value {
        Value::List(_) => setting.value.unknown_part().map(str::to_string),
        Value::Unknown(reason) => Some(reason.clone()),
        other => Some(format!("INSTALLED_APPS is {}", other.describe())),
    };
    Apps {
        // Side by side: each entry reads its app's `apps` module (the order is kept).
        known: entries
            .par_iter()
            .filter_map(Value::as_str)
            .map(|entry| app_for_entry(project, &resolver, entry))
            .collect(),
        unknown: unknown.map(|reason| (reason, setting.clone())),
    }
}

/// The app a module would belong to if it were installed under its own package name (an
/// entry among `INSTALLED_APPS`' unknown parts): the package holding its `models` module.
pub fn app_of_module(project: &Project, module: &str) -> Option<App> {
    let parts: Vec<&str> = module.split('.').collect();
    let package = match parts.iter().position(|p| *p == "models") {
        Some(i) if i > 0 => parts[..i].join("."),
        _ if parts.len() >= 2 => parts[..parts.len() - 1].join("."),
        _ => return None,
    };
    project
        .has_module(&package)
        .then(|| app_for_entry(project, &Resolver::new(project), &package))
}

pub(super) fn last_part(name: &str) -> String {
    name.rsplit('.').next().unwrap_or(name).to_string()
}

pub(super) fn app_for_entry(project: &Project, resolver: &Resolver, entry: &str) -> App {
    fn configs<'m>(resolver: &Resolver, module: &'m Arc<SourceModule>) -> Vec<&'m ClassInfo> {
        (0..module.index.classes.len())
            .filter(|&i| {
                let c = crate::resolve::ClassRef {
                    module: module.clone(),
                    index: i,
                };
                resolver.derives_from(&c, APP_CONFIG)
            })
            .map(|i| &module.index.classes[i])
            .collect()
    }
    if project.has_module(entry) {
        // A package: Django picks its AppConfig from `<entry>.apps` (the default one).
        let mut label = last_part(entry);
        if let Some(apps) = project.module(&format!("{entry}.apps")) {
            let candidates: Vec<&ClassInfo> = configs(resolver, &apps)
                .into_iter()
                .filter(|c| class_str_attr(c, "name").as_deref() == Some(entry))
                .collect();
            let chosen = candidates
                .iter()
                .find(|c| {
                    matches!(&c.member("default").map(|m| &m.kind),
                        Some(MemberKind::Value { value, .. }) if value.kind == ExprKind::Bool(true))
                })
                .or(if candidates.len() == 1 {
                    candidates.first()
                } else {
                    None
                });
            if let Some(l) = chosen.and_then(|c| class_str_attr(c, "label")) {
                label = l;
            }
        }
        return App {
            entry: entry.to_string(),
            name: entry.to_string(),
            label,
            in_project: true,
        };
    }
    if let Some((module, class)) = entry.rsplit_once('.') {
        if let Some(m) = project.module(module)
            && let Symbol::Class(c) = resolver.resolve_name(&m, class)
        {
            let name =
                inherited_str_attr(resolver, &c, "name").unwrap_or_else(|| module.to_string());
            let label =
                inherited_str_attr(resolver, &c, "label").unwrap_or_else(|| last_part(&name));
            let in_project = project.has_module(&name);
            return App {
                entry: entry.to_string(),
                name,
                label,
                in_project,
            };
        }
        // An AppConfig of a third-party app: `pkg.apps.PkgConfig`.
        if class.starts_with(|c: char| c.is_ascii_uppercase()) {
            let name = module.strip_suffix(".apps").unwrap_or(module).to_string();
            return App {
                entry: entry.to_string(),
                label: last_part(&name),
                name,
                in_project: false,
            };
        }
    }
    App {
        entry: entry.to_string(),
        name: entry.to_string(),
        label: last_part(entry),
        in_project: false,
    }
}
