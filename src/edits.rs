//! Building text edits that keep the user's formatting: quote style, trailing commas, one
//! keyword per line. Rules describe fixes with these; `fix` applies them.

use std::sync::Arc;

use crate::diagnostic::Edit;
use crate::index::{Binding, ImportTarget};
use crate::project::SourceModule;
use crate::source::slice;
use crate::syntax::{Expr, ExprKind, Span};

/// Replaces a string literal's content, keeping its prefix and quote style.
pub fn replace_string(text: &str, literal: Span, new_value: &str) -> Edit {
    let old = slice(text, literal);
    let prefix_len = old
        .find(['\'', '"'])
        .filter(|&i| old[..i].chars().all(|c| c.is_ascii_alphabetic()))
        .unwrap_or(0);
    let prefix: String = old[..prefix_len]
        .chars()
        .filter(|c| !matches!(c, 'r' | 'R'))
        .collect();
    let quote = if old[prefix_len..].starts_with('\'') {
        '\''
    } else {
        '"'
    };
    Edit::replace(literal, format!("{prefix}{quote}{new_value}{quote}"))
}

/// A string literal written as the file writes them (its first string literal's quote, else `"`).
pub fn quoted(text: &str, value: &str) -> String {
    let single = text.matches('\'').count() > text.matches('"').count();
    if single {
        format!("'{value}'")
    } else {
        format!("\"{value}\"")
    }
}

/// Inserts `keyword=value` (given as `arg`) as the last argument of `call`, following the call's
/// layout: `, arg` on one line; a new line with the same indent when arguments are one per line.
pub fn append_argument(text: &str, call: &Expr, arg: &str) -> Option<Edit> {
    let ExprKind::Call { args, keywords, .. } = &call.kind else {
        return None;
    };
    let last_end = args
        .iter()
        .map(|a| a.span.end)
        .chain(keywords.iter().map(|k| k.span.end))
        .max();
    let close = call.span.end.checked_sub(1)?;
    if slice(text, Span::new(close, call.span.end)) != ")" {
        return None;
    }
    let Some(last_end) = last_end else {
        return Some(Edit::insert(close, arg));
    };
    let between = slice(text, Span::new(last_end, close));
    let multiline = between.contains('\n');
    let has_comma = between.trim_start().starts_with(',');
    if !multiline {
        return Some(if has_comma {
            let comma = last_end + between.find(',')? as u32 + 1;
            Edit::insert(comma, format!(" {arg}"))
        } else {
            Edit::insert(last_end, format!(", {arg}"))
        });
    }
    let last_start = args
        .iter()
        .map(|a| a.span)
        .chain(keywords.iter().map(|k| k.span))
        .max_by_key(|s| s.end)?
        .start;
    let line_start = text[..last_start as usize]
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    let indent: String = text[line_start..last_start as usize]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    // One argument per line, as the call already has them.
    let arg = arg
        .split(", ")
        .collect::<Vec<_>>()
        .join(&format!(",{newline}{indent}"));
    Some(if has_comma {
        let comma = last_end + between.find(',')? as u32 + 1;
        Edit::insert(comma, format!("{newline}{indent}{arg},"))
    } else {
        Edit::insert(last_end, format!(",{newline}{indent}{arg}"))
    })
}

/// How `module` can spell `django.db.models.<name>`: `models.SET_NULL` through the name the
/// module is imported as, or `SET_NULL` when imported directly. `None` if the file has neither.
pub fn django_models_name(module: &Arc<SourceModule>, name: &str) -> Option<String> {
    let mut via_module = None;
    for (local, binding) in &module.index.bindings {
        match binding {
            Binding::Import(ImportTarget::Member { module: m, name: n }, _)
                if (m == "django.db.models" || m == "django.db.models.deletion") && n == name =>
            {
                return Some(local.clone());
            }
            Binding::Import(ImportTarget::Member { module: m, name: n }, _)
                if m == "django.db" && n == "models" =>
            {
                via_module.get_or_insert(format!("{local}.{name}"));
            }
            Binding::Import(ImportTarget::Module(m), _) if m == "django.db.models" => {
                via_module.get_or_insert(format!("{local}.{name}"));
            }
            _ => {}
        }
    }
    via_module
}

/// How `module` can spell the object at `qualname` (a library's settings object, such as the
/// contract's `settings_object`), if it imports it by name.
pub fn imported_name(module: &Arc<SourceModule>, qualname: &str) -> Option<String> {
    let (from, name) = qualname.rsplit_once('.')?;
    module.index.bindings.iter().find_map(|(local, b)| match b {
        Binding::Import(ImportTarget::Member { module: m, name: n }, _)
            if m == from && n == name =>
        {
            Some(local.clone())
        }
        _ => None,
    })
}

/// Removes `keyword=value` from a call, with its separating comma.
pub fn remove_keyword(text: &str, call: &Expr, keyword_span: Span) -> Option<Edit> {
    let ExprKind::Call { args, keywords, .. } = &call.kind else {
        return None;
    };
    let mut spans: Vec<Span> = args
        .iter()
        .map(|a| a.span)
        .chain(keywords.iter().map(|k| k.span))
        .collect();
    spans.sort();
    let i = spans.iter().position(|s| *s == keyword_span)?;
    let (start, end) = if i > 0 {
        // From the end of the previous argument: removes ", kw=v".
        (spans[i - 1].end, keyword_span.end)
    } else if let Some(next) = spans.get(1) {
        (keyword_span.start, next.start)
    } else {
        let close = call.span.end.checked_sub(1)?;
        (keyword_span.start, close)
    };
    // Keep a trailing comma and the line structure when arguments are one per line.
    let removed = slice(text, Span::new(start, end));
    if removed.contains('\n') && i > 0 {
        let line_start = text[..keyword_span.start as usize]
            .rfind('\n')
            .map_or(0, |p| p + 1) as u32;
        let after = slice(text, Span::new(keyword_span.end, call.span.end));
        let comma = after.starts_with(',') as u32;
        let line_end = text[(keyword_span.end + comma) as usize..]
            .find('\n')
            .map_or(keyword_span.end + comma, |p| {
                keyword_span.end + comma + p as u32 + 1
            });
        // Only a line holding nothing but this keyword (and its comma or a comment) goes whole.
        let rest_of_line = slice(text, Span::new(keyword_span.end + comma, line_end));
        let rest_is_empty =
            rest_of_line.trim().is_empty() || rest_of_line.trim_start().starts_with('#');
        if rest_is_empty
            && slice(text, Span::new(line_start, keyword_span.start))
                .trim()
                .is_empty()
        {
            return Some(Edit::replace(Span::new(line_start, line_end), ""));
        }
    }
    Some(Edit::replace(Span::new(start, end), ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Stmt, parse};

    fn apply(text: &str, e: &Edit) -> String {
        format!(
            "{}{}{}",
            &text[..e.span.start as usize],
            e.content,
            &text[e.span.end as usize..]
        )
    }

    fn call_of(text: &str) -> Expr {
        let m = parse(text);
        match &m.body[0] {
            Stmt::Assign { value: Some(v), .. } => (**v).clone(),
            _ => panic!("no assignment"),
        }
    }

    #[test]
    fn string_replacement_keeps_quotes_and_prefix() {
        let t = "x = u'abc'";
        let e = replace_string(t, Span::new(4, 10), "refresh_token");
        assert_eq!(apply(t, &e), "x = u'refresh_token'");
        let t = "x = r\"a\"";
        assert_eq!(
            apply(t, &replace_string(t, Span::new(4, 8), "b")),
            "x = \"b\""
        );
    }

    #[test]
    fn appending_follows_the_layout() {
        let one = "f = F(a, b=1)\n";
        let e = append_argument(one, &call_of(one), "c=2").unwrap();
        assert_eq!(apply(one, &e), "f = F(a, b=1, c=2)\n");
        let multi = "f = F(\n    a,\n    b=1,\n)\n";
        let e = append_argument(multi, &call_of(multi), "c=2").unwrap();
        assert_eq!(apply(multi, &e), "f = F(\n    a,\n    b=1,\n    c=2,\n)\n");
        let e = append_argument(multi, &call_of(multi), "c=2, d=3").unwrap();
        assert_eq!(
            apply(multi, &e),
            "f = F(\n    a,\n    b=1,\n    c=2,\n    d=3,\n)\n"
        );
        let multi_nc = "f = F(\n    a,\n    b=1\n)\n";
        let e = append_argument(multi_nc, &call_of(multi_nc), "c=2").unwrap();
        assert_eq!(
            apply(multi_nc, &e),
            "f = F(\n    a,\n    b=1,\n    c=2\n)\n"
        );
        let empty = "f = F()\n";
        let e = append_argument(empty, &call_of(empty), "c=2").unwrap();
        assert_eq!(apply(empty, &e), "f = F(c=2)\n");
    }

    #[test]
    fn keyword_removal() {
        let t = "f = F(a, unique=True, b=1)\n";
        let call = call_of(t);
        let kw = call.keyword("unique").unwrap().span;
        assert_eq!(
            apply(t, &remove_keyword(t, &call, kw).unwrap()),
            "f = F(a, b=1)\n"
        );
        let t = "f = F(\n    a,\n    unique=True)\ng = 1\n";
        let call = call_of(t);
        let kw = call.keyword("unique").unwrap().span;
        assert_eq!(
            apply(t, &remove_keyword(t, &call, kw).unwrap()),
            "f = F(\n    a)\ng = 1\n"
        );
        let t = "f = F(\n    a,\n    unique=True,\n    b=1,\n)\n";
        let call = call_of(t);
        let kw = call.keyword("unique").unwrap().span;
        assert_eq!(
            apply(t, &remove_keyword(t, &call, kw).unwrap()),
            "f = F(\n    a,\n    b=1,\n)\n"
        );
    }
}
