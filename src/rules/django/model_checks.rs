//! Django's model checks on fields (`ModelBase` classmethods, django/db/models/base.py, Django
//! 5.2.19; the same in 4.2.30), reported on the model (`obj=cls`) or on the field Django names:
//!
//! - `_check_field_name_clashes` (base.py:1850-1920): models.E005, a field of one multi-table
//!   parent clashes (by name or attname) with an earlier parent's field; models.E006, a local
//!   field clashes with an earlier local field, a parent's field or a parent's reverse
//!   relation (by name or attname, `author_id` against the foreign key `author`), or a parent
//!   link with a parent's field.
//! - `_check_property_name_related_field_accessor_clashes` (base.py:2094-2113): models.E025, a
//!   property named as a relation's attname. Django's descriptor replaces a property of the
//!   class that declares the field, so only a property defined in a subclass (or a mixin
//!   before the parent in the MRO) of the model holding the field survives.
//! - `_check_single_primary_key` (base.py:2115-2126): models.E026, more than one local field
//!   with `primary_key=True`.
//!
//! Trust: every model involved must be checked and fully known; a reverse relation of a parent
//! whose name the tool cannot compute makes E005 / E006 silent for the model, one Django may not
//! register silent for a field of that name; a `primary_key` that is not a literal does not
//! count.

// A fast hash: the keys are field and accessor names.
use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::Diagnostic;
use crate::django::{Field, FieldOrigin, Graph, Lit, Model, ModelId, RelKind, Target};
use crate::index::MemberKind;
use crate::models::Analysis;
use crate::resolve::{Ancestor, Resolver};
use crate::rules::Rule;

use super::{checked, field_site, object};

/// `Field.attname`: `<name>_id` for a foreign key or one-to-one field, else the name.
fn attname(field: &Field) -> String {
    match field.relation.as_ref().map(|r| r.kind) {
        Some(RelKind::ForeignKey | RelKind::OneToOne) => format!("{}_id", field.name),
        _ => field.name.clone(),
    }
}

/// Whether the field is in `_meta.local_fields` (not many-to-many, not a private field).
fn is_local_field(field: &Field) -> bool {
    !matches!(
        field.relation.as_ref().map(|r| r.kind),
        Some(RelKind::ManyToMany | RelKind::GenericRelation)
    ) && field.kind != "GenericForeignKey"
}

/// A model's local fields in `creation_counter` order: the automatic `id` last (Django creates
/// it in `Options._prepare`, after every declared field).
fn local_fields(model: &Model) -> Vec<&Field> {
    let mut out: Vec<&Field> = model
        .fields
        .iter()
        .filter(|f| is_local_field(f) && !matches!(f.origin, FieldOrigin::AutoPrimaryKey))
        .collect();
    out.extend(
        model
            .fields
            .iter()
            .filter(|f| matches!(f.origin, FieldOrigin::AutoPrimaryKey)),
    );
    out
}

/// `_meta.get_parent_list()`: the parents, then each parent's parents, once each.
fn parent_list(graph: &Graph, id: ModelId) -> Vec<ModelId> {
    let mut out: Vec<ModelId> = Vec::new();
    for &p in &graph.model(id).parents {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    for &p in &graph.model(id).parents {
        for a in parent_list_bounded(graph, p, 0) {
            if !out.contains(&a) {
                out.push(a);
            }
        }
    }
    out
}

fn parent_list_bounded(graph: &Graph, id: ModelId, depth: usize) -> Vec<ModelId> {
    if depth > 16 {
        return Vec::new();
    }
    let mut out: Vec<ModelId> = graph.model(id).parents.clone();
    for &p in &graph.model(id).parents {
        for a in parent_list_bounded(graph, p, depth + 1) {
            if !out.contains(&a) {
                out.push(a);
            }
        }
    }
    out
}

/// A name in Django's `used_fields`: the field and the model it belongs to (`clash.model`).
#[derive(Clone, Copy)]
struct Used<'g> {
    name: &'g str,
    model: ModelId,
}

/// One finding: the check ID, the field it is on (`None`: the model), the message.
struct Finding<'g> {
    id: &'static str,
    field: Option<&'g Field>,
    message: String,
}

fn label_lower(graph: &Graph, id: ModelId) -> String {
    let m = graph.model(id);
    format!(
        "{}.{}",
        m.app_label.as_deref().unwrap_or("?"),
        m.model_name()
    )
}

/// `_check_field_name_clashes`, step by step; `None` when the tool cannot be sure.
fn field_name_clashes<'g>(graph: &'g Graph, id: ModelId) -> Option<Vec<Finding<'g>>> {
    let model = graph.model(id);
    let parents = parent_list(graph, id);
    if parents
        .iter()
        .any(|&p| !graph.model(p).complete || graph.model(p).installed != Some(true))
    {
        return None;
    }
    let mut out = Vec::new();
    let mut used: HashMap<String, Used<'g>> = HashMap::default();
    for &p in &parents {
        for f in local_fields(graph.model(p)) {
            let a = attname(f);
            if let Some(clash) = used.get(&f.name).or_else(|| used.get(&a)) {
                out.push(Finding {
                    id: "models.E005",
                    field: None,
                    message: format!(
                        "The field '{}' from parent model '{}' clashes with the field '{}' from parent model '{}'.",
                        clash.name,
                        label_lower(graph, clash.model),
                        f.name,
                        label_lower(graph, p)
                    ),
                });
            }
            used.insert(
                f.name.clone(),
                Used {
                    name: &f.name,
                    model: p,
                },
            );
            used.insert(
                a,
                Used {
                    name: &f.name,
                    model: p,
                },
            );
        }
    }
    // `parent._meta.get_fields()`, each name in turn (a later one replaces an earlier one).
    let mut doubtful: Vec<&str> = Vec::new();
    for &p in &parents {
        for (name, model) in get_fields(graph, p, true, &mut doubtful, 0)? {
            used.insert(name.to_string(), Used { name, model });
        }
    }
    let mut own_used: HashMap<String, Used<'g>> = HashMap::default();
    for f in local_fields(model) {
        let a = attname(f);
        // A reverse relation Django may or may not register, named like this field.
        if doubtful.iter().any(|d| *d == f.name || *d == a) {
            return None;
        }
        let clash = own_used
            .get(&f.name)
            .or_else(|| used.get(&f.name))
            .or_else(|| own_used.get(&a))
            .or_else(|| used.get(&a))
            .copied();
        if let Some(clash) = clash {
            let id_conflict = f.name == "id" && clash.name == "id" && clash.model == id;
            if !id_conflict {
                out.push(Finding {
                    id: "models.E006",
                    field: Some(f),
                    message: format!(
                        "The field '{}' clashes with the field '{}' from model '{}'.",
                        f.name,
                        clash.name,
                        label_lower(graph, clash.model)
                    ),
                });
            }
        }
        own_used.insert(
            f.name.clone(),
            Used {
                name: &f.name,
                model: id,
            },
        );
        own_used.insert(
            a,
            Used {
                name: &f.name,
                model: id,
            },
        );
    }
    Some(out)
}

/// `Options._get_fields(include_hidden=False)` of `id` as `(name, model)` pairs in Django's
/// order: the parents' (their parent links' reverse relations left out), the reverse
/// relations pointing at the model that are not hidden (`rel.name` is the reverse query name,
/// `rel.model` the model the relation targets), then the forward fields (private ones only at
/// the top). Relations the tool cannot be sure Django registers go to `doubtful` by name;
/// `None` when a reverse name cannot be computed.
fn get_fields<'g>(
    graph: &'g Graph,
    id: ModelId,
    top: bool,
    doubtful: &mut Vec<&'g str>,
    depth: usize,
) -> Option<Vec<(&'g str, ModelId)>> {
    if depth > 16 {
        return None;
    }
    let model = graph.model(id);
    let mut out = Vec::new();
    for &p in &model.parents {
        // Reverse relations of parent links are dropped (their `rel.model` is the parent).
        let listed = get_fields(graph, p, false, doubtful, depth + 1)?;
        let links: Vec<&str> = reverse_entries(graph, p)
            .filter(|e| e.parent_link)
            .filter_map(|e| e.names.query.known())
            .collect();
        out.extend(
            listed
                .into_iter()
                .filter(|(n, m)| !(*m == p && links.contains(n))),
        );
    }
    if !model.proxy {
        for e in reverse_entries(graph, id) {
            let (hidden, query) = (e.names.hidden, e.names.query.known()?);
            if hidden == Some(true) {
                continue;
            }
            if hidden.is_none() || !e.certain {
                doubtful.push(query);
                continue;
            }
            let target = match graph.entry_field(e).relation.as_ref().map(|r| &r.target) {
                Some(Target::Model(t)) => *t,
                _ => id,
            };
            out.push((query, target));
        }
    }
    for f in &model.fields {
        let private = matches!(
            f.relation.as_ref().map(|r| r.kind),
            Some(RelKind::GenericRelation)
        ) || f.kind == "GenericForeignKey";
        if private && !top {
            continue;
        }
        out.push((f.name.as_str(), id));
    }
    Some(out)
}

/// The reverse relations pointing at `id` itself (through a proxy of it too), not at its
/// parents.
fn reverse_entries(
    graph: &Graph,
    id: ModelId,
) -> impl Iterator<Item = &crate::django::ReverseEntry> {
    graph.reverse_relations(id).into_iter().filter(move |e| {
        matches!(
            graph.entry_field(e).relation.as_ref().map(|r| &r.target),
            Some(Target::Model(t)) if graph.concrete(*t) == id
        )
    })
}

/// `_check_single_primary_key`: local fields with a literal `primary_key=True`.
fn primary_keys(resolver: &Resolver, model: &Model) -> usize {
    local_fields(model)
        .into_iter()
        .filter(|f| match &f.origin {
            FieldOrigin::Project { class, call, .. } => call
                .keyword("primary_key")
                .is_some_and(|k| Lit::eval(resolver, &class.module, &k.value) == Lit::Bool(true)),
            _ => false,
        })
        .count()
}

/// `_check_property_name_related_field_accessor_clashes`: the attnames of the relations the
/// model inherits from its multi-table parents that a property of the class (or of a class
/// before the parent in the MRO) keeps. Relations the model holds itself replace any property
/// of the same attname with their descriptor.
fn property_clashes(graph: &Graph, resolver: &Resolver, id: ModelId) -> Option<Vec<String>> {
    let model = graph.model(id);
    let class = model.class()?;
    // The model's own attnames, and its method resolution order, only for a model that
    // inherits a relation (most have no concrete parent).
    let mut own: Option<Vec<String>> = None;
    let mut inherited: Vec<String> = Vec::new();
    for p in parent_list(graph, id) {
        let pm = graph.model(p);
        if !pm.complete {
            return None;
        }
        for f in &pm.fields {
            let Some(rel) = &f.relation else { continue };
            if rel.kind == RelKind::GenericRelation || rel.parent_link {
                continue;
            }
            let a = attname(f);
            let own = own.get_or_insert_with(|| model.fields.iter().map(attname).collect());
            if !own.contains(&a) && !inherited.contains(&a) {
                inherited.push(a);
            }
        }
    }
    if inherited.is_empty() {
        return Some(Vec::new());
    }
    let mro = resolver.mro(class);
    let mut out = Vec::new();
    'names: for name in inherited {
        for ancestor in &mro {
            match ancestor {
                Ancestor::Project(c) => {
                    // A model class's dict holds the descriptors of its own fields, set after
                    // the class body: they replace a property of that name in the same class
                    // (djgen seed 1268: `Note.holder9_id` seen from the child `Special6`).
                    if let Some(mid) = graph.of_class(c)
                        && graph.model(mid).fields.iter().any(|f| {
                            attname(f) == name
                                && !matches!(
                                    f.origin,
                                    FieldOrigin::ParentLink | FieldOrigin::AutoPrimaryKey
                                )
                        })
                    {
                        continue 'names;
                    }
                    if let Some(m) = c.info().members.iter().rev().find(|m| m.name == name) {
                        if matches!(m.kind, MemberKind::Function { is_property: true })
                            && is_builtin_property(c, m.name_span)
                        {
                            out.push(name.clone());
                        }
                        continue 'names;
                    }
                }
                Ancestor::External(q) if q.starts_with("django.db.models") || q == "object" => {}
                // A class the tool cannot see may define the name.
                Ancestor::External(_) => return None,
            }
        }
    }
    Some(out)
}

/// Whether the function defined at `name_span` in `class` is decorated with `@property` (or a
/// property's `.setter` / `.getter` / `.deleter`): a `property` instance. `cached_property`
/// is not one (`Options._property_names` tests `isinstance(value, property)`), so it does not
/// count.
fn is_builtin_property(class: &crate::resolve::ClassRef, name_span: crate::syntax::Span) -> bool {
    let text = &class.module.file.text;
    let Some(before) = text.get(..name_span.start as usize) else {
        return false;
    };
    // The lines above the `def` line, while they are decorators.
    let mut lines = before.lines().rev();
    lines.next();
    lines
        .map(str::trim)
        .take_while(|l| l.starts_with('@'))
        .any(|l| {
            l == "@property"
                || l.ends_with(".setter")
                || l.ends_with(".getter")
                || l.ends_with(".deleter")
        })
}

/// A field-name clash of a checked model, kept by the Django context for both of its checks.
pub(crate) struct FieldNameClash {
    model: ModelId,
    /// The clashing field's index in the model's fields; `None`: reported on the model.
    field: Option<usize>,
    id: &'static str,
    message: String,
}

/// `_check_field_name_clashes` of every checked model, once for models.E005 and E006 (the pass
/// finds both; it was run once per check, 0.22 M instructions each on aleksis-core).
fn all_field_name_clashes(graph: &Graph) -> Vec<FieldNameClash> {
    let mut out = Vec::new();
    for (mi, model) in graph.models.iter().enumerate() {
        if model.class().is_none() || !checked(model) {
            continue;
        }
        for f in field_name_clashes(graph, ModelId(mi)).unwrap_or_default() {
            // The field is one of the model's own (`local_fields`), found by identity.
            let field = match f.field {
                Some(field) => match model.fields.iter().position(|x| std::ptr::eq(x, field)) {
                    Some(i) => Some(i),
                    None => continue,
                },
                None => None,
            };
            out.push(FieldNameClash {
                model: ModelId(mi),
                field,
                id: f.id,
                message: f.message,
            });
        }
    }
    out
}

pub(crate) fn check(ctx: &Analysis, code: Rule, id: &'static str) -> Vec<Diagnostic> {
    let Some(dj) = super::context(ctx) else {
        return Vec::new();
    };
    if dj.is_silenced(id) {
        return Vec::new();
    }
    let graph = dj.graph.get();
    let mut out = Vec::new();
    for (mi, model) in graph.models.iter().enumerate() {
        let Some(class) = model.class() else {
            continue;
        };
        if !checked(model) {
            continue;
        }
        let mid = ModelId(mi);
        let mut findings: Vec<(Option<&Field>, String, String)> = Vec::new();
        match id {
            "models.E005" | "models.E006" => {
                let clashes = dj
                    .field_name_clashes
                    .get_or_init(|| all_field_name_clashes(graph));
                let first = clashes.partition_point(|c| c.model < mid);
                for c in clashes[first..].iter().take_while(|c| c.model == mid) {
                    if c.id != id {
                        continue;
                    }
                    let hint = if c.id == "models.E005" {
                        "Rename the field in one of the parents, or give the parents explicit primary keys with distinct names: Django cannot give the child two fields of one name.".to_string()
                    } else {
                        "Rename one of the fields: both would be the same attribute and column name (a foreign key `author` is stored in `author_id`).".to_string()
                    };
                    let field = c.field.and_then(|i| model.fields.get(i));
                    findings.push((field, c.message.clone(), hint));
                }
            }
            "models.E025" => {
                for name in property_clashes(graph, &ctx.resolver, mid).unwrap_or_default() {
                    findings.push((
                        None,
                        format!("The property '{name}' clashes with a related field accessor."),
                        format!("Rename the property: the parent's relation stores its value in `{name}`, which the property hides."),
                    ));
                }
            }
            "models.E026" if primary_keys(&ctx.resolver, model) > 1 => {
                findings.push((
                    None,
                    "The model cannot have more than one field with 'primary_key=True'.".to_string(),
                    "Keep primary_key=True on one field (use unique=True on the others, or a CompositePrimaryKey in Django 5.2).".to_string(),
                ));
            }
            _ => {}
        }
        for (field, message, hint) in findings {
            let (site, obj) = match field {
                Some(f) => (field_site(model, f), object(model, &f.name)),
                None => (
                    Some((class.module.clone(), class.info().name_span)),
                    model.label().unwrap_or_default(),
                ),
            };
            let Some(site) = site else { continue };
            if let Some(d) = super::django_diag(dj, code, id, site, obj, message, hint) {
                out.push(d);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, summary};

    fn codes(models: &str) -> Vec<(&'static str, u32, String)> {
        let spec = format!(
            "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n\
# -- proj/__init__.py\n# -- proj/settings.py\nINSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'shop']\n\
# -- shop/__init__.py\n# -- shop/models.py\nfrom django.db import models\n{models}"
        );
        summary(&check(&spec))
            .into_iter()
            .filter(|(c, _, _)| c.starts_with("DJM"))
            .collect()
    }

    #[test]
    fn attname_clashes_in_the_model_and_with_a_parent() {
        let got = codes(
            "class Post(models.Model):\n    author = models.ForeignKey('auth.User', models.CASCADE, related_name='+')\n    author_id = models.IntegerField()\n\
class Child(Post):\n    pass\nclass Grandchild(Child):\n    author_id = models.IntegerField()\n",
        );
        assert_eq!(
            got,
            [
                ("DJM006", 4, "author_id".to_string()),
                ("DJM005", 5, "Child".to_string()),
                ("DJM005", 7, "Grandchild".to_string()),
                ("DJM006", 8, "author_id".to_string()),
            ]
        );
    }

    #[test]
    fn two_parents_with_automatic_ids_and_two_primary_keys() {
        let got = codes(
            "class A(models.Model):\n    pass\nclass B(models.Model):\n    pass\nclass C(A, B):  \n    pass\n\
class K(models.Model):\n    a = models.IntegerField(primary_key=True)\n    b = models.IntegerField(primary_key=True)\n",
        );
        assert_eq!(
            got,
            [
                ("DJM005", 6, "C".to_string()),
                ("DJM026", 8, "K".to_string())
            ]
        );
    }

    #[test]
    fn a_property_in_a_child_named_as_a_parent_relation_attname() {
        let got = codes(
            "class Animal(models.Model):\n    owner = models.ForeignKey('auth.User', models.CASCADE, related_name='+')\n\
class Dog(Animal):\n    @property\n    def owner_id(self):\n        return 1\n\
class Cat(models.Model):\n    owner = models.ForeignKey('auth.User', models.CASCADE, related_name='+')\n    @property\n    def owner_id(self):\n        return 1\n",
        );
        assert_eq!(got, [("DJM025", 4, "Dog".to_string())]);
    }

    #[test]
    fn a_property_the_parents_own_descriptor_replaced_is_not_seen_from_a_child() {
        // djgen seed 1268: the parent's `owner_id` property is replaced by the descriptor of
        // its own `owner` field, so the child sees the descriptor (Django reports nothing).
        let got = codes(
            "class Cat(models.Model):\n    owner = models.ForeignKey('auth.User', models.CASCADE, related_name='+')\n    @property\n    def owner_id(self):\n        return 1\n\
class Kitten(Cat):\n    pass\n",
        );
        assert_eq!(got, []);
    }
}
