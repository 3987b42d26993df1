//! Never crash, never lose a line (issue 7): pathological inputs and a bounded property test.
//!
//! Every test builds its input in a temporary directory and runs the real binary on it. The one
//! property every test asserts: the run ends normally, with exit code 0, 1 or 2 — never 101 (a
//! panic), never a signal (a stack overflow aborts with SIGABRT), never a hang (each run has a
//! deadline). Where it means something, the test also checks the diagnostic: E902 (unreadable
//! file, not UTF-8), E999 (syntax error), or a DOT001 whose row and column must survive odd line
//! endings, BOMs, tabs and form feeds.
//!
//! Most adversarial files mention `oauth2_provider` in a comment: the prefilter skips files that
//! mention neither `oauth2_provider` nor `OAUTH2_PROVIDER`, so without it they would not be parsed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use proptest::prelude::*;

/// A run longer than this is a hang.
const DEADLINE: Duration = Duration::from_secs(120);

/// The mention that gets a file past the prefilter.
const MENTION: &str = "# oauth2_provider\n";

// ---------------------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------------------

struct Run {
    /// What was run, for failure messages.
    what: String,
    code: Option<i32>,
    signal: Option<i32>,
    timed_out: bool,
    stdout: String,
    stderr: String,
}

impl Run {
    fn describe(&self) -> String {
        format!(
            "{}\n  exit code: {:?}, signal: {:?}, timed out: {}\n  stdout (first 2000 bytes):\n{}\n  stderr (first 2000 bytes):\n{}",
            self.what,
            self.code,
            self.signal,
            self.timed_out,
            head(&self.stdout, 2000),
            head(&self.stderr, 2000)
        )
    }

    /// Exit 0, 1 or 2: no panic (101), no signal, no hang.
    fn assert_normal_exit(&self) -> &Self {
        assert!(
            !self.timed_out,
            "hang: no result within {DEADLINE:?}\n{}",
            self.describe()
        );
        assert!(
            matches!(self.code, Some(0..=2)),
            "abnormal exit (101 = panic; a signal such as 6 = SIGABRT after a stack overflow)\n{}",
            self.describe()
        );
        self
    }

    fn assert_code(&self, expected: i32) -> &Self {
        self.assert_normal_exit();
        assert_eq!(self.code, Some(expected), "{}", self.describe());
        self
    }

    /// `path:row:col: CODE message` lines of `--output-format concise`.
    fn concise(&self) -> Vec<Concise> {
        self.stdout.lines().filter_map(Concise::parse).collect()
    }

    fn codes(&self) -> Vec<String> {
        self.concise().into_iter().map(|c| c.code).collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Concise {
    path: String,
    row: u32,
    column: u32,
    code: String,
    message: String,
}

impl Concise {
    fn parse(line: &str) -> Option<Concise> {
        // The path may itself contain `:`; the code is the first word after `row:col: `.
        let (head, rest) = line.split_once(": ")?;
        let mut parts = head.rsplitn(3, ':');
        let column = parts.next()?.parse().ok()?;
        let row = parts.next()?.parse().ok()?;
        let path = parts.next()?.to_string();
        let (code, message) = rest.split_once(' ').unwrap_or((rest, ""));
        if !code.chars().all(|c| c.is_ascii_alphanumeric()) || code.is_empty() {
            return None;
        }
        Some(Concise {
            path,
            row,
            column,
            code: code.to_string(),
            message: message.to_string(),
        })
    }
}

fn head(s: &str, n: usize) -> &str {
    let mut end = s.len().min(n);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn command(cwd: &Path) -> Command {
    let mut c = Command::cargo_bin("django-model-lint").expect("binary built");
    c.current_dir(cwd);
    c.env_remove("NO_COLOR");
    c.env("RUST_BACKTRACE", "1");
    c.timeout(DEADLINE);
    c
}

fn run_with(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = command(cwd);
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let out = cmd.output().expect("spawn the binary");
    let elapsed = start.elapsed();
    #[cfg(unix)]
    let signal = std::os::unix::process::ExitStatusExt::signal(&out.status);
    #[cfg(not(unix))]
    let signal = None;
    Run {
        what: format!(
            "`django-model-lint {}` in {} {env:?} ({elapsed:.2?})",
            args.join(" "),
            cwd.display()
        ),
        code: out.status.code(),
        signal,
        timed_out: elapsed >= DEADLINE,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `check PATHS --output-format concise`, run from `cwd`.
fn check(cwd: &Path, paths: &[&str]) -> Run {
    let mut args = vec!["check"];
    args.extend_from_slice(paths);
    args.extend_from_slice(&["--output-format", "concise"]);
    run_with(cwd, &args, &[])
}

// ---------------------------------------------------------------------------------------------
// Building inputs
// ---------------------------------------------------------------------------------------------

/// A temporary directory and its canonical path (paths are reported relative to the cwd).
fn tempdir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical tempdir");
    (dir, root)
}

/// Writes `rel` under `root`. A top-level `models/` directory becomes a package (an
/// `__init__.py` is added), so its files are model modules, which a directory walk reads.
fn write(root: &Path, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    let init = root.join("models/__init__.py");
    if rel.starts_with("models/") && !init.exists() {
        std::fs::write(&init, "").expect("write models/__init__.py");
    }
    std::fs::write(&p, contents).expect("write");
    p
}

const MANAGE_PY: &str =
    "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"proj.settings\")\n";
const SETTINGS_PY: &str = "INSTALLED_APPS = [\"oauth2_provider\", \"app\"]\nOAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = \"app.MyAccessToken\"\nOAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = \"app.MyRefreshToken\"\nOAUTH2_PROVIDER_APPLICATION_MODEL = \"oauth2_provider.Application\"\n";

/// The DOT001 model, one line per element (joined with whatever line ending a test wants).
const MODELS_LINES: &[&str] = &[
    "from django.db import models",
    "from oauth2_provider.models import AbstractAccessToken, AbstractRefreshToken",
    "from oauth2_provider.settings import oauth2_settings",
    "",
    "",
    "class MyAccessToken(AbstractAccessToken):",
    "    pass",
    "",
    "",
    "class MyRefreshToken(AbstractRefreshToken):",
    "    access_token = models.OneToOneField(oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name=\"bad\")",
];

fn models_py(eol: &str) -> String {
    let mut s = MODELS_LINES.join(eol);
    s.push_str(eol);
    s
}

/// A project whose `app/models.py` is `models` (manage.py, settings and packages around it).
fn dot_project(root: &Path, models: impl AsRef<[u8]>) {
    write(root, "manage.py", MANAGE_PY);
    write(root, "proj/__init__.py", "");
    write(root, "proj/settings.py", SETTINGS_PY);
    write(root, "app/__init__.py", "");
    write(root, "app/models.py", models);
}

/// Where `needle` starts in `text`: 1-based row and 1-based column in characters, with `\r\n`,
/// a lone `\r` and `\n` each ending a line (as Python and ruff count). Written independently of
/// the tool's own line index.
fn expected_location(text: &str, needle: &str) -> (u32, u32) {
    let offset = text.find(needle).expect("needle in text");
    let before = &text[..offset];
    let mut row = 1;
    let mut line_start = 0;
    let bytes = before.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                i += 2;
                row += 1;
                line_start = i;
                continue;
            }
            b'\r' | b'\n' => {
                row += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    // `before` may end in the `\r` of a `\r\n` pair only if the needle starts with `\n`; it does not.
    let column = before[line_start..].chars().count() as u32 + 1;
    (row, column)
}

/// The run reports exactly one DOT001, in `app/models.py`, at `"bad"`.
fn assert_dot001_at_bad(run: &Run, models: &str) {
    run.assert_code(1);
    let (row, column) = expected_location(models, "\"bad\"");
    let dot001: Vec<_> = run
        .concise()
        .into_iter()
        .filter(|c| c.code == "DOT001")
        .collect();
    assert_eq!(dot001.len(), 1, "expected one DOT001\n{}", run.describe());
    let d = &dot001[0];
    assert_eq!(d.path, "app/models.py", "{}", run.describe());
    assert_eq!(
        (d.row, d.column),
        (row, column),
        "DOT001 must point at `\"bad\"` (expected {row}:{column})\n{}",
        run.describe()
    );
    assert!(
        !run.codes().iter().any(|c| c == "E999" || c == "E902"),
        "no syntax or IO error expected\n{}",
        run.describe()
    );
}

/// Only E999 (for `file`) may be reported, and the exit is 0 (nothing) or 1 (the E999).
fn assert_at_most_syntax_errors(run: &Run, file: &str) {
    run.assert_normal_exit();
    for c in run.concise() {
        assert!(
            c.code == "E999" && c.path == file,
            "only E999 in {file} expected, got {c:?}\n{}",
            run.describe()
        );
    }
    assert!(
        run.code != Some(2),
        "a deep file is not a usage error\n{}",
        run.describe()
    );
}

// ---------------------------------------------------------------------------------------------
// Deep nesting
// ---------------------------------------------------------------------------------------------

const DEEP: usize = 100_000;

/// The closing lines of a run over model modules of a project without a settings module: never
/// "All checks passed!", since Django's checks could not run.
const NO_SETTINGS: &str = "No issues found in what could be checked.\nNot checked:\n  - .: Django's model checks and the library contracts (no settings module was found, so INSTALLED_APPS is unknown; name it with --settings)\n";

#[test]
fn brackets_100k_deep_without_the_library_mention() {
    let (_d, root) = tempdir();
    let text = format!("x = {}{}\n", "(".repeat(DEEP), ")".repeat(DEEP));
    write(&root, "models/deep.py", &text);
    // Walked from a directory, the prefilter skips it: nothing to report, and no settings
    // module for Django's checks, which the closing line says.
    let run = check(&root, &["."]);
    run.assert_code(0);
    assert_eq!(run.stdout, NO_SETTINGS, "{}", run.describe());
    // Named on the command line, it is parsed: the nesting bound reports E999 instead of
    // overflowing the stack.
    let run = check(&root, &["models/deep.py"]);
    run.assert_code(1);
    let c = run.concise();
    assert_eq!(c.len(), 1, "{}", run.describe());
    assert_eq!(c[0].code, "E999", "{}", run.describe());
    assert_eq!(c[0].path, "models/deep.py");
    // The bound is 200: the 201st `(` is where the report points.
    assert_eq!((c[0].row, c[0].column), (1, 5 + 200), "{}", run.describe());
}

#[test]
fn brackets_100k_deep_in_a_parsed_file() {
    let (_d, root) = tempdir();
    for (name, open, close) in [("paren", "(", ")"), ("list", "[", "]"), ("dict", "{", "}")] {
        let text = format!("{MENTION}x = {}{}\n", open.repeat(DEEP), close.repeat(DEEP));
        write(&root, &format!("models/{name}.py"), &text);
    }
    // Unbalanced too: only openers.
    write(
        &root,
        "models/open.py",
        format!("{MENTION}x = {}\n", "[".repeat(DEEP)),
    );
    let run = check(&root, &["."]);
    run.assert_code(1);
    let c = run.concise();
    for name in [
        "models/dict.py",
        "models/list.py",
        "models/open.py",
        "models/paren.py",
    ] {
        let e: Vec<_> = c.iter().filter(|c| c.path == name).collect();
        assert!(
            !e.is_empty() && e.iter().all(|c| c.code == "E999"),
            "{name}: expected E999\n{}",
            run.describe()
        );
        assert!(
            e.iter().any(|c| (c.row, c.column) == (2, 5 + 200)),
            "{name}: E999 expected at 2:205\n{}",
            run.describe()
        );
    }
}

/// `x = 1 + 1 + ... + 1`: a left-leaning tree 100,000 deep, and no bracket at all.
#[test]
fn addition_chain_100k_long() {
    let (_d, root) = tempdir();
    let text = format!("{MENTION}x = {}\n", vec!["1"; DEEP].join(" + "));
    write(&root, "models/chain.py", &text);
    assert_at_most_syntax_errors(&check(&root, &["."]), "models/chain.py");
}

/// `x = ----...-1`: unary minus 100,000 deep.
#[test]
fn unary_minus_chain_100k_long() {
    let (_d, root) = tempdir();
    let text = format!("{MENTION}x = {}1\n", "-".repeat(DEEP));
    write(&root, "models/chain.py", &text);
    assert_at_most_syntax_errors(&check(&root, &["."]), "models/chain.py");
}

/// `x = a.b.b.b...`: an attribute chain 100,000 long.
#[test]
fn attribute_chain_100k_long() {
    let (_d, root) = tempdir();
    let text = format!("{MENTION}x = a{}\n", ".b".repeat(DEEP));
    write(&root, "models/chain.py", &text);
    assert_at_most_syntax_errors(&check(&root, &["."]), "models/chain.py");
}

/// More unbracketed shapes that nest 100,000 deep: calls, subscripts, `not`, `lambda`,
/// conditional expressions, `await`, `**`, comparisons. Each runs on its own so one crash does not
/// hide another; the failure lists every shape that did not end normally.
#[test]
fn other_unbracketed_chains_100k_long() {
    let shapes: Vec<(&str, String)> = vec![
        ("call", format!("x = f{}", "()".repeat(DEEP))),
        ("subscript", format!("x = f{}", "[0]".repeat(DEEP))),
        ("not", format!("x = {}1", "not ".repeat(DEEP))),
        ("lambda", format!("x = {}1", "lambda: ".repeat(DEEP))),
        (
            "conditional",
            format!("x = {}1", "1 if 1 else ".repeat(DEEP)),
        ),
        ("await", format!("x = {}1", "await ".repeat(DEEP))),
        ("power", format!("x = {}", vec!["1"; DEEP].join(" ** "))),
        ("compare", format!("x = {}", vec!["1"; DEEP].join(" < "))),
        ("bool_or", format!("x = {}", vec!["a"; DEEP].join(" or "))),
        (
            "string_concat",
            format!("x = {}", vec!["'a'"; DEEP].join(" ")),
        ),
    ];
    let mut failures = Vec::new();
    for (name, expr) in &shapes {
        let (_d, root) = tempdir();
        write(&root, "models/chain.py", format!("{MENTION}{expr}\n"));
        let run = check(&root, &["."]);
        let ok = !run.timed_out
            && matches!(run.code, Some(0 | 1))
            && run
                .concise()
                .iter()
                .all(|c| c.code == "E999" && c.path == "models/chain.py");
        if !ok {
            failures.push(format!("--- shape `{name}`:\n{}", run.describe()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} shapes did not end normally:\n{}",
        failures.len(),
        shapes.len(),
        failures.join("\n")
    );
}

/// Several deep files at once are parsed on rayon's worker threads, whose stacks are smaller than
/// the main thread's: 20,000 is enough there.
#[test]
fn addition_chains_20k_long_in_parallel_files() {
    let (_d, root) = tempdir();
    let text = format!("{MENTION}x = {}\n", vec!["1"; 20_000].join(" + "));
    for i in 0..4 {
        write(&root, &format!("models/chain{i}.py"), &text);
    }
    let run = check(&root, &["."]);
    run.assert_normal_exit();
    assert!(
        run.concise().iter().all(|c| c.code == "E999"),
        "{}",
        run.describe()
    );
}

// ---------------------------------------------------------------------------------------------
// Size
// ---------------------------------------------------------------------------------------------

/// 50 MB: comment lines (which every stage must still read, prefilter, lex and index) and the
/// DOT001 model at the very end, whose row must be right. A 50 MB file of dense model code takes
/// ~25 s and ~2.2 GB in a debug build, so the dense variant below is 5 MB.
#[test]
fn fifty_megabyte_file() {
    let (_d, root) = tempdir();
    let filler = "# oauth2_provider: a comment line that pads this module out to fifty megabytes\n";
    let n = 50 * 1024 * 1024 / filler.len() + 1;
    let mut text = String::with_capacity(n * filler.len() + 1024);
    for _ in 0..n {
        text.push_str(filler);
    }
    text.push_str(&models_py("\n"));
    assert!(text.len() >= 50 * 1024 * 1024);
    dot_project(&root, &text);
    let run = check(&root, &["."]);
    assert_dot001_at_bad(&run, &text);
}

/// 5 MB of dense model code (about 60,000 classes).
#[test]
fn five_megabytes_of_dense_model_code() {
    let (_d, root) = tempdir();
    let mut text = models_py("\n");
    let mut i = 0;
    while text.len() < 5 * 1024 * 1024 {
        text.push_str(&format!(
            "\n\nclass M{i}(models.Model):\n    name = models.CharField(max_length=10, null=True)\n"
        ));
        i += 1;
    }
    dot_project(&root, &text);
    let run = check(&root, &["."]);
    assert_dot001_at_bad(&run, &text);
}

/// 10,000 models in one file (`tokens` = concrete DOT access tokens among them, every tenth;
/// otherwise those are abstract), the last being the DOT001 model.
fn ten_thousand_models(concrete_tokens: bool) -> String {
    let mut lines: Vec<String> = MODELS_LINES[..9].iter().map(|s| s.to_string()).collect();
    for i in 0..9_998usize {
        if i % 10 == 0 {
            let meta = if concrete_tokens {
                ""
            } else {
                "\n    class Meta:\n        abstract = True\n"
            };
            lines.push(format!(
                "class Token{i}(AbstractAccessToken):\n    note = models.TextField(blank=True)\n{meta}\n"
            ));
        } else {
            lines.push(format!(
                "class Model{i}(models.Model):\n    name = models.CharField(max_length=10)\n    other = models.ForeignKey(\"app.Model{}\", on_delete=models.CASCADE, related_name=\"r{i}\")\n\n",
                i.saturating_sub(1)
            ));
        }
    }
    lines.extend(MODELS_LINES[9..].iter().map(|s| s.to_string()));
    let text = lines.join("\n") + "\n";
    assert_eq!(text.matches("\nclass ").count(), 10_000);
    text
}

#[test]
fn ten_thousand_models_in_one_file() {
    let (_d, root) = tempdir();
    let text = ten_thousand_models(false);
    dot_project(&root, &text);
    // The project keeps DOT's own IDToken (DOT017, on the settings), and `Model1` points at
    // `app.Model0`, which is not defined (every tenth class is a token): Django's E300 / E307
    // (DJF300, DJF307). Neither is what this test counts.
    let run = check(&root, &[".", "--ignore", "DOT017,DJF300,DJF307"]);
    assert_dot001_at_bad(&run, &text);
    assert_eq!(run.concise().len(), 1, "{}", run.describe());
}

/// The same with 1,000 concrete access tokens beside the active one: each keeps two of DOT's
/// reverse names the active model claims (DOT015 twice), so 2,001 findings, none lost.
#[test]
fn ten_thousand_models_with_two_thousand_findings() {
    let (_d, root) = tempdir();
    let text = ten_thousand_models(true);
    dot_project(&root, &text);
    let run = check(&root, &["."]);
    assert_dot001_at_bad(&run, &text);
    let c = run.concise();
    assert_eq!(
        c.iter().filter(|c| c.code == "DOT015").count(),
        2_000,
        "{}",
        run.describe()
    );
    for i in (0..9_998).step_by(10) {
        let (row, column) = expected_location(&text, &format!("class Token{i}("));
        let at: Vec<_> = c.iter().filter(|c| c.row == row).collect();
        assert_eq!(at.len(), 2, "Token{i}\n{}", run.describe());
        // At the class name.
        assert!(
            at.iter().all(|c| c.column == column + 6),
            "Token{i}\n{}",
            run.describe()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Bytes and encodings
// ---------------------------------------------------------------------------------------------

#[test]
fn file_of_nul_bytes() {
    let (_d, root) = tempdir();
    write(&root, "models/nul.py", vec![0u8; 64 * 1024]);
    let mut mixed = MENTION.as_bytes().to_vec();
    mixed.extend(std::iter::repeat_n(0u8, 64 * 1024));
    mixed.extend_from_slice(b"\nclass A(models.Model):\n    pass\n");
    write(&root, "models/mixed.py", &mixed);
    // Walked: nul.py does not mention the library (skipped); mixed.py does and must be reported.
    let run = check(&root, &["."]);
    run.assert_code(1);
    let c = run.concise();
    assert!(
        c.iter()
            .any(|c| c.path == "models/mixed.py" && (c.code == "E999" || c.code == "E902")),
        "NULs in a parsed file are a syntax (or IO) error\n{}",
        run.describe()
    );
    assert!(
        !c.iter().any(|c| c.path == "models/nul.py"),
        "{}",
        run.describe()
    );
    // Named explicitly, nul.py is parsed.
    let run = check(&root, &["models/nul.py"]);
    run.assert_code(1);
    assert!(
        run.concise()
            .iter()
            .all(|c| c.path == "models/nul.py" && (c.code == "E999" || c.code == "E902")),
        "{}",
        run.describe()
    );
}

#[test]
fn invalid_utf8() {
    let (_d, root) = tempdir();
    let mut bytes = MENTION.as_bytes().to_vec();
    bytes.extend_from_slice(b"x = '\xff\xfe\xc3'\n");
    write(&root, "models/latin.py", &bytes);
    // Not mentioning the library does not matter: a model module is read before the prefilter.
    write(&root, "models/other.py", b"x = '\xe9'\n");
    // A module no model module imports is never opened, so its bytes are never judged.
    write(&root, "views.py", b"x = '\xe9'\n");
    let run = check(&root, &["."]);
    run.assert_code(1);
    let c = run.concise();
    assert!(
        !c.iter().any(|c| c.path == "views.py"),
        "{}",
        run.describe()
    );
    for name in ["models/latin.py", "models/other.py"] {
        let e: Vec<_> = c.iter().filter(|c| c.path == name).collect();
        assert_eq!(e.len(), 1, "{name}\n{}", run.describe());
        assert_eq!(e[0].code, "E902", "{}", run.describe());
        assert_eq!((e[0].row, e[0].column), (1, 1), "{}", run.describe());
        assert!(e[0].message.contains("UTF-8"), "{}", run.describe());
    }
}

#[test]
fn utf16_with_bom() {
    let (_d, root) = tempdir();
    let src =
        format!("{MENTION}from django.db import models\n\nclass A(models.Model):\n    pass\n");
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in src.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
        be.extend_from_slice(&u.to_be_bytes());
    }
    write(&root, "models/le.py", &le);
    write(&root, "models/be.py", &be);
    let run = check(&root, &["."]);
    run.assert_code(1);
    let c = run.concise();
    for name in ["models/be.py", "models/le.py"] {
        let e: Vec<_> = c.iter().filter(|c| c.path == name).collect();
        assert_eq!(e.len(), 1, "{name}\n{}", run.describe());
        assert_eq!(e[0].code, "E902", "{}", run.describe());
        assert!(e[0].message.contains("UTF-16"), "{}", run.describe());
    }
}

#[test]
fn empty_file() {
    let (_d, root) = tempdir();
    write(&root, "models/empty.py", "");
    write(&root, "pkg/__init__.py", "");
    let run = check(&root, &["."]);
    run.assert_code(0);
    assert_eq!(run.stdout, NO_SETTINGS, "{}", run.describe());
    let run = check(&root, &["models/empty.py"]);
    run.assert_code(0);
    assert_eq!(run.stdout, NO_SETTINGS, "{}", run.describe());
    // An empty models.py in a project that swaps DOT models: no crash either.
    let (_d2, root2) = tempdir();
    dot_project(&root2, "");
    check(&root2, &["."]).assert_normal_exit();
}

#[test]
fn utf8_bom_before_a_real_model() {
    let (_d, root) = tempdir();
    let text = format!("\u{FEFF}{}", models_py("\n"));
    dot_project(&root, &text);
    let run = check(&root, &["."]);
    assert_dot001_at_bad(&run, &text);
    // A BOM on the settings module too.
    write(&root, "proj/settings.py", format!("\u{FEFF}{SETTINGS_PY}"));
    let run = check(&root, &["."]);
    assert_dot001_at_bad(&run, &text);
}

// ---------------------------------------------------------------------------------------------
// Line endings, tabs, form feeds
// ---------------------------------------------------------------------------------------------

#[test]
fn crlf_line_endings_keep_the_position() {
    let (_d, root) = tempdir();
    let text = models_py("\r\n");
    dot_project(&root, &text);
    write(&root, "proj/settings.py", SETTINGS_PY.replace('\n', "\r\n"));
    let run = check(&root, &["."]);
    assert_dot001_at_bad(&run, &text);
    assert_eq!(expected_location(&text, "\"bad\""), (11, 140));
}

#[test]
fn lone_cr_line_endings_keep_the_position() {
    let (_d, root) = tempdir();
    let text = models_py("\r");
    dot_project(&root, &text);
    write(&root, "proj/settings.py", SETTINGS_PY.replace('\n', "\r"));
    let run = check(&root, &["."]);
    assert_dot001_at_bad(&run, &text);
    assert_eq!(expected_location(&text, "\"bad\""), (11, 140));
}

#[test]
fn mixed_line_endings_keep_the_position() {
    let (_d, root) = tempdir();
    let eols = ["\n", "\r\n", "\r"];
    let mut text = String::new();
    for (i, line) in MODELS_LINES.iter().enumerate() {
        text.push_str(line);
        text.push_str(eols[i % 3]);
    }
    dot_project(&root, &text);
    let run = check(&root, &["."]);
    assert_dot001_at_bad(&run, &text);
}

/// Tab indentation, tabs inside the field line, form feeds at line starts (Python resets the
/// indentation count there) and non-ASCII text before the finding on its line: the column counts
/// characters, a tab being one.
#[test]
fn tabs_and_form_feeds_keep_the_position() {
    let (_d, root) = tempdir();
    let text = [
        "from django.db import models",
        "from oauth2_provider.models import AbstractAccessToken, AbstractRefreshToken",
        "from oauth2_provider.settings import oauth2_settings",
        "\x0c",
        "\x0cclass MyAccessToken(AbstractAccessToken):",
        "\tpass",
        "\x0c",
        "class MyRefreshToken(AbstractRefreshToken):",
        "\t\"\"\"Tab\tinside\x0ca docstring.\"\"\"",
        "\x0c\taccess_token\t=\tmodels.OneToOneField(\toauth2_settings.ACCESS_TOKEN_MODEL,\ton_delete=models.SET_NULL,\x0cverbose_name=\"jeton d’accès — ü\",\tnull=True,\trelated_name=\"bad\")",
        "",
    ]
    .join("\n");
    dot_project(&root, &text);
    let run = check(&root, &["."]);
    assert_dot001_at_bad(&run, &text);
    assert_eq!(expected_location(&text, "\"bad\"").0, 10);
}

// ---------------------------------------------------------------------------------------------
// The file system
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn directory_symlink_loop() {
    let (_d, root) = tempdir();
    dot_project(&root, models_py("\n"));
    // app/loop -> the project root: following it would walk forever.
    std::os::unix::fs::symlink(&root, root.join("app/loop")).unwrap();
    // Two links pointing at each other, and one pointing at itself.
    std::os::unix::fs::symlink(root.join("b"), root.join("a")).unwrap();
    std::os::unix::fs::symlink(root.join("a"), root.join("b")).unwrap();
    std::os::unix::fs::symlink(root.join("self"), root.join("self")).unwrap();
    let run = check(&root, &["."]);
    run.assert_code(1);
    let c = run.concise();
    // A loop hides no file (issue 16): it is not followed round, and is no error.
    assert!(
        !c.iter().any(|c| c.code == "E902"),
        "a loop is no E902\n{}",
        run.describe()
    );
    // The real finding is still there, once.
    let dot001: Vec<_> = c.iter().filter(|c| c.code == "DOT001").collect();
    assert_eq!(dot001.len(), 1, "{}", run.describe());
    assert_eq!(dot001[0].path, "app/models.py");
    assert_eq!((dot001[0].row, dot001[0].column), (11, 140));
    // The looping link named on the command line.
    check(&root, &["app/loop"]).assert_normal_exit();
    check(&root, &["self"]).assert_normal_exit();
}

/// chmod 000 does not stop root from reading; when the tests run as root the E902 assertions are
/// skipped (the run must still end normally).
#[cfg(unix)]
fn permissions_bite(path: &Path) -> bool {
    if path.is_dir() {
        std::fs::read_dir(path).is_err()
    } else {
        std::fs::read(path).is_err()
    }
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let (_d, root) = tempdir();
    dot_project(&root, models_py("\n"));
    let secret = write(&root, "app/secret.py", format!("{MENTION}x = 1\n"));
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    let bites = permissions_bite(&secret);
    let run = check(&root, &["."]);
    let named = check(&root, &["app/secret.py"]);
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    run.assert_code(1);
    named.assert_normal_exit();
    assert!(
        run.codes().iter().any(|c| c == "DOT001"),
        "{}",
        run.describe()
    );
    if bites {
        for r in [&run, &named] {
            assert!(
                r.concise()
                    .iter()
                    .any(|c| c.code == "E902" && c.path == "app/secret.py"),
                "an unreadable file is E902\n{}",
                r.describe()
            );
        }
    } else {
        // Running as root: the file was readable after all. Only the normal exit is checked.
        eprintln!("unreadable_file: chmod 000 does not block reads here (root); E902 not asserted");
    }
}

/// An unreadable models package directory and an unreadable directory the walk meets.
#[cfg(unix)]
#[test]
fn unreadable_directory() {
    use std::os::unix::fs::PermissionsExt;
    let (_d, root) = tempdir();
    dot_project(&root, models_py("\n"));
    write(&root, "locked/inner.py", format!("{MENTION}x = 1\n"));
    let locked = root.join("locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let bites = permissions_bite(&locked);
    let run = check(&root, &["."]);
    let named = check(&root, &["locked"]);
    // Also the app itself: its models module can no longer be found or read.
    let app = root.join("app");
    std::fs::set_permissions(&app, std::fs::Permissions::from_mode(0o000)).unwrap();
    let app_locked = check(&root, &["."]);
    std::fs::set_permissions(&app, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    run.assert_code(1);
    named.assert_normal_exit();
    app_locked.assert_normal_exit();
    assert!(
        run.codes().iter().any(|c| c == "DOT001"),
        "{}",
        run.describe()
    );
    if bites {
        for r in [&run, &named] {
            assert!(
                r.concise()
                    .iter()
                    .any(|c| c.code == "E902" && c.path.starts_with("locked")),
                "an unreadable directory is E902\n{}",
                r.describe()
            );
        }
    } else {
        // Running as root: the directory was readable after all. Only the normal exit is checked.
        eprintln!(
            "unreadable_directory: chmod 000 does not block reads here (root); E902 not asserted"
        );
    }
}

#[cfg(unix)]
#[test]
fn broken_symlink() {
    let (_d, root) = tempdir();
    dot_project(&root, models_py("\n"));
    std::os::unix::fs::symlink(root.join("app/gone.py"), root.join("app/dangling.py")).unwrap();
    std::os::unix::fs::symlink(root.join("nowhere"), root.join("dangling_dir")).unwrap();
    let run = check(&root, &["."]);
    run.assert_code(1);
    let c = run.concise();
    assert!(
        c.iter()
            .any(|c| c.code == "E902" && c.path == "app/dangling.py"),
        "a broken symlink is E902\n{}",
        run.describe()
    );
    assert!(c.iter().any(|c| c.code == "DOT001"), "{}", run.describe());
    // Named on the command line.
    let run = check(&root, &["app/dangling.py"]);
    run.assert_code(1);
    assert_eq!(run.codes(), ["E902"], "{}", run.describe());
    // A path that does not exist at all.
    let run = check(&root, &["no/such/path.py"]);
    run.assert_normal_exit();
    assert!(
        run.codes().contains(&"E902".to_string()) || run.code == Some(2),
        "{}",
        run.describe()
    );
}

/// Files and directories vanish and come back while the tool walks and reads: whichever step
/// a path disappears at (listed but gone when read, a directory gone mid-walk, a stale listing
/// answering a lookup), the run ends normally and still reports the stable part of the tree.
#[test]
fn paths_disappearing_during_the_run() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let (_d, root) = tempdir();
    dot_project(&root, models_py("\n"));
    let churn_file = |i: usize| root.join(format!("churn/models/m{i}.py"));
    let churn_dir = |j: usize| root.join(format!("churn/pkg{j}"));
    let model = format!(
        "{MENTION}from app.models import MyRefreshToken\n\n\nclass X(MyRefreshToken):\n    pass\n"
    );
    write(&root, "churn/__init__.py", "");
    write(&root, "churn/models/__init__.py", "");
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                for i in 0..40 {
                    let _ = std::fs::write(churn_file(i), &model);
                }
                for j in 0..10 {
                    let _ = std::fs::create_dir_all(churn_dir(j).join("models"));
                    let _ = std::fs::write(churn_dir(j).join("models/x.py"), &model);
                }
                for i in 0..40 {
                    let _ = std::fs::remove_file(churn_file(i));
                }
                for j in 0..10 {
                    let _ = std::fs::remove_dir_all(churn_dir(j));
                }
            }
        });
        for _ in 0..25 {
            let run = check(&root, &["."]);
            run.assert_normal_exit();
            assert!(
                run.concise()
                    .iter()
                    .any(|c| c.code == "DOT001" && c.path == "app/models.py"),
                "the stable part is still checked\n{}",
                run.describe()
            );
            // A vanished path is an E902 where it vanished, never an error elsewhere.
            assert!(
                run.concise()
                    .iter()
                    .filter(|c| c.code == "E902")
                    .all(|c| c.path.starts_with("churn/")),
                "{}",
                run.describe()
            );
        }
        stop.store(true, Ordering::Relaxed);
    });
}

// ---------------------------------------------------------------------------------------------
// Cycles
// ---------------------------------------------------------------------------------------------

/// app.models imports a base from app.a, which takes it from app.b, which takes it from app.a;
/// and the two modules import each other wholesale too.
#[test]
fn import_cycle_between_modules() {
    let (_d, root) = tempdir();
    let mut models = models_py("\n");
    models.push_str(
        "\n\nfrom app.a import Base, Other\nfrom app import a\n\n\nclass Cyclic(Base):\n    token = models.OneToOneField(oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.CASCADE, related_name=\"cyc\")\n\n\nclass Cyclic2(a.Other):\n    pass\n",
    );
    dot_project(&root, &models);
    write(
        &root,
        "app/a.py",
        "# oauth2_provider\nfrom app.b import Base\nfrom app.b import *\nfrom . import b\nOther = b.Other\n",
    );
    write(
        &root,
        "app/b.py",
        "# oauth2_provider\nfrom app.a import Base\nfrom app.a import *\nfrom . import a\nOther = a.Other\n",
    );
    let run = check(&root, &["."]);
    assert_dot001_at_bad(&run, &models);
}

/// A class whose bases lead back to itself through aliases, within a module and across modules.
#[test]
fn class_inheriting_from_itself_through_aliases() {
    let (_d, root) = tempdir();
    let mut models = models_py("\n");
    models.push_str(
        "

Alias = Loop
class Loop(Alias):
    pass


A = B
B = A
class C(A, AbstractRefreshToken):
    pass


from app.models import D as DD
class D(DD):
    pass


import app.models as me
class E(me.E):
    pass


from app.other import F
class G(F):
    pass
",
    );
    dot_project(&root, &models);
    write(
        &root,
        "app/other.py",
        "# oauth2_provider\nfrom app.models import G as F\nfrom app import models\nH = models.G\n",
    );
    let run = check(&root, &["."]);
    run.assert_normal_exit();
    let dot001: Vec<_> = run
        .concise()
        .into_iter()
        .filter(|c| c.code == "DOT001" && c.path == "app/models.py")
        .collect();
    assert!(
        dot001.iter().any(|c| (c.row, c.column) == (11, 140)),
        "the real DOT001 is still reported\n{}",
        run.describe()
    );
}

/// settings → base → local → settings, all by `from … import *`.
#[test]
fn settings_modules_star_importing_each_other() {
    let (_d, root) = tempdir();
    let models = models_py("\n");
    dot_project(&root, &models);
    write(
        &root,
        "proj/settings.py",
        "from .base import *\nfrom proj.settings import *\n",
    );
    write(
        &root,
        "proj/base.py",
        format!("from .local import *\n{SETTINGS_PY}from proj.settings import *\n"),
    );
    write(
        &root,
        "proj/local.py",
        "from proj.settings import *\nfrom .base import *\nINSTALLED_APPS += []\n",
    );
    let run = check(&root, &["."]);
    assert_dot001_at_bad(&run, &models);
}

// ---------------------------------------------------------------------------------------------
// Property: generated model files
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Base {
    Refresh,
    Access,
    Model,
    /// A class generated earlier in the file (index taken modulo how many there are).
    Previous(usize),
    Unknown,
}

#[derive(Debug, Clone)]
enum Member {
    Field {
        name: usize,
        kind: usize,
        target: Option<usize>,
        keywords: Vec<(usize, usize)>,
    },
    NoneAssign(usize),
    Method(usize),
    Meta(Option<bool>),
    Pass,
}

#[derive(Debug, Clone)]
struct Class {
    name: usize,
    bases: Vec<Base>,
    members: Vec<Member>,
}

#[derive(Debug, Clone)]
struct Layout {
    eol: usize,
    indent: usize,
}

const CLASS_NAMES: &[&str] = &[
    "MyAccessToken",
    "MyRefreshToken",
    "MyApplication",
    "MyIDToken",
    "Token",
];
const FIELD_NAMES: &[&str] = &[
    "access_token",
    "refresh_token",
    "source_refresh_token",
    "id_token",
    "user",
    "application",
    "token",
    "token_checksum",
    "id",
    "expires",
    "scope",
    "revoked",
    "créé",
];
const FIELD_KINDS: &[&str] = &[
    "ForeignKey",
    "OneToOneField",
    "CharField",
    "BooleanField",
    "DateTimeField",
    "BigAutoField",
    "UUIDField",
    "TextField",
];
const TARGETS: &[&str] = &[
    "oauth2_settings.ACCESS_TOKEN_MODEL",
    "oauth2_settings.REFRESH_TOKEN_MODEL",
    "oauth2_settings.APPLICATION_MODEL",
    "oauth2_settings.ID_TOKEN_MODEL",
    "settings.AUTH_USER_MODEL",
    "\"app.MyAccessToken\"",
    "\"self\"",
    "MyRefreshToken",
];
const KEYWORDS: &[&str] = &["related_name", "on_delete", "null", "to"];
const RELATED_NAMES: &[&str] = &[
    "\"bad\"",
    "\"refresh_token\"",
    "\"access_token\"",
    "\"+\"",
    "\"%(app_label)s_%(class)s\"",
    "None",
    "\"jeton_é\"",
];
const ON_DELETE: &[&str] = &[
    "models.CASCADE",
    "models.SET_NULL",
    "models.PROTECT",
    "models.DO_NOTHING",
];
const EOLS: &[&str] = &["\n", "\r\n", "\r"];
const INDENTS: &[&str] = &["    ", "\t", "  "];

fn base_strategy() -> impl Strategy<Value = Base> {
    prop_oneof![
        Just(Base::Refresh),
        Just(Base::Access),
        Just(Base::Model),
        (0usize..8).prop_map(Base::Previous),
        Just(Base::Unknown),
    ]
}

fn member_strategy() -> impl Strategy<Value = Member> {
    prop_oneof![
        4 => (
            0..FIELD_NAMES.len(),
            0..FIELD_KINDS.len(),
            proptest::option::of(0..TARGETS.len()),
            proptest::collection::vec((0..KEYWORDS.len(), 0usize..8), 0..4),
        )
            .prop_map(|(name, kind, target, keywords)| Member::Field {
                name,
                kind,
                target,
                keywords
            }),
        1 => (0..FIELD_NAMES.len()).prop_map(Member::NoneAssign),
        1 => (0..FIELD_NAMES.len()).prop_map(Member::Method),
        1 => proptest::option::of(any::<bool>()).prop_map(Member::Meta),
        1 => Just(Member::Pass),
    ]
}

fn class_strategy() -> impl Strategy<Value = Class> {
    (
        0usize..10,
        proptest::collection::vec(base_strategy(), 0..3),
        proptest::collection::vec(member_strategy(), 0..5),
    )
        .prop_map(|(name, bases, members)| Class {
            name,
            bases,
            members,
        })
}

/// Renders class number `i`. With `anchor`, classes 0 and 1 are the active models the settings
/// name (MyAccessToken and MyRefreshToken, deriving first from the matching DOT base), so the
/// rules about active models have something to check.
fn render_class(out: &mut Vec<String>, i: usize, class: &Class, ind: &str, anchor: bool) {
    // Names below CLASS_NAMES.len() pick a well-known (possibly repeated) name.
    let name = match (anchor, i) {
        (true, 0 | 1) => CLASS_NAMES[i].to_string(),
        _ => CLASS_NAMES
            .get(class.name)
            .map_or_else(|| format!("C{i}"), |s| s.to_string()),
    };
    let anchor_base = match (anchor, i) {
        (true, 0) => Some("AbstractAccessToken".to_string()),
        (true, 1) => Some("AbstractRefreshToken".to_string()),
        _ => None,
    };
    let bases: Vec<String> = anchor_base
        .into_iter()
        .chain(class.bases.iter().map(|b| match b {
            Base::Refresh => "AbstractRefreshToken".to_string(),
            Base::Access => "AbstractAccessToken".to_string(),
            Base::Model => "models.Model".to_string(),
            Base::Previous(k) if i > 0 => format!("C{}", k % i),
            Base::Previous(_) | Base::Unknown => "UnknownBase".to_string(),
        }))
        .collect();
    if bases.is_empty() {
        out.push(format!("class {name}:"));
    } else {
        out.push(format!("class {name}({}):", bases.join(", ")));
    }
    if class.members.is_empty() {
        out.push(format!("{ind}pass"));
    }
    for m in &class.members {
        match m {
            Member::Field {
                name,
                kind,
                target,
                keywords,
            } => {
                let mut args: Vec<String> =
                    target.iter().map(|t| TARGETS[*t].to_string()).collect();
                for (k, v) in keywords {
                    let value = match KEYWORDS[*k] {
                        "related_name" => RELATED_NAMES[v % RELATED_NAMES.len()].to_string(),
                        "on_delete" => ON_DELETE[v % ON_DELETE.len()].to_string(),
                        "null" => if v % 2 == 0 { "True" } else { "False" }.to_string(),
                        _ => TARGETS[v % TARGETS.len()].to_string(),
                    };
                    args.push(format!("{}={value}", KEYWORDS[*k]));
                }
                out.push(format!(
                    "{ind}{} = models.{}({})",
                    FIELD_NAMES[*name],
                    FIELD_KINDS[*kind],
                    args.join(", ")
                ));
            }
            Member::NoneAssign(n) => out.push(format!("{ind}{} = None", FIELD_NAMES[*n])),
            Member::Method(n) => {
                out.push(format!("{ind}@property"));
                out.push(format!("{ind}def {}(self):", FIELD_NAMES[*n]));
                out.push(format!("{ind}{ind}return self.pk"));
            }
            Member::Meta(abs) => {
                out.push(format!("{ind}class Meta:"));
                match abs {
                    Some(b) => out.push(format!(
                        "{ind}{ind}abstract = {}",
                        if *b { "True" } else { "False" }
                    )),
                    None => out.push(format!("{ind}{ind}ordering = [\"-id\"]")),
                }
            }
            Member::Pass => out.push(format!("{ind}pass")),
        }
    }
    out.push(String::new());
}

fn render_module(classes: &[Class], layout: &Layout, extra_import: bool, anchor: bool) -> String {
    let ind = INDENTS[layout.indent];
    let eol = EOLS[layout.eol];
    let mut out: Vec<String> = vec![
        "from django.conf import settings".into(),
        "from django.db import models".into(),
        "from oauth2_provider.models import AbstractAccessToken, AbstractRefreshToken".into(),
        "from oauth2_provider.settings import oauth2_settings".into(),
    ];
    if extra_import {
        out.push("from app.extra import *".into());
    }
    out.push(String::new());
    for (i, c) in classes.iter().enumerate() {
        render_class(&mut out, i, c, ind, anchor);
    }
    out.join(eol) + eol
}

/// Rows and columns of every location in the JSON output lie inside the file they name.
fn check_locations(json: &str) -> Result<(), String> {
    let v: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("bad JSON ({e}):\n{json}"))?;
    let mut cache: std::collections::HashMap<String, Vec<usize>> = Default::default();
    let mut check = |file: &str, loc: &serde_json::Value, what: &str| -> Result<(), String> {
        let row = loc["row"].as_u64().ok_or(format!("{what}: no row"))? as usize;
        let col = loc["column"].as_u64().ok_or(format!("{what}: no column"))? as usize;
        let lines = cache.entry(file.to_string()).or_insert_with(|| {
            // Characters per line, with \r\n, \r and \n ending lines; a final empty line after a
            // trailing line ending (where an end-of-file location may point).
            let text = std::fs::read(file)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            let mut lens = Vec::new();
            let mut cur = 0usize;
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\r' => {
                        if chars.peek() == Some(&'\n') {
                            chars.next();
                        }
                        lens.push(cur);
                        cur = 0;
                    }
                    '\n' => {
                        lens.push(cur);
                        cur = 0;
                    }
                    _ => cur += 1,
                }
            }
            lens.push(cur);
            lens
        });
        if row < 1 || row > lines.len() {
            return Err(format!(
                "{what}: row {row} outside {file} ({} lines)",
                lines.len()
            ));
        }
        if col < 1 || col > lines[row - 1] + 1 {
            return Err(format!(
                "{what}: column {col} outside line {row} of {file} ({} chars)",
                lines[row - 1]
            ));
        }
        Ok(())
    };
    for d in v.as_array().ok_or("JSON output is not an array")? {
        let file = d["filename"].as_str().ok_or("no filename")?;
        let code = d["code"].as_str().unwrap_or("?");
        check(file, &d["location"], &format!("{code} location"))?;
        check(file, &d["end_location"], &format!("{code} end_location"))?;
        let (start, end) = (&d["location"], &d["end_location"]);
        if (start["row"].as_u64(), start["column"].as_u64())
            > (end["row"].as_u64(), end["column"].as_u64())
        {
            return Err(format!("{code}: location after end_location"));
        }
        if let Some(edits) = d["fix"]["edits"].as_array() {
            for e in edits {
                check(file, &e["location"], &format!("{code} fix edit location"))?;
                check(
                    file,
                    &e["end_location"],
                    &format!("{code} fix edit end_location"),
                )?;
            }
        }
        if let Some(related) = d["related"].as_array() {
            for r in related {
                let rf = r["filename"].as_str().ok_or("related without filename")?;
                check(rf, &r["location"], &format!("{code} related location"))?;
                check(
                    rf,
                    &r["end_location"],
                    &format!("{code} related end_location"),
                )?;
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        // Every case spawns the binary four times; shrinking a failure must stay bounded too.
        max_shrink_iters: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_model_files_never_crash_and_report_stable_in_file_positions(
        models in proptest::collection::vec(class_strategy(), 1..8),
        extra in proptest::collection::vec(class_strategy(), 0..4),
        layout in (0..EOLS.len(), 0..INDENTS.len()).prop_map(|(eol, indent)| Layout { eol, indent }),
        anchor in proptest::bool::weighted(0.75),
    ) {
        let (_d, root) = tempdir();
        let models_text = render_module(&models, &layout, !extra.is_empty(), anchor);
        dot_project(&root, &models_text);
        if !extra.is_empty() {
            write(&root, "app/extra.py", render_module(&extra, &layout, false, false));
        }
        let args = ["check", ".", "--output-format", "json"];
        let first = run_with(&root, &args, &[]);
        prop_assert!(
            !first.timed_out && matches!(first.code, Some(0 | 1)),
            "abnormal exit on\n--- app/models.py:\n{}\n{}", models_text, first.describe()
        );
        if let Err(e) = check_locations(&first.stdout) {
            prop_assert!(false, "{e}\n--- app/models.py:\n{models_text:?}\n{}", first.describe());
        }
        let second = run_with(&root, &args, &[]);
        let one = run_with(&root, &args, &[("RAYON_NUM_THREADS", "1")]);
        let two = run_with(&root, &args, &[("RAYON_NUM_THREADS", "2")]);
        for (label, other) in [("second run", &second), ("RAYON_NUM_THREADS=1", &one), ("RAYON_NUM_THREADS=2", &two)] {
            prop_assert_eq!(
                (&first.stdout, first.code),
                (&other.stdout, other.code),
                "{} differs from the first run on\n{}", label, models_text
            );
        }
    }
}
