//! DJF334: a through model has more than one foreign key to the source model and no through_fields (Django's `fields.E334`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, crate::rules::Rule::DJF334, "fields.E334")
}

#[cfg(test)]
mod tests {
    use super::super::m2m::tests::{hits, project};
    use crate::rules::testing::check;

    /// Two keys from the source; a key to a proxy of the source is not one of them.
    #[test]
    fn two_keys_from_the_source() {
        let models = "class Tag(models.Model):\n    pass\n\
class Post(models.Model):\n    tags = models.ManyToManyField(Tag, through='Link')\n\
class PostProxy(Post):\n    class Meta:\n        proxy = True\n\
class Link(models.Model):\n    post = models.ForeignKey(Post, models.CASCADE, related_name='+')\n    other = models.ForeignKey(Post, models.CASCADE, related_name='+')\n    tag = models.ForeignKey(Tag, models.CASCADE)\n";
        let d = check(&project(models, ""));
        assert_eq!(hits(&d, "DJF334"), [5], "{d:#?}");
        let proxy = models.replace(
            "other = models.ForeignKey(Post,",
            "other = models.ForeignKey(PostProxy,",
        );
        assert!(hits(&check(&project(&proxy, "")), "DJF334").is_empty());
    }
}
