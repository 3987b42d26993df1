//! The embedded contracts: they parse, are consistent with the rule registry and docs, and the
//! generic code names no library.

use super::*;

#[test]
fn every_contract_parses_and_is_consistent() {
    let all = contracts();
    let names: Vec<&str> = all.iter().map(|c| c.library.as_str()).collect();
    assert_eq!(
        names,
        [
            "dj-rest-auth",
            "Django",
            "django-oscar",
            "django-taggit",
            "wagtail"
        ],
        "sorted by folder"
    );
    for c in all {
        assert_eq!(c.schema, 2);
        for r in &c.roles {
            assert!(
                r.setting.is_some() || !r.subclass_of.is_empty() || !r.through_of.is_empty(),
                "{}: role {} binds nothing",
                c.library,
                r.role
            );
        }
        for item in &c.relations {
            assert!(c.role(&item.role).is_some(), "{}: {}", c.library, item.role);
            let expectations = [
                item.reverse_accessor.is_some() || item.reverse_query_name.is_some(),
                item.related_name_required,
                item.query_name_equals_related_name,
                item.on_delete.is_some(),
            ];
            let n = expectations.iter().filter(|e| **e).count();
            assert!(
                n == 1 || (n == 0 && item.kind_required.is_some()),
                "{}: {} expects {n} things",
                c.library,
                item.code
            );
            assert!(item.field.is_some() || !item.to_subclass_of.is_empty());
            assert!(!item.evidence.is_empty() && !item.operation.is_empty());
            for key in item.on_delete_effects.keys() {
                assert!(
                    [
                        "CASCADE",
                        "PROTECT",
                        "RESTRICT",
                        "SET_NULL",
                        "SET_DEFAULT",
                        "DO_NOTHING"
                    ]
                    .contains(&key.as_str())
                );
            }
            for consumer in &item.consumers {
                assert!(["error", "warning"].contains(&consumer.severity.as_str()));
            }
            assert!(["error", "warning"].contains(&item.severity.as_str()));
        }
        for item in &c.db_fields {
            assert!(c.role(&item.role).is_some(), "{}: {}", c.library, item.role);
            assert!(!item.fields.is_empty() || item.named_by.is_some());
        }
    }
}

/// Every code in the data is a registered rule with a doc, and every registered contract rule
/// has items in the data; the registry's severity is the items' base severity.
#[test]
fn codes_rules_and_docs_agree() {
    let mut codes: Vec<(&str, &str)> = Vec::new();
    for c in contracts() {
        codes.extend(
            c.relations
                .iter()
                .map(|r| (r.code.as_str(), r.severity.as_str())),
        );
        codes.extend(
            c.db_fields
                .iter()
                .map(|r| (r.code.as_str(), r.severity.as_str())),
        );
    }
    for (code, severity) in &codes {
        let rule = crate::rules::RULES
            .iter()
            .find(|r| r.code() == *code)
            .unwrap_or_else(|| panic!("{code} is not registered"));
        assert!(rule.check.is_some());
        assert_eq!(rule.severity.as_str(), *severity, "{code}");
        assert!(
            rule.doc()
                .starts_with(&format!("# {code}: {}", rule.name())),
            "{code}"
        );
    }
    for rule in crate::rules::RULES {
        if is_contract_code(rule.code()) {
            assert!(codes.iter().any(|(c, _)| *c == rule.code()));
        }
    }
    assert_eq!(
        crate::rules::RULES
            .iter()
            .filter(|r| is_contract_code(r.code()))
            .count(),
        14
    );
    assert!(!is_contract_code("DOT001") && !is_contract_code("DJF304"));
    // The codes build.rs extracted (for gating without parsing) are the parsed items' codes.
    for e in entries() {
        let c = e.contract();
        let mut parsed: Vec<&str> = c
            .relations
            .iter()
            .map(|r| r.code.as_str())
            .chain(c.db_fields.iter().map(|d| d.code.as_str()))
            .collect();
        parsed.sort();
        parsed.dedup();
        assert_eq!(e.codes, parsed.as_slice(), "{}", e.dir);
        // The JSON the binary parses is the TOML's data.
        let (_, text) = crate::embedded::CONTRACTS
            .iter()
            .find(|(p, _)| p.ends_with(&format!("/{}/contract.toml", e.dir)))
            .expect("the contract's TOML is embedded");
        let from_toml = serde_json::to_value(text.parse::<toml::Table>().unwrap()).unwrap();
        let from_json: serde_json::Value = serde_json::from_str(e.json).unwrap();
        assert_eq!(from_toml, from_json, "{}", e.dir);
        assert!(!c.roles.is_empty(), "{}", e.dir);
        // A gate names every setting a role is bound by, and only such contracts have one.
        if !c.gate_settings.is_empty() {
            for r in &c.roles {
                let s = r
                    .setting
                    .as_ref()
                    .expect("a gated contract binds by settings");
                assert!(c.gate_settings.contains(&s.name), "{}", s.name);
                assert!(s.legacy.iter().all(|l| c.gate_settings.contains(l)));
                assert!(r.subclass_of.is_empty() && r.through_of.is_empty());
            }
        }
    }
}

/// Oscar's relation list is generated (generate.py), not typed: the header says so, it holds
/// the maintainer-confirmed `stockrecords` case and the 50-odd names, in the script's order.
/// When the sdist is in the gitignored cache, the script itself checks the file is current.
#[test]
fn oscar_list_is_generated() {
    let c = contracts()
        .into_iter()
        .find(|c| c.relations.iter().any(|r| r.code == "OSC001"))
        .unwrap();
    let osc = entries()
        .iter()
        .find(|e| e.codes.contains(&"OSC001"))
        .unwrap();
    let text = crate::embedded::CONTRACTS
        .iter()
        .find(|(p, _)| *p == format!("rules/{}/contract.toml", osc.dir))
        .unwrap()
        .1;
    assert!(text.contains("GENERATED by generate.py"));
    assert!(c.relations.len() >= 50, "{}", c.relations.len());
    let stock: Vec<_> = c
        .relations
        .iter()
        .filter(|r| r.reverse_query_name.as_deref() == Some("stockrecords"))
        .map(|r| r.field.as_deref().unwrap())
        .collect();
    assert_eq!(stock, ["partner", "product"]);
    let keys: Vec<(&str, &str)> = c
        .relations
        .iter()
        .map(|r| (r.role.as_str(), r.field.as_deref().unwrap()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = osc.dir;
    let cache = root.join("rules").join(dir).join(".cache");
    let has_sdist = std::fs::read_dir(&cache)
        .map(|d| {
            d.flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "gz"))
        })
        .unwrap_or(false);
    if has_sdist {
        let out = std::process::Command::new("python3")
            .arg(root.join("rules").join(dir).join("generate.py"))
            .arg("--check")
            .output();
        if let Ok(out) = out {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// The generic code names no library or package of the contracts: adding a library is a data
/// change.
#[test]
fn generic_code_names_no_library() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for dir in ["library", "rules/contract"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
            let p = e.path();
            if p.file_name().is_some_and(|n| n != "tests.rs") {
                files.push(p);
            }
        }
    }
    assert!(files.len() >= 8);
    let mut words: Vec<String> = Vec::new();
    for c in contracts().iter().filter(|c| !c.always_used) {
        words.push(c.library.to_lowercase());
        words.extend(c.packages.iter().cloned());
        words.extend(c.distributions.iter().cloned());
    }
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap().to_lowercase();
        // Docs may cite the libraries the contracts came from as examples; code may not.
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for w in &words {
            assert!(!code.contains(w.as_str()), "{} names {w}", f.display());
        }
    }
}

/// `could_bind_any` searches a shared prefix (django-oscar's names all start with `Abstract`)
/// instead of building an automaton; a name's every occurrence starts with it.
#[test]
fn names_share_their_common_prefix() {
    assert_eq!(
        super::common_prefix(&["AbstractLine", "AbstractLinePrice", "AbstractOrder"]),
        b"Abstract"
    );
    assert_eq!(super::common_prefix(&["AccessToken", "Grant"]), b"");
    assert_eq!(super::common_prefix(&["Grant"]), b"Grant");
    assert_eq!(super::common_prefix(&[]), b"");
}

/// Each contract's head (what `Env::uses` reads, embedded apart) says what the contract says.
#[test]
fn every_head_matches_its_contract() {
    for e in entries() {
        let (h, c) = (e.head(), e.contract());
        assert_eq!(h.distributions, c.distributions, "{}", e.dir);
        assert_eq!(h.packages, c.packages, "{}", e.dir);
        assert_eq!(h.apps, c.apps, "{}", e.dir);
        assert_eq!(h.app_prefixes, c.app_prefixes, "{}", e.dir);
        assert_eq!(h.always_used, c.always_used, "{}", e.dir);
        assert_eq!(h.gate_settings, c.gate_settings, "{}", e.dir);
        let roles: Vec<RoleHead> = c
            .roles
            .iter()
            .map(|r| RoleHead {
                subclass_of: r.subclass_of.clone(),
                through_of: r.through_of.clone(),
                settings: r
                    .setting
                    .iter()
                    .flat_map(|s| std::iter::once(s.name.clone()).chain(s.legacy.iter().cloned()))
                    .collect(),
            })
            .collect();
        assert_eq!(h.roles, roles, "{}", e.dir);
        assert!(!roles.is_empty(), "{}", e.dir);
    }
    assert_eq!(entries().len(), 5);
}

/// `any_name_in` answers the same by each of its searches: a shared prefix, a search per name
/// (little text), an automaton (much text).
#[test]
fn names_are_found_in_little_and_much_text() {
    let names = ["Grant", "TaggableManager", "TaggedItemBase"];
    let hit = b"class T(TaggedItemBase):\n    pass\n".as_slice();
    let miss = b"class T(TaggedItem):\n    pass\n".as_slice();
    assert!(super::any_name_in(&[miss, hit], &names));
    assert!(!super::any_name_in(&[miss, miss], &names));
    let filler = vec![b'x'; 1 << 20];
    assert!(super::any_name_in(&[&filler, hit], &names));
    assert!(!super::any_name_in(&[&filler, miss], &names));
    let prefixed = ["AbstractLine", "AbstractOrder"];
    assert!(super::any_name_in(
        &[b"x(AbstractOrder)".as_slice()],
        &prefixed
    ));
    assert!(!super::any_name_in(
        &[b"x(AbstractOrd)".as_slice()],
        &prefixed
    ));
}
