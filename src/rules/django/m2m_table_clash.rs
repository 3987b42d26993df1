//! DJF340: a many-to-many field's intermediary table has the name of another model's table (Django's `fields.E340`): Django refuses to start. See `m2m_table` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m_table::check(ctx, crate::rules::Rule::DJF340, "fields.E340")
}

#[cfg(test)]
mod tests {
    use super::super::m2m::tests::{hits, project};
    use crate::rules::testing::check;

    /// db_table= naming a model's table; a table name longer than 30 characters (a backend
    /// may truncate it) and a registry with an unreadable db_table are silent.
    #[test]
    fn intermediary_table_clash() {
        let models = "class Tag(models.Model):\n    pass\n\
class Post(models.Model):\n    tags = models.ManyToManyField(Tag, db_table='blog_tag')\n";
        let d = check(&project(models, ""));
        assert_eq!(hits(&d, "DJF340"), [5], "{d:#?}");
        assert!(d[0].message.ends_with(
            "The field's intermediary table 'blog_tag' clashes with the table name of 'blog.Tag'."
        ));
        let long = "class Tag(models.Model):\n    class Meta:\n        db_table = 'blog_a_very_long_table_name_of_tags'\n\
class Post(models.Model):\n    tags = models.ManyToManyField(Tag, db_table='blog_a_very_long_table_name_of_tags')\n";
        assert!(hits(&check(&project(long, "")), "DJF340").is_empty());
        let unknown = format!(
            "{models}class Other(models.Model):\n    class Meta:\n        db_table = TABLE\n"
        );
        assert!(hits(&check(&project(&unknown, "")), "DJF340").is_empty());
    }

    /// A table a model shares with its proxy: Django names the one registered last (the proxy,
    /// defined after it in the module).
    #[test]
    fn a_table_shared_with_a_proxy_names_the_last_registered() {
        let models = "class Tag(models.Model):\n    pass\n\
class TagProxy(Tag):\n    class Meta:\n        proxy = True\n\
class Post(models.Model):\n    tags = models.ManyToManyField(Tag, db_table='blog_tag')\n";
        let d = check(&project(models, ""));
        assert_eq!(hits(&d, "DJF340"), [8], "{d:#?}");
        assert!(d[0].message.ends_with(
            "The field's intermediary table 'blog_tag' clashes with the table name of 'blog.TagProxy'."
        ));
    }
}
