//! Configuration: every key, precedence (flag > file > default), errors, `--isolated`,
//! `--config`, and `--stdin-filename` equivalence.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A copy of a fixture with `config` written to `file`.
fn project(fixture: &str, file: &str, config: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join(fixture);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(fixture),
        &root,
    );
    if !file.is_empty() {
        std::fs::write(root.join(file), config).unwrap();
    }
    (dir, root)
}

/// Codes reported, in order, with the given extra arguments (run from the project root).
fn codes(root: &Path, args: &[&str]) -> (Vec<String>, i32) {
    let out = Command::cargo_bin("django-model-lint")
        .unwrap()
        .current_dir(root)
        .args(["check", ".", "--output-format", "concise"])
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let codes = text
        .lines()
        .filter(|l| !l.starts_with("note: "))
        .filter_map(|l| l.split(": ").nth(1))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .collect();
    (codes, out.status.code().unwrap())
}

#[test]
fn select_ignore_and_extend_select_with_flag_precedence() {
    let (_d, root) = project(
        "circulating_fix",
        "pyproject.toml",
        "[tool.django-model-lint]\nignore = [\"DOT004\"]\n",
    );
    assert_eq!(codes(&root, &[]).0, ["DOT003"]);
    // A flag replaces the file's list.
    assert_eq!(codes(&root, &["--ignore", "DOT003"]).0, ["DOT004"]);
    assert_eq!(codes(&root, &["--isolated"]).0, ["DOT004", "DOT003"]);
    let (_d, root) = project(
        "circulating_fix",
        "django-model-lint.toml",
        "select = [\"DOT004\"]\nextend-select = [\"DOT003\"]\n",
    );
    assert_eq!(codes(&root, &[]).0, ["DOT004", "DOT003"]);
    assert_eq!(
        codes(&root, &["--select", "DOT003", "--extend-select", "E"]).0,
        ["DOT003"]
    );
    // Without a select, extend-select adds to the defaults (it used to replace them: only
    // DML100 was reported), from the command line and from the file.
    let (_d, root) = project("circulating_fix", "django-model-lint.toml", "");
    assert_eq!(
        codes(&root, &["--extend-select", "DML100"]).0,
        ["DOT004", "DOT003"]
    );
    let (_d, root) = project(
        "circulating_fix",
        "django-model-lint.toml",
        "extend-select = [\"DML100\"]\n",
    );
    assert_eq!(codes(&root, &[]).0, ["DOT004", "DOT003"]);
}

#[test]
fn per_file_ignores_exclude_and_extend_exclude() {
    let (_d, root) = project(
        "circulating_fix",
        ".django-model-lint.toml",
        "[per-file-ignores]\n\"oauth/*.py\" = [\"DOT003\"]\n",
    );
    assert_eq!(codes(&root, &[]).0, ["DOT004"]);
    let (_d, root) = project(
        "circulating_fix",
        ".django-model-lint.toml",
        "exclude = [\"oauth\"]\n",
    );
    assert_eq!(codes(&root, &[]), (vec![], 0));
    assert_eq!(
        codes(&root, &["--exclude", "nothing"]).0,
        ["DOT004", "DOT003"]
    );
    let (_d, root) = project(
        "circulating_fix",
        ".django-model-lint.toml",
        "extend-exclude = [\"oauth\"]\n",
    );
    assert_eq!(codes(&root, &[]).0, Vec::<String>::new());
}

/// A command line of `check`, paths and at most an output format starts its walk before
/// anything else is read (`main.rs`): the configuration's exclusions still hold, and without
/// them the same line reports what the project holds.
#[test]
fn a_plain_check_line_honours_the_configurations_exclusions() {
    let plain = |root: &Path, args: &[&str]| {
        let out = Command::cargo_bin("django-model-lint")
            .unwrap()
            .current_dir(root)
            .args(args)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        (text, out.status.code().unwrap())
    };
    let (_d, root) = project(
        "circulating_fix",
        ".django-model-lint.toml",
        "exclude = [\"oauth\"]\n",
    );
    for args in [
        &["check"][..],
        &["check", "."],
        &["check", ".", "--output-format", "concise"],
        &["check", "--output-format=concise"],
    ] {
        let (text, code) = plain(&root, args);
        assert_eq!(code, 0, "{args:?}: {text}");
        assert!(!text.contains("DOT00"), "{args:?}: {text}");
    }
    let (_d, root) = project("circulating_fix", ".django-model-lint.toml", "");
    let (text, code) = plain(&root, &["check", "."]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("DOT004") && text.contains("DOT003"), "{text}");
}

#[test]
fn dot_version_settings_src_and_output_format() {
    let (_d, root) = project(
        "dot011_custom_pk",
        ".django-model-lint.toml",
        "dot-version = \"3.4.1\"\n",
    );
    assert_eq!(codes(&root, &[]).0, Vec::<String>::new());
    assert_eq!(codes(&root, &["--dot-version", "2.4.0"]).0, ["DOT011"]);
    // `settings`: point at a settings module that does not swap the models → nothing is active.
    let (_d, root) = project(
        "demo",
        ".django-model-lint.toml",
        "settings = \"plain_settings\"\n",
    );
    std::fs::write(
        root.join("plain_settings.py"),
        "INSTALLED_APPS = ['oauth2_provider', 'oauth']\n",
    )
    .unwrap();
    let (c, _) = codes(&root, &[]);
    assert!(!c.contains(&"DOT001".to_string()), "{c:?}");
    assert!(
        codes(&root, &["--settings", "demo_site.settings"])
            .0
            .contains(&"DOT001".to_string())
    );
    // `output-format` from the file, overridden by the flag.
    let (_d, root) = project(
        "demo",
        ".django-model-lint.toml",
        "output-format = \"json\"\n",
    );
    let out = Command::cargo_bin("django-model-lint")
        .unwrap()
        .current_dir(&root)
        .args(["check", "."])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .trim_start()
            .starts_with('[')
    );
    // `src`: a source root for absolute imports outside the project root's packages.
    let (_d, root) = project("demo", ".django-model-lint.toml", "src = [\"lib\"]\n");
    assert_eq!(codes(&root, &[]).0, ["DOT001"]);
}

#[test]
fn bad_configuration_exits_two_naming_file_and_key() {
    for (file, text, needle) in [
        (
            "pyproject.toml",
            "[tool.django-model-lint]\nselct = [\"DOT\"]\n",
            "selct",
        ),
        (
            ".django-model-lint.toml",
            "dot-version = \"latest\"\n",
            "dot-version",
        ),
        (
            ".django-model-lint.toml",
            "output-format = \"xml\"\n",
            "output-format",
        ),
        (".django-model-lint.toml", "ignore = [\"NOPE1\"]\n", "NOPE1"),
        (".django-model-lint.toml", "select = \"DOT\"\n", "select"),
    ] {
        let (_d, root) = project("demo", file, text);
        let out = Command::cargo_bin("django-model-lint")
            .unwrap()
            .current_dir(&root)
            .args(["check", "."])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(file) && err.contains(needle), "{err}");
        assert_eq!(
            err.trim().lines().count(),
            1,
            "one-line error expected: {err}"
        );
    }
}

#[test]
fn explicit_config_file() {
    let (_d, root) = project("circulating_fix", "", "");
    let cfg = root.join("custom.toml");
    std::fs::write(&cfg, "ignore = [\"DOT003\"]\n").unwrap();
    assert_eq!(
        codes(&root, &["--config", cfg.to_str().unwrap()]).0,
        ["DOT004"]
    );
}

#[test]
fn stdin_buffer_is_checked_in_place_of_the_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let models = root.join("oauth/models.py");
    let on_disk = Command::cargo_bin("django-model-lint")
        .unwrap()
        .args(["check", "--output-format", "json"])
        .arg(&models)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&models).unwrap();
    let via_stdin = Command::cargo_bin("django-model-lint")
        .unwrap()
        .args(["check", "--output-format", "json", "--stdin-filename"])
        .arg(&models)
        .write_stdin(text.clone())
        .output()
        .unwrap();
    assert_eq!(on_disk.stdout, via_stdin.stdout);
    assert_eq!(via_stdin.status.code(), Some(1));
    // The buffer, not the disk, decides.
    let fixed = Command::cargo_bin("django-model-lint")
        .unwrap()
        .args(["check", "--output-format", "concise", "--stdin-filename"])
        .arg(&models)
        .write_stdin(text.replace("access_refresh_token", "refresh_token"))
        .output()
        .unwrap();
    assert_eq!(
        (
            String::from_utf8_lossy(&fixed.stdout).as_ref(),
            fixed.status.code()
        ),
        ("All checks passed!\n", Some(0))
    );
}
