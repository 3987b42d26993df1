//! The harness shared by the fuzz targets (`fuzz_targets/*.rs`) and by the regression tests in
//! `tests/fuzz_regressions.rs`, which include this file with `#[path]`: a finding replays through
//! exactly the code that found it. Only `std`, `django_model_lint` and its own dependencies (the
//! Ruff parser crates, pinned to the same versions) may be used here.
//!
//! An input is one byte string. It becomes a small project on disk:
//!
//! ```text
//! manage.py  proj/__init__.py  proj/settings.py  app/__init__.py  app/models.py  [app/base.py]
//! ```
//!
//! `app/models.py` is the input up to the first [`SETTINGS_MARKER`] or [`BASE_MARKER`]. A segment
//! after [`SETTINGS_MARKER`] replaces the default `proj/settings.py`; a segment after
//! [`BASE_MARKER`] becomes `app/base.py` (a module the models can import bases from). Inputs whose
//! length is a multiple of 3 are written as raw bytes (invalid UTF-8 stays invalid); the others
//! are decoded lossily first.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use django_model_lint::diagnostic::{Applicability, Diagnostic, Edit, SourceFile};
use django_model_lint::syntax::Span;
use django_model_lint::{CheckResult, Options, check_paths, config, fix, report, syntax};

pub const MANAGE_PY: &str =
    "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"proj.settings\")\n";
pub const DEFAULT_SETTINGS: &str = "INSTALLED_APPS = [\"oauth2_provider\", \"app\"]\n\
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = \"app.MyAccessToken\"\n\
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = \"app.MyRefreshToken\"\n";

/// Starts the segment that becomes `proj/settings.py`.
pub const SETTINGS_MARKER: &[u8] = b"\n#@settings\n";
/// Starts the segment that becomes `app/base.py`.
pub const BASE_MARKER: &[u8] = b"\n#@base\n";

/// The files an input stands for (bytes as written to disk).
#[derive(Debug, Clone)]
pub struct Inputs {
    pub models: Vec<u8>,
    pub settings: Option<Vec<u8>>,
    pub base: Option<Vec<u8>>,
    pub raw: bool,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

impl Inputs {
    pub fn split(data: &[u8]) -> Inputs {
        let raw = data.len().is_multiple_of(3);
        let encode = |b: &[u8]| -> Vec<u8> {
            if raw {
                b.to_vec()
            } else {
                String::from_utf8_lossy(b).into_owned().into_bytes()
            }
        };
        // Markers split the input in the order they appear; each names the segment after it.
        let mut cuts: Vec<(usize, usize, u8)> = Vec::new();
        for (marker, tag) in [(SETTINGS_MARKER, b's'), (BASE_MARKER, b'b')] {
            if let Some(at) = find(data, marker) {
                cuts.push((at, at + marker.len(), tag));
            }
        }
        cuts.sort();
        // Drop a marker that lies inside another's text (overlapping cuts).
        let mut kept: Vec<(usize, usize, u8)> = Vec::new();
        for c in cuts {
            if kept.last().is_none_or(|k| c.0 >= k.1) {
                kept.push(c);
            }
        }
        let models_end = kept.first().map_or(data.len(), |c| c.0);
        let mut inputs = Inputs {
            models: encode(&data[..models_end]),
            settings: None,
            base: None,
            raw,
        };
        for (i, &(_, start, tag)) in kept.iter().enumerate() {
            let end = kept.get(i + 1).map_or(data.len(), |n| n.0);
            let seg = encode(&data[start..end]);
            match tag {
                b's' => inputs.settings = Some(seg),
                _ => inputs.base = Some(seg),
            }
        }
        inputs
    }

    /// The segments as text, when all of them are valid UTF-8.
    pub fn texts(&self) -> Option<Vec<String>> {
        let mut out = vec![String::from_utf8(self.models.clone()).ok()?];
        for seg in [&self.settings, &self.base].into_iter().flatten() {
            out.push(String::from_utf8(seg.clone()).ok()?);
        }
        Some(out)
    }
}

/// Runs one input of a target. With `DML_FUZZ_IGNORE=pattern,pattern` in the environment, a
/// panic whose location or message contains a pattern (a known, reported bug, e.g.
/// `src/syntax.rs:630`) counts as an uninteresting input instead of a crash, so a bounded run
/// explores past it. Without the variable this is just `f()`.
pub fn run_target(f: impl FnOnce()) {
    use std::sync::OnceLock;
    static PATTERNS: OnceLock<Vec<String>> = OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| {
        std::env::var("DML_FUZZ_IGNORE")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(String::from)
            .collect()
    });
    if patterns.is_empty() {
        f();
        return;
    }
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        // libFuzzer's hook (installed before the first input) prints and aborts: keep it for
        // every panic that is not known.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let text = format!(
                "{} {}",
                info.location().map(|l| l.to_string()).unwrap_or_default(),
                info.payload_as_str().unwrap_or_default()
            );
            if !patterns.iter().any(|p| text.contains(p.as_str())) {
                previous(info);
            }
        }));
    });
    // Only known panics get here as `Err` (the others aborted in the hook).
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
}

/// One scratch directory per process, on tmpfs when there is one. Directories left by earlier
/// processes that are gone (libFuzzer exits without running destructors) are removed first.
pub fn process_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let parent = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        if let Ok(entries) = std::fs::read_dir(&parent) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if let Some(pid) = name.strip_prefix("dml-fuzz-")
                    && pid.parse::<u32>().is_ok()
                    && !Path::new("/proc").join(pid).exists()
                {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let dir = parent.join(format!("dml-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("cannot create the scratch directory");
        dir
    })
}

/// Writes the project for `inputs` under `dir` (every file, every time: a fixer run may have
/// changed any of them).
pub fn write_project(dir: &Path, inputs: &Inputs) {
    let w = |rel: &str, bytes: &[u8]| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("cannot write {}: {e}", p.display()));
    };
    w("manage.py", MANAGE_PY.as_bytes());
    w("proj/__init__.py", b"");
    w(
        "proj/settings.py",
        inputs
            .settings
            .as_deref()
            .unwrap_or(DEFAULT_SETTINGS.as_bytes()),
    );
    w("app/__init__.py", b"");
    w("app/models.py", &inputs.models);
    match &inputs.base {
        Some(b) => w("app/base.py", b),
        None => {
            let _ = std::fs::remove_file(dir.join("app/base.py"));
        }
    }
}

/// Every code on, including the ones that are off by default.
pub fn options() -> Options {
    Options {
        selection: config::Selection {
            select: vec!["ALL".into(), "DML".into(), "DOT".into()],
            ignore: Vec::new(),
        },
        ..Options::default()
    }
}

pub fn check(dir: &Path) -> CheckResult {
    check_paths(&[dir.to_path_buf()], &options()).expect("check_paths returned Err")
}

/// `span` lies inside `file`'s text, ordered, on char boundaries.
fn assert_span(file: &SourceFile, span: Span, what: &str, d: &Diagnostic) {
    let len = file.text.len();
    assert!(
        span.start <= span.end && (span.end as usize) <= len,
        "{what} of {} `{}` is {:?}, outside {} ({len} bytes)",
        d.code,
        d.message,
        span,
        file.path.display()
    );
    for at in [span.start, span.end] {
        assert!(
            file.text.is_char_boundary(at as usize),
            "{what} of {} `{}` is {:?}: offset {at} is not a char boundary in {}",
            d.code,
            d.message,
            span,
            file.path.display()
        );
    }
}

/// The target file of an edit of `d`'s fix.
fn target(d: &Diagnostic, e: &Edit) -> std::sync::Arc<SourceFile> {
    e.file.clone().unwrap_or_else(|| d.file.clone())
}

/// Span invariants of every diagnostic, its related locations and its fix's edits; a fix's own
/// edits must not overlap each other (the planner would drop the whole fix).
pub fn assert_diagnostics(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        assert_span(&d.file, d.span, "span", d);
        for r in &d.related {
            assert_span(&r.file, r.span, "related span", d);
        }
        if let Some(f) = &d.fix {
            let mut by_file: Vec<(PathBuf, Span)> = Vec::new();
            for e in &f.edits {
                let file = target(d, e);
                assert_span(&file, e.span, "fix edit", d);
                by_file.push((file.path.clone(), e.span));
            }
            by_file.sort();
            for w in by_file.windows(2) {
                let ((p1, a), (p2, b)) = (&w[0], &w[1]);
                assert!(
                    p1 != p2 || a.end <= b.start && !(a.is_empty() && b.is_empty() && a == b),
                    "fix of {} `{}` has overlapping edits {a:?} and {b:?} in {}",
                    d.code,
                    d.message,
                    p1.display()
                );
            }
        }
        // What the reporters compute from a diagnostic must not panic either.
        let _ = d.location();
        let _ = d.end_location();
    }
}

/// Renders `diagnostics` in every output format (the reporters slice text by the spans).
pub fn render_all(diagnostics: &[Diagnostic], cwd: &Path) {
    for &(_, format) in report::Format::ALL {
        let mut out = Vec::new();
        report::render(
            &mut out,
            diagnostics,
            format,
            cwd,
            false,
            &report::Footer::default(),
        )
        .expect("render failed");
    }
    let mut out = Vec::new();
    report::statistics(&mut out, diagnostics, false, &report::Footer::default()).unwrap();
    report::statistics(&mut out, diagnostics, true, &report::Footer::default()).unwrap();
}

/// The `check_project` target: the whole check on the project `data` stands for.
pub fn check_project(dir: &Path, data: &[u8]) {
    let inputs = Inputs::split(data);
    write_project(dir, &inputs);
    let result = check(dir);
    assert_diagnostics(&result.diagnostics);
    if !result.diagnostics.is_empty() {
        render_all(&result.diagnostics, dir);
    }
}

fn first_error(text: &str) -> Option<String> {
    syntax::parse(text).errors.first().map(|e| format!("{e:?}"))
}

fn describe(fixes: &[fix::FileFix]) -> String {
    let mut s = String::new();
    for f in fixes {
        let _ = write!(
            s,
            "\n--- {} ({:?})\n{}",
            f.file.path.display(),
            f.codes,
            f.fixed
        );
    }
    s
}

/// Rounds of writing fixes after which `plan` must have nothing left to do.
pub const MAX_FIX_ROUNDS: usize = 3;

/// The `fixer` target: from parsable input, every planned fixed text parses, re-fixing converges
/// within [`MAX_FIX_ROUNDS`] writes, and no fix that is offered as applicable is silently
/// dropped at the end because applying it would break the file.
pub fn fixer(dir: &Path, data: &[u8]) {
    let inputs = Inputs::split(data);
    let Some(texts) = inputs.texts() else { return };
    if texts.iter().any(|t| !syntax::parse(t).errors.is_empty()) {
        return;
    }
    write_project(dir, &inputs);
    let mut seen: Vec<Vec<(PathBuf, String)>> = Vec::new();
    for round in 0..=MAX_FIX_ROUNDS {
        let result = check(dir);
        assert_diagnostics(&result.diagnostics);
        assert_noqa_fixes_touch_only_comments(&result.diagnostics);
        let planned = fix::plan(&result.diagnostics, Applicability::Unsafe);
        if planned.is_empty() {
            assert_no_dropped_fixes(&result.diagnostics);
            return;
        }
        assert!(
            round < MAX_FIX_ROUNDS,
            "fixes did not converge: round {} still plans fixes{}",
            round + 1,
            describe(&planned)
        );
        for f in &planned {
            if let Some(err) = first_error(&f.fixed) {
                panic!(
                    "fix of {:?} in {} produced unparsable text ({err}){}",
                    f.codes,
                    f.file.path.display(),
                    describe(std::slice::from_ref(f))
                );
            }
            let _ = fix::diff(f, dir);
        }
        let state: Vec<(PathBuf, String)> = planned
            .iter()
            .map(|f| (f.file.path.clone(), f.fixed.clone()))
            .collect();
        assert!(
            !seen.contains(&state),
            "fixes cycle: round {} returns to an earlier state{}",
            round + 1,
            describe(&planned)
        );
        seen.push(state);
        for f in &planned {
            fix::write(f).unwrap_or_else(|e| panic!("fix::write failed: {e}"));
        }
    }
}

/// Once `plan` has nothing to do, no diagnostic may still offer an applicable fix: such a fix was
/// dropped by the planner's safety net (its edits overlap, change nothing, or break the file).
pub fn assert_no_dropped_fixes(diagnostics: &[Diagnostic]) {
    if let Some(d) = diagnostics
        .iter()
        .find(|d| fix::applicable(d, Applicability::Unsafe))
    {
        let f = d.fix.as_ref().unwrap();
        let mut files: Vec<std::sync::Arc<SourceFile>> = Vec::new();
        for e in &f.edits {
            let t = target(d, e);
            if !files.iter().any(|x| x.path == t.path) {
                files.push(t);
            }
        }
        let mut why = Vec::new();
        for file in files {
            let edits: Vec<Edit> = f
                .edits
                .iter()
                .filter(|e| target(d, e).path == file.path)
                .map(|e| Edit {
                    file: None,
                    ..e.clone()
                })
                .collect();
            match fix::fix_file(file.clone(), edits.clone(), vec![d.code]) {
                Some(_) => why.push(format!("{}: applies alone", file.path.display())),
                None => {
                    let mut sorted = edits.clone();
                    sorted.sort_by_key(|e| (e.span.start, e.span.end));
                    let mut text = file.text.clone();
                    for e in sorted.iter().rev() {
                        text.replace_range(e.span.start as usize..e.span.end as usize, &e.content);
                    }
                    let reason = if text == file.text {
                        "changes nothing".to_string()
                    } else if let Some(err) = first_error(&text) {
                        format!("fixed text does not parse ({err}):\n{text}")
                    } else {
                        "rejected".to_string()
                    };
                    why.push(format!("{}: {reason}", file.path.display()));
                }
            }
        }
        panic!(
            "{} `{}` offers an applicable fix ({:?}: {}) that the fixer never applies: {}",
            d.code,
            d.message,
            f.applicability,
            f.message,
            why.join("; ")
        );
    }
}

/// The code of `text`: its tokens without comments and non-logical newlines, with their text
/// (a logical newline's without).
fn code_tokens(text: &str) -> Vec<(ruff_python_ast::token::TokenKind, String)> {
    use ruff_python_ast::token::TokenKind;
    use ruff_text_size::Ranged;
    let parsed =
        ruff_python_parser::parse_unchecked_source(text, ruff_python_ast::PySourceType::Python);
    parsed
        .tokens()
        .iter()
        .filter(|t| !matches!(t.kind(), TokenKind::Comment | TokenKind::NonLogicalNewline))
        // A line break's spelling is not code: removing a whole-line comment between `\r` and
        // `\n` leaves one `\r\n` where there were two breaks.
        .map(|t| match t.kind() {
            TokenKind::Newline => (t.kind(), String::new()),
            _ => (t.kind(), text[t.range()].to_string()),
        })
        .collect()
}

/// Removing an unused `noqa` (DML100) edits comments only: applied alone to a file that
/// parses, its fix leaves every code token as it was (no statement, string or quote is lost).
/// Only called on files that passed `syntax::parse`, whose nesting is bounded.
pub fn assert_noqa_fixes_touch_only_comments(diagnostics: &[Diagnostic]) {
    for d in diagnostics
        .iter()
        .filter(|d| d.code == "DML100" && fix::applicable(d, Applicability::Unsafe))
    {
        if !syntax::parse(&d.file.text).errors.is_empty() {
            continue;
        }
        let f = d.fix.as_ref().unwrap();
        let edits: Vec<Edit> = f
            .edits
            .iter()
            .filter(|e| e.file.as_ref().is_none_or(|x| x.path == d.file.path))
            .cloned()
            .collect();
        let Some(fixed) = fix::fix_file(d.file.clone(), edits, vec![d.code]) else {
            continue;
        };
        let (before, after) = (code_tokens(&d.file.text), code_tokens(&fixed.fixed));
        assert!(
            before == after,
            "{} `{}` fix ({:?}) changes code, not only comments, in {}:\n--- before\n{:?}\n--- after\n{:?}",
            d.code,
            d.message,
            f.message,
            d.file.path.display(),
            d.file.text,
            fixed.fixed
        );
    }
}
