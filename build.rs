//! Embeds the data under `rules/` without naming a library in `src/`: every rule's
//! documentation (`rules/<folder>/<CODE>.md`) and every library contract
//! (`rules/<library>/contract.toml`), listed in `$OUT_DIR/embedded.rs`, sorted by path; for
//! the generic contracts (`schema = 2`), the rule codes their items carry. On Linux, it also
//! asks for a position-dependent binary (`link_position_dependent`), linked statically where
//! the C library's archives are installed (`link_statically`), else with the unwinder linked in
//! (`link_unwinder_statically`).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    link_position_dependent();
    if !link_statically() {
        link_unwinder_statically();
    }
    // Read at run time, not `env!` at compile time: a build script compiled for one copy of the
    // source (pip's build copies the tree to a temporary directory and shares the target
    // directory) is reused for another, and the baked-in path no longer exists.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest);
    let rules = root.join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut docs: Vec<(String, String)> = Vec::new();
    let mut contracts: Vec<String> = Vec::new();
    let mut folders: Vec<_> = std::fs::read_dir(&rules)
        .expect("rules/ is readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        println!("cargo:rerun-if-changed={}", folder.display());
        let folder_name = folder.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .expect("a rules folder is readable")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        for file in files {
            let rel = format!("rules/{folder_name}/{file}");
            if file == "contract.toml" {
                contracts.push(rel);
            } else if let Some(code) = file.strip_suffix(".md").filter(|c| is_code(c)) {
                docs.push((code.to_string(), rel));
            }
        }
    }
    let mut out = String::new();
    out.push_str("/// Every rule document: (code, path from the repository root, text).\n");
    out.push_str("pub const DOCS: &[(&str, &str, &str)] = &[\n");
    for (code, rel) in &docs {
        let abs = root.join(rel);
        let _ = writeln!(
            out,
            "    ({code:?}, {rel:?}, include_str!({:?})),",
            abs.display().to_string()
        );
    }
    out.push_str("];\n\n/// Every library contract: (path from the repository root, text).\n");
    out.push_str("pub const CONTRACTS: &[(&str, &str)] = &[\n");
    for rel in &contracts {
        let abs = root.join(rel);
        let _ = writeln!(
            out,
            "    ({rel:?}, include_str!({:?})),",
            abs.display().to_string()
        );
    }
    out.push_str("];\n\n");
    // The generic contracts (`schema = 2`) and the rule codes their items carry (`code = "X"`
    // lines), so that a run can ask whether a code is a contract's, or whether a project could
    // be concerned, without parsing the data (a unit test checks them against the parsed
    // contracts).
    out.push_str(
        "/// Every generic (`schema = 2`) contract: (path from the repository root, its rule codes).\n",
    );
    out.push_str("pub const CONTRACT_CODES: &[(&str, &[&str])] = &[\n");
    let texts: Vec<(&String, String)> = contracts
        .iter()
        .map(|rel| {
            let text = std::fs::read_to_string(root.join(rel)).expect("a contract is readable");
            (rel, text)
        })
        .collect();
    for (rel, text) in &texts {
        if !text.lines().any(|l| l.trim() == "schema = 2") {
            continue;
        }
        let mut codes: Vec<&str> = text
            .lines()
            .filter_map(|l| {
                let v = l
                    .trim()
                    .strip_prefix("code")?
                    .trim_start()
                    .strip_prefix('=')?;
                Some(v.trim().trim_matches('"'))
            })
            .collect();
        codes.sort_unstable();
        codes.dedup();
        let _ = writeln!(out, "    ({rel:?}, &{codes:?}),");
    }
    out.push_str("];\n\n");
    // The same data as JSON, which the binary parses instead of the TOML: parsing the TOML at
    // start-up was a tenth of a small project's run (issue 13).
    out.push_str("/// Every library contract as JSON: (path, the contract).\n");
    out.push_str("pub const CONTRACTS_JSON: &[(&str, &str)] = &[\n");
    for (rel, text) in &texts {
        let _ = writeln!(out, "    ({rel:?}, {:?}),", json(&toml_table(rel, text)));
    }
    out.push_str("];\n\n");
    // What a run reads first of a generic contract, to tell whether the project uses the library
    // (`library::ContractHead`): most projects use none, and need not parse the items.
    out.push_str("/// The head of every generic contract as JSON: (path, the head).\n");
    out.push_str("pub const CONTRACT_HEADS_JSON: &[(&str, &str)] = &[\n");
    for (rel, text) in &texts {
        let table = toml_table(rel, text);
        if table.get("schema").and_then(toml::Value::as_integer) == Some(2) {
            let _ = writeln!(out, "    ({rel:?}, {:?}),", json(&contract_head(&table)));
        }
    }
    out.push_str("];\n\n");
    let models = "rules/django/models.toml";
    println!("cargo:rerun-if-changed={models}");
    let text = std::fs::read_to_string(root.join(models)).expect("models.toml is readable");
    let _ = writeln!(
        out,
        "/// `{models}` as JSON.\npub const DJANGO_MODELS_JSON: &str = {:?};",
        json(&toml_table(models, &text))
    );
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR is set")).join("embedded.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

/// A rule code: capitals then digits (`DOT001`, `E902`), perhaps a `W` suffix (`DJF340W`).
fn is_code(s: &str) -> bool {
    let letters = s.bytes().take_while(u8::is_ascii_uppercase).count();
    // A Django warning sharing its number with an error takes a `W` suffix (`DJF340W`).
    let digits = s.strip_suffix('W').unwrap_or(s);
    letters > 0 && digits.len() > letters && digits[letters..].bytes().all(|b| b.is_ascii_digit())
}

/// The fields of a generic contract that tell whether a project uses the library, and of each
/// role what binds it: its classes and its setting's names (`library::ContractHead`).
fn contract_head(contract: &toml::Table) -> toml::Table {
    const HEAD: [&str; 6] = [
        "distributions",
        "packages",
        "apps",
        "app_prefixes",
        "always_used",
        "gate_settings",
    ];
    let mut head: toml::Table = contract
        .iter()
        .filter(|(k, _)| HEAD.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let roles = contract.get("roles").and_then(toml::Value::as_array);
    let roles = roles
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_table);
    let heads = roles.map(|role| {
        let mut h: toml::Table = role
            .iter()
            .filter(|(k, _)| *k == "subclass_of" || *k == "through_of")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Some(setting) = role.get("setting").and_then(toml::Value::as_table) {
            let names = setting.get("name").into_iter().chain(
                setting
                    .get("legacy")
                    .and_then(toml::Value::as_array)
                    .into_iter()
                    .flatten(),
            );
            h.insert(
                "settings".into(),
                toml::Value::Array(names.cloned().collect()),
            );
        }
        toml::Value::Table(h)
    });
    head.insert("roles".into(), toml::Value::Array(heads.collect()));
    head
}

/// `text` (from the file at `rel`) as a TOML table; invalid TOML fails the build.
fn toml_table(rel: &str, text: &str) -> toml::Table {
    match text.parse::<toml::Table>() {
        Ok(t) => t,
        Err(e) => panic!("{rel} is not valid TOML: {e}"),
    }
}

fn json(table: &toml::Table) -> String {
    serde_json::to_string(table).expect("a TOML table converts to JSON")
}

/// On Linux with glibc, links the binary as a position-dependent executable. A position-
/// independent one (the default) carries about ten thousand relative relocations (vtables, the
/// `&'static str`s of tables and panic locations) that the dynamic loader applies at every
/// start, copying some fifty pages of read-only data: 0.4-0.5 ms of a run that takes 2 ms on a
/// small project (issue 13). The price is that the binary's own code and data are not
/// randomised (ASLR still places the libraries, the heap and the stacks); the tool reads source
/// files and never runs them. The linker driver (`cc`, gcc or clang) takes the last of `-pie` /
/// `-no-pie`; the objects are compiled position-independent and link either way.
fn link_position_dependent() {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

/// On Linux with glibc, links the binary statically (`-static`) when the linker driver knows
/// the C library's archives (`libc.a` and the rest, Debian's `libc6-dev`, Fedora's
/// `glibc-static`), and says whether it did. A dynamically linked binary pays, at every start,
/// the loader's mapping of `libc.so.6` and its symbol lookups: on a small project (2 ms) a
/// static binary takes 0.82-0.85 of the time, on ephios and aleksis-core 0.93 (issue 13,
/// alternating runs). The tool needs nothing that a static glibc cannot give (no name service,
/// no `dlopen`, no locale).
///
/// rustc's own static switch (`-C target-feature=+crt-static`) cannot be asked for here: given in
/// `RUSTFLAGS` it applies to the procedural macros too, which cannot be built so. Instead the
/// binary's link gets `-static`, and a directory of its own, searched before the system's, in
/// which the libraries the standard library names (`-lc`, `-lm`, `-lpthread`, `-ldl`, `-lrt`,
/// `-lutil`, `-lgcc_s`) are their archives: the standard library asks for them in the linker's
/// dynamic mode, which takes an archive where it finds no shared library first. `-lgcc_s`
/// (libgcc's unwinder, shared only) is libgcc's static unwinder, `libgcc_eh.a`. Were one shared
/// library linked, the binary would carry a dynamic section, and a static glibc would leave its
/// indirect functions (`memcpy`) unresolved: it would crash at once, in every test that runs it.
/// Only for a native build (the archives found are the build machine's); the library's tests
/// keep the ordinary link (the flags are the binary's alone). `DML_DYNAMIC=1` at build time
/// links dynamically (to compare the two, or where the static link fails).
fn link_statically() -> bool {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux"
        || var("CARGO_CFG_TARGET_ENV") != "gnu"
        || var("TARGET") != var("HOST")
    {
        return false;
    }
    println!("cargo:rerun-if-env-changed=DML_DYNAMIC");
    if std::env::var_os("DML_DYNAMIC").is_some() {
        return false;
    }
    let archives = [
        ("libc.a", "libc.a"),
        ("libm.a", "libm.a"),
        ("libpthread.a", "libpthread.a"),
        ("libdl.a", "libdl.a"),
        ("librt.a", "librt.a"),
        ("libutil.a", "libutil.a"),
        ("libgcc_s.a", "libgcc_eh.a"),
    ];
    let mut found = Vec::new();
    for (name, archive) in archives {
        match driver_archive(archive) {
            Some(path) => found.push((name, path)),
            None => return false,
        }
    }
    let dir = Path::new(&var("OUT_DIR")).join("static-libs");
    let linked = std::fs::create_dir_all(&dir).is_ok()
        && found.iter().all(|(name, path)| {
            let link = dir.join(name);
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(path, &link).is_ok()
        });
    if !linked {
        return false;
    }
    // After rustc's own `-L` directories (none holds a C library) and before the driver's and
    // the system's, where the shared libraries are.
    println!("cargo:rustc-link-arg-bins=-L{}", dir.display());
    println!("cargo:rustc-link-arg-bins=-static");
    // The C library's members call libgcc's (`__multf3`, `__gcc_personality_v0`): GNU ld takes
    // an archive's members only for the symbols missing when it reaches it, so the two are read
    // again, as a group, after everything (lld needs no order).
    for arg in [
        "-Wl,--start-group",
        "-lc",
        "-lgcc",
        "-lgcc_eh",
        "-Wl,--end-group",
    ] {
        println!("cargo:rustc-link-arg-bins={arg}");
    }
    true
}

/// The absolute path of `archive` as the linker driver (`cc`, or `RUSTC_LINKER`) would find it,
/// if it finds it.
fn driver_archive(archive: &str) -> Option<std::path::PathBuf> {
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    let linker = std::env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".to_string());
    let out = std::process::Command::new(&linker)
        .arg(format!("-print-file-name={archive}"))
        .output()
        .ok()?;
    let printed = String::from_utf8_lossy(&out.stdout);
    let path = Path::new(printed.trim());
    // A driver that does not know the file prints its bare name back.
    (out.status.success() && path.is_absolute() && path.is_file()).then(|| path.to_path_buf())
}

/// On Linux with glibc, links libgcc's unwinder (`libgcc_eh.a`) into the binary, as gcc's
/// `-static-libgcc` does, so that `libgcc_s.so` is not loaded at every start. Loading it costs
/// more than mapping a file: its constructor probes the processor with some thirty `cpuid`
/// instructions, and under a hypervisor each one is an exit to the host (3.8 µs apiece on the
/// benchmark machine), about 0.1 ms of a 2 ms run (issue 13). Rust's standard library asks for
/// `-lgcc_s` after the crate's own native libraries: with the archive's members already
/// defining the `_Unwind_*` symbols, the linker (which rustc runs with `--as-needed`) leaves
/// the shared library out. Panics unwind as before (a unit test catches one). Only for a native
/// build whose linker driver knows the archive; anywhere else nothing changes.
fn link_unwinder_statically() {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux"
        || var("CARGO_CFG_TARGET_ENV") != "gnu"
        || var("TARGET") != var("HOST")
    {
        return;
    }
    let Some(archive) = driver_archive("libgcc_eh.a") else {
        return;
    };
    let Some(dir) = archive.parent() else {
        return;
    };
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=static:-bundle=gcc_eh");
}
