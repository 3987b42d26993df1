//! DJF339: a through_fields field is not a foreign key to the model it links (Django's `fields.E339`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, crate::rules::Rule::DJF339, "fields.E339")
}

#[cfg(test)]
mod tests {
    use super::super::m2m::tests::{hits, project};
    use crate::rules::testing::check;

    /// Names in the wrong order: both reported.
    #[test]
    fn through_fields_swapped() {
        let models = "class Tag(models.Model):\n    pass\n\
class Post(models.Model):\n    a = models.ManyToManyField(Tag, through='Link', through_fields=('tag', 'post'), related_name='a')\n\
class Link(models.Model):\n    post = models.ForeignKey(Post, models.CASCADE, related_name='+')\n    tag = models.ForeignKey(Tag, models.CASCADE, related_name='+')\n";
        let d = check(&project(models, ""));
        assert_eq!(hits(&d, "DJF339"), [5, 5], "{d:#?}");
        let messages: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages
                .contains(&"blog.Post.a: (fields.E339) 'Link.tag' is not a foreign key to 'Post'."),
            "{messages:?}"
        );
    }
}
