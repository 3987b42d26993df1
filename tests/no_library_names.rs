//! Issue 14: no library's name or package appears in `src/` outside tests; what to read and
//! parse for a library comes from its contract (`rules/<library>/contract.toml`). The names
//! looked for are each embedded contract's own: its distribution, package, settings prefix and
//! settings object (DOT's schema); its library, distributions, packages and gating settings
//! (the generic schema, for the libraries other than Django itself). Comments, and each file's `#[cfg(test)]` part, are not code.

use std::path::Path;

use django_model_lint::{contract, library};

/// Lines that still name a library, each with why: the rules' one-line summaries are `const`
/// strings (`rule --all`, SARIF), which data read at run time cannot fill.
const KNOWN: &[(&str, &str)] = &[
    (
        "src/rules/mod.rs",
        "a model setting is inside the `OAUTH2_PROVIDER` dict",
    ),
    (
        "src/rules/mod.rs",
        "an `OAUTH2_PROVIDER_*_MODEL` setting does not name",
    ),
    (
        "src/rules/mod.rs",
        "whose `OAUTH2_PROVIDER_*_MODEL` setting is not defined",
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Whether `file` is a whole test module: `tests.rs`, declared `#[cfg(test)] mod tests;` by its
/// parent (`mod.rs` beside it, or `<dir>.rs` for `<dir>/tests.rs`).
fn is_test_module(file: &Path) -> bool {
    if file.file_name().is_none_or(|n| n != "tests.rs") {
        return false;
    }
    let dir = file.parent().unwrap();
    let parents = [dir.join("mod.rs"), dir.with_extension("rs")];
    parents
        .iter()
        .any(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("#[cfg(test)]\nmod tests;")))
}

#[test]
fn src_names_no_library_outside_tests() {
    let mut names: Vec<String> = Vec::new();
    for c in contract::all() {
        let (_, object) = c.settings_object_parts();
        names.extend([
            c.library.clone(),
            c.package.clone(),
            c.settings_dict.clone(),
            object.to_string(),
        ]);
    }
    // The generic contracts (`schema = 2`): each third-party library's distribution, package
    // and gating settings. Django's own contract (`always_used`: every project uses Django) is
    // left out: this is a Django linter, `django` is everywhere.
    for c in library::contracts() {
        if c.always_used {
            continue;
        }
        names.push(c.library.clone());
        names.extend(c.distributions.iter().cloned());
        names.extend(c.packages.iter().cloned());
        names.extend(c.gate_settings.iter().cloned());
    }
    assert!(names.iter().any(|n| n == "oauth2_provider"), "{names:?}");
    assert!(names.iter().any(|n| n == "taggit"), "{names:?}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut found = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(file).unwrap();
        if is_test_module(file) {
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("#[cfg(test)]") {
                break;
            }
            if code.starts_with("//") {
                continue;
            }
            if !names.iter().any(|n| line.contains(n.as_str())) {
                continue;
            }
            if KNOWN.iter().any(|(f, s)| *f == rel && line.contains(s)) {
                continue;
            }
            found.push(format!("{rel}:{}: {}", i + 1, code));
        }
    }
    assert!(
        found.is_empty(),
        "library names in src/:\n{}",
        found.join("\n")
    );
}
