//! DJF330: a many-to-many field is unique=True (Django's `fields.E330`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, crate::rules::Rule::DJF330, "fields.E330")
}

#[cfg(test)]
mod tests {
    use super::super::m2m::tests::{hits, project};
    use crate::rules::testing::check;

    /// `unique=True` (or `primary_key=True`) on a many-to-many field; `unique=False` is fine.
    #[test]
    fn unique_many_to_many() {
        let models = "class Tag(models.Model):\n    pass\n\
class Post(models.Model):\n    a = models.ManyToManyField(Tag, unique=True, related_name='a')\n    b = models.ManyToManyField(Tag, unique=False, related_name='b')\n";
        let d = check(&project(models, ""));
        assert_eq!(hits(&d, "DJF330"), [5], "{d:#?}");
        assert_eq!(
            d[0].message,
            "blog.Post.a: (fields.E330) ManyToManyFields cannot be unique."
        );
    }
}
