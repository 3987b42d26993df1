//! `--output-format github`: GitHub Actions workflow commands, one per diagnostic, shaped like
//! ruff's:
//!
//! ```text
//! ::error title=django-model-lint (DOT001),file=/abs/oauth/models.py,line=58,col=22,endLine=58,endColumn=44::oauth/models.py:58:22: DOT001 related_name …
//! ```
//!
//! `::warning` for warning severity. Values are escaped as the Actions runner unescapes them
//! (`actions/toolkit` `command.ts`): in the message `%`, `\r`, `\n`; in properties also `:` and
//! `,`. Without the escaping a message holding a newline would end the command early and one
//! holding `::` or `,` could forge properties.

use std::io::{self, Write};
use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};

pub fn render(out: &mut dyn Write, diagnostics: &[Diagnostic], cwd: &Path) -> io::Result<()> {
    for d in diagnostics {
        let start = d.location();
        let end = d.end_location();
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let title = format!("django-model-lint ({})", d.code);
        let file = d.file.path.display().to_string();
        let message = format!(
            "{}:{}:{}: {} {}",
            super::display_path(&d.file.path, cwd),
            start.row,
            start.column,
            d.code,
            d.message
        );
        writeln!(
            out,
            "::{command} title={},file={},line={},col={},endLine={},endColumn={}::{}",
            escape_property(&title),
            escape_property(&file),
            start.row,
            start.column,
            end.row,
            end.column,
            escape_data(&message),
        )?;
    }
    Ok(())
}

/// A command's message: `%`, `\r` and `\n` are percent-encoded.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// A property value: as a message, and `:` and `,` too (they delimit properties).
pub fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;
    use crate::diagnostic::SourceFile;
    use crate::syntax::Span;

    #[test]
    fn data_escapes_percent_cr_lf_only() {
        assert_eq!(escape_data("100%"), "100%25");
        assert_eq!(escape_data("a\r\nb"), "a%0D%0Ab");
        assert_eq!(escape_data("a\nb"), "a%0Ab");
        assert_eq!(escape_data("a:b,c"), "a:b,c");
        // `%` first: an already encoded sequence is encoded again, not passed through.
        assert_eq!(escape_data("%0A"), "%250A");
        assert_eq!(escape_data("é ünïcode"), "é ünïcode");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("C:\\proj,x"), "C%3A\\proj%2Cx");
        assert_eq!(escape_property("a%b\r\n"), "a%25b%0D%0A");
        assert_eq!(
            escape_property("django-model-lint (DOT001)"),
            "django-model-lint (DOT001)"
        );
    }

    /// The runner's unescaping (`actions/runner` `ActionCommand.Unescape`), to check the round trip.
    fn unescape(s: &str) -> String {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    }

    #[test]
    fn escaping_round_trips_through_the_runner() {
        for s in ["plain", "50%: a,b\r\nc", "%3A%2C", "::error x", "%%"] {
            assert_eq!(unescape(&escape_property(s)), s);
            assert_eq!(unescape(&escape_data(s)), s);
        }
    }

    #[test]
    fn a_hostile_message_and_path_stay_one_command() {
        let text = "x = 1\n".to_string();
        let path = PathBuf::from("/p/we,ird:dir/100%/m.py");
        let file = Arc::new(SourceFile::new(path, text));
        let d = Diagnostic::new(
            crate::rules::Rule::DOT001,
            Severity::Warning,
            file,
            Span::new(0, 1),
            "related_name `a\nb::error file=x,line=1::c` 100%",
        );
        let mut out = Vec::new();
        render(&mut out, &[d], Path::new("/p")).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            "::warning title=django-model-lint (DOT001),file=/p/we%2Cird%3Adir/100%25/m.py,\
             line=1,col=1,endLine=1,endColumn=2::we,ird:dir/100%25/m.py:1:1: DOT001 \
             related_name `a%0Ab::error file=x,line=1::c` 100%25\n"
        );
        assert_eq!(out.lines().count(), 1);
    }
}
