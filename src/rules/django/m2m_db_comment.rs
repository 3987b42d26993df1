//! DJF346: db_comment on a many-to-many field has no effect (Django's `fields.W346`, a warning). See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, crate::rules::Rule::DJF346, "fields.W346")
}

#[cfg(test)]
mod tests {
    use super::super::m2m::tests::{hits, project};
    use crate::rules::testing::check;

    /// A db_comment on a many-to-many field; an empty one is falsy.
    #[test]
    fn db_comment_on_many_to_many() {
        let models = "class Tag(models.Model):\n    pass\n\
class Post(models.Model):\n    a = models.ManyToManyField(Tag, db_comment='tags', related_name='a')\n    b = models.ManyToManyField(Tag, db_comment='', related_name='b')\n";
        let d = check(&project(models, ""));
        assert_eq!(hits(&d, "DJF346"), [5], "{d:#?}");
    }
}
