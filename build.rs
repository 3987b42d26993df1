//! Embeds the generic library contracts (`rules/<library>/contract.toml` files declaring
//! `schema = 2`) and their rule docs (`rules/<library>/<CODE>.md`), so that no library's name
//! is written in `src/`: adding a library is adding a folder under `rules/`.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("rules/ is readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut contracts = String::from("pub const CONTRACTS: &[(&str, &str, &[&str])] = &[\n");
    let mut docs = String::from("pub const DOCS: &[(&str, &str, &str)] = &[\n");
    for dir in dirs {
        println!("cargo:rerun-if-changed={}", dir.display());
        let contract = dir.join("contract.toml");
        let Ok(text) = std::fs::read_to_string(&contract) else {
            continue;
        };
        if !text.lines().any(|l| l.trim() == "schema = 2") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", contract.display());
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        // The rule codes the contract's items carry (`code = "X"` lines), so that a run can ask
        // whether a code is a contract's without parsing the data (a unit test checks them
        // against the parsed contracts).
        let mut codes: Vec<String> = text
            .lines()
            .filter_map(|l| {
                let v = l
                    .trim()
                    .strip_prefix("code")?
                    .trim_start()
                    .strip_prefix('=')?;
                Some(v.trim().trim_matches('"').to_string())
            })
            .collect();
        codes.sort();
        codes.dedup();
        let _ = writeln!(
            contracts,
            "    ({name:?}, include_str!({:?}), &{codes:?}),",
            contract.display().to_string()
        );
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("a rules folder is readable")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        files.sort();
        for doc in files {
            println!("cargo:rerun-if-changed={}", doc.display());
            let code = doc.file_stem().unwrap().to_string_lossy().to_string();
            let _ = writeln!(
                docs,
                "    ({code:?}, {name:?}, include_str!({:?})),",
                doc.display().to_string()
            );
        }
    }
    contracts.push_str("];\n");
    docs.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("library_data.rs");
    std::fs::write(out, contracts + &docs).expect("OUT_DIR is writable");
}
