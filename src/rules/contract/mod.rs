//! Generic rules over the library contracts (`crate::library`): one file per kind of item,
//! each reading the data of every embedded contract; the codes come from the data.
//!
//! - [`reverse_name`] reads `reverse_accessor` / `reverse_query_name` of a relation;
//! - [`related_name_required`] reads `related_name_required` (none, `None` or hidden with `+`);
//! - [`query_name_equals`] reads `query_name_equals_related_name`;
//! - [`relation_kind`] reads `kind_required`;
//! - [`on_delete`] reads `on_delete`;
//! - [`db_field`] reads `db_fields` (a name that must be a database column of the model).
//!
//! A contract's items are evaluated only in a project that uses the library (see
//! [`crate::library::Env::uses`]) and only on the models bound to its roles (concrete, of an
//! installed app). They run on the Django context (settings found, model modules among the
//! inputs); the graph is asked for only once a role can bind.

use crate::codes::Rule;
use crate::contract::{Version, describe_range};
use crate::diagnostic::{Diagnostic, Severity};
use crate::library::{self, Bound, Consumer, Env, LibraryContract, Usage};
use crate::models::Analysis;
use crate::resolve::ClassRef;
use crate::syntax::Span;

pub(crate) mod db_field;
pub(crate) mod on_delete;
pub(crate) mod query_name_equals;
pub(crate) mod related_name_required;
pub(crate) mod relation_kind;
pub(crate) mod reverse_name;

/// Runs `f` with the evaluation environment, when the contract rules can run (a Django
/// context with known settings).
pub(crate) fn with_env(ctx: &Analysis, f: impl FnOnce(&Env) -> Vec<Diagnostic>) -> Vec<Diagnostic> {
    let Some(dj) = ctx.django else {
        return Vec::new();
    };
    let inputs = dj.graph.inputs();
    let Some(settings) = inputs.settings else {
        return Vec::new();
    };
    let env = Env {
        project: inputs.project,
        settings,
        apps: inputs.apps,
        modules: &inputs.modules,
        resolver: &ctx.resolver,
        graph: &dj.graph,
        uses_known: dj.library_uses.get_or_init(|| {
            (0..crate::library::entries().len())
                .map(|_| std::sync::OnceLock::new())
                .collect()
        }),
    };
    f(&env)
}

/// The contracts holding items of `code` that the project uses.
pub(crate) fn used(env: &Env, code: &str) -> impl Iterator<Item = &'static LibraryContract> {
    library::entries()
        .iter()
        .filter(move |e| e.codes.contains(&code) && env.uses(e))
        .map(library::Entry::contract)
}

/// The models bound to `role`, with the library's usage (read only when some model binds,
/// and once per contract) and whether the item's versions include it.
pub(crate) fn bind_role(
    env: &Env,
    c: &LibraryContract,
    usage: &mut Option<Usage>,
    role: &str,
    since: Option<Version>,
    until: Option<Version>,
) -> Option<(Usage, Vec<Bound>)> {
    let bound = env.bind(c, c.role(role)?);
    if bound.is_empty() {
        return None;
    }
    let u = usage.get_or_insert_with(|| env.usage(c)).clone();
    library::applies(u.version, since, until).then_some((u, bound))
}

/// What a contract diagnostic says beyond its message.
pub(crate) struct Evidence<'a> {
    pub operation: &'a str,
    pub failure: Option<&'a str>,
    pub evidence: &'a str,
    pub since: Option<Version>,
    pub until: Option<Version>,
    pub help: Option<&'a str>,
}

impl<'a> From<&'a library::RelationItem> for Evidence<'a> {
    fn from(item: &'a library::RelationItem) -> Self {
        Evidence {
            operation: &item.operation,
            failure: item.failure.as_deref(),
            evidence: &item.evidence,
            since: item.since,
            until: item.until,
            help: item.help.as_deref(),
        }
    }
}

impl<'a> From<&'a library::DbFieldItem> for Evidence<'a> {
    fn from(item: &'a library::DbFieldItem) -> Self {
        Evidence {
            operation: &item.operation,
            failure: item.failure.as_deref(),
            evidence: &item.evidence,
            since: item.since,
            until: item.until,
            help: item.help.as_deref(),
        }
    }
}

/// A contract diagnostic on `span` in the class `owner` (the model or a project base), about the model `bound` plays a role as, with
/// the evidence: the setting that binds the model, the model when the declaration is
/// inherited from a project base, the failing operation with the library's versions and lines.
#[allow(clippy::too_many_arguments)]
pub(crate) fn diag(
    rule: Rule,
    severity: Severity,
    contract: &LibraryContract,
    usage: &Usage,
    bound: &Bound,
    owner: &ClassRef,
    span: Span,
    message: String,
    ev: &Evidence,
) -> Diagnostic {
    let mut d = super::diag(rule, severity, &owner.module, span, message);
    if !owner.same(&bound.class) {
        d = d.related(
            bound.class.module.file.clone(),
            bound.class.info().name_span,
            format!("`{}` inherits this declaration", bound.class.info().name),
        );
    }
    if let Some(s) = &bound.setting {
        d = d.related(
            s.module.file.clone(),
            s.stmt_span,
            format!(
                "`{}` is the model the library uses, set here",
                bound.class.info().name
            ),
        );
    }
    let what = match ev.failure {
        Some(f) => format!("{}, which fails with {f}", ev.operation),
        None => ev.operation.to_string(),
    };
    let versions = match (ev.since, ev.until) {
        (None, None) => format!("every {} version", contract.library),
        _ => format!(
            "{} {}",
            contract.library,
            describe_range(ev.since, ev.until)
        ),
    };
    d = d.note(format!(
        "This breaks {what}, in {versions}. Evidence in {}'s source: {}.",
        contract.library, ev.evidence
    ));
    let assumed = match &usage.pinned_by {
        Some(file) => format!("{} {} (pinned in {file})", contract.library, usage.version),
        None => format!(
            "{} {} assumed (newest release read; no pin found)",
            contract.library, usage.version
        ),
    };
    d = d.note(format!("Checked against {assumed}."));
    if let Some(h) = ev.help {
        d = d.help(h.to_string());
    }
    d
}

/// The consumers of an item installed in the project, and the severity they raise it to.
pub(crate) fn consumers<'c>(
    env: &Env,
    consumers: &'c [Consumer],
    base: Severity,
) -> (Severity, Vec<&'c Consumer>) {
    let installed: Vec<&Consumer> = consumers
        .iter()
        .filter(|c| env.consumer_installed(c))
        .collect();
    let severity = installed
        .iter()
        .fold(base, |s, c| match library::severity(&c.severity) {
            Severity::Error => Severity::Error,
            Severity::Warning => s,
        });
    (severity, installed)
}

/// `, which breaks X (failure), Y (failure)` for the installed consumers.
pub(crate) fn consumer_clause(installed: &[&Consumer]) -> String {
    installed
        .iter()
        .map(|c| format!("{} ({})", c.operation, c.failure))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A note per installed consumer, with its evidence.
pub(crate) fn consumer_notes(mut d: Diagnostic, installed: &[&Consumer]) -> Diagnostic {
    for c in installed {
        let since = c
            .since
            .map(|v| format!(" (since {} {v})", c.package))
            .unwrap_or_default();
        d = d.note(format!(
            "{} is used here: {} fails with {}{since}. Evidence in {}'s source: {}.",
            c.package, c.operation, c.failure, c.package, c.evidence
        ));
    }
    d
}

/// The rules the contract rules report, each checked by the rule files its items name.
macro_rules! contract_checks {
    ($($fn_name:ident => $rule:ident),* $(,)?) => {
        $(
            pub(crate) fn $fn_name(ctx: &Analysis) -> Vec<Diagnostic> {
                run(ctx, Rule::$rule)
            }
        )*
    };
}

contract_checks! {
    auth001 => AUTH001,
    auth002 => AUTH002,
    auth003 => AUTH003,
    auth004 => AUTH004,
    auth005 => AUTH005,
    auth006 => AUTH006,
    dra001 => DRA001,
    dra002 => DRA002,
    wag001 => WAG001,
    wag002 => WAG002,
    wag003 => WAG003,
    tag001 => TAG001,
    tag002 => TAG002,
    osc001 => OSC001,
}

/// Every item of `rule`, whatever kind, in every contract.
fn run(ctx: &Analysis, rule: Rule) -> Vec<Diagnostic> {
    with_env(ctx, |env| {
        let mut out = Vec::new();
        out.extend(reverse_name::check(env, rule));
        out.extend(related_name_required::check(env, rule));
        out.extend(query_name_equals::check(env, rule));
        out.extend(relation_kind::check(env, rule));
        out.extend(on_delete::check(env, rule));
        out.extend(db_field::check(env, rule));
        out
    })
}

/// The relation items of `code` that `pick` selects, with their contract and usage, and the
/// models bound to each item's role.
#[allow(clippy::type_complexity)]
pub(crate) fn relation_items(
    env: &Env,
    code: &str,
    pick: impl Fn(&library::RelationItem) -> bool,
) -> Vec<(
    &'static LibraryContract,
    Usage,
    &'static library::RelationItem,
    Vec<Bound>,
)> {
    let mut out = Vec::new();
    for c in used(env, code) {
        let mut usage = None;
        for item in c.relations.iter().filter(|r| r.code == code && pick(r)) {
            if let Some((u, bound)) =
                bind_role(env, c, &mut usage, &item.role, item.since, item.until)
            {
                out.push((c, u, item, bound));
            }
        }
    }
    out
}

/// Where a relation item applies: its contract, the usage, the item and the bound model.
pub(crate) type ItemSite<'a> = (
    &'a LibraryContract,
    &'a Usage,
    &'a library::RelationItem,
    &'a Bound,
);

/// Every declaration that the relation items of `code` selected by `pick` are about, given to
/// `f` with its site; the diagnostics `f` returns.
pub(crate) fn each_decl(
    env: &Env,
    code: &str,
    pick: impl Fn(&library::RelationItem) -> bool,
    mut f: impl FnMut(ItemSite<'_>, library::Decl) -> Option<Diagnostic>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (c, usage, item, bound) in relation_items(env, code, pick) {
        for b in &bound {
            for decl in item_decls(env, c, item, b) {
                out.extend(f((c, &usage, item, b), decl));
            }
        }
    }
    out
}

/// The declarations an item is about on a bound model: its `field` as the project declares it
/// (re-declared for a library-declared relation; written by the user otherwise), or every
/// relation to a `to_subclass_of` model. Relations whose target the item restricts and that
/// cannot be resolved are left out (silent).
pub(crate) fn item_decls(
    env: &Env,
    contract: &LibraryContract,
    item: &library::RelationItem,
    bound: &Bound,
) -> Vec<library::Decl> {
    let decls: Vec<library::Decl> = match &item.field {
        Some(field) => match env.lookup(contract, &bound.class, field) {
            library::Lookup::Declared(d) => vec![*d],
            _ => Vec::new(),
        },
        None => env.relations(contract, &bound.class),
    };
    decls
        .into_iter()
        .filter(|d| {
            if !item.to_subclass_of.is_empty() {
                let bases: Vec<&str> = item.to_subclass_of.iter().map(String::as_str).collect();
                let Some(to) = d.to() else {
                    return false;
                };
                let Some(target) = env.class_of_to(&d.owner.module, to) else {
                    return false;
                };
                if !env.resolver.derives_from(&target, &bases) {
                    return false;
                }
                if env.defines_any(&target, &item.unless_target_defines) {
                    return false;
                }
            }
            if !item.to_labels.is_empty() {
                let Some(to) = d.to() else {
                    return false;
                };
                let Some(label) = env.label_of_to(&d.owner.module, to) else {
                    return false;
                };
                if !item
                    .to_labels
                    .iter()
                    .any(|l| l.eq_ignore_ascii_case(&label))
                {
                    return false;
                }
            }
            true
        })
        .collect()
}

#[cfg(test)]
mod tests;
