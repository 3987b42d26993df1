//! DJF337: through_fields does not name two link fields (Django's `fields.E337`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, crate::rules::Rule::DJF337, "fields.E337")
}

#[cfg(test)]
mod tests {
    use super::super::m2m::tests::{hits, project};
    use crate::rules::testing::check;

    /// One name, or an empty one; a value the tool cannot evaluate is silent.
    #[test]
    fn through_fields_not_a_pair() {
        let models = "class Tag(models.Model):\n    pass\n\
class Post(models.Model):\n    a = models.ManyToManyField(Tag, through='Link', through_fields=('post',), related_name='a')\n    b = models.ManyToManyField(Tag, through='Link', through_fields=['post', ''], related_name='b')\n    c = models.ManyToManyField(Tag, through='Link', through_fields=FIELDS, related_name='c')\n\
class Link(models.Model):\n    post = models.ForeignKey(Post, models.CASCADE, related_name='+')\n    tag = models.ForeignKey(Tag, models.CASCADE, related_name='+')\n";
        let d = check(&project(models, ""));
        assert_eq!(hits(&d, "DJF337"), [5, 6], "{d:#?}");
    }
}
