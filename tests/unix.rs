//! A good Unix citizen (issue 16): the binary in a pipeline whose reader goes away, `--exit-zero`
//! with `--diff` / `--fix`, symbolic links, paths that vanish between the walk and the read, and
//! rule URLs that lead somewhere.
//!
//! Every run here is the real binary. "Closed" runs give it a stdout pipe whose reader is gone
//! before it writes a byte, so every write meets a closed pipe whatever the output's size;
//! "read once" runs read one chunk of a large output and then drop the pipe, so the binary is cut
//! off mid-stream. Either way: no panic, nothing on stderr, and the exit code an ordinary run has.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_django-model-lint"));
    c.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null());
    c
}

/// A copy of `fixtures/<fixture>` in a fresh temporary directory, to be fixed or modified.
fn copy_fixture(fixture: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    let status = Command::new("cp")
        .args(["-r", &format!("{ROOT}/fixtures/{fixture}")])
        .arg(&root)
        .status()
        .unwrap();
    assert!(status.success());
    (dir, root)
}

/// `cmd` run with its stdout a pipe whose reading end is closed before it starts.
fn closed(mut cmd: Command) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    cmd.stdout(writer).stderr(Stdio::piped()).output().unwrap()
}

/// `cmd` run with its stdout a pipe read once (one chunk) and then dropped; returns what was
/// read too.
fn read_once(mut cmd: Command) -> (Output, Vec<u8>) {
    let (mut reader, writer) = std::io::pipe().unwrap();
    let child = cmd.stdout(writer).stderr(Stdio::piped()).spawn().unwrap();
    // The command holds the parent's copy of the writing end: without dropping it, the read
    // below would wait forever for a binary that wrote nothing.
    drop(cmd);
    let mut chunk = vec![0; 4096];
    let n = reader.read(&mut chunk).unwrap();
    chunk.truncate(n);
    drop(reader);
    (child.wait_with_output().unwrap(), chunk)
}

/// The run ended by itself, with `code`, and said nothing on stderr (no panic, no backtrace, no
/// "Broken pipe").
fn assert_quiet(out: &Output, code: i32, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{what}: exit code (status {:?})\nstderr:\n{stderr}",
        out.status
    );
    assert!(
        stderr.is_empty(),
        "{what}: stderr should be empty\n{stderr}"
    );
}

/// Every command that writes to stdout ends quietly on a closed pipe, with the exit code of an
/// ordinary run. Commands that write files get a fresh copy of the project for each run.
#[test]
fn every_output_ends_quietly_on_a_closed_pipe() {
    let demo = &["check", "fixtures/demo"][..];
    let mut cases: Vec<(Vec<&str>, Option<&str>)> = vec![
        (vec!["rule", "--all"], None),
        (vec!["rule", "DOT001"], None),
        (vec!["rule", "DML100"], None),
        (vec!["--help"], None),
        (vec!["check", "--help"], None),
        (vec!["--version"], None),
        ([demo, &["--show-settings"]].concat(), None),
        ([demo, &["--statistics"]].concat(), None),
        (
            [demo, &["--statistics", "--output-format", "json"]].concat(),
            None,
        ),
        ([demo, &["--statistics", "--exit-zero"]].concat(), None),
        ([demo, &["--diff", "--unsafe-fixes"]].concat(), None),
        (
            [demo, &["--diff", "--unsafe-fixes", "--exit-zero"]].concat(),
            None,
        ),
        ([demo, &["--diff"]].concat(), None),
        (vec!["check", "fixtures/ok_redeclared_exactly"], None),
        (
            vec!["check", "--fix", "--unsafe-fixes", "--show-fixes", "p"],
            Some("demo"),
        ),
        (vec!["check", "--fix", "p"], Some("demo")),
        (vec!["check", "--fix", "--exit-zero", "p"], Some("demo")),
        (vec!["check", "--add-noqa", "p"], Some("demo")),
    ];
    for format in [
        "full",
        "concise",
        "json",
        "json-lines",
        "github",
        "gitlab",
        "junit",
        "sarif",
    ] {
        cases.push(([demo, &["--output-format", format]].concat(), None));
        cases.push((
            [demo, &["--output-format", format, "--exit-zero"]].concat(),
            None,
        ));
    }
    // Where a case runs: the repository, or a fresh copy of a fixture (as `p`) to write into.
    let workdir = |fixture: Option<&str>| match fixture {
        Some(f) => {
            let (guard, root) = copy_fixture(f);
            let dir = root.parent().unwrap().to_path_buf();
            (Some(guard), dir)
        }
        None => (None, PathBuf::from(ROOT)),
    };
    for (args, fixture) in &cases {
        let what = args.join(" ");
        let (_guard, dir) = workdir(*fixture);
        let ordinary = bin(&dir).args(args).output().unwrap();
        assert!(
            !ordinary.stdout.is_empty(),
            "{what}: an ordinary run writes to stdout"
        );
        let expected = ordinary.status.code().expect("an exit code");
        let (_guard, dir) = workdir(*fixture);
        let mut cmd = bin(&dir);
        cmd.args(args);
        assert_quiet(&closed(cmd), expected, &what);
    }
}

/// An editor's buffer on stdin, and the reader gone: the same.
#[test]
fn stdin_buffer_with_a_closed_pipe() {
    let text = std::fs::read_to_string(format!("{ROOT}/fixtures/demo/oauth/models.py")).unwrap();
    let run = |stdout: Stdio| {
        let mut child = bin(Path::new(ROOT))
            .args([
                "check",
                "--output-format",
                "concise",
                "--stdin-filename",
                "fixtures/demo/oauth/models.py",
            ])
            .stdin(Stdio::piped())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), text.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    assert_quiet(&run(Stdio::from(writer)), 1, "--stdin-filename");
    assert_eq!(run(Stdio::piped()).status.code(), Some(1));
}

/// Standard output closed altogether by the caller (no descriptor, not a closed pipe): `--fix`
/// leaves the same files as an ordinary `--fix`, with the same exit code, and says nothing on
/// stderr. (The binary opens `/dev/null` there first, as the standard library's entry would, so
/// that no file the run opens takes the number; the run writes its report after closing every
/// file, so this test would pass without that too: it guards the closed stream's handling.)
#[cfg(unix)]
#[test]
fn fixes_with_stdout_closed_write_only_the_fixes() {
    let (_ordinary_dir, ordinary_root) = copy_fixture("demo");
    let ordinary = bin(ordinary_root.parent().unwrap())
        .args(["check", "--fix", "--unsafe-fixes", "p"])
        .output()
        .unwrap();
    let (_closed_dir, closed_root) = copy_fixture("demo");
    let out = Command::new("sh")
        .args(["-c", "exec 1>&-; exec \"$0\" check --fix --unsafe-fixes p"])
        .arg(env!("CARGO_BIN_EXE_django-model-lint"))
        .current_dir(closed_root.parent().unwrap())
        .env_remove("RUST_BACKTRACE")
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_quiet(
        &out,
        ordinary.status.code().unwrap(),
        "--fix, stdout closed",
    );
    let files = |root: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut all = Vec::new();
        let mut dirs = vec![root.to_path_buf()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let text = std::fs::read(&path).unwrap();
                    all.push((path.strip_prefix(root).unwrap().to_path_buf(), text));
                }
            }
        }
        all.sort();
        all
    };
    let fixed = files(&ordinary_root);
    assert!(
        fixed.len() > 3,
        "the demo project has files: {}",
        fixed.len()
    );
    assert_ne!(
        files(&Path::new(ROOT).join("fixtures/demo")),
        fixed,
        "the ordinary run fixed something"
    );
    assert_eq!(files(&closed_root), fixed);
}

/// Outputs larger than a pipe's buffer, cut off after their first chunk.
#[test]
fn large_outputs_cut_off_mid_stream() {
    for format in ["full", "json", "sarif", "json-lines"] {
        let mut cmd = bin(Path::new(ROOT));
        cmd.args(["check", "fixtures", "--output-format", format]);
        let (out, chunk) = read_once(cmd);
        assert!(!chunk.is_empty(), "{format}: something was read");
        assert_quiet(&out, 1, format);
    }
    let mut cmd = bin(Path::new(ROOT));
    cmd.args([
        "check",
        "fixtures",
        "--output-format",
        "json",
        "--exit-zero",
    ]);
    assert_quiet(&read_once(cmd).0, 0, "json --exit-zero");
}

/// A stdout that fails for another reason than a closed pipe is an error (exit 2), said once.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_an_error_not_a_panic() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = bin(Path::new(ROOT))
        .args(["check", "fixtures/demo"])
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot write to stdout:") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

/// `--exit-zero` holds for `--diff` and `--fix` as in ruff: 0 whatever remains or would be
/// fixed (without it: `--diff` exits 1 when there is something to fix, `--fix` when something
/// remains).
#[test]
fn exit_zero_with_diff_and_fix() {
    let (_d, root) = copy_fixture("demo");
    let dir = root.parent().unwrap();
    let code = |args: &[&str]| {
        let out = bin(dir).args(args).output().unwrap();
        assert!(String::from_utf8_lossy(&out.stderr).is_empty());
        out.status.code()
    };
    assert_eq!(code(&["check", "p", "--diff", "--unsafe-fixes"]), Some(1));
    assert_eq!(
        code(&["check", "p", "--diff", "--unsafe-fixes", "--exit-zero"]),
        Some(0)
    );
    // DOT001's fix is unsafe: --fix alone leaves it, and says so.
    assert_eq!(code(&["check", "p", "--fix"]), Some(1));
    assert_eq!(code(&["check", "p", "--fix", "--exit-zero"]), Some(0));
    // With the reader gone, too.
    let mut cmd = bin(dir);
    cmd.args(["check", "p", "--diff", "--unsafe-fixes", "--exit-zero"]);
    assert_quiet(&closed(cmd), 0, "--diff --exit-zero, closed pipe");
    let mut cmd = bin(dir);
    cmd.args(["check", "p", "--fix", "--unsafe-fixes", "--exit-zero"]);
    assert_quiet(&closed(cmd), 0, "--fix --exit-zero, closed pipe");
    assert_eq!(code(&["check", "p"]), Some(0), "everything was fixed");
}

/// The concise lines of a run: (path, code).
fn concise(dir: &Path, args: &[&str]) -> (Vec<(String, String)>, Option<i32>) {
    let out = bin(dir)
        .args(["check", "--output-format", "concise"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{args:?}: {stderr}");
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let mut parts = l.splitn(4, ':');
            let path = parts.next()?;
            let (_, _, rest) = (parts.next()?, parts.next()?, parts.next()?);
            let code = rest.split_whitespace().next()?;
            Some((path.to_string(), code.to_string()))
        })
        .collect();
    (lines, out.status.code())
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// `oauth/loop` points at the project root. The loop is not followed round and is no error;
/// the model is reported once, under the path the user gave.
#[cfg(unix)]
#[test]
fn a_symlink_loop_is_no_error_and_reports_once() {
    let (_d, root) = copy_fixture("demo");
    std::os::unix::fs::symlink(&root, root.join("oauth/loop")).unwrap();
    let dot001 = |path: &str| pairs(&[(path, "DOT001")]);
    for (args, path) in [
        (&["."][..], "oauth/models.py"),
        (&["oauth"], "oauth/models.py"),
        (&["oauth/loop"], "oauth/loop/oauth/models.py"),
        (&[".", "oauth/loop"], "oauth/models.py"),
        (&["oauth/loop", "."], "oauth/loop/oauth/models.py"),
        (
            &["oauth/models.py", "oauth/loop/oauth/models.py"],
            "oauth/models.py",
        ),
    ] {
        let (lines, code) = concise(&root, args);
        assert_eq!(lines, dot001(path), "check {args:?}");
        assert_eq!(code, Some(1), "check {args:?}");
    }
    // A link to a sibling: its files are the same files, checked once.
    std::os::unix::fs::symlink(root.join("oauth"), root.join("alias")).unwrap();
    let (lines, _) = concise(&root, &["."]);
    assert_eq!(lines, dot001("oauth/models.py"));
    // Links leading round to themselves hide nothing, unless they stand for a Python file.
    std::os::unix::fs::symlink(root.join("c1"), root.join("c2")).unwrap();
    std::os::unix::fs::symlink(root.join("c2"), root.join("c1")).unwrap();
    std::os::unix::fs::symlink(root.join("self"), root.join("self")).unwrap();
    let (lines, _) = concise(&root, &["."]);
    assert_eq!(lines, dot001("oauth/models.py"));
    std::os::unix::fs::symlink(root.join("oauth/x.py"), root.join("oauth/x.py")).unwrap();
    let (lines, _) = concise(&root, &["."]);
    assert_eq!(
        lines,
        pairs(&[("oauth/models.py", "DOT001"), ("oauth/x.py", "E902")])
    );
}

/// A file and a directory vanish between the walk and the read (the debug build pauses there
/// when asked): each read that fails is an E902 for that file, and the run goes on.
#[cfg(debug_assertions)]
#[test]
fn paths_removed_between_walk_and_read_are_e902() {
    let (_d, root) = copy_fixture("demo");
    let flag = root.parent().unwrap().join("walked");
    let mut child = bin(&root)
        .args(["check", "--output-format", "concise", "."])
        .env("DJANGO_MODEL_LINT_TEST_AFTER_WALK", &flag)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !flag.exists() {
        assert!(
            std::time::Instant::now() < deadline && child.try_wait().unwrap().is_none(),
            "the binary never paused after its walk"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    std::fs::remove_file(root.join("billing/models.py")).unwrap();
    std::fs::remove_dir_all(root.join("accounts")).unwrap();
    std::fs::remove_file(&flag).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert_quiet(&out, 1, "vanished paths");
    let lines: Vec<(&str, &str)> = stdout
        .lines()
        .filter_map(|l| {
            let (path, rest) = l.split_once(':')?;
            Some((path, rest.split_whitespace().nth(1)?))
        })
        .collect();
    assert!(lines.contains(&("billing/models.py", "E902")), "{stdout}");
    assert!(lines.contains(&("accounts/models.py", "E902")), "{stdout}");
    assert!(lines.contains(&("oauth/models.py", "DOT001")), "{stdout}");
    assert!(
        lines
            .iter()
            .all(|(p, c)| *c != "E902" || p.starts_with("billing/") || p.starts_with("accounts/")),
        "{stdout}"
    );
}

/// Every `url` in JSON and `helpUri` in SARIF is the repository's copy of the rule's
/// documentation: below the `repository` of Cargo.toml, naming a file in `rules/` that holds
/// what `rule CODE` prints. The run covers a DOT rule, the tool's own DML100, E999 and E902.
/// (`--select ALL,DML100`: `--extend-select DML100` alone currently drops the default rules.)
#[cfg(unix)]
#[test]
fn rule_urls_lead_to_the_documentation_files() {
    let (_d, root) = copy_fixture("demo");
    let models = root.join("oauth/models.py");
    let text = std::fs::read_to_string(&models).unwrap();
    std::fs::write(&models, format!("import os  # noqa: DOT003\n{text}")).unwrap();
    let billing = root.join("billing/models.py");
    let text = std::fs::read_to_string(&billing).unwrap();
    std::fs::write(&billing, format!("{text}\n# oauth2_provider\ndef f(:\n")).unwrap();
    std::os::unix::fs::symlink(root.join("oauth/gone.py"), root.join("oauth/dangling.py")).unwrap();
    let base = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/");
    let check = |url: &str, code: &str| {
        let path = url
            .strip_prefix(base)
            .unwrap_or_else(|| panic!("{code}: {url} is not below {base}"));
        let doc = std::fs::read_to_string(Path::new(ROOT).join(path))
            .unwrap_or_else(|e| panic!("{code}: {url}: {path}: {e}"));
        let printed = bin(Path::new(ROOT)).args(["rule", code]).output().unwrap();
        assert_eq!(doc.as_bytes(), printed.stdout, "{code}: {url}");
    };
    let run = |format: &str| {
        let out = bin(&root)
            .args([
                "check",
                ".",
                "--select",
                "ALL,DML100",
                "--output-format",
                format,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let json = run("json");
    let mut codes: Vec<&str> = Vec::new();
    for d in json.as_array().unwrap() {
        let code = d["code"].as_str().unwrap();
        check(d["url"].as_str().unwrap(), code);
        codes.push(code);
    }
    codes.sort();
    codes.dedup();
    for code in ["DML100", "DOT001", "E902", "E999"] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    let sarif = run("sarif");
    for rule in sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
    {
        check(
            rule["helpUri"].as_str().unwrap(),
            rule["id"].as_str().unwrap(),
        );
    }
}
