//! DJF341: validators on a many-to-many field never run (Django's `fields.W341`, a warning). See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, crate::rules::Rule::DJF341, "fields.W341")
}

#[cfg(test)]
mod tests {
    use super::super::m2m::tests::{hits, project};
    use crate::rules::testing::check;

    /// A non-empty validators list; an empty one is fine.
    #[test]
    fn validators_on_many_to_many() {
        let models = "class Tag(models.Model):\n    pass\n\
class Post(models.Model):\n    a = models.ManyToManyField(Tag, validators=[check_tags], related_name='a')\n    b = models.ManyToManyField(Tag, validators=(), related_name='b')\n";
        let d = check(&project(models, ""));
        assert_eq!(hits(&d, "DJF341"), [5], "{d:#?}");
    }
}
