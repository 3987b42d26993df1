//! A relation's reverse accessor and reverse query name, computed exactly as Django computes
//! them, from values already evaluated (no syntax here: the graph evaluates the arguments).
//!
//! Django's steps, in the order it takes them (line numbers from Django 5.2.19; 4.2.30 has the
//! same code a few lines earlier, `is_hidden()` in place of `hidden`):
//!
//! 1. `ManyToManyField.contribute_to_class` (fields/related.py:1957-1978): a symmetrical
//!    relation whose `to` is `"self"` or the class's own name gets `related_name =
//!    "<field>_rel_+"`; otherwise a hidden `related_name` (ending in `+`) is replaced by
//!    `"_<app_label>_<class>_<field>_+"`, the app label as written and the class name
//!    lower-cased. Both happen before the formatting of step 2, on abstract models too.
//! 2. `RelatedField.contribute_to_class` (fields/related.py:351-374), on concrete models only:
//!    `related_name or Meta.default_related_name`, if non-empty, is formatted with
//!    `% {"class": cls.__name__.lower(), "model_name": model_name.lower(), "app_label":
//!    app_label.lower()}`; `related_query_name`, if non-empty, with `% {"class", "app_label"}`
//!    only (`%(model_name)s` there is a `KeyError` at import).
//! 3. `ForeignObjectRel.get_accessor_name` (fields/reverse_related.py:224-240): none for a
//!    symmetrical many-to-many relation to the model itself; else the related_name; else the
//!    model name plus `_set` when the relation is `multiple` (every kind but one-to-one,
//!    reverse_related.py:61 and :353).
//! 4. `RelatedField.related_query_name` (fields/related.py:489-498): `related_query_name or
//!    related_name or opts.model_name`.
//! 5. `ForeignObjectRel.hidden` (fields/reverse_related.py:68-70): the related_name ends in `+`.
//!
//! `GenericRelation` passes `related_name=related_query_name or "+"` to its `GenericRel`
//! (contrib/contenttypes/fields.py:298), then takes the same steps as a foreign key.

/// A value the tool may or may not be able to evaluate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Name {
    Known(String),
    /// An argument that cannot be evaluated statically, or a format Django would reject.
    Unknown,
}

impl Name {
    pub fn known(&self) -> Option<&str> {
        match self {
            Name::Known(s) => Some(s),
            Name::Unknown => None,
        }
    }
}

/// A keyword argument as written: absent (or `None`), a string, or not evaluable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Absent,
    Str(String),
    Unknown,
}

impl Arg {
    /// Python truthiness of the value: `None`, absent and `""` are all false.
    fn truthy(&self) -> Option<Option<&str>> {
        match self {
            Arg::Absent => Some(None),
            Arg::Str(s) if s.is_empty() => Some(None),
            Arg::Str(s) => Some(Some(s)),
            Arg::Unknown => None,
        }
    }
}

/// The relation kinds whose reverse names Django computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelKind {
    ForeignKey,
    OneToOne,
    ManyToMany,
    ForeignObject,
    GenericRelation,
}

impl RelKind {
    /// `ForeignObjectRel.multiple`: false only for `OneToOneRel` (reverse_related.py:353).
    pub fn multiple(self) -> bool {
        self != RelKind::OneToOne
    }
}

/// What the computation needs to know about the relation and its concrete model.
#[derive(Clone, Debug)]
pub struct NameInputs<'a> {
    pub kind: RelKind,
    pub field_name: &'a str,
    /// `cls.__name__` of the concrete model the field is contributed to.
    pub class_name: &'a str,
    /// `cls._meta.app_label`; `None` when unknown.
    pub app_label: Option<&'a str>,
    pub related_name: &'a Arg,
    pub related_query_name: &'a Arg,
    /// The model's effective `Meta.default_related_name`.
    pub default_related_name: &'a Arg,
    /// `to` when written as a string (`"self"`, `"Person"`, `"app.Person"`).
    pub to_literal: Option<&'a str>,
    /// `symmetrical=` when written (many-to-many only).
    pub symmetrical: Option<bool>,
    /// Whether the resolved target is the model itself; `None` when the target is unknown.
    pub targets_self: Option<bool>,
}

/// Where the reverse accessor's name comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameSource {
    RelatedName,
    DefaultRelatedName,
    /// The lower-cased model name (`_set` appended for multiple relations).
    ModelName,
    /// `"<field>_rel_+"` of a symmetrical many-to-many relation to self.
    Symmetrical,
    /// `"_<app>_<class>_<field>_+"` replacing a hidden many-to-many `related_name`.
    HiddenManyToMany,
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReverseNames {
    /// The effective `remote_field.related_name` after steps 1-2; `None` when there is none.
    pub related_name: Option<Name>,
    /// The reverse accessor; `None`: there is none (symmetrical many-to-many to self).
    pub accessor: Option<Name>,
    /// The reverse query name.
    pub query: Name,
    /// Whether the reverse relation is hidden (`related_name` ends in `+`); `None`: unknown.
    pub hidden: Option<bool>,
    pub source: NameSource,
}

/// Python's `text % mapping` for `%(key)s` and `%%` conversions; `None` when a key is missing
/// or its value unknown, or the text holds another conversion (Django would raise).
pub fn percent_format(text: &str, values: &[(&str, Option<&str>)]) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('%') {
            out.push('%');
            rest = tail;
            continue;
        }
        let inner = after.strip_prefix('(')?;
        let close = inner.find(')')?;
        let key = &inner[..close];
        let tail = inner[close + 1..].strip_prefix('s')?;
        let value = values.iter().find(|(k, _)| *k == key)?.1?;
        out.push_str(value);
        rest = tail;
    }
    out.push_str(rest);
    Some(out)
}

/// The reverse names of a relation on a concrete model (steps 1-5 above).
pub fn reverse_names(i: &NameInputs) -> ReverseNames {
    let class_lower = i.class_name.to_lowercase();
    let model_name = class_lower.clone();
    let app_lower = i.app_label.map(str::to_lowercase);

    // GenericRelation: related_name = related_query_name or "+".
    let generic_name;
    let raw_related_name = if i.kind == RelKind::GenericRelation {
        generic_name = match i.related_query_name.truthy() {
            Some(Some(q)) => Arg::Str(q.to_string()),
            Some(None) => Arg::Str("+".to_string()),
            None => Arg::Unknown,
        };
        &generic_name
    } else {
        i.related_name
    };

    // Step 1 (many-to-many): symmetrical default is `to == "self"` (related.py:1413-1414).
    let mut source = NameSource::RelatedName;
    let mut step1: Option<String> = None;
    if i.kind == RelKind::ManyToMany {
        let symmetrical = i.symmetrical.unwrap_or(i.to_literal == Some("self"));
        let literal_self = i
            .to_literal
            .is_some_and(|t| t == "self" || t == i.class_name);
        if symmetrical && literal_self {
            step1 = Some(format!("{}_rel_+", i.field_name));
            source = NameSource::Symmetrical;
        } else {
            match raw_related_name.truthy() {
                None => {
                    return unknown();
                }
                Some(Some(r)) if r.ends_with('+') => {
                    let Some(app) = i.app_label else {
                        return unknown();
                    };
                    step1 = Some(format!("_{app}_{class_lower}_{}_+", i.field_name));
                    source = NameSource::HiddenManyToMany;
                }
                Some(_) => {}
            }
        }
    }

    // Step 2: related_name or default_related_name, formatted.
    let related_name: Option<Name> = match step1 {
        Some(name) => Some(format_related_name(
            &name,
            &class_lower,
            app_lower.as_deref(),
        )),
        None => match raw_related_name.truthy() {
            None => return unknown(),
            Some(Some(r)) => Some(format_related_name(r, &class_lower, app_lower.as_deref())),
            Some(None) => match i.default_related_name.truthy() {
                None => return unknown(),
                Some(Some(d)) => {
                    source = NameSource::DefaultRelatedName;
                    Some(format_related_name(d, &class_lower, app_lower.as_deref()))
                }
                Some(None) => {
                    source = NameSource::ModelName;
                    None
                }
            },
        },
    };
    let related_query_name: Option<Name> = match i.related_query_name.truthy() {
        None => Some(Name::Unknown),
        Some(Some(q)) => Some(
            percent_format(
                q,
                &[
                    ("class", Some(&class_lower)),
                    ("app_label", app_lower.as_deref()),
                ],
            )
            .map_or(Name::Unknown, Name::Known),
        ),
        Some(None) => None,
    };

    // Step 3: the accessor.
    let symmetrical_self = i.kind == RelKind::ManyToMany
        && i.symmetrical.unwrap_or(i.to_literal == Some("self"))
        && i.targets_self == Some(true);
    let accessor = if symmetrical_self {
        None
    } else if i.kind == RelKind::ManyToMany
        && i.symmetrical.unwrap_or(i.to_literal == Some("self"))
        && i.targets_self.is_none()
    {
        Some(Name::Unknown)
    } else {
        Some(match &related_name {
            Some(n) => n.clone(),
            None => Name::Known(format!(
                "{model_name}{}",
                if i.kind.multiple() { "_set" } else { "" }
            )),
        })
    };

    // Step 4: the query name.
    let query = match (&related_query_name, &related_name) {
        (Some(q), _) => q.clone(),
        (None, Some(r)) => r.clone(),
        (None, None) => Name::Known(model_name),
    };

    // Step 5: hidden.
    let hidden = match &related_name {
        None => Some(false),
        Some(Name::Known(r)) => Some(r.ends_with('+')),
        Some(Name::Unknown) => None,
    };
    if related_name == Some(Name::Unknown) {
        source = NameSource::Unknown;
    }
    ReverseNames {
        related_name,
        accessor,
        query,
        hidden,
        source,
    }
}

fn format_related_name(text: &str, class_lower: &str, app_lower: Option<&str>) -> Name {
    percent_format(
        text,
        &[
            ("class", Some(class_lower)),
            ("model_name", Some(class_lower)),
            ("app_label", app_lower),
        ],
    )
    .map_or(Name::Unknown, Name::Known)
}

fn unknown() -> ReverseNames {
    ReverseNames {
        related_name: Some(Name::Unknown),
        accessor: Some(Name::Unknown),
        query: Name::Unknown,
        hidden: None,
        source: NameSource::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs<'a>(kind: RelKind, rn: &'a Arg, rqn: &'a Arg, drn: &'a Arg) -> NameInputs<'a> {
        NameInputs {
            kind,
            field_name: "owner",
            class_name: "BlogPost",
            app_label: Some("Blog"),
            related_name: rn,
            related_query_name: rqn,
            default_related_name: drn,
            to_literal: None,
            symmetrical: None,
            targets_self: Some(false),
        }
    }

    fn pair(n: &ReverseNames) -> (Option<&str>, Option<&str>) {
        (n.accessor.as_ref().and_then(Name::known), n.query.known())
    }

    const NONE: Arg = Arg::Absent;

    #[test]
    fn defaults_differ_by_kind() {
        let fk = reverse_names(&inputs(RelKind::ForeignKey, &NONE, &NONE, &NONE));
        assert_eq!(pair(&fk), (Some("blogpost_set"), Some("blogpost")));
        assert_eq!(fk.source, NameSource::ModelName);
        let o2o = reverse_names(&inputs(RelKind::OneToOne, &NONE, &NONE, &NONE));
        assert_eq!(pair(&o2o), (Some("blogpost"), Some("blogpost")));
        let m2m = reverse_names(&inputs(RelKind::ManyToMany, &NONE, &NONE, &NONE));
        assert_eq!(pair(&m2m), (Some("blogpost_set"), Some("blogpost")));
        assert_eq!(m2m.hidden, Some(false));
    }

    #[test]
    fn related_name_is_formatted_with_lowercased_class_and_app_label() {
        let rn = Arg::Str("%(app_label)s_%(class)s_%(model_name)s_x%%".into());
        let n = reverse_names(&inputs(RelKind::ForeignKey, &rn, &NONE, &NONE));
        assert_eq!(
            pair(&n),
            (
                Some("blog_blogpost_blogpost_x%"),
                Some("blog_blogpost_blogpost_x%")
            )
        );
    }

    #[test]
    fn related_query_name_has_no_model_name_key() {
        let rqn = Arg::Str("%(model_name)s".into());
        let n = reverse_names(&inputs(RelKind::ForeignKey, &NONE, &rqn, &NONE));
        assert_eq!(n.query, Name::Unknown);
        assert_eq!(n.accessor, Some(Name::Known("blogpost_set".into())));
        let rqn = Arg::Str("%(app_label)s_%(class)s".into());
        let rn = Arg::Str("posts".into());
        let n = reverse_names(&inputs(RelKind::ForeignKey, &rn, &rqn, &NONE));
        assert_eq!(pair(&n), (Some("posts"), Some("blog_blogpost")));
    }

    #[test]
    fn default_related_name_applies_only_without_related_name() {
        let drn = Arg::Str("%(class)s_items".into());
        let n = reverse_names(&inputs(RelKind::ForeignKey, &NONE, &NONE, &drn));
        assert_eq!(pair(&n), (Some("blogpost_items"), Some("blogpost_items")));
        assert_eq!(n.source, NameSource::DefaultRelatedName);
        let rn = Arg::Str("mine".into());
        let n = reverse_names(&inputs(RelKind::ForeignKey, &rn, &NONE, &drn));
        assert_eq!(pair(&n), (Some("mine"), Some("mine")));
        // An empty related_name is falsy: the default applies.
        let empty = Arg::Str(String::new());
        let n = reverse_names(&inputs(RelKind::ForeignKey, &empty, &NONE, &drn));
        assert_eq!(pair(&n), (Some("blogpost_items"), Some("blogpost_items")));
    }

    #[test]
    fn plus_hides_the_accessor_but_keeps_a_query_name() {
        let rn = Arg::Str("+".into());
        let n = reverse_names(&inputs(RelKind::ForeignKey, &rn, &NONE, &NONE));
        assert_eq!(n.hidden, Some(true));
        assert_eq!(pair(&n), (Some("+"), Some("+")));
        let rn = Arg::Str("%(class)s+".into());
        let n = reverse_names(&inputs(RelKind::ForeignKey, &rn, &NONE, &NONE));
        assert_eq!(pair(&n), (Some("blogpost+"), Some("blogpost+")));
        // Many-to-many: replaced by a name made from the app label (as written) and field.
        let rn = Arg::Str("+".into());
        let n = reverse_names(&inputs(RelKind::ManyToMany, &rn, &NONE, &NONE));
        assert_eq!(
            pair(&n),
            (
                Some("_Blog_blogpost_owner_+"),
                Some("_Blog_blogpost_owner_+")
            )
        );
        assert_eq!(n.source, NameSource::HiddenManyToMany);
    }

    #[test]
    fn symmetrical_self_many_to_many_has_no_accessor() {
        let mut i = inputs(RelKind::ManyToMany, &NONE, &NONE, &NONE);
        i.to_literal = Some("self");
        i.targets_self = Some(true);
        let n = reverse_names(&i);
        assert_eq!(n.accessor, None);
        assert_eq!(n.query, Name::Known("owner_rel_+".into()));
        assert_eq!(n.hidden, Some(true));
        // symmetrical=False: an ordinary reverse relation.
        i.symmetrical = Some(false);
        let n = reverse_names(&i);
        assert_eq!(pair(&n), (Some("blogpost_set"), Some("blogpost")));
    }

    #[test]
    fn generic_relation_is_hidden_unless_it_has_a_query_name() {
        let n = reverse_names(&inputs(RelKind::GenericRelation, &NONE, &NONE, &NONE));
        assert_eq!(n.hidden, Some(true));
        let rqn = Arg::Str("%(class)s_tag".into());
        let n = reverse_names(&inputs(RelKind::GenericRelation, &NONE, &rqn, &NONE));
        assert_eq!(pair(&n), (Some("blogpost_tag"), Some("blogpost_tag")));
    }

    #[test]
    fn unknown_values_stay_unknown() {
        let n = reverse_names(&inputs(RelKind::ForeignKey, &Arg::Unknown, &NONE, &NONE));
        assert_eq!(n.query, Name::Unknown);
        assert_eq!(n.hidden, None);
        let rn = Arg::Str("%(app_label)s_x".into());
        let mut i = inputs(RelKind::ForeignKey, &rn, &NONE, &NONE);
        i.app_label = None;
        assert_eq!(reverse_names(&i).query, Name::Unknown);
        assert_eq!(percent_format("%(class)d", &[("class", Some("x"))]), None);
        assert_eq!(percent_format("100%", &[]), None);
        assert_eq!(percent_format("plain", &[]).as_deref(), Some("plain"));
    }
}
