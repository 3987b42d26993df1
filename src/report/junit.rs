//! `--output-format junit`: JUnit XML as ruff writes it, for CI systems that show test reports.
//! One `testsuite` per file (named by its path relative to the working directory), one
//! `testcase` per diagnostic (named `django-model-lint.CODE`, classname = the path without its
//! extension, with `line` and `column`) holding a `failure`. A clean run is one passing
//! `No errors found` case.
//!
//! Text is escaped for XML 1.0: `& < > " '` as entities, line breaks and tabs in attributes as
//! character references (so they survive attribute-value normalisation), and characters XML 1.0
//! cannot carry at all (C0 controls but tab and line breaks, lone surrogates cannot occur in a
//! Rust `str`, U+FFFE/U+FFFF) as U+FFFD.

use std::io::{self, Write};
use std::path::Path;

use crate::diagnostic::Diagnostic;

const NAME: &str = "django-model-lint";

pub fn render(out: &mut dyn Write, diagnostics: &[Diagnostic], cwd: &Path) -> io::Result<()> {
    // Files in order of first appearance: diagnostics arrive sorted by file.
    let mut files: Vec<(String, Vec<&Diagnostic>)> = Vec::new();
    for d in diagnostics {
        let path = super::display_path(&d.file.path, cwd);
        match files.iter_mut().find(|(p, _)| *p == path) {
            Some((_, ds)) => ds.push(d),
            None => files.push((path, vec![d])),
        }
    }
    let n = diagnostics.len();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="{NAME}" tests="{}" failures="{n}" errors="0">"#,
        n.max(1)
    )?;
    if files.is_empty() {
        writeln!(
            out,
            r#"    <testsuite name="{NAME}" tests="1" disabled="0" errors="0" failures="0" package="{NAME}">"#
        )?;
        writeln!(
            out,
            r#"        <testcase name="No errors found" classname="{NAME}"/>"#
        )?;
        writeln!(out, "    </testsuite>")?;
    }
    for (path, ds) in &files {
        writeln!(
            out,
            r#"    <testsuite name="{}" tests="{}" disabled="0" errors="0" failures="{}" package="{NAME}">"#,
            attr(path),
            ds.len(),
            ds.len()
        )?;
        let classname = Path::new(path).with_extension("");
        for d in ds {
            let loc = d.location();
            writeln!(
                out,
                r#"        <testcase name="{NAME}.{}" classname="{}" line="{}" column="{}">"#,
                attr(d.code),
                attr(&classname.display().to_string()),
                loc.row,
                loc.column
            )?;
            writeln!(
                out,
                r#"            <failure message="{}" type="{}">line {}, col {}, {}</failure>"#,
                attr(&d.message),
                d.severity.as_str(),
                loc.row,
                loc.column,
                text(&d.message)
            )?;
            writeln!(out, "        </testcase>")?;
        }
        writeln!(out, "    </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// An attribute value (always written between double quotes).
pub(crate) fn attr(s: &str) -> String {
    escape(s, true)
}

/// Character data.
pub(crate) fn text(s: &str) -> String {
    escape(s, false)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_controls() {
        assert_eq!(
            attr(r#"a<b>&"c"'d'"#),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;"
        );
        assert_eq!(text(r#"a<b>&"c""#), "a&lt;b&gt;&amp;\"c\"");
        assert_eq!(attr("a\nb\tc\rd"), "a&#10;b&#9;c&#13;d");
        assert_eq!(text("a\nb\rc"), "a\nb&#13;c");
        assert_eq!(text("nul\u{0}bell\u{7}"), "nul\u{FFFD}bell\u{FFFD}");
        assert_eq!(text("ünï ✓"), "ünï ✓");
    }
}
