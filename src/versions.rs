//! The installed version of a library, read from the project's pinned dependencies:
//! requirements*.txt, pyproject.toml (PEP 621 and Poetry), poetry.lock, uv.lock, Pipfile.lock.
//! Only exact pins count (`==`, lock files): a range does not say which release runs.

use std::path::Path;

use crate::contract::Version;

/// Normalised distribution name (PEP 503): lower case, runs of `-_.` as `-`.
fn normalise(name: &str) -> String {
    let mut out = String::new();
    let mut sep = false;
    for ch in name.trim().chars() {
        if matches!(ch, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(ch.to_lowercase());
        }
    }
    out
}

/// `name==1.2.3` (with optional extras, spaces, markers) → the pinned version.
fn pinned_in_requirement(line: &str, dist: &str) -> Option<Version> {
    let line = line.split('#').next()?.split(';').next()?.trim();
    let (name, rest) = line.split_once("==")?;
    let name = name.split('[').next()?;
    if normalise(name) != dist {
        return None;
    }
    Version::parse(rest.trim_start_matches('=').trim())
}

fn from_requirements(text: &str, dist: &str) -> Option<Version> {
    text.lines().find_map(|l| pinned_in_requirement(l, dist))
}

/// `[[package]] name = "…" version = "…"` in poetry.lock and uv.lock.
fn from_lock(text: &str, dist: &str) -> Option<Version> {
    let doc: toml::Value = toml::from_str(text).ok()?;
    doc.get("package")?.as_array()?.iter().find_map(|p| {
        let name = p.get("name")?.as_str()?;
        (normalise(name) == dist)
            .then(|| Version::parse(p.get("version")?.as_str()?))
            .flatten()
    })
}

fn from_pyproject(text: &str, dist: &str) -> Option<Version> {
    let doc: toml::Value = toml::from_str(text).ok()?;
    let pep621 = doc
        .get("project")
        .and_then(|p| p.get("dependencies"))
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
        .find_map(|r| pinned_in_requirement(r, dist));
    if pep621.is_some() {
        return pep621;
    }
    let poetry = doc
        .get("tool")?
        .get("poetry")?
        .get("dependencies")?
        .as_table()?;
    poetry.iter().find_map(|(name, spec)| {
        if normalise(name) != dist {
            return None;
        }
        let s = match spec {
            toml::Value::String(s) => s.as_str(),
            other => other.get("version")?.as_str()?,
        };
        let exact = s.trim().trim_start_matches("==");
        exact
            .chars()
            .next()
            .filter(char::is_ascii_digit)
            .and_then(|_| Version::parse(exact))
    })
}

fn from_pipfile_lock(text: &str, dist: &str) -> Option<Version> {
    let doc: serde_json::Value = serde_json::from_str(text).ok()?;
    ["default", "develop"].iter().find_map(|section| {
        doc.get(section)?
            .as_object()?
            .iter()
            .find_map(|(name, spec)| {
                (normalise(name) == dist)
                    .then(|| {
                        Version::parse(spec.get("version")?.as_str()?.trim_start_matches("=="))
                    })
                    .flatten()
            })
    })
}

/// The pinned version of `dist` and the file that pins it.
pub fn detect(root: &Path, dist: &str) -> Option<(Version, String)> {
    let dist = normalise(dist);
    let read = |name: &str| std::fs::read_to_string(root.join(name)).ok();
    for lock in ["uv.lock", "poetry.lock"] {
        if let Some(v) = read(lock).and_then(|t| from_lock(&t, &dist)) {
            return Some((v, lock.to_string()));
        }
    }
    if let Some(v) = read("Pipfile.lock").and_then(|t| from_pipfile_lock(&t, &dist)) {
        return Some((v, "Pipfile.lock".to_string()));
    }
    if let Some(v) = read("pyproject.toml").and_then(|t| from_pyproject(&t, &dist)) {
        return Some((v, "pyproject.toml".to_string()));
    }
    let mut reqs: Vec<_> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.starts_with("requirements") && n.ends_with(".txt"))
        .collect();
    reqs.sort();
    let mut dirs = vec![String::new()];
    if root.join("requirements").is_dir() {
        dirs.push("requirements/".to_string());
        let mut nested: Vec<_> = std::fs::read_dir(root.join("requirements"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(|n| format!("requirements/{n}")))
            .filter(|n| n.ends_with(".txt"))
            .collect();
        nested.sort();
        reqs.extend(nested);
    }
    reqs.into_iter()
        .find_map(|name| Some((from_requirements(&read(&name)?, &dist)?, name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_read_from_each_format() {
        let d = "django-oauth-toolkit";
        assert_eq!(
            from_requirements(
                "Django>=4\nDjango_OAuth.Toolkit[x] == 2.4.0 ; python_version>'3'\n",
                d
            ),
            Some(Version(2, 4, 0))
        );
        assert_eq!(from_requirements("django-oauth-toolkit>=2.0\n", d), None);
        assert_eq!(
            from_lock(
                "[[package]]\nname = \"django-oauth-toolkit\"\nversion = \"3.0.1\"\n",
                d
            ),
            Some(Version(3, 0, 1))
        );
        assert_eq!(
            from_pyproject(
                "[project]\ndependencies = [\"django-oauth-toolkit==1.7.1\"]\n",
                d
            ),
            Some(Version(1, 7, 1))
        );
        assert_eq!(
            from_pyproject(
                "[tool.poetry.dependencies]\ndjango-oauth-toolkit = \"2.3.0\"\n",
                d
            ),
            Some(Version(2, 3, 0))
        );
        assert_eq!(
            from_pyproject(
                "[tool.poetry.dependencies]\ndjango-oauth-toolkit = \"^2.3.0\"\n",
                d
            ),
            None
        );
        assert_eq!(
            from_pipfile_lock(
                r#"{"default": {"django-oauth-toolkit": {"version": "==3.4.1"}}}"#,
                d
            ),
            Some(Version(3, 4, 1))
        );
    }

    #[test]
    fn detect_reports_the_pinning_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("requirements-prod.txt"),
            "django-oauth-toolkit==2.2.0\n",
        )
        .unwrap();
        let (v, file) = detect(dir.path(), "django-oauth-toolkit").unwrap();
        assert_eq!(
            (v, file.as_str()),
            (Version(2, 2, 0), "requirements-prod.txt")
        );
    }
}
