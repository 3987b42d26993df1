//! An app's own migration files, read lazily and only for the apps that hold swapped DOT
//! models: each migration's `dependencies`, `run_before` and the models its `CreateModel`
//! operations create. Rules use them to tell a project that already ordered its migrations
//! (DOT017, DOT018) from one whose `makemigrations` output will fail to `migrate`.
//!
//! Only the `Migration` class's literal lists are read. A dependency written any other way
//! than `("app", "name")` or `migrations.swappable_dependency(settings.NAME)`, a file that
//! cannot be read or parsed, or a migrations directory that cannot be listed makes the app's
//! migrations *unreadable*: the rules then stay silent rather than guess.

use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostic::SourceFile;
use crate::project::Project;
use crate::syntax::{self, Expr, ExprKind, Span, Stmt};

/// A dependency or `run_before` entry.
#[derive(Clone, Debug, PartialEq)]
pub enum Dep {
    /// `("app_label", "0001_initial")` (`__first__` / `__latest__` kept as written).
    Node { app: String, name: String },
    /// `migrations.swappable_dependency(settings.NAME)`: the first migration of the app that
    /// holds the model the setting names.
    Swappable(String),
}

/// One entry with where it is written.
#[derive(Clone, Debug)]
pub struct Entry {
    pub dep: Dep,
    pub span: Span,
}

/// A migration file of the app.
#[derive(Clone, Debug)]
pub struct Migration {
    /// The module name: `0001_initial`.
    pub name: String,
    pub file: Arc<SourceFile>,
    /// The `class Migration(...)` header.
    pub class_span: Span,
    pub dependencies: Vec<Entry>,
    pub run_before: Vec<Entry>,
    /// Model names created by `CreateModel`, lower-cased.
    pub creates: Vec<String>,
}

/// What an app's migrations are.
#[derive(Debug)]
pub enum AppMigrations {
    /// No `migrations` package: `makemigrations` will write the initial migration.
    Absent,
    /// Sorted by name.
    Read(Vec<Migration>),
    /// Something could not be read: rules stay silent.
    Unreadable,
}

impl AppMigrations {
    /// The migrations that create `model` (case-insensitive).
    pub fn creating(&self, model: &str) -> Vec<&Migration> {
        match self {
            AppMigrations::Read(all) => all
                .iter()
                .filter(|m| m.creates.iter().any(|c| c.eq_ignore_ascii_case(model)))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The leading number of a migration name (`0004_auto_20200902_2022` → 4).
pub fn number(name: &str) -> Option<u32> {
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The migrations of the app whose package is `package` (`oauth`, `apps.tokens`).
pub fn app_migrations(project: &Project, package: &str) -> AppMigrations {
    let Some((init, true)) = project.module_path(&format!("{package}.migrations")) else {
        return AppMigrations::Absent;
    };
    let Some(dir) = init.parent() else {
        return AppMigrations::Unreadable;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return AppMigrations::Unreadable;
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "py")
                && p.file_stem().is_some_and(|s| s != "__init__")
        })
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let Some(text) = project.source_text(&path) else {
            return AppMigrations::Unreadable;
        };
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match read_migration(name, Arc::new(SourceFile::new(path, text))) {
            Some(Some(m)) => out.push(m),
            // A helper module without a Migration class is not a migration.
            Some(None) => {}
            None => return AppMigrations::Unreadable,
        }
    }
    AppMigrations::Read(out)
}

/// `None`: unreadable; `Some(None)`: no `Migration` class.
fn read_migration(name: String, file: Arc<SourceFile>) -> Option<Option<Migration>> {
    let module = syntax::parse(&file.text);
    if !module.errors.is_empty() {
        return None;
    }
    let Some(class) = module.body.iter().find_map(|s| match s {
        Stmt::Class(c) if c.name == "Migration" => Some(c),
        _ => None,
    }) else {
        return Some(None);
    };
    let mut migration = Migration {
        name,
        file: file.clone(),
        class_span: class.header_span,
        dependencies: Vec::new(),
        run_before: Vec::new(),
        creates: Vec::new(),
    };
    for stmt in &class.body {
        let Stmt::Assign {
            targets,
            value: Some(value),
            ..
        } = stmt
        else {
            continue;
        };
        let Some(target) = targets.iter().find_map(|t| match &t.kind {
            ExprKind::Name(n) => Some(n.as_str()),
            _ => None,
        }) else {
            continue;
        };
        match target {
            "dependencies" => migration.dependencies = entries(value)?,
            "run_before" => migration.run_before = entries(value)?,
            "operations" => migration.creates = created_models(value),
            _ => {}
        }
    }
    Some(Some(migration))
}

fn items(list: &Expr) -> Option<&[Expr]> {
    match &list.kind {
        ExprKind::List(items) | ExprKind::Tuple(items) => Some(items),
        _ => None,
    }
}

/// A literal list of dependencies; `None` when any entry is not one of the two known forms.
fn entries(list: &Expr) -> Option<Vec<Entry>> {
    items(list)?
        .iter()
        .map(|e| {
            let dep = match &e.kind {
                ExprKind::Tuple(pair) if pair.len() == 2 => Dep::Node {
                    app: pair[0].as_str()?.to_string(),
                    name: pair[1].as_str()?.to_string(),
                },
                ExprKind::Call { func, args, .. }
                    if func
                        .dotted()
                        .is_some_and(|d| d.ends_with("swappable_dependency")) =>
                {
                    let ExprKind::Attribute { attr, .. } = &args.first()?.kind else {
                        return None;
                    };
                    Dep::Swappable(attr.clone())
                }
                _ => return None,
            };
            Some(Entry { dep, span: e.span })
        })
        .collect()
}

/// `CreateModel(name="X", …)` / `CreateModel("X", …)` names in `operations`.
fn created_models(list: &Expr) -> Vec<String> {
    let Some(items) = items(list) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|op| {
            let ExprKind::Call { func, args, .. } = &op.kind else {
                return None;
            };
            if !func.dotted()?.ends_with("CreateModel") {
                return None;
            }
            let name = op
                .keyword("name")
                .map(|k| &k.value)
                .or_else(|| args.first())?;
            Some(name.as_str()?.to_ascii_lowercase())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<Option<Migration>> {
        read_migration(
            "0001_initial".into(),
            Arc::new(SourceFile::new("m.py".into(), text.to_string())),
        )
    }

    #[test]
    fn reads_dependencies_run_before_and_created_models() {
        let m = read(concat!(
            "from django.conf import settings\nfrom django.db import migrations\n",
            "class Migration(migrations.Migration):\n",
            "    run_before = [('oauth2_provider', '0002_auto_20190406_1805')]\n",
            "    dependencies = [\n",
            "        migrations.swappable_dependency(settings.OAUTH2_PROVIDER_ID_TOKEN_MODEL),\n",
            "        ('oauth2_provider', '0004_auto_20200902_2022'),\n",
            "    ]\n",
            "    operations = [migrations.CreateModel(name='AccessToken', fields=[]), migrations.CreateModel('RefreshToken', [])]\n",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(
            m.dependencies
                .iter()
                .map(|e| e.dep.clone())
                .collect::<Vec<_>>(),
            [
                Dep::Swappable("OAUTH2_PROVIDER_ID_TOKEN_MODEL".into()),
                Dep::Node {
                    app: "oauth2_provider".into(),
                    name: "0004_auto_20200902_2022".into()
                }
            ]
        );
        assert_eq!(m.run_before.len(), 1);
        assert_eq!(m.creates, ["accesstoken", "refreshtoken"]);
        assert_eq!(number("0004_auto_20200902_2022"), Some(4));
    }

    #[test]
    fn a_computed_dependency_or_a_syntax_error_is_unreadable() {
        assert!(read("class Migration:\n    dependencies = deps()\n").is_none());
        assert!(read("class Migration:\n    dependencies = [(APP, '0001')]\n").is_none());
        assert!(read("class Migration(:\n").is_none());
        assert!(matches!(read("X = 1\n"), Some(None)));
    }
}
