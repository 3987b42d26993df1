//! The binary as users run it: output formats (snapshots), exit codes, `rule`.

use std::path::Path;

use assert_cmd::Command;

fn bin() -> Command {
    let mut c = Command::cargo_bin("django-model-lint").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("NO_COLOR");
    c
}

/// A copy of `fixtures/<fixture>` at `<tempdir>/<name>`, to be modified or fixed.
fn copy_fixture(fixture: &str, name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join(name);
    let status = std::process::Command::new("cp")
        .args(["-r", &format!("fixtures/{fixture}")])
        .arg(&root)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success());
    (dir, root)
}

/// Standard output, standard error and the exit code.
fn outputs(cmd: &mut Command) -> (String, String, i32) {
    let out = cmd.output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

fn stdout(cmd: &mut Command) -> (String, i32) {
    let out = cmd.output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn demo_reports_dot001_on_the_related_name_with_the_exact_help() {
    let (out, code) = stdout(bin().args(["check", "fixtures/demo"]));
    assert_eq!(code, 1);
    assert!(out.contains("DOT001(refresh-token-reverse-name)"), "{out}");
    assert!(
        out.contains("help: use related_name=\"refresh_token\""),
        "{out}"
    );
    assert!(
        out.contains("─[fixtures/demo/oauth/models.py:58:22]"),
        "{out}"
    );
    insta::assert_snapshot!("demo_full", out);
}

#[test]
fn concise_output_is_ruff_shaped() {
    let (out, code) = stdout(bin().args([
        "check",
        "fixtures/circulating_fix",
        "--output-format",
        "concise",
    ]));
    assert_eq!(code, 1);
    insta::assert_snapshot!("circulating_fix_concise", out);
}

#[test]
fn json_output_uses_ruff_field_names() {
    let (out, code) = stdout(bin().args(["check", "fixtures/demo", "--output-format", "json"]));
    assert_eq!(code, 1);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).display().to_string();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let d = &v[0];
    for key in [
        "code",
        "message",
        "filename",
        "location",
        "end_location",
        "fix",
        "noqa_row",
        "url",
        "name",
        "severity",
        "related",
    ] {
        assert!(d.get(key).is_some(), "missing {key}");
    }
    assert_eq!(d["location"], serde_json::json!({"row": 58, "column": 22}));
    assert_eq!(
        d["end_location"],
        serde_json::json!({"row": 58, "column": 44})
    );
    assert_eq!(d["fix"]["applicability"], "unsafe");
    assert_eq!(d["fix"]["edits"][0]["content"], "\"refresh_token\"");
    insta::assert_snapshot!("demo_json", out.replace(&root, "[ROOT]"));
}

#[test]
fn clean_project_exits_zero() {
    let (out, code) = stdout(bin().args([
        "check",
        "fixtures/ok_stock_swap",
        "--output-format",
        "concise",
    ]));
    assert_eq!(
        (out.as_str(), code),
        (
            "All checks passed!\nnote: fixtures/ok_stock_swap: no pinned django-oauth-toolkit version was found, so the newest, 3.4.1, is assumed.\n",
            0
        )
    );
}

/// A project whose active RefreshToken cannot be told gets DML001, and the closing line never
/// says "All checks passed!", even with DML001 ignored.
#[test]
fn a_blind_run_never_says_all_checks_passed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "manage.py",
        "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n",
    );
    write("proj/__init__.py", "");
    write("requirements.txt", "django-oauth-toolkit==3.4.1\n");
    write(
        "proj/settings.py",
        "import os\nINSTALLED_APPS = ['oauth2_provider', 'app']\nOAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = os.environ['RT']\n",
    );
    write("app/__init__.py", "");
    write(
        "app/models.py",
        "from oauth2_provider.models import AbstractRefreshToken\nclass RT(AbstractRefreshToken):\n    pass\n",
    );
    let run = |extra: &[&str]| {
        let mut args = vec![
            "check",
            root.to_str().unwrap(),
            "--output-format",
            "concise",
        ];
        args.extend_from_slice(extra);
        stdout(bin().args(args))
    };
    let (out, code) = run(&[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("DML001"), "{out}");
    assert!(!out.contains("All checks passed"), "{out}");
    let (out, code) = run(&["--ignore", "DML001"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("No issues found in what could be checked.\nNot checked:\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "the RefreshToken model (OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL could not be evaluated"
        ),
        "{out}"
    );
}

#[test]
fn bad_arguments_exit_two_with_one_line() {
    for args in [
        vec!["check", "--dot-version", "latest"],
        vec!["check", "--exclude", "a[", "fixtures/demo"],
        vec!["rule", "DOT999"],
    ] {
        let out = bin().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!String::from_utf8_lossy(&out.stderr).trim().is_empty());
    }
}

#[test]
fn version_flag_gates_rules() {
    let (_, code) = stdout(bin().args([
        "check",
        "fixtures/dot011_custom_pk",
        "--output-format",
        "concise",
    ]));
    assert_eq!(code, 1);
    let (out, code) = stdout(bin().args([
        "check",
        "fixtures/dot011_custom_pk",
        "--dot-version",
        "3.4.1",
        "--output-format",
        "concise",
    ]));
    assert_eq!((out.as_str(), code), ("All checks passed!\n", 0));
}

/// A path with no Python file under it: ruff's warning on stderr, and a closing line that does
/// not claim "All checks passed!" for checks that never ran; exit 0, as ruff.
#[test]
fn a_path_without_python_files_is_reported_as_not_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::fs::write(dir.path().join("docs/index.md"), "# Docs\n").unwrap();
    let run = || {
        outputs(
            bin()
                .current_dir(dir.path())
                .args(["check", "docs", "--output-format", "concise"]),
        )
    };
    assert_eq!(
        run(),
        (
            "No issues found in what could be checked.\nNot checked:\n  - docs: no Python file found here\n".to_string(),
            "warning: No Python files found under the given path(s)\n".to_string(),
            0
        )
    );
    // One Python file anywhere under the paths: no warning, and the usual closing line.
    std::fs::write(dir.path().join("docs/conf.py"), "project = 'x'\n").unwrap();
    assert_eq!(
        run(),
        ("All checks passed!\n".to_string(), String::new(), 0)
    );
}

/// With every rule deselected nothing is checked, and the closing line says so rather than
/// "All checks passed!" (which ruff prints there).
#[test]
fn no_rule_selected_is_reported_as_not_checked() {
    assert_eq!(
        outputs(bin().args([
            "check",
            "fixtures/demo",
            "--ignore",
            "ALL",
            "--output-format",
            "concise",
        ])),
        (
            "No issues found in what could be checked.\nNot checked:\n  - fixtures/demo: no rule is selected\n".to_string(),
            "warning: No rule is selected (`select`, `ignore`); nothing was checked\n".to_string(),
            0
        )
    );
    // One rule left: the usual closing line.
    let (out, code) = stdout(bin().args([
        "check",
        "fixtures/demo",
        "--select",
        "DOT002",
        "--output-format",
        "concise",
    ]));
    assert_eq!((out.as_str(), code), ("All checks passed!\n", 0));
}

#[test]
fn only_diagnostics_touching_paths_are_reported() {
    // The settings file alone: DOT001 lives in models.py but its related location is settings.py.
    let (out, _) = stdout(bin().args([
        "check",
        "fixtures/demo/demo_site/settings.py",
        "--output-format",
        "concise",
    ]));
    assert!(out.contains("DOT001"), "{out}");
    // An unrelated file of the same project: nothing.
    let (out, code) = stdout(bin().args([
        "check",
        "fixtures/demo/manage.py",
        "--output-format",
        "concise",
    ]));
    assert_eq!((out.as_str(), code), ("All checks passed!\n", 0));
}

#[test]
fn rule_prints_docs_and_the_table() {
    let (out, code) = stdout(bin().args(["rule", "DOT001"]));
    assert_eq!(code, 0);
    assert!(
        out.starts_with("# DOT001: refresh-token-reverse-name"),
        "{out}"
    );
    let (out, _) = stdout(bin().args(["rule", "--all"]));
    assert_eq!(
        out.lines().count(),
        1 + django_model_lint::rules::RULES.len()
    );
}

#[test]
fn rule_docs_have_the_required_sections() {
    for rule in django_model_lint::rules::RULES {
        let heading = format!("# {}: {}", rule.code(), rule.name());
        assert!(
            rule.doc().starts_with(&heading),
            "{} doc must start with `{heading}`",
            rule.code()
        );
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
            "## Fix safety",
        ] {
            if rule.code().starts_with('E') && section.contains("instead") {
                continue;
            }
            assert!(
                rule.doc().contains(section),
                "{} doc lacks {section}",
                rule.code()
            );
        }
        let sev = format!("**Severity:** {}", rule.severity.as_str());
        assert!(
            rule.doc().contains(&sev)
                || ["DOT003", "DOT006", "DOT008", "DOT010", "DOT013"].contains(&rule.code()),
            "{} doc severity",
            rule.code()
        );
    }
}

#[test]
fn diff_shows_the_fix_and_writes_nothing() {
    let (dir, root) = copy_fixture("demo", "demo");
    let before = std::fs::read_to_string(root.join("oauth/models.py")).unwrap();
    let mut cmd = Command::cargo_bin("django-model-lint").unwrap();
    let out = cmd
        .current_dir(dir.path())
        .args(["check", "demo", "--diff", "--unsafe-fixes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(root.join("oauth/models.py")).unwrap(),
        before
    );
    insta::assert_snapshot!("demo_diff", String::from_utf8(out.stdout).unwrap());
    // Safe fixes only: DOT001's fix is unsafe, so nothing to do.
    let out = Command::cargo_bin("django-model-lint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "demo", "--diff"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // --exit-zero holds for --diff too, and the diff is still printed.
    let out = Command::cargo_bin("django-model-lint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "demo", "--diff", "--unsafe-fixes", "--exit-zero"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Would fix 1 diagnostic."));
}

#[test]
fn unused_noqa_is_reported_when_selected_and_fixed_safely() {
    let (_dir, root) = copy_fixture("ok_redeclared_exactly", "p");
    let models = root.join("oauth/models.py");
    let text = std::fs::read_to_string(&models).unwrap();
    let with_noqa = text.replacen(
        "related_name=\"refresh_token\",",
        "related_name=\"refresh_token\",  # noqa: DOT001, DOT01 -- old bug",
        1,
    );
    assert_ne!(text, with_noqa);
    std::fs::write(&models, &with_noqa).unwrap();
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("django-model-lint")
            .unwrap()
            .current_dir(&root)
            .args(args)
            .output()
            .unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            out.status.code().unwrap(),
        )
    };
    // Off by default.
    assert_eq!(run(&["check", ".", "--output-format", "concise"]).1, 0);
    let (out, code) = run(&[
        "check",
        ".",
        "--output-format",
        "concise",
        "--select",
        "DML100",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.contains("DML100 Unused `noqa` directive: `DOT001`, `DOT01` (unknown code)"),
        "{out}"
    );
    let (_, code) = run(&["check", ".", "--select", "DML100", "--fix"]);
    assert_eq!(code, 0);
    let fixed = std::fs::read_to_string(&models).unwrap();
    assert!(
        fixed.contains("related_name=\"refresh_token\",  # -- old bug"),
        "{fixed}"
    );
}

#[test]
fn add_noqa_silences_current_findings() {
    let (_dir, root) = copy_fixture("circulating_fix", "p");
    let out = Command::cargo_bin("django-model-lint")
        .unwrap()
        .current_dir(&root)
        .args(["check", ".", "--add-noqa"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Added 2 noqa directives.\n"
    );
    let run = |args: &[&str]| {
        Command::cargo_bin("django-model-lint")
            .unwrap()
            .current_dir(&root)
            .args(args)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run(&["check", "."]), Some(0));
    assert_eq!(run(&["check", ".", "--select", "DML100"]), Some(0));
    let text = std::fs::read_to_string(root.join("oauth/models.py")).unwrap();
    assert!(text.contains("# noqa: DOT004"), "{text}");
}

#[test]
fn dot001_fix_renames_the_projects_uses_of_the_old_name_but_not_migrations() {
    let (dir, root) = copy_fixture("demo", "demo");
    std::fs::create_dir_all(root.join("oauth/migrations")).unwrap();
    let migration = "ops = [dict(related_name='access_refresh_token')]\n";
    std::fs::write(root.join("oauth/migrations/0001_initial.py"), migration).unwrap();
    std::fs::write(
        root.join("oauth/views.py"),
        "def f(AccessToken, token):\n    AccessToken.objects.filter(access_refresh_token__isnull=True).select_related(\"access_refresh_token\")\n    return token.access_refresh_token\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("django-model-lint")
            .unwrap()
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            out.status.code().unwrap(),
        )
    };
    let (json, _) = run(&["check", "demo", "--output-format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let related: Vec<&str> = v[0]["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        related
            .iter()
            .filter(|m| m.contains("old reverse name"))
            .count(),
        3,
        "{related:?}"
    );
    let (_, code) = run(&["check", "demo", "--fix", "--unsafe-fixes"]);
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(root.join("oauth/views.py")).unwrap(),
        "def f(AccessToken, token):\n    AccessToken.objects.filter(refresh_token__isnull=True).select_related(\"refresh_token\")\n    return token.refresh_token\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("oauth/migrations/0001_initial.py")).unwrap(),
        migration
    );
}

/// An editor's buffer of `manage.py` given on stdin is what names the settings module, not the
/// file on disk.
#[test]
fn a_manage_py_buffer_on_stdin_names_the_settings_module() {
    let (out, code) = stdout(
        bin()
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo"))
            .args([
                "check",
                "--show-settings",
                "--stdin-filename",
                "manage.py",
                "-",
            ])
            .write_stdin(
                "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"demo_site.urls\")\n",
            ),
    );
    assert_eq!(code, 0);
    assert!(
        out.contains(
            "settings module: demo_site.urls (found by DJANGO_SETTINGS_MODULE in manage.py)"
        ),
        "{out}"
    );
}

/// `--settings` naming no module of the project is a one-line error, exit 2, saying where the
/// tool looked; for `--show-settings` too.
#[test]
fn settings_that_name_no_module_are_an_error() {
    for extra in [&[][..], &["--show-settings"][..]] {
        let out = bin()
            .args(["check", "fixtures/demo", "--settings", "demo_site.nope"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with(
                "error: the settings module `demo_site.nope` was not found (looked for "
            ),
            "{err}"
        );
        assert!(err.contains("demo_site/nope.py"), "{err}");
    }
}
