//! The CI output formats (`github`, `sarif`, `json-lines`, `junit`, `gitlab`), `--statistics`,
//! `--output-file` and `--exit-zero`, run by the binary on `fixtures/demo` (the classic DOT001,
//! an error with a related location in settings.py and an unsafe fix) and
//! `fixtures/circulating_fix` (an error and a warning). Absolute paths are normalised to
//! `[ROOT]` and the crate version to `[VERSION]` in snapshots.

use std::path::Path;

use assert_cmd::Command;

const FIXTURES: [&str; 2] = ["fixtures/demo", "fixtures/circulating_fix"];

fn root() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).display().to_string()
}

fn bin() -> Command {
    let mut c = Command::cargo_bin("django-model-lint").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("NO_COLOR");
    c.env_remove("CI_PROJECT_DIR");
    c
}

/// stdout and exit code of `check FIXTURES --output-format FORMAT ARGS`.
fn check(format: &str, args: &[&str]) -> (String, i32) {
    let out = bin()
        .arg("check")
        .args(FIXTURES)
        .args(["--output-format", format])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

fn normalise(s: &str) -> String {
    s.replace(&root(), "[ROOT]")
        .replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

#[test]
fn github_workflow_commands() {
    let (out, code) = check("github", &[]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    let demo = format!(
        "::error title=django-model-lint (DOT001),file={}/fixtures/demo/oauth/models.py,\
         line=58,col=22,endLine=58,endColumn=44::fixtures/demo/oauth/models.py:58:22: DOT001 ",
        root()
    );
    assert!(lines.iter().any(|l| l.starts_with(&demo)), "{out}");
    // The circulating fix's CASCADE is a warning.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::warning title=django-model-lint (DOT003),")),
        "{out}"
    );
    insta::assert_snapshot!("github", normalise(&out));
}

/// The official SARIF 2.1.0 schema (`sarif-2.1.0-rtm.5.json`, as shipped in the npm package
/// `@microsoft/jest-sarif` 1.0.0-beta.0 under `lib/schemas/`), kept verbatim in `tests/data`.
///
/// Two patterns in it (`run.language`, `toolComponent.language`) have a stray `]`:
/// `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`.
/// ECMA-262 accepts a lone `]` only under its Annex B (web-compatibility) grammar, where it is a
/// literal; the `jsonschema` crate's meta-schema check rejects it. We escape that `]`, which keeps
/// the patterns' meaning exactly (our output has no `language` anyway), and change nothing else.
fn sarif_validator() -> jsonschema::Validator {
    let text = include_str!("data/sarif-2.1.0-rtm.5.json");
    let stray = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert_eq!(text.matches(stray).count(), 2, "the schema file changed");
    let text = text.replace(stray, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
    assert_eq!(
        schema["$schema"], "http://json-schema.org/draft-04/schema#",
        "validated as draft 4"
    );
    jsonschema::options()
        .should_validate_formats(true)
        // Draft 4 has no `uri-reference` format, which the schema uses for artifact URIs; check
        // it as RFC 3986 defines it rather than let it pass unchecked.
        .with_format("uri-reference", is_uri_reference)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

/// RFC 3986 `URI-reference`, character level: only unreserved, reserved and `%XX` escapes.
fn is_uri_reference(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
                if !(hex(i + 1) && hex(i + 2)) {
                    return false;
                }
                i += 3;
                continue;
            }
            c if c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c) => {}
            _ => return false,
        }
        i += 1;
    }
    true
}

fn assert_valid_sarif(validator: &jsonschema::Validator, doc: &serde_json::Value) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let validator = sarif_validator();
    let (out, code) = check("sarif", &[]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_valid_sarif(&validator, &doc);

    let run = &doc["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "django-model-lint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules: Vec<&str> = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["DOT001", "DOT003", "DOT004"]);
    let dot001 = &driver["rules"][0];
    assert_eq!(dot001["name"], "refresh-token-reverse-name");
    assert!(
        dot001["help"]["markdown"]
            .as_str()
            .unwrap()
            .starts_with("# DOT001")
    );
    assert!(
        dot001["helpUri"]
            .as_str()
            .unwrap()
            .ends_with("/rules/django-oauth-toolkit/DOT001.md")
    );
    assert_eq!(dot001["defaultConfiguration"]["level"], "error");

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let demo = results
        .iter()
        .find(|r| r["ruleId"] == "DOT001")
        .expect("the demo's DOT001");
    assert_eq!(demo["ruleIndex"], 0);
    assert_eq!(demo["level"], "error");
    let loc = &demo["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "fixtures/demo/oauth/models.py"
    );
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(
        loc["region"],
        serde_json::json!({"startLine": 58, "startColumn": 22, "endLine": 58, "endColumn": 44})
    );
    let related = &demo["relatedLocations"][0];
    assert_eq!(
        related["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/demo/demo_site/settings.py"
    );
    let replacement = &demo["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "\"refresh_token\"");
    assert_eq!(replacement["deletedRegion"], loc["region"]);
    let warning = results.iter().find(|r| r["ruleId"] == "DOT003").unwrap();
    assert_eq!(warning["level"], "warning");
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .unwrap(),
        format!("file://{}/", root())
    );

    // The rule docs are the files under rules/ verbatim; the snapshot names them instead of
    // repeating them, so a doc edit does not churn it.
    let mut doc = doc;
    for rule in doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array_mut()
        .unwrap()
    {
        let id = rule["id"].as_str().unwrap().to_string();
        let text = std::fs::read_to_string(format!(
            "{}/rules/django-oauth-toolkit/{id}.md",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        for key in ["fullDescription", "help"] {
            for kind in ["text", "markdown"] {
                assert_eq!(rule[key][kind], text.as_str(), "{id} {key}.{kind}");
                rule[key][kind] = format!("[rules/django-oauth-toolkit/{id}.md]").into();
            }
        }
    }
    insta::assert_snapshot!(
        "sarif",
        normalise(&serde_json::to_string_pretty(&doc).unwrap())
    );
}

#[test]
fn sarif_of_a_clean_run_is_valid_too() {
    let validator = sarif_validator();
    let out = bin()
        .args([
            "check",
            "fixtures/ok_stock_swap",
            "--output-format",
            "sarif",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&validator, &doc);
    assert_eq!(doc["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        doc["runs"][0]["tool"]["driver"]["rules"],
        serde_json::json!([])
    );
}

#[test]
fn the_schema_check_is_not_vacuous() {
    let validator = sarif_validator();
    let (out, _) = check("sarif", &[]);
    let mut doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    doc["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&doc));
    let mut doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!validator.is_valid(&doc));
    // Formats are checked too: `uri` properties must be absolute URIs.
    let mut doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    doc["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "rules/DOT001.md".into();
    assert!(!validator.is_valid(&doc));
    let mut doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        "a b|c".into();
    assert!(!validator.is_valid(&doc));
}

#[test]
fn json_lines_are_the_json_objects_one_per_line() {
    let (lines, code) = check("json-lines", &[]);
    assert_eq!(code, 1);
    let (array, _) = check("json", &[]);
    let array: Vec<serde_json::Value> = serde_json::from_str(&array).unwrap();
    let objects: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect();
    assert_eq!(objects, array);
    assert_eq!(objects.len(), 3);
    // Field order is json's (ruff's), not sorted.
    for line in lines.lines() {
        assert!(line.starts_with(r#"{"cell":null,"code":"#), "{line}");
        assert!(line.contains(r#""url":"#) && !line.contains('\n'), "{line}");
    }
    insta::assert_snapshot!("json_lines", normalise(&lines));
}

#[test]
fn junit_is_well_formed_with_a_suite_per_file() {
    let (out, code) = check("junit", &[]);
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&out).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("name"), Some("django-model-lint"));
    assert_eq!(root.attribute("tests"), Some("3"));
    assert_eq!(root.attribute("failures"), Some("3"));
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    let names: Vec<_> = suites
        .iter()
        .map(|s| s.attribute("name").unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "fixtures/circulating_fix/oauth/models.py",
            "fixtures/demo/oauth/models.py"
        ]
    );
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 3);
    let demo = cases
        .iter()
        .find(|c| c.attribute("name") == Some("django-model-lint.DOT001"))
        .unwrap();
    assert_eq!(
        demo.attribute("classname"),
        Some("fixtures/demo/oauth/models")
    );
    assert_eq!(demo.attribute("line"), Some("58"));
    assert_eq!(demo.attribute("column"), Some("22"));
    let failure = demo.children().find(|n| n.has_tag_name("failure")).unwrap();
    // The apostrophe in "django-oauth-toolkit's" round-trips through the escaping.
    let message = failure.attribute("message").unwrap();
    assert!(
        message.starts_with("related_name `access_refresh_token` replaces django-oauth-toolkit's"),
        "{message}"
    );
    assert_eq!(
        failure.text(),
        Some(format!("line 58, col 22, {message}").as_str())
    );
    insta::assert_snapshot!("junit", normalise(&out));
}

#[test]
fn junit_of_a_clean_run_has_one_passing_case() {
    let out = bin()
        .args([
            "check",
            "fixtures/ok_stock_swap",
            "--output-format",
            "junit",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(doc.root_element().attribute("failures"), Some("0"));
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].attribute("name"), Some("No errors found"));
    assert!(!doc.descendants().any(|n| n.has_tag_name("failure")));
}

#[test]
fn gitlab_code_quality() {
    let (out, code) = check("gitlab", &[]);
    assert_eq!(code, 1);
    let issues: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(issues.len(), 3);
    for issue in &issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[key].is_string(), "{key} in {issue}");
        }
        assert!(
            issue["location"]["path"]
                .as_str()
                .unwrap()
                .starts_with("fixtures/")
        );
        assert!(issue["location"]["lines"]["begin"].is_u64());
    }
    let severity =
        |code: &str| issues.iter().find(|i| i["check_name"] == code).unwrap()["severity"].clone();
    assert_eq!(severity("DOT001"), "major");
    assert_eq!(severity("DOT003"), "minor");
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), 3);
    // Stable from run to run.
    assert_eq!(check("gitlab", &[]).0, out);
    insta::assert_snapshot!("gitlab", out);
}

#[test]
fn gitlab_paths_are_relative_to_ci_project_dir() {
    let out = bin()
        .env("CI_PROJECT_DIR", format!("{}/fixtures/demo", root()))
        .args(["check", "fixtures/demo", "--output-format", "gitlab"])
        .output()
        .unwrap();
    let issues: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(issues[0]["location"]["path"], "oauth/models.py");
}

#[test]
fn statistics_count_per_code() {
    let (out, code) = check("concise", &["--statistics"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "1\tDOT001\trefresh-token-reverse-name\n\
         1\tDOT003\tcontract-on-delete\n\
         1\tDOT004\tcontract-not-nullable\n\
         Found 2 errors and 1 warning.\nnote: fixtures/circulating_fix: no pinned django-oauth-toolkit version was found, so the newest, 3.4.1, is assumed.\n"
    );
    // The same project twice counts every diagnostic once (they are deduplicated), so get a
    // count of 2 from two projects with the same rule instead.
    let out = bin()
        .args([
            "check",
            "fixtures/demo",
            "fixtures/dot001_other_name",
            "fixtures/circulating_fix",
            "--statistics",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("2\tDOT001\t"), "{text}");
    let (json, _) = check("json", &["--statistics"]);
    let stats: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        stats[0],
        serde_json::json!({"code": "DOT001", "name": "refresh-token-reverse-name", "count": 1, "fixable": true})
    );
}

#[test]
fn output_file_receives_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("reports/out.sarif");
    let out = bin()
        .args([
            "check",
            "fixtures/demo",
            "--output-format",
            "sarif",
            "--output-file",
        ])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(doc["runs"][0]["results"][0]["ruleId"], "DOT001");

    // A human format goes to the file whole, summary and fix hint included, without colour.
    let target = dir.path().join("out.txt");
    let out = bin()
        .args(["check", "fixtures/demo", "--output-format", "full", "-o"])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.contains("DOT001"), "{written}");
    assert!(written.contains("Found 1 error."), "{written}");
    assert!(!written.contains('\u{1b}'), "no ANSI colour in a file");
}

#[test]
fn output_file_that_cannot_be_written_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "").unwrap();
    let out = bin()
        .args(["check", "fixtures/demo", "--output-file"])
        .arg(blocker.join("out.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("error: cannot write"), "{stderr}");
}

#[test]
fn exit_zero_keeps_the_report() {
    let out = bin()
        .args([
            "check",
            "fixtures/demo",
            "--output-format",
            "concise",
            "--exit-zero",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout).unwrap().contains("DOT001"));
}

#[test]
fn machine_formats_carry_no_human_footer() {
    for format in ["json", "json-lines", "github", "gitlab", "junit", "sarif"] {
        let (out, _) = check(format, &[]);
        assert!(!out.contains("Found "), "{format}: {out}");
        assert!(!out.contains("--unsafe-fixes"), "{format}: {out}");
    }
}
