//! The Django settings of a project, evaluated statically: which module (named by an entry
//! point, a test configuration or a conventional place), which values (literals,
//! `os.environ.get(..., default)` defaults, names defined earlier, `from .base import *` chains,
//! `+=`, `.append` / `.extend` / `.insert`, the branches of an `if`, django-configurations
//! classes and django-split-settings `include(...)`), and the installed apps with their labels.
//!
//! Anything that cannot be evaluated is `Value::Unknown` with the reason, so a rule can say what
//! it could not resolve instead of guessing. A list keeps what is known of it: its unknown parts
//! are `Value::Unknown` items among the known ones.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::project::SourceModule;
use crate::syntax::{Expr, Span};

mod apps;
mod discovery;
mod evaluate;

pub use apps::{app_of_module, installed_apps};
pub use discovery::{chain_mentions_library, find_settings_module};
pub(crate) use evaluate::stmt_span;
pub use evaluate::{conditional_entries, load_settings};
// Discovery's helpers the evaluator uses too (it reads DJANGO_CONFIGURATION where discovery reads
// DJANGO_SETTINGS_MODULE, and runs the files an `include()` names), through `use super::*`.
use discovery::*;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Str(String),
    /// A list or tuple; an `Unknown` item stands for entries that could not be read.
    List(Vec<Value>),
    Dict(Vec<(Value, Value)>),
    Bool(bool),
    Int(i64),
    None,
    /// A class of the settings module (django-configurations), with its evaluated attributes.
    Class(Arc<ClassValue>),
    Unknown(String),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Why part of a list could not be read (the first unknown item), if any.
    pub fn unknown_part(&self) -> Option<&str> {
        match self {
            Value::Unknown(reason) => Some(reason),
            Value::List(items) => items.iter().find_map(|i| match i {
                Value::Unknown(reason) => Some(reason.as_str()),
                _ => None,
            }),
            _ => None,
        }
    }

    /// How the value reads in `--show-settings`.
    pub fn describe(&self) -> String {
        match self {
            Value::Str(s) => format!("{s:?}"),
            Value::List(items) => {
                let parts: Vec<String> = items.iter().map(Value::describe).collect();
                format!("[{}]", parts.join(", "))
            }
            Value::Dict(items) => format!("{{… {} keys}}", items.len()),
            Value::Bool(b) => if *b { "True" } else { "False" }.to_string(),
            Value::Int(i) => i.to_string(),
            Value::None => "None".to_string(),
            Value::Class(c) => format!("class {}", c.name),
            Value::Unknown(reason) => format!("<unknown: {reason}>"),
        }
    }
}

/// A class statement of the settings, evaluated: its attributes (inherited ones included) and
/// whether it is a django-configurations `Configuration`.
#[derive(Debug)]
pub struct ClassValue {
    pub name: String,
    pub attrs: BTreeMap<String, SettingValue>,
    pub configuration: bool,
    /// Names of the classes it derives from, transitively.
    pub ancestors: Vec<String>,
}

impl PartialEq for ClassValue {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.ancestors == other.ancestors
    }
}

/// A setting's value and the statement that set it.
#[derive(Clone, Debug)]
pub struct SettingValue {
    pub value: Value,
    pub module: Arc<SourceModule>,
    pub stmt_span: Span,
    pub expr: Option<Arc<Expr>>,
}

/// A place in the project's Python source (a diagnostic's location).
#[derive(Clone, Debug)]
pub struct Origin {
    pub module: Arc<SourceModule>,
    pub span: Span,
}

/// Why the settings as a whole could not be told, where, and what they could be.
#[derive(Clone, Debug)]
pub struct Unclear {
    pub reason: String,
    pub origin: Option<Origin>,
    pub candidates: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub module: String,
    /// How the settings module was found ("--settings", "manage.py", …).
    pub found_by: String,
    pub values: BTreeMap<String, SettingValue>,
    /// How a choice was made that the project does not spell out (a run-time settings name
    /// with a single candidate, a configuration class), for `--show-settings` and notes.
    pub choice: Option<String>,
    /// Set when the values could not be told at all (a django-configurations module whose
    /// configuration class is not named and not unique).
    pub unclear: Option<Unclear>,
}

impl Settings {
    pub fn get(&self, name: &str) -> Option<&SettingValue> {
        self.values.get(name)
    }
}

#[derive(Clone, Debug)]
pub struct App {
    /// The `INSTALLED_APPS` entry.
    pub entry: String,
    /// The app's package (`AppConfig.name`).
    pub name: String,
    pub label: String,
    /// Whether the app's package is part of the project.
    pub in_project: bool,
}

/// The installed apps as far as they are known.
#[derive(Clone, Debug, Default)]
pub struct Apps {
    pub known: Vec<App>,
    /// Why some entries could not be read, and the statement that set `INSTALLED_APPS`:
    /// any app may be among them.
    pub unknown: Option<(String, SettingValue)>,
}

/// How the settings module was found.
#[derive(Clone, Debug)]
pub enum Discovery {
    Found {
        module: String,
        found_by: String,
        /// Set when a choice was made (see [`Settings::choice`]).
        choice: Option<String>,
    },
    /// The module cannot be told (its name is built at run time, and several modules could be
    /// meant).
    Unclear(Unclear),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{Project, fixture};

    fn discover(p: &Project) -> Discovery {
        find_settings_module(p, None, true, true).expect("a settings module")
    }

    fn found(p: &Project) -> (String, String, Option<String>) {
        match discover(p) {
            Discovery::Found {
                module,
                found_by,
                choice,
            } => (module, found_by, choice),
            Discovery::Unclear(u) => panic!("unclear: {u:?}"),
        }
    }

    fn load(p: &Project) -> Settings {
        load_settings(p, &discover(p)).expect("settings load")
    }

    fn value(s: &Settings, name: &str) -> Value {
        s.get(name).map(|v| v.value.clone()).expect(name)
    }

    fn strs(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::Str(s.to_string())).collect())
    }

    const MANAGE: &str = "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n# -- proj/__init__.py\n";

    #[test]
    fn settings_chain_env_defaults_and_app_labels() {
        let (_d, p) = fixture(
            "# -- manage.py\nimport os\ndef main():\n    os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"config.settings.dev\")\n\
             # -- config/__init__.py\n# -- config/settings/__init__.py\n\
             # -- config/settings/base.py\nimport os\nAPPS = ['django.contrib.auth']\nINSTALLED_APPS = APPS + ['oauth2_provider', 'tokens.apps.TokensConfig']\n\
             OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = os.environ.get('RT_MODEL', 'auth_tokens.MyRefreshToken')\n\
             # -- config/settings/dev.py\nfrom .base import *\nINSTALLED_APPS += ['billing']\nINSTALLED_APPS.append('extra')\nSECRET = os.environ['X']\n\
             # -- tokens/__init__.py\n# -- tokens/apps.py\nfrom django.apps import AppConfig\nclass TokensConfig(AppConfig):\n    name = 'tokens'\n    label = 'auth_tokens'\n\
             # -- billing/__init__.py\n# -- billing/apps.py\nfrom django.apps import AppConfig\nclass BillingConfig(AppConfig):\n    name = 'billing'\n    label = 'money'\n",
        );
        let (module, found_by, _) = found(&p);
        assert_eq!(module, "config.settings.dev");
        assert!(found_by.contains("manage.py"), "{found_by}");
        let s = load(&p);
        let rt = s.get("OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL").unwrap();
        assert_eq!(rt.value, Value::Str("auth_tokens.MyRefreshToken".into()));
        assert_eq!(rt.module.name, "config.settings.base");
        let apps = installed_apps(&p, &s);
        assert!(apps.unknown.is_none());
        let labels: Vec<_> = apps
            .known
            .iter()
            .map(|a| (a.label.as_str(), a.in_project))
            .collect();
        assert_eq!(
            labels,
            [
                ("auth", false),
                ("oauth2_provider", false),
                ("auth_tokens", true),
                ("money", true),
                ("extra", false)
            ]
        );
        assert!(matches!(value(&s, "SECRET"), Value::Unknown(_)));
    }

    #[test]
    fn star_import_cycles_end() {
        let (_d, p) =
            fixture("# -- a.py\nfrom b import *\nX = 1\n# -- b.py\nfrom a import *\nY = 2\n");
        let d = Discovery::Found {
            module: "a".into(),
            found_by: "test".into(),
            choice: None,
        };
        let s = load_settings(&p, &d).unwrap();
        assert_eq!(s.get("X").unwrap().value, Value::Int(1));
        assert_eq!(s.get("Y").unwrap().value, Value::Int(2));
    }

    #[test]
    fn an_unknown_part_keeps_the_known_entries() {
        let (_d, p) = fixture(&format!(
            "{MANAGE}# -- proj/settings.py\nfrom proj.plugins import get_plugins\n\
             INSTALLED_APPS = ['django.contrib.auth', 'oauth2_provider']\nINSTALLED_APPS += get_plugins()\n\
             INSTALLED_APPS.extend(find_more())\nINSTALLED_APPS.insert(0, 'first')\n\
             # -- proj/plugins.py\ndef get_plugins():\n    return []\n"
        ));
        let s = load(&p);
        let apps = installed_apps(&p, &s);
        let names: Vec<&str> = apps.known.iter().map(|a| a.entry.as_str()).collect();
        assert_eq!(names, ["django.contrib.auth", "oauth2_provider", "first"]);
        let (reason, setting) = apps.unknown.expect("an unknown part");
        assert!(reason.contains("get_plugins"), "{reason}");
        assert_eq!(setting.module.name, "proj.settings");
    }

    /// Each arm of an `if` starts from the names as they were before the statement, even when
    /// an earlier arm changed a list in place, nested `if`s included; what the arms set is
    /// combined after it.
    #[test]
    fn an_arm_starts_from_the_names_before_the_statement() {
        let (_d, p) = fixture(&format!(
            "{MANAGE}# -- proj/settings.py\nimport os\nX = ['a']\nY = ['y']\n\
             if os.environ.get('A'):\n    X.append('b')\n    if os.environ.get('B'):\n        X += ['c']\n        Y.append('n')\n    Z = ['z']\n\
             else:\n    Z = X\nW = X\n"
        ));
        let s = load(&p);
        // The `else` arm saw `X` as it was: `['a']`, not the first arm's `['a', 'b', …]`.
        assert_eq!(value(&s, "Z"), strs(&["z", "a"]));
        assert_eq!(value(&s, "X"), strs(&["a", "b", "c"]));
        assert_eq!(value(&s, "W"), strs(&["a", "b", "c"]));
        assert_eq!(value(&s, "Y"), strs(&["y", "n"]));
        // The inner statement's entries are noted first.
        assert_eq!(conditional_entries(&s, "X"), ["c", "b"]);
        assert_eq!(conditional_entries(&s, "Y"), ["n"]);
    }

    #[test]
    fn conditionals_take_the_union_of_their_branches() {
        let (_d, p) = fixture(&format!(
            "{MANAGE}# -- proj/settings.py\nimport os\nDEBUG = os.environ.get('DEBUG') == '1'\nDEBUG_TOOLBAR = False\n\
             EXTRA = ['debug_toolbar'] if DEBUG_TOOLBAR else []\n\
             A = ['django.contrib.auth']\nB = ('oauth2_provider',)\nC = tuple(['tokens'])\n\
             INSTALLED_APPS = A + list(B) + list(C) + EXTRA\n\
             if DEBUG:\n    INSTALLED_APPS += ['silk']\nelif os.environ.get('X'):\n    INSTALLED_APPS = INSTALLED_APPS + ['other']\n\
             if DEBUG:\n    OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'tokens.A'\nelse:\n    OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'tokens.B'\n\
             if DEBUG:\n    OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = 'tokens.R'\n\
             if DEBUG:\n    OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'tokens.I'\nelse:\n    OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'tokens.I'\n\
             MORE = [a for a in A]\n"
        ));
        let s = load(&p);
        assert_eq!(
            value(&s, "INSTALLED_APPS"),
            strs(&[
                "django.contrib.auth",
                "oauth2_provider",
                "tokens",
                "debug_toolbar",
                "silk",
                "other"
            ])
        );
        // What only some branches add may be missing (Django's checks rely on that).
        assert_eq!(conditional_entries(&s, "INSTALLED_APPS"), ["silk", "other"]);
        assert!(
            matches!(value(&s, "OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL"), Value::Unknown(r) if r.contains("condition"))
        );
        assert!(
            matches!(value(&s, "OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL"), Value::Unknown(r) if r.contains("only under a condition"))
        );
        assert_eq!(
            value(&s, "OAUTH2_PROVIDER_ID_TOKEN_MODEL"),
            Value::Str("tokens.I".into())
        );
        assert!(value(&s, "MORE").unknown_part().is_some());
    }

    #[test]
    fn django_configurations_classes_are_settings() {
        let spec = "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\nos.environ.setdefault('DJANGO_CONFIGURATION', 'Dev')\n\
             # -- proj/__init__.py\n\
             # -- proj/settings.py\nfrom configurations import Configuration, values\n\
             class Base(Configuration):\n    INSTALLED_APPS = ['django.contrib.auth', 'oauth2_provider', 'tokens']\n    OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = values.Value('tokens.AccessToken')\n\
             class Dev(Base):\n    INSTALLED_APPS = Base.INSTALLED_APPS + ['debug_toolbar']\n\
             class Prod(Base):\n    OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'tokens.Other'\n";
        let (_d, p) = fixture(spec);
        let s = load(&p);
        assert!(s.unclear.is_none());
        assert!(
            s.choice.as_deref().is_some_and(|c| c.contains("`Dev`")),
            "{:?}",
            s.choice
        );
        assert_eq!(
            value(&s, "INSTALLED_APPS"),
            strs(&[
                "django.contrib.auth",
                "oauth2_provider",
                "tokens",
                "debug_toolbar"
            ])
        );
        assert_eq!(
            value(&s, "OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL"),
            Value::Str("tokens.AccessToken".into())
        );
        // Not named anywhere, two leaves: the settings cannot be told.
        let (_d, p) =
            fixture(&spec.replace("os.environ.setdefault('DJANGO_CONFIGURATION', 'Dev')\n", ""));
        let s = load(&p);
        let unclear = s.unclear.expect("unclear");
        assert_eq!(
            unclear.candidates,
            ["proj.settings.Dev", "proj.settings.Prod"]
        );
        // Named in pytest.ini.
        let (_d, p) = fixture(&format!(
            "{}# -- pytest.ini\n[pytest]\nDJANGO_CONFIGURATION = Prod\n",
            spec.replace("os.environ.setdefault('DJANGO_CONFIGURATION', 'Dev')\n", "")
        ));
        let s = load(&p);
        assert_eq!(
            value(&s, "OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL"),
            Value::Str("tokens.Other".into())
        );
    }

    #[test]
    fn split_settings_include_files_in_order() {
        let (_d, p) = fixture(&format!(
            "{MANAGE}# -- proj/settings/__init__.py\nfrom split_settings.tools import include, optional\n\
             base = ['components/base.py', 'components/apps*.py']\n\
             include(*base, optional('local.py'), optional('missing.py'))\n\
             # -- proj/settings/components/base.py\nINSTALLED_APPS = ['django.contrib.auth']\n\
             # -- proj/settings/components/apps_b.py\nINSTALLED_APPS += ['tokens']\n\
             # -- proj/settings/components/apps_a.py\nINSTALLED_APPS += ['oauth2_provider']\n\
             # -- proj/settings/local.py\nOAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'tokens.AccessToken'\n"
        ));
        let (module, _, choice) = found(&p);
        assert_eq!((module.as_str(), choice), ("proj.settings", None));
        let s = load(&p);
        assert_eq!(
            value(&s, "INSTALLED_APPS"),
            strs(&["django.contrib.auth", "oauth2_provider", "tokens"])
        );
        assert_eq!(
            value(&s, "OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL"),
            Value::Str("tokens.AccessToken".into())
        );
        assert!(chain_mentions_library(&p, "proj.settings"));
    }

    #[test]
    fn a_name_built_at_run_time_uses_the_one_candidate_chain() {
        let spec = "# -- manage.py\nimport os\nMODE = os.environ.get('MODE', 'development')\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings.%s' % MODE)\n\
             # -- proj/__init__.py\n# -- proj/settings/__init__.py\n\
             # -- proj/settings/defaults.py\nINSTALLED_APPS = ['oauth2_provider']\n\
             # -- proj/settings/development.py\nfrom .defaults import *\nDEBUG = True\n";
        let (_d, p) = fixture(spec);
        let (module, _, choice) = found(&p);
        assert_eq!(module, "proj.settings.development");
        assert!(choice.is_some_and(|c| c.contains("only settings module")));
        // With a second environment the tool cannot tell which is meant.
        let (_d, p) = fixture(&format!(
            "{spec}# -- proj/settings/production.py\nfrom .defaults import *\nDEBUG = False\n"
        ));
        match discover(&p) {
            Discovery::Unclear(u) => {
                assert_eq!(
                    u.candidates,
                    ["proj.settings.development", "proj.settings.production"]
                );
                let origin = u.origin.expect("the entry point");
                assert_eq!(origin.module.name, "manage");
                assert!(u.reason.contains("run time"), "{}", u.reason);
            }
            other => panic!("{other:?}"),
        }
        // f-strings and concatenation are run-time names too.
        for call in ["f'proj.settings.{MODE}'", "'proj.settings.' + MODE"] {
            let (_d, p) = fixture(&spec.replace("'proj.settings.%s' % MODE", call));
            assert_eq!(found(&p).0, "proj.settings.development", "{call}");
        }
    }

    #[test]
    fn test_configurations_name_the_settings() {
        let app = "# -- lib/__init__.py\n# -- lib/tests/__init__.py\n# -- lib/tests/settings.py\nINSTALLED_APPS = ['lib']\n";
        let cases = [
            "# -- pytest.ini\n[pytest]\nDJANGO_SETTINGS_MODULE = lib.tests.settings\n",
            "# -- pyproject.toml\n[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = \"lib.tests.settings\"\n",
            "# -- setup.cfg\n[metadata]\nname = lib\n[tool:pytest]\naddopts = --ds=lib.tests.settings -q\n",
            "# -- tox.ini\n[tox]\nenvlist = py311\n[testenv]\nsetenv =\n    PYTHONPATH = {toxinidir}\n    DJANGO_SETTINGS_MODULE = lib.tests.settings\n",
        ];
        for case in cases {
            let (_d, p) = fixture(&format!("{app}{case}"));
            let Some(Discovery::Found {
                module, found_by, ..
            }) = find_settings_module(&p, None, false, true)
            else {
                panic!("not found: {case}");
            };
            assert_eq!(module, "lib.tests.settings", "{case}");
            assert!(found_by.contains("DJANGO_SETTINGS_MODULE in"), "{found_by}");
        }
        // A section that is not pytest's does not count.
        let (_d, p) = fixture(&format!(
            "{app}# -- setup.cfg\n[flake8]\nDJANGO_SETTINGS_MODULE = lib.tests.settings\n"
        ));
        assert!(find_settings_module(&p, None, false, true).is_none());
    }

    #[test]
    fn a_star_import_from_outside_the_project_makes_unset_names_unknown() {
        let (_d, p) = fixture(&format!(
            "{MANAGE}# -- proj/settings.py\nfrom somelib.settings.base import *\n\
             INSTALLED_APPS += ['myapp', 'oauth2_provider']\nMIDDLEWARE.append('x')\n\
             OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'myapp.MyAccessToken'\nX = SOMETHING\n\
             # -- myapp/__init__.py\n"
        ));
        let s = load(&p);
        let apps = installed_apps(&p, &s);
        let names: Vec<&str> = apps.known.iter().map(|a| a.entry.as_str()).collect();
        assert_eq!(names, ["myapp", "oauth2_provider"]);
        let (reason, _) = apps.unknown.expect("the library's part");
        assert!(reason.contains("somelib.settings.base"), "{reason}");
        assert!(matches!(value(&s, "MIDDLEWARE"), Value::List(items) if items.len() == 2));
        assert!(matches!(value(&s, "X"), Value::Unknown(r) if r.contains("somelib")));
        assert!(s.maybe_set_elsewhere().is_some());
        // A relative star import of a module that is not there (`try: from .local import *`)
        // is absent, not unknown.
        let (_d, p) = fixture(&format!(
            "{MANAGE}# -- proj/settings.py\ntry:\n    from .local import *\nexcept ImportError:\n    pass\nINSTALLED_APPS = ['a']\n"
        ));
        let s = load(&p);
        assert!(s.maybe_set_elsewhere().is_none());
        assert!(installed_apps(&p, &s).unknown.is_none());
    }

    #[test]
    fn an_app_config_inherits_its_name_from_a_library_config() {
        let (_d, p) = fixture(&format!(
            "{MANAGE}# -- proj/settings.py\nINSTALLED_APPS = ['myadmin.apps.SiteAdminConfig', 'other.apps.OtherConfig']\n\
             # -- myadmin/__init__.py\n# -- myadmin/apps.py\nfrom django.contrib.admin.apps import AdminConfig\n\
             class SiteAdminConfig(AdminConfig):\n    default_site = 'myadmin.sites.Site'\n\
             # -- other/__init__.py\n# -- other/apps.py\nfrom django.contrib.admin.apps import AdminConfig\n\
             class OtherConfig(AdminConfig):\n    name = 'other'\n"
        ));
        let s = load(&p);
        let apps = installed_apps(&p, &s);
        let seen: Vec<(&str, &str, bool)> = apps
            .known
            .iter()
            .map(|a| (a.name.as_str(), a.label.as_str(), a.in_project))
            .collect();
        assert_eq!(
            seen,
            [
                ("django.contrib.admin", "admin", false),
                ("other", "other", true)
            ]
        );
    }

    #[test]
    fn an_apostrophe_in_a_comment_does_not_hide_split_settings_includes() {
        let (_d, p) = fixture(&format!(
            "{MANAGE}# -- proj/settings/__init__.py\n# Don't edit: the components are below.\n\
             from split_settings.tools import include\ninclude('components/*.py')  # it's ordered\n\
             # -- proj/settings/components/base.py\nINSTALLED_APPS = ['oauth2_provider']\n"
        ));
        let (module, _, _) = found(&p);
        assert_eq!(module, "proj.settings");
        assert_eq!(
            value(&load(&p), "INSTALLED_APPS"),
            strs(&["oauth2_provider"])
        );
        assert_eq!(
            quoted_on_lines("x = \"a'b\"  # don't\ny = 'c.py' + \"d\\\"e\"\n"),
            ["a'b", "c.py", "d\\\"e"]
        );
    }
}
