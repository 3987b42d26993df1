//! `--output-format full`: miette's graphical report with source snippets (the only user of
//! miette). Evidence in other files is rendered as related reports with their own snippets.

use std::fmt;
use std::io::{self, Write};
use std::path::Path;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use crate::diagnostic::{Diagnostic, Severity};

struct Report {
    code: String,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<String>,
    label: LabeledSpan,
    related: Vec<Report>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.label.clone())))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

fn span(start: u32, end: u32) -> SourceSpan {
    SourceSpan::new((start as usize).into(), end.saturating_sub(start) as usize)
}

fn report(d: &Diagnostic, cwd: &Path) -> Report {
    let name = super::display_path(&d.file.path, cwd);
    let mut help = d.help.clone().unwrap_or_default();
    for note in &d.notes {
        if !help.is_empty() {
            help.push('\n');
        }
        help.push_str("note: ");
        help.push_str(note);
    }
    if let Some(fix) = &d.fix {
        help.push_str(
            &format!("\nfix ({:?}): {}", fix.applicability, fix.message).to_lowercase_first(),
        );
    }
    Report {
        code: format!("{}({})", d.code, d.name),
        message: d.message.clone(),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
        help: (!help.is_empty()).then_some(help),
        source: NamedSource::new(name, d.file.text.clone()),
        label: LabeledSpan::new_primary_with_span(
            Some(d.name.to_string()),
            span(d.span.start, d.span.end),
        ),
        related: d
            .related
            .iter()
            .map(|r| Report {
                code: String::new(),
                message: r.message.clone(),
                severity: miette::Severity::Advice,
                help: None,
                source: NamedSource::new(
                    super::display_path(&r.file.path, cwd),
                    r.file.text.clone(),
                ),
                label: LabeledSpan::new_with_span(None, span(r.span.start, r.span.end)),
                related: Vec::new(),
            })
            .collect(),
    }
}

trait LowerFirst {
    fn to_lowercase_first(self) -> String;
}

impl LowerFirst for String {
    /// `fix (Unsafe)` → `fix (unsafe)`, leaving the message alone.
    fn to_lowercase_first(self) -> String {
        self.replacen("(Unsafe)", "(unsafe)", 1)
            .replacen("(Safe)", "(safe)", 1)
            .replacen("(Display)", "(display only)", 1)
    }
}

pub fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    cwd: &Path,
    color: bool,
) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    for d in diagnostics {
        let mut text = String::new();
        handler
            .render_report(&mut text, &report(d, cwd))
            .map_err(io::Error::other)?;
        writeln!(out, "{text}")?;
    }
    Ok(())
}
