//! DJF336: a through model lacks a foreign key to the source or to the target model (Django's `fields.E336`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, crate::rules::Rule::DJF336, "fields.E336")
}

#[cfg(test)]
mod tests {
    use super::super::m2m::tests::{hits, project};
    use crate::rules::testing::check;

    /// No key to the target: reported on the through model; a key whose target the tool cannot
    /// resolve makes the count unknown.
    #[test]
    fn no_key_to_the_target() {
        let models = "class Tag(models.Model):\n    pass\n\
class Post(models.Model):\n    tags = models.ManyToManyField(Tag, through='Link')\n\
class Link(models.Model):\n    post = models.ForeignKey(Post, models.CASCADE)\n";
        let d = check(&project(models, ""));
        assert_eq!(hits(&d, "DJF336"), [6], "{d:#?}");
        let unknown =
            format!("{models}    tag = models.ForeignKey(get_tag_model(), models.CASCADE)\n");
        assert!(hits(&check(&project(&unknown, "")), "DJF336").is_empty());
        // through_fields does not change the count.
        let named = models.replace(
            "through='Link'",
            "through='Link', through_fields=('post', 'post')",
        );
        assert_eq!(hits(&check(&project(&named, "")), "DJF336"), [6]);
    }
}
