//! Byte-level decisions about which files to read and parse, made without the parser.
//!
//! Django registers a model when the class statement runs, and the only modules it runs at
//! start-up are each installed app's `models` module and what that imports. So a directory
//! walk reads the *model modules* (`models.py`, anything under a `models/` package) and then
//! follows their imports outward; the thousands of views, tests, migrations and utilities of a
//! project are never opened. Of what is read, only files that mention the library (or a class
//! derived from it) are parsed.
//!
//! Everything here over-approximates: an `import` line inside a docstring only makes one more
//! file read, never one less.

/// Bytes whose presence makes a file worth parsing: it mentions a library or its settings (each
/// contract's `mentions`).
pub fn seeds() -> &'static [String] {
    static SEEDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(|| {
        crate::contract::all()
            .iter()
            .flat_map(|c| c.mentions.iter().cloned())
            .collect()
    })
}

/// Whether `text` mentions one of the [`seeds`].
pub fn mentions_library(text: &str) -> bool {
    static FINDERS: std::sync::OnceLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::OnceLock::new();
    FINDERS
        .get_or_init(|| seeds().iter().map(memchr::memmem::Finder::new).collect())
        .iter()
        .any(|f| f.find(text.as_bytes()).is_some())
}

/// Whether Django would look for models in the file at `rel` (its path relative to the project,
/// as bytes: this runs for every file of the tree): a `models.py`, or a module of a `models`
/// package.
pub fn is_model_module(rel: &[u8]) -> bool {
    let b = rel.strip_prefix(b"/").unwrap_or(rel);
    let dir = &b[..memchr::memrchr(b'/', b).map_or(0, |i| i + 1)];
    let name = &b[dir.len()..];
    name == b"models.py"
        || name == b"models.pyi"
        || dir.split(|&c| c == b'/').any(|part| part == b"models")
}

/// One `import` or `from … import …` statement, as far as a line scan can tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportLine {
    /// Leading dots of a relative import (0 for absolute).
    pub level: usize,
    /// The dotted module (empty for `from . import x`).
    pub module: String,
    /// Names imported by `from … import`, which may be submodules (`*` excluded).
    pub names: Vec<String>,
    /// The statement starts its line (module level, outside any block).
    pub unindented: bool,
}

/// How far a parenthesised `from x import (…)` is followed across lines.
const MAX_IMPORT_LIST: usize = 4096;

/// The import statements of `text`, found from the occurrences of `import` (memchr), each
/// checked to be on a line that starts with `import` or `from`.
pub fn imports(text: &str) -> Vec<ImportLine> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut last_line = usize::MAX;
    for at in memchr::memmem::find_iter(bytes, b"import") {
        let start = memchr::memrchr2(b'\n', b'\r', &bytes[..at]).map_or(0, |i| i + 1);
        if start == last_line {
            continue;
        }
        last_line = start;
        let end = memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        let line = text[start..end].trim_start();
        let unindented = line.len() == end - start;
        if let Some(rest) = keyword(line, "import") {
            for part in rest.split(',') {
                let name = dotted(part.trim_start());
                if name.is_empty() {
                    break; // a comment, `;` or a continuation: the rest is not a plain list
                }
                out.push(ImportLine {
                    level: 0,
                    module: name.to_string(),
                    names: Vec::new(),
                    unindented,
                });
            }
        } else if let Some(rest) = keyword(line, "from") {
            let level = rest.bytes().take_while(|&b| b == b'.').count();
            let rest = &rest[level..];
            let module = dotted(rest);
            let Some(list) = keyword(rest[module.len()..].trim_start(), "import")
                .or_else(|| rest[module.len()..].trim_start().strip_prefix("import("))
            else {
                continue;
            };
            if level == 0 && module.is_empty() {
                continue;
            }
            let list = list.trim_start();
            let list = match list.strip_prefix('(') {
                // The list may go on over the next lines, up to the closing parenthesis.
                Some(_) => {
                    let tail = &text[end - line.len()..];
                    let tail = &tail[..floor_boundary(tail, MAX_IMPORT_LIST)];
                    let open = tail.find('(').map_or(0, |i| i + 1);
                    let close = tail[open..].find(')').map_or(tail.len(), |i| open + i);
                    &tail[open..close]
                }
                None => list,
            };
            let names = list
                .split([',', '\n', '\r'])
                .map(|n| dotted(n.trim_start()))
                .filter(|n| !n.is_empty() && !n.contains('.'))
                .map(str::to_string)
                .collect();
            out.push(ImportLine {
                level,
                module: module.to_string(),
                names,
                unindented,
            });
        }
    }
    out
}

/// `line` after `word` and the whitespace that must follow it.
fn keyword<'t>(line: &'t str, word: &str) -> Option<&'t str> {
    let rest = line.strip_prefix(word)?;
    rest.starts_with([' ', '\t', '\\'])
        .then(|| rest.trim_start_matches([' ', '\t', '\\']))
}

/// The dotted name at the start of `s` (ASCII identifiers; non-ASCII names are rare enough in
/// module paths to be read through the other routes).
fn dotted(s: &str) -> &str {
    let n = s
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.')
        .count();
    &s[..n]
}

fn floor_boundary(s: &str, max: usize) -> usize {
    let mut i = max.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The modules an import statement in module `importer` (a package when `is_package`) may load:
/// the module itself and, for `from m import a`, `m.a` (which may be a submodule).
pub fn imported_modules(importer: &str, is_package: bool, import: &ImportLine) -> Vec<String> {
    let base = if import.level == 0 {
        import.module.clone()
    } else {
        let mut parts: Vec<&str> = importer.split('.').collect();
        if !is_package {
            parts.pop();
        }
        for _ in 1..import.level {
            if parts.pop().is_none() {
                return Vec::new();
            }
        }
        if !import.module.is_empty() {
            parts.push(&import.module);
        }
        parts.join(".")
    };
    if base.is_empty() {
        return Vec::new();
    }
    let mut out = vec![base.clone()];
    out.extend(import.names.iter().map(|n| crate::index::dotted(&base, n)));
    out
}

/// Whether `text` may define a class derived from the class `name` (a class of the project
/// already known to derive from the library): `name` is a whole word in the bases of a `class`
/// statement, or is renamed (`import … name as x`) or bound to another name at module level
/// (`Alias = name`, alone on its line). A file that only *uses* the class (`name.objects…`,
/// `model = name`, `isinstance(x, name)`) cannot derive from it and is not worth parsing.
pub fn may_subclass(text: &[u8], name: &[u8]) -> bool {
    let mut occurrences = memchr::memmem::find_iter(text, name)
        .filter(|&at| whole_word(text, at, name.len()))
        .peekable();
    if occurrences.peek().is_none() {
        return false;
    }
    let aliased = occurrences.any(|at| {
        let after = &text[at + name.len()..];
        let after = &after[after
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count()..];
        if after.starts_with(b"as") && after.get(2).is_some_and(|&b| !is_ident(b)) {
            return true;
        }
        // `Alias = name` / `Alias = module.name` on an unindented line of its own.
        let rest_blank = matches!(after.first(), None | Some(b'\n' | b'\r' | b'#' | b';'));
        let line = memchr::memrchr(b'\n', &text[..at]).map_or(0, |n| n + 1);
        let before = &text[line..at];
        rest_blank
            && before.first().is_some_and(|&b| is_ident(b))
            && memchr::memchr(b'=', before).is_some()
    });
    aliased || class_bases(text).any(|bases| word_in(bases, name))
}

/// Whether `text` may hold a `class name` statement: `name` as a whole word whose preceding
/// token is the keyword `class` (spaces, tabs and line continuations between them). A module
/// where it cannot (the name is a function, a constant, a re-export) need not be parsed to
/// learn that the name is not a class defined there. A name that is not ASCII may be spelled
/// differently in the file (Python normalizes identifiers): it always may.
pub fn may_define_class(text: &[u8], name: &[u8]) -> bool {
    if name.is_empty() || !name.is_ascii() {
        return true;
    }
    memchr::memmem::find_iter(text, name)
        .filter(|&at| whole_word(text, at, name.len()))
        .any(|at| {
            let mut end = at;
            loop {
                while end > 0 && matches!(text[end - 1], b' ' | b'\t' | b'\x0c') {
                    end -= 1;
                }
                // A line continuation: a backslash, then the line's end.
                end -= match text[..end] {
                    [.., b'\\', b'\r', b'\n'] => 3,
                    [.., b'\\', b'\n' | b'\r'] => 2,
                    _ => break,
                };
            }
            text[..end].ends_with(b"class") && (end == 5 || !is_ident(text[end - 6]))
        })
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Whether the `len` bytes at `at` stand as a word of their own (no identifier byte beside).
fn whole_word(text: &[u8], at: usize, len: usize) -> bool {
    let before = at.checked_sub(1).map(|i| text[i]);
    let after = text.get(at + len).copied();
    !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
}

/// Whether `word` occurs in `text` as a word of its own (`Group` in `auth.Group` or
/// `"auth.Group"`, not in `GroupProfile`).
pub fn mentions_word(text: &[u8], word: &[u8]) -> bool {
    !word.is_empty() && word_in(text, word)
}

fn word_in(text: &[u8], word: &[u8]) -> bool {
    memchr::memmem::find_iter(text, word).any(|at| whole_word(text, at, word.len()))
}

/// The bases of each `class Name(…)` statement of `text` (a `class` keyword at the start of a
/// line, after indentation): the bytes between the parentheses, strings and comments skipped
/// when looking for the closing one (to the end of the text if it is never closed).
fn class_bases(text: &[u8]) -> impl Iterator<Item = &[u8]> + '_ {
    memchr::memmem::find_iter(text, b"class").filter_map(move |at| {
        let line = memchr::memrchr(b'\n', &text[..at]).map_or(0, |n| n + 1);
        if !text[line..at].iter().all(|&b| b == b' ' || b == b'\t') {
            return None;
        }
        let mut i = at + 5;
        let spaces = text[i..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        if spaces == 0 {
            return None;
        }
        i += spaces;
        let name = text[i..].iter().take_while(|&&b| is_ident(b)).count();
        if name == 0 {
            return None;
        }
        i += name;
        i += text[i..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        if text.get(i) != Some(&b'(') {
            return None;
        }
        let start = i + 1;
        let mut depth = 1usize;
        let mut j = start;
        while j < text.len() {
            match text[j] {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(&text[start..j]);
                    }
                }
                b'#' => {
                    j += memchr::memchr(b'\n', &text[j..]).unwrap_or(text.len() - j);
                    continue;
                }
                q @ (b'"' | b'\'') => {
                    // To the closing quote (a backslash escapes one byte); triple quotes read
                    // as an empty string then a string: the same bytes are skipped.
                    j += 1;
                    while j < text.len() && text[j] != q {
                        j += if text[j] == b'\\' { 2 } else { 1 };
                    }
                }
                _ => {}
            }
            j += 1;
        }
        Some(&text[start..])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_tells_whether_it_starts_its_line() {
        let text = "from a import b\nif x:\n    from c import d\ndef f():\n\timport e\nimport g\n";
        let found: Vec<(String, bool)> = imports(text)
            .into_iter()
            .map(|i| (i.module, i.unindented))
            .collect();
        let want = [("a", true), ("c", false), ("e", false), ("g", true)];
        let want: Vec<(String, bool)> = want.iter().map(|(m, u)| (m.to_string(), *u)).collect();
        assert_eq!(found, want);
    }

    fn modules(importer: &str, is_package: bool, text: &str) -> Vec<String> {
        imports(text)
            .iter()
            .flat_map(|i| imported_modules(importer, is_package, i))
            .collect()
    }

    #[test]
    fn model_modules_are_models_py_and_models_packages() {
        assert!(is_model_module(b"app/models.py"));
        assert!(is_model_module(b"app/models/tokens.py"));
        assert!(is_model_module(b"app/models/__init__.py"));
        assert!(!is_model_module(b"app/views.py"));
        assert!(!is_model_module(b"app/mymodels.py"));
    }

    #[test]
    fn the_library_is_mentioned_by_its_package_or_its_settings() {
        assert!(mentions_library("from oauth2_provider.models import X"));
        assert!(mentions_library("OAUTH2_PROVIDER = {}"));
        assert!(!mentions_library("django-oauth-toolkit, oauth2 provider"));
    }

    #[test]
    fn absolute_relative_and_submodule_imports() {
        let text = "import os, app.tokens as t\nfrom django.db import models\nfrom .base import *\nfrom . import tokens, mixins as m\nfrom ..core.fields import (\n    A,\n    B,  # why\n)\n    from .lazy import x  # indented: inside a try or a function\n";
        assert_eq!(
            modules("proj.app.models", false, text),
            [
                "os",
                "app.tokens",
                "django.db",
                "django.db.models",
                "proj.app.base",
                "proj.app",
                "proj.app.tokens",
                "proj.app.mixins",
                "proj.core.fields",
                "proj.core.fields.A",
                "proj.core.fields.B",
                "proj.app.lazy",
                "proj.app.lazy.x",
            ]
        );
    }

    #[test]
    fn a_package_imports_relative_to_itself() {
        assert_eq!(
            modules("app.models", true, "from .tokens import *\n"),
            ["app.models.tokens"]
        );
        assert_eq!(
            modules("app", true, "from ... import x\n"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn words_that_are_not_import_statements_are_ignored() {
        let text = "x = 'import os'\n# from a import b\nimportant = 1\nfrom_x = 2\nreimport(y)\n";
        assert!(imports(text).is_empty(), "{:?}", imports(text));
    }

    #[test]
    fn lone_cr_and_crlf_end_lines() {
        assert_eq!(
            modules("m", false, "import a\rimport b\r\nfrom c import d"),
            ["a", "b", "c", "c.d"]
        );
    }

    #[test]
    fn unterminated_parenthesis_and_multibyte_text_do_not_panic() {
        let text = format!("from a import (b,\n{}", "é".repeat(5000));
        assert_eq!(imports(&text)[0].module, "a");
        assert!(imports("from").is_empty());
        assert!(imports("import").is_empty());
        assert!(imports("from . import").is_empty());
    }
    #[test]
    fn a_file_may_subclass_a_name_only_where_a_class_statement_or_an_alias_could() {
        let may = |t: &str| may_subclass(t.as_bytes(), b"OAuthApplication");
        assert!(may("class MyApp(OAuthApplication):\n    pass\n"));
        assert!(may(
            "class MyApp(\n    mixins.X,\n    models.OAuthApplication,\n):\n"
        ));
        assert!(may(
            "if x:\n    class MyApp(Base, OAuthApplication): pass\n"
        ));
        assert!(may(
            "from pretix.api.models import OAuthApplication as App\n"
        ));
        assert!(may("Base = OAuthApplication\n"));
        assert!(may(
            "class A(Base,  # see (here) ')'\n    OAuthApplication):\n"
        ));
        assert!(may(
            "class A(Base, metaclass=M(\")\"), x=OAuthApplication): pass\n"
        ));
        assert!(may("Base = models.OAuthApplication  # alias\n"));
        assert!(!may("class A(Base):\n    x = OAuthApplication\n"));
        assert!(!may("class OAuthApplicationForm(forms.Form):\n    pass\n"));
        // Uses only.
        assert!(!may("apps = OAuthApplication.objects.filter(x=1)\n"));
        assert!(!may("class Meta:\n    model = OAuthApplication\n"));
        assert!(!may(
            "def f(x):\n    return isinstance(x, OAuthApplication)\n"
        ));
        assert!(!may("from .models import OAuthApplication, OAuthGrant\n"));
        assert!(!may("path('x', OAuthApplicationListView.as_view())\n"));
        assert!(!may("x = foo(1, OAuthApplication)\n"));
        assert!(!may("    app = OAuthApplication(name=1)\n"));
        assert!(!may(""));
    }

    #[test]
    fn a_class_statement_may_define_the_name() {
        let may = |text: &str| may_define_class(text.as_bytes(), b"Store");
        assert!(may("class Store(models.Model):\n    pass\n"));
        assert!(may("class Store:\n"));
        assert!(may("if x:\n    class  Store(Base): pass\n"));
        assert!(may("class \\\n    Store(Base): pass\n"));
        assert!(may("class \\\r\n Store: pass\n"));
        assert!(may("@decorate\nclass\tStore(Base): pass\n"));
        assert!(!may("def Store():\n    pass\n"));
        assert!(!may("Store = make_store()\n"));
        assert!(!may("from .base import Store\n"));
        assert!(!may("class StoreForm(Store): pass\n"));
        assert!(!may("class Shop(Store): pass\n"));
        assert!(!may("subclass Store\n"));
        assert!(!may("# Store lives elsewhere\n"));
        assert!(!may(""));
        // Python normalizes identifiers (NFKC): a name not in ASCII may be spelled otherwise.
        assert!(may_define_class(b"x = 1\n", "Caf\u{e9}".as_bytes()));
    }
}
