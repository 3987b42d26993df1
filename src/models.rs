//! The project's django-oauth-toolkit models, resolved: which concrete classes subclass which DOT
//! abstract model (through any number of project classes), which one is active for each role
//! (the `OAUTH2_PROVIDER_*_MODEL` settings), and what each re-declares.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::contract::{Contract, Relation, Role, Version};
use crate::diagnostic::Diagnostic;
use crate::index::{ClassInfo, Member, MemberKind, MetaInfo};
use crate::project::{Project, SourceModule};
use crate::resolve::{Ancestor, ClassRef, Resolver, Symbol};
use crate::settings::{App, SettingValue, Settings, Unclear, Value};
use crate::syntax::{Expr, ExprKind};

/// Which model DOT uses for a role.
#[derive(Clone, Debug)]
pub enum ActiveSpec {
    /// `app_label.ModelName`, from the setting (or DOT's default when the setting is absent).
    Model {
        label: String,
        model: String,
        setting: Option<SettingValue>,
    },
    /// The setting's value cannot be evaluated statically (`setting` is where it is set), or
    /// the settings themselves cannot be told (`setting` is `None`).
    Unresolved {
        reason: String,
        setting: Option<SettingValue>,
    },
    /// No settings module was found: every concrete subclass is treated as active.
    NoSettings,
}

impl ActiveSpec {
    pub fn setting(&self) -> Option<&SettingValue> {
        match self {
            ActiveSpec::Model { setting, .. } => setting.as_ref(),
            ActiveSpec::Unresolved { setting, .. } => setting.as_ref(),
            ActiveSpec::NoSettings => None,
        }
    }
    pub fn matches(&self, label: Option<&str>, class_name: &str) -> Option<bool> {
        match self {
            ActiveSpec::Model {
                label: l, model, ..
            } => Some(label == Some(l.as_str()) && model.eq_ignore_ascii_case(class_name)),
            ActiveSpec::Unresolved { .. } => None,
            ActiveSpec::NoSettings => Some(true),
        }
    }
}

/// A concrete project subclass of a DOT abstract model.
#[derive(Clone, Debug)]
pub struct DotModel {
    pub class: ClassRef,
    pub role: &'static Role,
    pub app_label: Option<String>,
    /// `Some(true)` active, `Some(false)` not, `None` unknown (unresolvable setting).
    pub active: Option<bool>,
    /// Project classes from the model up to (not including) the DOT abstract model, in MRO order.
    pub chain: Vec<ClassRef>,
    /// Project classes after the DOT abstract model in MRO order (mixins listed after it).
    pub later: Vec<ClassRef>,
}

impl DotModel {
    pub fn name(&self) -> &str {
        &self.class.info().name
    }
    /// The nearest declaration of `name` in the project classes above the DOT model: a
    /// re-declaration (or removal, or shadowing) of what DOT defines.
    pub fn redeclared(&self, name: &str) -> Option<(ClassRef, Member)> {
        self.chain
            .iter()
            .find_map(|c| c.info().member(name).map(|m| (c.clone(), m.clone())))
    }
    /// Any project attribute `name`, wherever it sits in the MRO.
    pub fn attribute(&self, name: &str) -> Option<(ClassRef, Member)> {
        self.redeclared(name).or_else(|| {
            self.later
                .iter()
                .find_map(|c| c.info().member(name).map(|m| (c.clone(), m.clone())))
        })
    }
    /// The class whose `Meta` the model uses, if a project class declares one.
    pub fn effective_meta(&self) -> Option<(ClassRef, &MetaInfo)> {
        self.chain
            .iter()
            .find_map(|c| c.info().meta.as_ref().map(|m| (c.clone(), m)))
    }
}

/// A field declaration: `name = <FieldClass>(...)`.
#[derive(Clone, Debug)]
pub struct FieldDecl {
    /// The Django / DOT field class reached (`OneToOneField`, `TokenChecksumField`, …).
    pub kind: String,
    pub call: Arc<Expr>,
    pub func: Expr,
}

impl FieldDecl {
    pub fn keyword(&self, name: &str) -> Option<&crate::syntax::Keyword> {
        self.call.keyword(name)
    }
    /// The `to` model: first positional argument or `to=`.
    pub fn to(&self) -> Option<&Expr> {
        match &self.call.kind {
            ExprKind::Call { args, .. } => args
                .first()
                .or_else(|| self.keyword("to").map(|k| &k.value)),
            _ => None,
        }
    }
}

/// What a relation's `to` refers to.
#[derive(Clone, Debug)]
pub enum Target {
    /// `oauth2_settings.X_MODEL` / `settings.OAUTH2_PROVIDER_X_MODEL`: whatever is active for a role.
    Role(String),
    /// `"app_label.Model"` (the label filled in for a bare `"Model"`).
    Label {
        label: String,
        model: String,
    },
    Class(ClassRef),
    Unknown,
}

pub struct Analysis<'p> {
    pub project: &'p Project,
    pub resolver: Resolver<'p>,
    pub contract: &'static Contract,
    pub settings: Option<Settings>,
    pub apps: Vec<App>,
    pub dot_version: Version,
    /// The file that pins the DOT version; `None` when the newest DOT is assumed.
    pub version_source: Option<String>,
    pub active: BTreeMap<String, ActiveSpec>,
    /// Why part of `INSTALLED_APPS` could not be read, and where it is set: an app missing
    /// from `apps` may be installed all the same.
    pub apps_unknown: Option<(String, SettingValue)>,
    /// Why the settings module, or its values as a whole, could not be told.
    pub unclear: Option<Unclear>,
    pub models: Vec<DotModel>,
    /// Whether a diagnostic will be reported (its file is under the paths checked); `None`:
    /// all are. Work a reported diagnostic alone needs, like a fix's project-wide scan, is
    /// skipped for the others.
    pub reported: Option<&'p (dyn Fn(&Diagnostic) -> bool + Sync)>,
    /// How much of each fix to build.
    pub fix_details: crate::diagnostic::FixDetails,
    /// The model graph and settings Django's own checks (DJF / DJM rules) run on; `None` when
    /// they do not run for this project.
    pub django: Option<&'p crate::rules::django::Context<'p>>,
    /// Why Django's checks and the library contracts could not run on a project that has model
    /// modules among the inputs (its settings module is not known); `None` when they ran or
    /// had nothing to run on.
    pub django_unchecked: Option<&'static str>,
    /// Whether the settings modules may set names the evaluator cannot see, once a rule asked
    /// (three rules ask; the answer scans every settings module's text).
    pub(crate) settings_may_hide: std::sync::OnceLock<bool>,
}

const FIELD_NAMES: &[&str] = &[
    "ForeignKey",
    "OneToOneField",
    "ManyToManyField",
    "ForeignObject",
];

/// The field class `q` names, when it is one of Django's or of the library's (`package`).
fn field_kind_of_qualname(q: &str, package: &str) -> Option<String> {
    let last = q.rsplit('.').next()?;
    let fieldish = last.ends_with("Field") || FIELD_NAMES.contains(&last);
    let known_lib = q.starts_with("django.db.models")
        || q.starts_with("django.contrib.")
        || q.strip_prefix(package)
            .is_some_and(|rest| rest.starts_with('.'));
    (fieldish && known_lib).then(|| last.to_string())
}

impl<'p> Analysis<'p> {
    pub fn new(
        project: &'p Project,
        contract: &'static Contract,
        settings: Option<Settings>,
        apps: Vec<App>,
        dot_version: (Version, Option<String>),
    ) -> Self {
        let mut active = BTreeMap::new();
        for role in &contract.roles {
            let spec = match &settings {
                None => ActiveSpec::NoSettings,
                Some(s) => match s.get(&role.setting) {
                    // Not set in the project, but maybe by a library's base settings.
                    None => match s.maybe_set_elsewhere() {
                        Some(v) => ActiveSpec::Unresolved {
                            reason: match &v.value {
                                Value::Unknown(why) => {
                                    format!("it is not set in the project's settings, and {why}")
                                }
                                other => other.describe(),
                            },
                            setting: Some(v.clone()),
                        },
                        None => parse_spec(&role.default, None),
                    },
                    Some(v) => match &v.value {
                        Value::Str(text) => parse_spec(text, Some(v.clone())),
                        Value::Unknown(reason) => ActiveSpec::Unresolved {
                            reason: reason.clone(),
                            setting: Some(v.clone()),
                        },
                        other => ActiveSpec::Unresolved {
                            reason: format!("the value is {}, not a string", other.describe()),
                            setting: Some(v.clone()),
                        },
                    },
                },
            };
            active.insert(role.role.clone(), spec);
        }
        Analysis {
            project,
            resolver: Resolver::new(project),
            contract,
            settings,
            apps,
            dot_version: dot_version.0,
            version_source: dot_version.1,
            active,
            apps_unknown: None,
            unclear: None,
            models: Vec::new(),
            reported: None,
            fix_details: crate::diagnostic::FixDetails::Full,
            django_unchecked: None,
            django: None,
            settings_may_hide: std::sync::OnceLock::new(),
        }
    }

    /// The settings could not be told (see [`Analysis::unclear`]): no role's model is known.
    pub fn set_unclear(&mut self, unclear: Unclear) {
        for spec in self.active.values_mut() {
            *spec = ActiveSpec::Unresolved {
                reason: unclear.reason.clone(),
                setting: None,
            };
        }
        self.unclear = Some(unclear);
    }

    /// Whether the settings are known, or stand in for unknown ones: a rule that needs them
    /// (which apps, which setting) has something to read.
    pub fn settings_known(&self) -> bool {
        self.settings.is_some() && self.unclear.is_none()
    }

    /// Whether `d` will be reported (see [`Analysis::reported`]).
    pub fn is_reported(&self, d: &Diagnostic) -> bool {
        self.reported.is_none_or(|f| f(d))
    }

    /// Finds the concrete DOT models among `modules`' classes (and the classes they inherit from).
    pub fn collect_models(&mut self, modules: &[Arc<SourceModule>]) {
        let mut models = Vec::new();
        for module in modules {
            // The library's own models (a vendored copy) are DOT's defaults, not custom models.
            if crate::index::in_package(&module.name, &self.contract.package) {
                continue;
            }
            for index in 0..module.index.classes.len() {
                let class = ClassRef {
                    module: module.clone(),
                    index,
                };
                if is_abstract(class.info()) {
                    continue;
                }
                // With settings, a model outside every installed app is never registered.
                if let Some(model) = self.dot_model(class)
                    && (self.settings.is_none() || model.app_label.is_some())
                {
                    models.push(model);
                }
            }
        }
        models.sort_by(|a, b| {
            (a.class.module.file.path.clone(), a.class.info().name_span)
                .cmp(&(b.class.module.file.path.clone(), b.class.info().name_span))
        });
        models.dedup_by(|a, b| a.class.same(&b.class));
        self.models = models;
    }

    fn dot_model(&self, class: ClassRef) -> Option<DotModel> {
        let mro = self.resolver.mro(&class);
        let (pos, role) = mro.iter().enumerate().find_map(|(i, a)| {
            let q = match a {
                Ancestor::Project(c) => c.qualname(),
                Ancestor::External(e) => e.clone(),
            };
            let class_name = self.contract.in_models_module(&q)?;
            Some((i, self.contract.role_by_abstract(class_name)?))
        })?;
        let project_only = |slice: &[Ancestor]| -> Vec<ClassRef> {
            slice
                .iter()
                .filter_map(|a| match a {
                    Ancestor::Project(c) => Some(c.clone()),
                    Ancestor::External(_) => None,
                })
                .collect()
        };
        let chain = project_only(&mro[..pos]);
        let later = project_only(&mro[pos + 1..]);
        let app_label = self.app_label_of(&class);
        let spec = &self.active[&role.role];
        let active = spec.matches(app_label.as_deref(), &class.info().name);
        Some(DotModel {
            class,
            role,
            app_label,
            active,
            chain,
            later,
        })
    }

    /// `Meta.app_label`, else the label of the installed app containing the module; without
    /// settings, the package that holds the `models` module.
    pub fn app_label_of(&self, class: &ClassRef) -> Option<String> {
        if let Some(label) = class
            .info()
            .meta
            .as_ref()
            .and_then(|m| m.attrs.get("app_label"))
            .and_then(|e| self.resolver.string_value(&class.module, e))
        {
            return Some(label);
        }
        let module = &class.module.name;
        if self.settings.is_some() {
            let known = self
                .apps
                .iter()
                .filter(|a| crate::index::in_package(module, &a.name))
                .max_by_key(|a| a.name.len())
                .map(|a| a.label.clone());
            return known.or_else(|| self.assumed_app(class).map(|a| a.label));
        }
        let parts: Vec<&str> = module.split('.').collect();
        match parts.iter().position(|p| *p == "models") {
            Some(i) if i > 0 => Some(parts[i - 1].to_string()),
            _ if parts.len() >= 2 => Some(parts[parts.len() - 2].to_string()),
            _ => parts.first().map(|s| s.to_string()),
        }
    }

    /// The app `class` is assumed to belong to when `INSTALLED_APPS` has parts that could not
    /// be read and no known entry holds its module: its own package, as Django would label it.
    pub fn assumed_app(&self, class: &ClassRef) -> Option<App> {
        self.apps_unknown.as_ref()?;
        let module = &class.module.name;
        if self
            .apps
            .iter()
            .any(|a| crate::index::in_package(module, &a.name))
        {
            return None;
        }
        crate::settings::app_of_module(self.project, module)
    }

    pub fn active_models(&self) -> impl Iterator<Item = &DotModel> {
        self.models.iter().filter(|m| m.active == Some(true))
    }

    /// Interprets a member as a field declaration, when its value calls a field class.
    pub fn field(&self, module: &Arc<SourceModule>, member: &Member) -> Option<FieldDecl> {
        let MemberKind::Value { value, .. } = &member.kind else {
            return None;
        };
        let ExprKind::Call { func, .. } = &value.kind else {
            return None;
        };
        let kind = match self.resolver.resolve_expr(module, func) {
            Symbol::External(q) => field_kind_of_qualname(&q, &self.contract.package),
            Symbol::Class(c) => self.resolver.mro(&c).iter().find_map(|a| match a {
                Ancestor::External(q) => field_kind_of_qualname(q, &self.contract.package),
                Ancestor::Project(p) => {
                    field_kind_of_qualname(&p.qualname(), &self.contract.package)
                        .filter(|_| p.module.name.starts_with(&self.contract.package))
                }
            }),
            // Unresolvable callee: fall back on its spelling (`fields.OneToOneField`).
            _ => func
                .dotted()
                .and_then(|d| d.rsplit('.').next().map(str::to_string))
                .filter(|last| last.ends_with("Field") || FIELD_NAMES.contains(&last.as_str())),
        }?;
        Some(FieldDecl {
            kind,
            call: value.clone(),
            func: (**func).clone(),
        })
    }

    /// `True` / `False` literal (followed through constant names).
    pub fn bool_value(&self, module: &Arc<SourceModule>, expr: &Expr) -> Option<bool> {
        match self.resolver.value_of(module, expr).1.kind {
            ExprKind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The last component of what an `on_delete=` value names (`CASCADE`, `SET_NULL`, …), when it is
    /// one of Django's deletion handlers.
    pub fn on_delete_name(&self, module: &Arc<SourceModule>, expr: &Expr) -> Option<String> {
        let name = match self.resolver.resolve_expr(module, expr) {
            Symbol::External(q) if q.starts_with("django.db.models") => {
                q.rsplit('.').next().map(str::to_string)
            }
            Symbol::Unknown => expr.dotted()?.rsplit('.').next().map(str::to_string),
            _ => None,
        }?;
        matches!(
            name.as_str(),
            "CASCADE" | "PROTECT" | "RESTRICT" | "SET_NULL" | "SET_DEFAULT" | "DO_NOTHING"
        )
        .then_some(name)
    }

    /// What a relation's `to` argument refers to, from the point of view of `model`.
    pub fn target(&self, model: &DotModel, module: &Arc<SourceModule>, expr: &Expr) -> Target {
        let settings_object = &self.contract.settings_object;
        if let ExprKind::Attribute { value, attr } = &expr.kind {
            let owner = self.resolver.resolve_expr(module, value).qualname();
            let role_of = |key: &str| {
                self.contract
                    .roles
                    .iter()
                    .find(|r| r.dict_key == key || r.setting == key)
                    .map(|r| Target::Role(r.role.clone()))
            };
            if owner.as_deref() == Some(settings_object.as_str())
                || owner.as_deref() == Some("django.conf.settings")
            {
                return role_of(attr).unwrap_or(Target::Unknown);
            }
        }
        let (_, value) = self.resolver.value_of(module, expr);
        if let Some(text) = value.as_str() {
            return match text.split_once('.') {
                Some((label, model_name)) => Target::Label {
                    label: label.to_string(),
                    model: model_name.to_string(),
                },
                None if text == "self" => Target::Class(model.class.clone()),
                None => match &model.app_label {
                    Some(label) => Target::Label {
                        label: label.clone(),
                        model: text.to_string(),
                    },
                    None => Target::Unknown,
                },
            };
        }
        match self.resolver.resolve_expr(module, expr) {
            Symbol::Class(c) => Target::Class(c),
            Symbol::External(q) => match self.contract.in_models_module(&q) {
                Some(name) => Target::Label {
                    label: self.contract.package.clone(),
                    model: name.to_string(),
                },
                None => Target::Unknown,
            },
            _ => Target::Unknown,
        }
    }

    /// Whether `target` is the model active for `role`: `Some(false)` is a definite mismatch.
    pub fn target_is_active(&self, target: &Target, role: &str) -> Option<bool> {
        let spec = self.active.get(role)?;
        match target {
            Target::Role(r) => Some(r == role),
            Target::Label { label, model } => match spec {
                ActiveSpec::Model {
                    label: l, model: m, ..
                } => Some(l == label && m.eq_ignore_ascii_case(model)),
                _ => None,
            },
            Target::Class(c) => {
                let label = self.app_label_of(c);
                spec.matches(label.as_deref(), &c.info().name)
            }
            Target::Unknown => None,
        }
    }

    /// The setting that made `model` active, as a related location.
    pub fn activating_setting(&self, model: &DotModel) -> Option<&SettingValue> {
        self.active.get(&model.role.role)?.setting()
    }

    /// Notes every diagnostic on a model carries: how activity and version were decided.
    pub fn context_notes(&self, model: &DotModel) -> Vec<String> {
        let mut notes = Vec::new();
        if self.settings.is_none() && self.unclear.is_none() {
            notes.push(format!(
                "No Django settings module was found, so every concrete subclass of {} is treated as active.",
                model.role.abstract_class
            ));
        }
        if let Some(app) = self.assumed_app(&model.class) {
            notes.push(format!(
                "`{}` is not among the INSTALLED_APPS entries that could be read, so it is assumed to be installed under the label `{}`.",
                app.name, app.label
            ));
        }
        if let Some(choice) = self.settings.as_ref().and_then(|s| s.choice.as_ref()) {
            notes.push(format!("The settings are those of {choice}."));
        }
        notes
    }

    pub fn relation_fields<'c>(
        &self,
        model: &'c DotModel,
    ) -> impl Iterator<Item = &'static Relation> + 'c
    where
        'p: 'c,
    {
        self.contract.relations_of(&model.role.role)
    }
}

fn parse_spec(text: &str, setting: Option<SettingValue>) -> ActiveSpec {
    match text.split_once('.') {
        Some((label, model)) if !label.is_empty() && !model.is_empty() && !model.contains('.') => {
            ActiveSpec::Model {
                label: label.to_string(),
                model: model.to_string(),
                setting,
            }
        }
        _ => match setting {
            Some(s) => ActiveSpec::Unresolved {
                reason: format!("`{text}` is not of the form app_label.ModelName"),
                setting: Some(s),
            },
            None => ActiveSpec::Unresolved {
                reason: format!("bad default `{text}`"),
                setting: None,
            },
        },
    }
}

pub fn is_abstract(class: &ClassInfo) -> bool {
    class
        .meta
        .as_ref()
        .and_then(|m| m.attrs.get("abstract"))
        .is_some_and(|e| e.kind == ExprKind::Bool(true))
}
