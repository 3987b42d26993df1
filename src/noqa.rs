//! Suppression comments, as in ruff: `# noqa` or `# noqa: DOT001, DOT003` on the line where a
//! diagnostic starts, and a file-level `# django-model-lint: noqa` (optionally `: CODES`) on a
//! line of its own.

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Edit, SourceFile};

/// A file and a 0-based line.
type LineKey = (std::path::PathBuf, u32);

/// A `noqa`-style directive in a comment: its codes (empty for a blanket directive) and the
/// offset in the comment where the code list ends (a reason may follow).
struct Directive {
    codes: Vec<String>,
    end: usize,
}

fn parse_directive(comment: &str, marker: &str) -> Option<Directive> {
    let at = comment.to_ascii_lowercase().find(marker)?;
    let mut i = at + marker.len();
    let rest = &comment[i..];
    let Some(after_colon) = rest.trim_start().strip_prefix(':') else {
        // `# noqa` alone, or followed by prose.
        return (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some(Directive {
            codes: Vec::new(),
            end: i,
        });
    };
    i = comment.len() - after_colon.len();
    let mut codes = Vec::new();
    let mut end = i;
    // Codes run until the first token that is not one (the rest is a reason), as in ruff.
    while i < comment.len() {
        let tail = &comment[i..];
        let skip = tail.len() - tail.trim_start_matches([',', ' ', '\t']).len();
        let token_start = i + skip;
        let token_len = comment[token_start..]
            .find([',', ' ', '\t'])
            .unwrap_or(comment.len() - token_start);
        let token = &comment[token_start..token_start + token_len];
        if !looks_like_code(token) {
            break;
        }
        codes.push(token.to_ascii_uppercase());
        end = token_start + token_len;
        i = end;
    }
    Some(Directive { codes, end })
}

/// The codes a `noqa` directive lists after `marker`, `Some(empty)` for a bare directive.
fn directive(comment: &str, marker: &str) -> Option<Vec<String>> {
    parse_directive(comment, marker).map(|d| d.codes)
}

/// `DOT001`, `E999`, `F401`: letters then digits.
fn looks_like_code(c: &str) -> bool {
    let letters = c.chars().take_while(char::is_ascii_alphabetic).count();
    letters > 0 && letters < c.len() && c[letters..].chars().all(|ch| ch.is_ascii_digit())
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

/// The directives of one file, read once: per line (0-based) and file-level.
struct FileDirectives {
    lines: std::collections::HashMap<usize, Vec<String>>,
    file_level: Option<Vec<String>>,
}

fn read_directives(file: &crate::diagnostic::SourceFile) -> FileDirectives {
    let mut lines = std::collections::HashMap::new();
    let mut file_level: Option<Vec<String>> = None;
    let text = &file.text;
    if memchr::memmem::find(text.as_bytes(), b"noqa").is_none() {
        return FileDirectives { lines, file_level };
    }
    // Real comments only (from the tokens): `# noqa` inside a string literal is text.
    for span in crate::syntax::comment_spans(text) {
        let start = span.start;
        let line = file.lines.line_of(start);
        let line_text = file.lines.line_text(text, start);
        let offset = (start - file.lines.line_start(line)) as usize;
        let Some(comment) = text.get(span.start as usize..span.end as usize) else {
            continue;
        };
        if let Some(codes) = directive(comment, "# noqa") {
            lines.insert(line, codes);
        }
        if offset == line_text.len() - line_text.trim_start().len()
            && let Some(codes) = directive(comment, "# django-model-lint: noqa")
        {
            // A blanket file-level directive wins over code lists.
            file_level = Some(match file_level {
                Some(prev) if prev.is_empty() => prev,
                _ if codes.is_empty() => Vec::new(),
                Some(mut prev) => {
                    prev.extend(codes);
                    prev
                }
                None => codes,
            });
        }
    }
    FileDirectives { lines, file_level }
}

/// Drops the diagnostics a `noqa` directive suppresses. Each file's comments are read once.
pub fn remove_suppressed(diagnostics: &mut Vec<Diagnostic>) {
    let mut cache: std::collections::HashMap<std::path::PathBuf, FileDirectives> =
        std::collections::HashMap::new();
    diagnostics.retain(|d| {
        let dirs = cache
            .entry(d.file.path.clone())
            .or_insert_with(|| read_directives(&d.file));
        let line = d.file.lines.line_of(d.span.start);
        let by_line = dirs
            .lines
            .get(&line)
            .is_some_and(|codes| covers(codes, d.code));
        let by_file = dirs
            .file_level
            .as_ref()
            .is_some_and(|codes| covers(codes, d.code));
        !(by_line || by_file)
    });
}

/// Our code prefixes: a `noqa` code with one of them is ours to check.
const OURS: &[&str] = &["DOT", "DML", "E902", "E999"];

/// DML100 unused-noqa: `# noqa: CODE` directives naming one of our codes that suppress nothing
/// (no diagnostic with that code starts on the line) or that name a code we do not have. The fix
/// removes the code, or the whole comment when nothing is left (safe: it changes no behaviour).
pub fn unused(
    files: &[std::sync::Arc<crate::diagnostic::SourceFile>],
    diagnostics: &[Diagnostic],
) -> Vec<Diagnostic> {
    use crate::diagnostic::{Applicability, Edit, Fix, Severity};
    use crate::syntax::Span;
    let mut out = Vec::new();
    for file in files {
        let text = &file.text;
        // Real comments only (from the tokens), each as far as the lexer takes it, on lines as
        // Python ends them (a lone `\r` too).
        for span in crate::syntax::comment_spans(text) {
            let (comment_start, comment_end) = (span.start as usize, span.end as usize);
            let line = file.lines.line_text(text, span.start);
            let line_start = file.lines.line_start(file.lines.line_of(span.start)) as usize;
            let Some(comment) = text.get(comment_start..comment_end) else {
                continue;
            };
            let Some(codes) = directive(comment, "# noqa") else {
                continue;
            };
            let row = file.location(line_start as u32).row;
            let here: Vec<&str> = diagnostics
                .iter()
                .filter(|d| std::sync::Arc::ptr_eq(&d.file, file) || d.file.path == file.path)
                .filter(|d| d.location().row == row)
                .map(|d| d.code)
                .collect();
            let ours: Vec<&String> = codes
                .iter()
                .filter(|c| OURS.iter().any(|p| c.starts_with(p)))
                .collect();
            let bad: Vec<(&String, bool)> = ours
                .iter()
                .filter(|c| !here.contains(&c.as_str()))
                .map(|c| (*c, crate::codes::Rule::from_code(c).is_some()))
                .collect();
            if bad.is_empty() {
                continue;
            }
            let keep: Vec<&String> = codes
                .iter()
                .filter(|c| !bad.iter().any(|(b, _)| b == c))
                .collect();
            let directive_end =
                comment_start + parse_directive(comment, "# noqa").map_or(comment.len(), |d| d.end);
            let edit = if keep.is_empty() {
                let ws = line[..comment_start - line_start].len()
                    - line[..comment_start - line_start].trim_end().len();
                let start = comment_start - ws;
                let reason = &text[directive_end..comment_end];
                // Prose that itself says "noqa" would become the directive once this one is
                // gone (a safe fix must never start suppressing something): drop the comment.
                if reason.trim().is_empty() || reason.to_ascii_lowercase().contains("noqa") {
                    Edit::replace(Span::new(start as u32, comment_end as u32), "")
                } else {
                    Edit::replace(
                        Span::new(start as u32, directive_end as u32),
                        format!("{}#", " ".repeat(ws.min(2))),
                    )
                }
            } else {
                let list: Vec<&str> = keep.iter().map(|c| c.as_str()).collect();
                Edit::replace(
                    Span::new(comment_start as u32, directive_end as u32),
                    format!("# noqa: {}", list.join(", ")),
                )
            };
            let names: Vec<String> = bad
                .iter()
                .map(|(c, known)| {
                    if *known {
                        format!("`{c}`")
                    } else {
                        format!("`{c}` (unknown code)")
                    }
                })
                .collect();
            out.push(
                Diagnostic::new(
                    crate::codes::Rule::DML100,
                    Severity::Warning,
                    file.clone(),
                    Span::new(comment_start as u32, directive_end as u32),
                    format!("Unused `noqa` directive: {}", names.join(", ")),
                )
                .help("remove the unused code")
                .fix(Some(Fix {
                    applicability: Applicability::Safe,
                    message: "Remove the unused noqa code".to_string(),
                    edits: vec![edit],
                })),
            );
        }
    }
    out
}

/// `--add-noqa`: the edits that put `# noqa: CODES` on every line where a diagnostic starts,
/// extending an existing directive. Grouped by file.
pub fn add_noqa_edits(diagnostics: &[Diagnostic]) -> Vec<(Arc<SourceFile>, Vec<Edit>)> {
    use std::collections::BTreeMap;
    let mut lines: BTreeMap<LineKey, (Arc<SourceFile>, Vec<&'static str>)> = BTreeMap::new();
    for d in diagnostics {
        let line = d.file.lines.line_of(d.span.start) as u32;
        let entry = lines
            .entry((d.file.path.clone(), line))
            .or_insert_with(|| (d.file.clone(), Vec::new()));
        if !entry.1.contains(&d.code) {
            entry.1.push(d.code);
        }
    }
    let mut by_file: BTreeMap<std::path::PathBuf, (Arc<SourceFile>, Vec<Edit>)> = BTreeMap::new();
    for ((path, line), (file, mut codes)) in lines {
        let start = file.lines.line_start(line as usize);
        let text_line = file.lines.line_text(&file.text, start);
        let end = start + text_line.len() as u32;
        let edit = match comment_of(text_line)
            .and_then(|c| directive(c, "# noqa").map(|codes| (c, codes)))
        {
            Some((_, existing)) if existing.is_empty() => continue, // a blanket noqa already covers it
            Some((comment, existing)) => {
                codes.retain(|c| !existing.iter().any(|e| e == c));
                if codes.is_empty() {
                    continue;
                }
                let cstart = end - comment.len() as u32;
                let list_end = parse_directive(comment, "# noqa").map_or(comment.len(), |d| d.end);
                Edit::insert(cstart + list_end as u32, format!(", {}", codes.join(", ")))
            }
            None => Edit::insert(end, format!("  # noqa: {}", codes.join(", "))),
        };
        by_file
            .entry(path)
            .or_insert_with(|| (file.clone(), Vec::new()))
            .1
            .push(edit);
    }
    by_file.into_values().collect()
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
            Some(vec!["DOT001".into()])
        );
        assert_eq!(
            directive("# noqa: DOT001 -- F401", "# noqa"),
            Some(vec!["DOT001".into()])
        );
        assert_eq!(directive("# noqanother", "# noqa"), None);
        assert_eq!(comment_of("x = '# noqa'  # real"), Some("# real"));
        assert_eq!(comment_of("x = '# noqa'"), None);
    }
}
