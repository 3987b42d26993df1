//! Suppression comments, as in ruff: `# noqa` or `# noqa: DOT001, DOT003` on the line where a
//! diagnostic starts, and a file-level `# django-model-lint: noqa` (optionally `: CODES`) on a
//! line of its own.

use crate::diagnostic::Diagnostic;

/// The codes a `noqa` directive lists after `marker`, `Some(empty)` for a bare directive.
fn directive(comment: &str, marker: &str) -> Option<Vec<String>> {
    let lower = comment.to_ascii_lowercase();
    let at = lower.find(marker)?;
    let rest = &comment[at + marker.len()..];
    let Some(codes) = rest.trim_start().strip_prefix(':') else {
        // `# noqa` alone, or followed by prose.
        return (rest.is_empty() || rest.starts_with(char::is_whitespace)).then(Vec::new);
    };
    Some(
        codes
            .split([',', ' ', '\t'])
            .map(str::trim)
            .filter(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_alphanumeric()))
            .map(str::to_ascii_uppercase)
            .collect(),
    )
}

/// The comment part of a source line (from the first `#` outside a string literal).
fn comment_of(line: &str) -> Option<&str> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, ch) in line.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == q {
                    quote = None;
                }
            }
            None if ch == '\'' || ch == '"' => quote = Some(ch),
            None if ch == '#' => return Some(&line[i..]),
            None => {}
        }
    }
    None
}

fn covers(codes: &[String], code: &str) -> bool {
    codes.is_empty() || codes.iter().any(|c| c == code)
}

/// Whether a comment suppresses `d`.
pub fn is_suppressed(d: &Diagnostic) -> bool {
    let text = &d.file.text;
    let line = d.file.lines.line_text(text, d.span.start);
    if let Some(codes) = comment_of(line).and_then(|c| directive(c, "# noqa"))
        && covers(&codes, d.code)
    {
        return true;
    }
    text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with('#')
            && directive(l, "# django-model-lint: noqa").is_some_and(|codes| covers(&codes, d.code))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_parse_like_ruff() {
        assert_eq!(directive("# noqa", "# noqa"), Some(vec![]));
        assert_eq!(
            directive("# NOQA: DOT001,dot003", "# noqa"),
            Some(vec!["DOT001".into(), "DOT003".into()])
        );
        assert_eq!(
            directive("# noqa:DOT001 because", "# noqa"),
            Some(vec!["DOT001".into(), "BECAUSE".into()])
        );
        assert_eq!(directive("# noqanother", "# noqa"), None);
        assert_eq!(comment_of("x = '# noqa'  # real"), Some("# real"));
        assert_eq!(comment_of("x = '# noqa'"), None);
    }
}
