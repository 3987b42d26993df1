//! What a directory walk reads and parses (issue 6): model modules and, in projects that use
//! django-oauth-toolkit, what they import; settings are evaluated only there. Checked through
//! `CheckResult::parsed` (modules parsed) and the diagnostics.

use std::path::Path;

use django_model_lint::diagnostic::Applicability;
use django_model_lint::{FixDetails, Options, check_paths};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const MANAGE: &str =
    "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"proj.settings\")\n";
const BAD_RT: &str = "from django.db import models\nfrom oauth2_provider.models import AbstractAccessToken, AbstractRefreshToken\n\n\nclass AccessToken(AbstractAccessToken):\n    pass\n\n\nclass RefreshToken(AbstractRefreshToken):\n    access_token = models.OneToOneField(AccessToken, on_delete=models.SET_NULL, null=True, blank=True, related_name=\"rt\")\n";

/// A manage.py project with settings `proj.settings` (and `proj.base`) and a package `app`.
fn skeleton(root: &Path, settings: &str, base: &str) {
    write(root, "manage.py", MANAGE);
    write(root, "proj/__init__.py", "");
    write(root, "proj/settings.py", settings);
    write(root, "proj/base.py", base);
    write(root, "app/__init__.py", "");
}

fn project(root: &Path, settings: &str, base: &str) {
    skeleton(root, settings, base);
    write(
        root,
        "app/models.py",
        "from .tokens import *  # noqa: F403\n",
    );
    write(root, "app/tokens.py", BAD_RT);
    // Never imported by a model module: never opened, whatever it holds.
    write(root, "app/views.py", BAD_RT);
}

/// A manage.py project whose settings install DOT and activate `app`'s token models; `app` is
/// a package whose modules the test writes.
fn dot_project(root: &Path) {
    skeleton(root, "from .base import *  # noqa: F403\n", DOT_SETTINGS);
}

const DOT_SETTINGS: &str = "INSTALLED_APPS = [\"oauth2_provider\", \"app\"]\nOAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = \"app.AccessToken\"\nOAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = \"app.RefreshToken\"\n";

/// The migration rules (DOT016 / DOT017: a missing Application setting, DOT's own IDToken) are
/// not what these tests are about: their minimal settings swap only the two token models.
fn about_loading(d: &&django_model_lint::diagnostic::Diagnostic) -> bool {
    !matches!(d.code, "DOT016" | "DOT017")
}

fn codes_and_files(root: &Path) -> (Vec<(String, String)>, usize) {
    let r = check_paths(&[root.to_path_buf()], &Options::default()).unwrap();
    let found = r
        .diagnostics
        .iter()
        .filter(about_loading)
        .map(|d| {
            let rel = d.file.path.strip_prefix(root).unwrap();
            (d.code.to_string(), rel.to_string_lossy().into_owned())
        })
        .collect();
    (found, r.parsed)
}

#[test]
fn a_settings_chain_that_configures_dot_makes_imports_followed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    project(&root, "from .base import *  # noqa: F403\n", DOT_SETTINGS);
    let (found, parsed) = codes_and_files(&root);
    assert_eq!(found, [("DOT001".to_string(), "app/tokens.py".to_string())]);
    assert!(parsed >= 3, "settings, base and tokens at least: {parsed}");
}

#[test]
fn a_project_that_does_not_use_dot_parses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    project(
        &root,
        "from .base import *  # noqa: F403\n",
        "INSTALLED_APPS = [\"app\"]\n",
    );
    // Only models.py is a model module, and it names nothing of DOT's: tokens.py (which does)
    // is reached only by following imports, which a project without DOT does not do.
    let options = Options {
        selection: django_model_lint::config::Selection {
            select: vec!["DOT".to_string(), "DML001".to_string()],
            ignore: Vec::new(),
        },
        ..Options::default()
    };
    let r = check_paths(std::slice::from_ref(&root), &options).unwrap();
    assert!(r.diagnostics.is_empty());
    assert_eq!(r.parsed, 0, "no settings evaluation, no module parsed");
    // Django's own checks (DJF) concern every Django project: the settings chain and the
    // installed apps' models modules are parsed (and what the graph resolves through them),
    // never the views.
    let (found, parsed) = codes_and_files(&root);
    assert_eq!(found, []);
    assert!(parsed >= 3, "settings, base, models: {parsed}");
}

#[test]
fn a_requirements_pin_is_enough_to_follow_imports() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    // No settings at all (a reusable app): every concrete DOT subclass counts as active.
    write(&root, "requirements.txt", "django-oauth-toolkit==3.4.1\n");
    write(&root, "app/__init__.py", "");
    write(
        &root,
        "app/models.py",
        "from .tokens import *  # noqa: F403\n",
    );
    write(&root, "app/tokens.py", BAD_RT);
    let (found, _) = codes_and_files(&root);
    assert_eq!(found, [("DOT001".to_string(), "app/tokens.py".to_string())]);
}

/// A directory of the project checked on its own may hold no model module: the project's
/// settings still make its models load, and a finding in a file under that directory is
/// reported. (Only a project with no model module, no settings and no file named explicitly is
/// skipped.)
#[test]
fn a_subdirectory_without_model_modules_is_still_checked_through_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    dot_project(&root);
    write(
        &root,
        "app/models.py",
        "from .tokens.refresh import *  # noqa: F403\n",
    );
    write(&root, "app/tokens/__init__.py", "");
    write(&root, "app/tokens/refresh.py", BAD_RT);
    // Loose scripts: one project per directory, each with nothing to check.
    for i in 0..3 {
        write(&root, &format!("scripts/s{i}/run.py"), BAD_RT);
    }
    let r = check_paths(
        &[root.join("app/tokens"), root.join("scripts")],
        &Options::default(),
    )
    .unwrap();
    let found: Vec<_> = r
        .diagnostics
        .iter()
        .filter(about_loading)
        .map(|d| (d.code, d.file.path.strip_prefix(&root).unwrap().to_owned()))
        .collect();
    assert_eq!(
        found,
        [("DOT001", Path::new("app/tokens/refresh.py").to_owned())]
    );
}

/// The rename fix of DOT001 scans every file of the project for uses of the old name. That scan
/// is made only for a diagnostic that is reported: checking another file (an editor saving
/// views.py) does not pay for it, and the uses it would find are not a reason to report the
/// model's diagnostic there.
#[test]
fn the_rename_scan_is_made_only_for_a_reported_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    dot_project(&root);
    write(&root, "app/models.py", BAD_RT);
    write(
        &root,
        "app/views.py",
        "from .models import AccessToken\n\n\ndef stale():\n    return AccessToken.objects.filter(rt__isnull=True)\n",
    );
    let run = |path: &str| check_paths(&[root.join(path)], &Options::default()).unwrap();

    let models = run("app/models.py");
    let reported: Vec<_> = models.diagnostics.iter().filter(about_loading).collect();
    assert_eq!(reported.len(), 1);
    let d = reported[0];
    assert_eq!(d.code, "DOT001");
    let fix = d.fix.as_ref().expect("a rename fix");
    let edited: Vec<_> = fix
        .edits
        .iter()
        .map(|e| {
            let file = e.file.as_ref().map_or(&d.file.path, |f| &f.path);
            (
                file.strip_prefix(&root).unwrap().to_owned(),
                e.content.clone(),
            )
        })
        .collect();
    assert_eq!(
        edited,
        [
            (
                Path::new("app/models.py").to_owned(),
                "\"refresh_token\"".to_string()
            ),
            (
                Path::new("app/views.py").to_owned(),
                "refresh_token".to_string()
            ),
        ]
    );
    assert!(
        d.related
            .iter()
            .any(|r| r.file.path.ends_with("app/views.py"))
    );

    assert_eq!(run("app/views.py").diagnostics.len(), 0);

    // An output that shows only whether a fix exists (concise) does without the scan.
    let options = Options {
        fix_details: FixDetails::Summary,
        ..Options::default()
    };
    let summary = check_paths(&[root.join("app/models.py")], &options).unwrap();
    let d = summary
        .diagnostics
        .iter()
        .find(about_loading)
        .expect("DOT001");
    let fix = d.fix.as_ref().expect("a fix");
    assert_eq!(fix.edits.len(), 1);
    assert_eq!(fix.applicability, Applicability::Unsafe);
    assert!(
        !d.related
            .iter()
            .any(|r| r.file.path.ends_with("app/views.py"))
    );
}

/// Issue 12 §3: a src layout whose app lives in a PEP 420 namespace package
/// (`src/acme/oauth/…`, `acme/` without `__init__.py`), no manage.py, docs/ and tests/ beside
/// it. The repository is one project; `--settings acme.oauth.settings` names a module of it and
/// the app's absolute imports through the namespace package resolve, from the whole tree and
/// from the one file.
#[test]
fn a_namespace_package_in_src_is_one_project_with_its_repository() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    write(
        &root,
        "pyproject.toml",
        "[project]\nname = \"acme-oauth\"\n",
    );
    write(&root, "src/acme/oauth/__init__.py", "");
    write(
        &root,
        "src/acme/oauth/settings.py",
        "INSTALLED_APPS = [\"oauth2_provider\", \"acme.oauth\"]\nOAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = \"oauth.AccessToken\"\nOAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = \"oauth.RefreshToken\"\n",
    );
    write(
        &root,
        "src/acme/oauth/models.py",
        "from acme.oauth.tokens import AccessToken, RefreshToken  # noqa: F401\n",
    );
    write(&root, "src/acme/oauth/tokens.py", BAD_RT);
    // Standing alone, these would be projects without settings, where every concrete DOT
    // subclass counts as active.
    write(&root, "docs/conf.py", "project = \"acme\"\n");
    write(&root, "tests/models.py", BAD_RT);
    let options = Options {
        settings: Some("acme.oauth.settings".to_string()),
        ..Options::default()
    };
    let found = |input: &Path| -> Vec<(String, String)> {
        check_paths(&[input.to_path_buf()], &options)
            .unwrap()
            .diagnostics
            .iter()
            .filter(about_loading)
            .map(|d| {
                let rel = d.file.path.strip_prefix(&root).unwrap();
                (d.code.to_string(), rel.to_string_lossy().into_owned())
            })
            .collect()
    };
    let want = [("DOT001".to_string(), "src/acme/oauth/tokens.py".to_string())];
    assert_eq!(found(&root), want);
    assert_eq!(found(&root.join("src/acme/oauth/tokens.py")), want);
    assert_eq!(found(&root.join("tests/models.py")), []);
}
