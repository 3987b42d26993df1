//! `pyproject.toml`, parsed once a run: the configuration looks for its table there, and the
//! version detection reads the pins of each library it asks about (DOT's, Django's) from the
//! same file. A parse of a few kilobytes of TOML takes a tenth of a millisecond or more.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// A file's text and what parsing it gave.
type Entry = (String, Arc<Result<toml::Value, toml::de::Error>>);

/// The parse of `text`, the content of the file at `path`: a file read again with the same
/// text is not parsed again.
pub fn parse(path: &Path, text: &str) -> Arc<Result<toml::Value, toml::de::Error>> {
    static PARSED: OnceLock<Mutex<HashMap<PathBuf, Entry>>> = OnceLock::new();
    let parsed = PARSED.get_or_init(Default::default);
    let lock = || parsed.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((known, result)) = lock().get(path)
        && known == text
    {
        return result.clone();
    }
    let result = Arc::new(toml::from_str::<toml::Value>(text));
    lock().insert(path.to_path_buf(), (text.to_string(), result.clone()));
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_parsed_once_for_the_same_text() {
        let path = Path::new("/nowhere/pyproject.toml");
        let first = parse(path, "[tool.x]\na = 1\n");
        let again = parse(path, "[tool.x]\na = 1\n");
        assert!(Arc::ptr_eq(&first, &again));
        let changed = parse(path, "[tool.x]\na = 2\n");
        assert!(!Arc::ptr_eq(&first, &changed));
        let a = changed
            .as_ref()
            .as_ref()
            .ok()
            .and_then(|v| v.get("tool")?.get("x")?.get("a")?.as_integer());
        assert_eq!(a, Some(2));
        assert!(parse(Path::new("/nowhere/bad/pyproject.toml"), "[tool\n").is_err());
    }
}
