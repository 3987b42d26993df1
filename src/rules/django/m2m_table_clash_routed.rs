//! DJF344: a many-to-many field's intermediary table has the name of another model's table while DATABASE_ROUTERS is set (Django's `fields.W344`, a warning). See `m2m_table` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m_table::check(ctx, crate::rules::Rule::DJF344, "fields.W344")
}

#[cfg(test)]
mod tests {
    use super::super::m2m::tests::{hits, project};
    use crate::rules::testing::check;

    /// The same clash with DATABASE_ROUTERS set is the warning, not the error; routers the
    /// tool cannot read silence both.
    #[test]
    fn routed_table_clash() {
        let models = "class Tag(models.Model):\n    pass\n\
class Post(models.Model):\n    tags = models.ManyToManyField(Tag, db_table='blog_tag')\n";
        let p = project(models, "").replace(
            "'blog']\n",
            "'blog']\nDATABASE_ROUTERS = ['proj.routers.R']\n",
        );
        let d = check(&p);
        assert_eq!(hits(&d, "DJF344"), [5], "{d:#?}");
        assert!(hits(&d, "DJF340").is_empty(), "{d:#?}");
        let p = project(models, "").replace("'blog']\n", "'blog']\nDATABASE_ROUTERS = routers()\n");
        let d = check(&p);
        assert!(d.iter().all(|d| d.django.is_none()), "{d:#?}");
    }
}
