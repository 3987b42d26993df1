//! The installed version of a library, read from the project's pinned dependencies:
//! requirements*.txt, pyproject.toml (PEP 621 and Poetry), poetry.lock, uv.lock, Pipfile.lock,
//! in the project root or the repository above it; or from the library's own `__version__` when
//! the project holds the library's package. Only exact pins count (`==`, lock files): a range
//! does not say which release runs.

use std::path::Path;

use crate::contract::Version;
use crate::project::Project;

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

/// The version of `dist` the project at `root` runs, and the file that says so: the package
/// itself when the project holds it (see [`in_tree`]), else the nearest pin (see [`detect`]).
pub fn for_project(project: &Project, dist: &str, package: &str) -> Option<(Version, String)> {
    in_tree(project, package).or_else(|| detect(&project.root, dist))
}

/// The version of a library whose package `package` the project holds itself (the library's own
/// repository, or a vendored copy): `__version__ = "x.y.z"` in its `__init__.py`, which wins
/// over any installed copy on `sys.path`, so over any pin too. Only that one small file is read.
pub fn in_tree(project: &Project, package: &str) -> Option<(Version, String)> {
    let (path, true) = project.module_path(package)? else {
        return None;
    };
    let version = version_assignment(&project.source_text(&path)?)?;
    let shown = path.strip_prefix(&project.root).unwrap_or(&path);
    Some((version, shown.display().to_string()))
}

/// `__version__ = "1.2.3"` (or `__version__: str = '1.2.3'`) at the start of a line.
fn version_assignment(text: &str) -> Option<Version> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix("__version__")?.trim_start();
        let rest = match rest.strip_prefix(':') {
            Some(annotated) => annotated.split_once('=')?.1,
            None => rest.strip_prefix('=')?,
        };
        let rest = rest.trim_start();
        let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
        let (literal, _) = rest[1..].split_once(quote)?;
        Version::parse(literal)
    })
}

/// The pinned version of `dist` and the file that pins it (named relative to `root`): pins in
/// `root`, else in the directories above it up to the repository top (a directory holding
/// `pyproject.toml`, `setup.py`, `setup.cfg` or `.git`; see [`crate::project::is_repository_top`]):
/// a project nested in a repository (`repo/src/proj/manage.py`, `repo/example/manage.py`) runs
/// what the repository pins. A directory whose files name `dist` without pinning it ends the
/// search: its project chose not to pin, whatever a directory above says.
pub fn detect(root: &Path, dist: &str) -> Option<(Version, String)> {
    let dist = normalise(dist);
    let mut dir = root.to_path_buf();
    let mut up = String::new();
    loop {
        let (pinned, named, top) = detect_in(&dir, &dist);
        if let Some((v, file)) = pinned {
            return Some((v, format!("{up}{file}")));
        }
        if named || top {
            return None;
        }
        dir = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())?
            .to_path_buf();
        up.push_str("../");
    }
}

/// What the pin files of `dir` say about `dist`: the pin and its file, whether a file names
/// `dist` at all, and whether `dir` is a repository top. One listing of `dir`; only the files
/// that exist are read.
fn detect_in(dir: &Path, dist: &str) -> (Option<(Version, String)>, bool, bool) {
    let names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    let has = |name: &str| names.iter().any(|n| n == name);
    let top = has("pyproject.toml") || has("setup.py") || has("setup.cfg") || has(".git");
    let read = |name: &str| {
        has(name.split('/').next().unwrap_or(name))
            .then(|| std::fs::read_to_string(dir.join(name)).ok())
            .flatten()
    };
    let mut named = false;
    for lock in ["uv.lock", "poetry.lock"] {
        if let Some(v) = read(lock).and_then(|t| from_lock(&t, dist)) {
            return (Some((v, lock.to_string())), true, top);
        }
    }
    if let Some(v) = read("Pipfile.lock").and_then(|t| from_pipfile_lock(&t, dist)) {
        return (Some((v, "Pipfile.lock".to_string())), true, top);
    }
    if let Some(text) = read("pyproject.toml") {
        if let Some(v) = from_pyproject(&text, dist) {
            return (Some((v, "pyproject.toml".to_string())), true, top);
        }
        named |= names_in_pyproject(&text, dist);
    }
    let mut reqs: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with("requirements") && n.ends_with(".txt"))
        .cloned()
        .collect();
    reqs.sort();
    if has("requirements") {
        let mut nested: Vec<_> = std::fs::read_dir(dir.join("requirements"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(|n| format!("requirements/{n}")))
            .filter(|n| n.ends_with(".txt"))
            .collect();
        nested.sort();
        reqs.extend(nested);
    }
    for name in reqs {
        let Some(text) = read(&name) else {
            continue;
        };
        if let Some(v) = from_requirements(&text, dist) {
            return (Some((v, name)), true, top);
        }
        named |= text
            .lines()
            .any(|l| requirement_name(l) == Some(dist.to_string()));
    }
    (None, named, top)
}

/// The normalised distribution name a requirement line is about, whatever its specifier.
fn requirement_name(line: &str) -> Option<String> {
    let line = line.split('#').next()?.trim();
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(line.len());
    let name = normalise(&line[..end]);
    (!name.is_empty()).then_some(name)
}

/// Whether pyproject.toml's dependencies (PEP 621 or Poetry) name `dist`.
fn names_in_pyproject(text: &str, dist: &str) -> bool {
    let Ok(doc) = toml::from_str::<toml::Value>(text) else {
        return false;
    };
    let pep621 = doc
        .get("project")
        .and_then(|p| p.get("dependencies"))
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
        .any(|r| requirement_name(r).as_deref() == Some(dist));
    let poetry = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.get("dependencies"))
        .and_then(toml::Value::as_table)
        .is_some_and(|deps| deps.keys().any(|k| normalise(k) == dist));
    pep621 || poetry
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

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    const DOT: &str = "django-oauth-toolkit";

    #[test]
    fn a_nested_root_inherits_the_pins_of_its_repository() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        write(
            &repo,
            "requirements/prod.txt",
            "Django==4.2\ndjango-oauth-toolkit==2.3.0\n",
        );
        write(&repo, "src/proj/manage.py", "");
        write(&repo, "example/manage.py", "");
        assert_eq!(
            detect(&repo.join("src/proj"), DOT),
            Some((Version(2, 3, 0), "../../requirements/prod.txt".to_string()))
        );
        assert_eq!(
            detect(&repo.join("example"), DOT),
            Some((Version(2, 3, 0), "../requirements/prod.txt".to_string()))
        );
        // A lock file of the repository counts the same.
        write(
            &repo,
            "uv.lock",
            "[[package]]\nname = \"django-oauth-toolkit\"\nversion = \"3.3.0\"\n",
        );
        assert_eq!(
            detect(&repo.join("example"), DOT),
            Some((Version(3, 3, 0), "../uv.lock".to_string()))
        );
    }

    #[test]
    fn the_search_for_pins_stops_at_the_repository_top_and_at_an_unpinned_mention() {
        let dir = tempfile::tempdir().unwrap();
        let outer = dir.path().join("outer");
        write(&outer, "requirements.txt", "django-oauth-toolkit==2.2.0\n");
        // The repository holding the project has a pyproject.toml without a pin: the pin of a
        // directory above it belongs to another project.
        write(&outer, "repo/pyproject.toml", "[project]\nname = \"x\"\n");
        write(&outer, "repo/example/manage.py", "");
        write(&outer, "other/example/manage.py", "");
        assert_eq!(detect(&outer.join("repo/example"), DOT), None);
        assert_eq!(
            detect(&outer.join("other/example"), DOT),
            Some((Version(2, 2, 0), "../../requirements.txt".to_string()))
        );
        // A project that names the library without pinning it does not inherit a pin.
        write(
            &outer,
            "other/example/requirements.txt",
            "Django\ndjango_oauth_toolkit>=3.0  # newest\n",
        );
        assert_eq!(detect(&outer.join("other/example"), DOT), None);
        write(
            &outer,
            "third/example/pyproject.toml",
            "[tool.poetry.dependencies]\ndjango-oauth-toolkit = \"^3.0\"\n",
        );
        assert_eq!(detect(&outer.join("third/example"), DOT), None);
    }

    #[test]
    fn a_project_holding_the_library_uses_its_version() {
        let (_d, project) = crate::project::fixture(
            "# -- requirements.txt\ndjango-oauth-toolkit==2.4.0\n\
             # -- oauth2_provider/__init__.py\nimport django\n\n__version__ = \"3.3.0\"\n",
        );
        assert_eq!(
            for_project(&project, DOT, "oauth2_provider"),
            Some((Version(3, 3, 0), "oauth2_provider/__init__.py".to_string()))
        );
        // A package without a literal `__version__` (a trimmed fork) says nothing: the pin.
        std::fs::write(
            project.root.join("oauth2_provider/__init__.py"),
            "__version__ = get_version()\n",
        )
        .unwrap();
        assert_eq!(
            for_project(&project, DOT, "oauth2_provider"),
            Some((Version(2, 4, 0), "requirements.txt".to_string()))
        );
        assert_eq!(
            version_assignment("__version__: str = '1.7.1'\n"),
            Some(Version(1, 7, 1))
        );
        assert_eq!(version_assignment("x__version__ = \"1.0\"\n"), None);
        assert_eq!(version_assignment("__version__ == \"1.0\"\n"), None);
    }
}
