//! Configuration files, found like ruff's: from the first input upward, the first directory with
//! `.django-model-lint.toml`, `django-model-lint.toml`, or a `pyproject.toml` that has a
//! `[tool.django-model-lint]` table. Command-line flags override the file; the file overrides
//! defaults. Unknown keys and bad values are errors that name the file and the key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::codes::Rule;
use crate::contract::Version;
use crate::diagnostic::FixDetails;

/// What the command line (or a test) asks for.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--settings`: the settings module, dotted.
    pub settings: Option<String>,
    /// `--dot-version`: overrides the pinned version found in the project.
    pub dot_version: Option<Version>,
    /// `--exclude` globs.
    pub exclude: Vec<String>,
    /// Which codes are reported.
    pub selection: Selection,
    /// Codes ignored in files matching a glob.
    pub per_file_ignores: Vec<(globset::GlobMatcher, Vec<String>)>,
    /// Extra source roots (`src` in the configuration).
    pub src: Vec<PathBuf>,
    /// `--stdin-filename`: the buffer to check in place of that file's content on disk.
    pub stdin: Option<(PathBuf, String)>,
    /// How much of each fix the caller will use.
    pub fix_details: FixDetails,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub extend_select: Option<Vec<String>>,
    pub per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Option<Vec<String>>,
    pub settings: Option<String>,
    pub src: Option<Vec<String>>,
    pub dot_version: Option<String>,
    pub output_format: Option<String>,
}

/// A configuration file and the directory its relative paths are resolved against.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub dir: PathBuf,
    pub config: Config,
}

/// Parses one configuration file. `Ok(None)` for a pyproject.toml without our table.
/// A TOML error on one line: `file:line:col: message`.
fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> String {
    let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            // Name the key when the message does not.
            let key = text
                .lines()
                .nth(line - 1)
                .and_then(|l| l.split_once('='))
                .map(|(k, _)| k.trim().trim_matches('"'))
                .filter(|k| !message.contains(k));
            match key {
                Some(k) => format!("{}:{line}:{col}: `{k}`: {message}", path.display()),
                None => format!("{}:{line}:{col}: {message}", path.display()),
            }
        }
        None => format!("{}: {message}", path.display()),
    }
}

pub fn load(path: &Path) -> Result<Option<Loaded>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let config: Config = if is_pyproject {
        let parsed = crate::pyproject::parse(path, &text);
        let doc = match parsed.as_ref() {
            Ok(doc) => doc,
            Err(e) => return Err(toml_error(path, &text, e)),
        };
        let Some(table) = doc.get("tool").and_then(|t| t.get("django-model-lint")) else {
            return Ok(None);
        };
        table.clone().try_into().map_err(|e: toml::de::Error| {
            let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
            format!("{}: [tool.django-model-lint]: {message}", path.display())
        })?
    } else {
        toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?
    };
    validate(&config).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Some(Loaded {
        path: path.to_path_buf(),
        dir: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
        config,
    }))
}

fn validate(c: &Config) -> Result<(), String> {
    let codes = c
        .select
        .iter()
        .chain(&c.ignore)
        .chain(&c.extend_select)
        .flatten()
        .map(|s| ("select/ignore", s))
        .chain(
            c.per_file_ignores
                .iter()
                .flat_map(|m| m.values().flatten())
                .map(|s| ("per-file-ignores", s)),
        );
    for (key, code) in codes {
        if !is_selector(code) {
            return Err(format!(
                "`{key}`: `{code}` is not a rule code or prefix (expected e.g. \"DOT001\", \"DOT\" or \"ALL\")"
            ));
        }
    }
    if let Some(v) = &c.dot_version {
        Version::parse(v).ok_or_else(|| {
            format!("`dot-version`: `{v}` is not a version (expected e.g. \"3.4.1\")")
        })?;
    }
    if let Some(f) = &c.output_format
        && crate::report::Format::from_name(f).is_none()
    {
        return Err(format!(
            "`output-format`: `{f}` is not one of {}",
            crate::report::Format::ALL
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for glob in c.exclude.iter().chain(&c.extend_exclude).flatten() {
        globset::Glob::new(glob).map_err(|e| format!("`exclude`: bad glob `{glob}`: {e}"))?;
    }
    for glob in c.per_file_ignores.iter().flat_map(|m| m.keys()) {
        globset::Glob::new(glob)
            .map_err(|e| format!("`per-file-ignores`: bad glob `{glob}`: {e}"))?;
    }
    Ok(())
}

/// A code or a prefix of codes that exist (`DOT`, `DOT00`, `DOT001`, `E9`, `ALL`).
pub fn is_selector(s: &str) -> bool {
    s == "ALL" || Rule::ALL.iter().any(|r| r.code().starts_with(s))
}

/// The configuration for `start` (a file or directory): the nearest candidate above it.
pub fn find(start: &Path) -> Result<Option<Loaded>, String> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        for name in [
            ".django-model-lint.toml",
            "django-model-lint.toml",
            "pyproject.toml",
        ] {
            let candidate = d.join(name);
            if candidate.is_file()
                && let Some(loaded) = load(&candidate)?
            {
                return Ok(Some(loaded));
            }
        }
        dir = d.parent();
    }
    Ok(None)
}

/// Which codes are reported: `select` (default all) + `extend-select` − `ignore`, where the
/// longest matching entry decides (ruff's rule: `ignore = ["DOT"]` with `select = ["DOT001"]`
/// keeps DOT001).
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn enabled(&self, rule: Rule) -> bool {
        let code = rule.code();
        let best = |list: &[String]| {
            list.iter()
                .filter(|s| s.as_str() == "ALL" || code.starts_with(s.as_str()))
                .map(|s| if s == "ALL" { 0 } else { s.len() })
                .max()
        };
        let selected = if self.select.is_empty() {
            (!crate::codes::DEFAULT_OFF.contains(&rule)).then_some(0)
        } else if crate::codes::DEFAULT_OFF.contains(&rule) {
            // Only an explicit code or a prefix longer than "ALL" turns these on.
            self.select
                .iter()
                .filter(|s| code.starts_with(s.as_str()))
                .map(String::len)
                .max()
        } else {
            best(&self.select)
        };
        match (selected, best(&self.ignore)) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(s), Some(i)) => s > i,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pyproject_table_is_read_and_unknown_keys_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pyproject.toml");
        std::fs::write(&p, "[tool.django-model-lint]\nselect = [\"DOT\"]\nignore = [\"DOT003\"]\ndot-version = \"2.4.0\"\n").unwrap();
        let l = find(dir.path()).unwrap().unwrap();
        assert_eq!(
            l.config.ignore.as_deref(),
            Some(&["DOT003".to_string()][..])
        );
        std::fs::write(&p, "[tool.django-model-lint]\nselec = [\"DOT\"]\n").unwrap();
        let e = find(dir.path()).unwrap_err();
        assert!(e.contains("pyproject.toml") && e.contains("selec"), "{e}");
        std::fs::write(&p, "[tool.django-model-lint]\nselect = [\"XYZ1\"]\n").unwrap();
        assert!(find(dir.path()).unwrap_err().contains("XYZ1"));
        std::fs::write(&p, "[tool.django-model-lint]\ndot-version = \"new\"\n").unwrap();
        assert!(find(dir.path()).unwrap_err().contains("dot-version"));
    }

    #[test]
    fn pyproject_without_table_is_skipped_for_an_outer_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("django-model-lint.toml"),
            "ignore = [\"DOT007\"]\n",
        )
        .unwrap();
        let inner = dir.path().join("inner");
        std::fs::create_dir(&inner).unwrap();
        std::fs::write(inner.join("pyproject.toml"), "[project]\nname = \"x\"\n").unwrap();
        let l = find(&inner).unwrap().unwrap();
        assert!(l.path.ends_with("django-model-lint.toml"));
    }

    #[test]
    fn selection_longest_prefix_wins() {
        let s = Selection {
            select: vec!["DOT001".into()],
            ignore: vec!["DOT".into()],
        };
        assert!(s.enabled(Rule::DOT001));
        assert!(!s.enabled(Rule::DOT002));
        let s = Selection {
            select: vec![],
            ignore: vec!["DOT00".into()],
        };
        assert!(!s.enabled(Rule::DOT003));
        assert!(s.enabled(Rule::DOT010));
        assert!(s.enabled(Rule::E999));
    }
}

/// Settings given on the command line; `None` means "not given".
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub isolated: bool,
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub extend_select: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Option<Vec<String>>,
    pub settings: Option<String>,
    pub dot_version: Option<Version>,
    pub output_format: Option<String>,
}

/// The effective options (flag > file > default) and output format.
pub fn resolve(
    inputs: &[PathBuf],
    flags: &Overrides,
) -> Result<(Options, String, Option<Loaded>), String> {
    let loaded =
        if flags.isolated {
            None
        } else if let Some(path) = &flags.config {
            Some(load(path)?.ok_or_else(|| {
                format!("{}: has no [tool.django-model-lint] table", path.display())
            })?)
        } else {
            let start = inputs
                .first()
                .cloned()
                .unwrap_or_else(|| PathBuf::from("."));
            find(&start)?
        };
    let file = loaded
        .as_ref()
        .map(|l| l.config.clone())
        .unwrap_or_default();
    let dir = loaded.as_ref().map(|l| l.dir.clone());
    for code in flags
        .select
        .iter()
        .chain(&flags.ignore)
        .chain(&flags.extend_select)
        .flatten()
    {
        if !is_selector(code) {
            return Err(format!("`{code}` is not a rule code or prefix"));
        }
    }
    let extend = flags
        .extend_select
        .clone()
        .or(file.extend_select)
        .unwrap_or_default();
    // Without a `select`, what is extended is the default selection (every rule but the
    // default-off ones, which "ALL" does not turn on): `--extend-select DML100` adds DML100 to
    // the defaults rather than replacing them.
    let mut select = match flags.select.clone().or(file.select) {
        Some(select) => select,
        None if extend.is_empty() => Vec::new(),
        None => vec!["ALL".to_string()],
    };
    select.extend(extend);
    let ignore = flags.ignore.clone().or(file.ignore).unwrap_or_default();
    let mut exclude = flags.exclude.clone().or(file.exclude).unwrap_or_default();
    exclude.extend(
        flags
            .extend_exclude
            .clone()
            .or(file.extend_exclude)
            .unwrap_or_default(),
    );
    let dot_version = match flags.dot_version {
        Some(v) => Some(v),
        None => file.dot_version.as_deref().and_then(Version::parse),
    };
    let relative = |p: &str| dir.as_ref().map_or_else(|| PathBuf::from(p), |d| d.join(p));
    let per_file_ignores = file
        .per_file_ignores
        .unwrap_or_default()
        .into_iter()
        .map(|(glob, codes)| {
            let pattern = match &dir {
                Some(d) if !glob.starts_with('/') && !glob.starts_with("**") => {
                    format!("{}/{glob}", d.display())
                }
                _ => glob,
            };
            let matcher = globset::Glob::new(&pattern)
                .map_err(|e| format!("per-file-ignores: {e}"))?
                .compile_matcher();
            Ok((matcher, codes))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let options = Options {
        settings: flags.settings.clone().or(file.settings),
        dot_version,
        exclude,
        selection: Selection { select, ignore },
        per_file_ignores,
        src: file
            .src
            .unwrap_or_default()
            .iter()
            .map(|s| relative(s))
            .collect(),
        stdin: None,
        fix_details: FixDetails::Full,
    };
    let format = flags
        .output_format
        .clone()
        .or(file.output_format)
        .unwrap_or_else(|| "full".to_string());
    Ok((options, format, loaded))
}
