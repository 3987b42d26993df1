//! Diagnostics, related locations and fixes: plain data, rendered by `report`.

use std::path::PathBuf;
use std::sync::Arc;

use crate::codes::Rule;
use crate::source::{LineIndex, Location};
use crate::syntax::Span;

/// One file's text as the diagnostics saw it.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: String) -> Self {
        let lines = LineIndex::new(&text);
        SourceFile { path, text, lines }
    }
    pub fn location(&self, offset: u32) -> Location {
        self.lines.location(&self.text, offset)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Severity {
        if s == "warning" {
            Severity::Warning
        } else {
            Severity::Error
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// How sure a fix is to keep behaviour, as in ruff: `--fix` applies safe fixes,
/// `--unsafe-fixes` adds unsafe ones, display-only fixes are never applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Display,
    Unsafe,
    Safe,
}

#[derive(Clone, Debug)]
pub struct Edit {
    /// Replaced range (empty for an insertion).
    pub span: Span,
    pub content: String,
    /// The file edited, when it is not the diagnostic's own (a rename reaching other modules).
    pub file: Option<Arc<SourceFile>>,
}

impl PartialEq for Edit {
    fn eq(&self, other: &Self) -> bool {
        self.span == other.span
            && self.content == other.content
            && self.file.as_ref().map(|f| &f.path) == other.file.as_ref().map(|f| &f.path)
    }
}

impl Eq for Edit {}

impl Edit {
    pub fn replace(span: Span, content: impl Into<String>) -> Edit {
        Edit {
            span,
            content: content.into(),
            file: None,
        }
    }
    /// An edit in another file than the diagnostic's.
    pub fn in_file(mut self, file: Arc<SourceFile>) -> Edit {
        self.file = Some(file);
        self
    }
    pub fn insert(at: u32, content: impl Into<String>) -> Edit {
        Edit {
            span: Span::new(at, at),
            content: content.into(),
            file: None,
        }
    }
}

/// How much of a fix is built. A fix whose edits need a scan of the whole project (the rename
/// of DOT001 / DOT002) costs a read of every file; an output that shows only whether a fix
/// exists does not need its edits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FixDetails {
    /// Every edit, message and related location (fixing, diffs, full / JSON / SARIF output).
    #[default]
    Full,
    /// Whether a fix exists and its applicability, as far as known without scanning the
    /// project (concise and CI annotation formats).
    Summary,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub message: String,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug)]
pub struct Related {
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// The rule that made it; `code` and `name` are its code and name.
    pub rule: Rule,
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub file: Arc<SourceFile>,
    pub span: Span,
    /// The remedy, stated exactly.
    pub help: Option<String>,
    /// What fails at runtime and in which versions, and what the analysis assumed.
    pub notes: Vec<String>,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
    /// The Django system check this diagnostic anticipates (DJF / DJM rules only).
    pub django: Option<DjangoCheck>,
}

/// Django's own check a diagnostic anticipates: its ID (`fields.E304`) and the object Django
/// reports it on (`app_label.Model.field`, or `app_label.Model` for model checks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DjangoCheck {
    pub id: &'static str,
    pub object: String,
}

impl Diagnostic {
    pub fn new(
        rule: Rule,
        severity: Severity,
        file: Arc<SourceFile>,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            rule,
            code: rule.code(),
            name: rule.name(),
            severity,
            message: message.into(),
            file,
            span,
            help: None,
            notes: Vec::new(),
            related: Vec::new(),
            fix: None,
            django: None,
        }
    }
    /// Marks the diagnostic as Django's check `id` on `object`.
    pub fn django_check(mut self, id: &'static str, object: impl Into<String>) -> Self {
        self.django = Some(DjangoCheck {
            id,
            object: object.into(),
        });
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
    pub fn related(
        mut self,
        file: Arc<SourceFile>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            file,
            span,
            message: message.into(),
        });
        self
    }
    pub fn fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }
    pub fn location(&self) -> Location {
        self.file.location(self.span.start)
    }
    pub fn end_location(&self) -> Location {
        self.file.location(self.span.end)
    }
    /// Sort key: path, position, code (deterministic output).
    pub fn sort_key(&self) -> (PathBuf, u32, u32, &'static str, String) {
        (
            self.file.path.clone(),
            self.span.start,
            self.span.end,
            self.code,
            self.message.clone(),
        )
    }
}
