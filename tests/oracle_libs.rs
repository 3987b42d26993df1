//! The library fixtures (`auth*`, `dra*`, `wag*`, `tag*`, `osc*`, their `ok_` variants and
//! `demo_wagtail`) against what the real libraries did, as recorded by `tests/oracle/libs/run.py`
//! in `tests/oracle/libs/results.json`: every such fixture has a result, a fixture with `# expect:`
//! markers makes at least one library operation fail, and a silent one makes none fail. (Whether
//! each failure is the one its rule names is `tests/oracle/libs/conformance.py`'s job; this test
//! needs no Python and catches a fixture added or changed without running the oracle's logic.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FAMILIES: &[&str] = &["auth", "dra", "wag", "tag", "osc"];
const EXTRA: &[&str] = &["demo_wagtail"];

/// The same selection as `is_library_fixture` in tests/oracle/libs/run.py.
fn is_library_fixture(name: &str) -> bool {
    let bare = name.strip_prefix("ok_").unwrap_or(name);
    EXTRA.contains(&name)
        || FAMILIES.iter().any(|f| {
            bare.strip_prefix(f).is_some_and(|rest| {
                rest.starts_with('_') || rest.starts_with(|c: char| c.is_ascii_digit())
            })
        })
}

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            python_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "py") {
            out.push(p);
        }
    }
}

fn has_markers(root: &Path) -> bool {
    let mut files = Vec::new();
    python_files(root, &mut files);
    files.iter().any(|f| {
        std::fs::read_to_string(f).unwrap().lines().any(|l| {
            l.split_once("# expect:").is_some_and(|(_, codes)| {
                codes
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_uppercase())
            })
        })
    })
}

#[test]
fn selection_matches_the_oracle_driver() {
    assert!(is_library_fixture("auth001_custom_user_groups"));
    assert!(is_library_fixture("ok_tag_custom_tag_recipe"));
    assert!(is_library_fixture("demo_wagtail"));
    assert!(!is_library_fixture("demo"));
    assert!(!is_library_fixture("dot001_plus"));
    assert!(!is_library_fixture("ok_no_dot"));
    assert!(!is_library_fixture("tagged_models"));
}

#[test]
fn every_library_fixture_has_an_oracle_result_that_matches_its_markers() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(repo.join("tests/oracle/libs/results.json")).unwrap();
    let data: serde_json::Value = serde_json::from_str(&text).unwrap();
    let results = data["results"].as_object().unwrap();
    let mut names: Vec<String> = std::fs::read_dir(repo.join("fixtures"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| is_library_fixture(n))
        .collect();
    names.sort();
    assert!(names.len() >= 20, "only {} library fixtures", names.len());
    let mut failures = Vec::new();
    let mut per_outcome: BTreeMap<&str, usize> = BTreeMap::new();
    for name in &names {
        let Some(entry) = results.get(&format!("fixtures/{name}")) else {
            failures.push(format!(
                "{name}: no result (run python3 tests/oracle/libs/run.py)"
            ));
            continue;
        };
        let result = &entry["result"];
        if let Some(crash) = result.get("crashed") {
            failures.push(format!("{name}: the oracle worker crashed: {crash}"));
            continue;
        }
        let ops = result["operations"].as_object().unwrap();
        let failed: Vec<&String> = ops
            .iter()
            .filter(|(_, o)| o["status"] == "error")
            .map(|(n, _)| n)
            .collect();
        let marked = has_markers(&repo.join("fixtures").join(name));
        match (marked, failed.is_empty()) {
            (true, true) => failures.push(format!(
                "{name}: has # expect: markers, but no library operation failed"
            )),
            (false, false) => failures.push(format!(
                "{name}: silent fixture, but the library failed at {failed:?}"
            )),
            _ => {}
        }
        *per_outcome
            .entry(if marked { "fails" } else { "silent" })
            .or_default() += 1;
        // a silent fixture ran the library operations (more than setup, check and migrate)
        if !marked && ops.len() <= 3 {
            failures.push(format!(
                "{name}: only {} operations ran: {:?}",
                ops.len(),
                ops.keys().collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} library fixture(s) disagree with the oracle:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        per_outcome["fails"] >= 10 && per_outcome["silent"] >= 8,
        "{per_outcome:?}"
    );
}
