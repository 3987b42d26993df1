//! DJF335: a through model has more than one foreign key to the target model and no through_fields (Django's `fields.E335`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, crate::rules::Rule::DJF335, "fields.E335")
}

#[cfg(test)]
mod tests {
    use super::super::m2m::tests::{hits, project};
    use crate::rules::testing::check;

    /// Two keys to the target; with through_fields, silent.
    #[test]
    fn two_keys_to_the_target() {
        let models = "class Tag(models.Model):\n    pass\n\
class Post(models.Model):\n    tags = models.ManyToManyField(Tag, through='Link')\n\
class Link(models.Model):\n    post = models.ForeignKey(Post, models.CASCADE)\n    tag = models.ForeignKey(Tag, models.CASCADE, related_name='+')\n    alt = models.ForeignKey(Tag, models.CASCADE, related_name='+')\n";
        let d = check(&project(models, ""));
        assert_eq!(hits(&d, "DJF335"), [5], "{d:#?}");
        let fixed = models.replace(
            "through='Link'",
            "through='Link', through_fields=('post', 'tag')",
        );
        assert!(hits(&check(&project(&fixed, "")), "DJF335").is_empty());
    }
}
