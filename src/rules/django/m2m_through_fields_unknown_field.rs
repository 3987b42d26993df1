//! DJF338: through_fields names a field the through model does not have (Django's `fields.E338`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, crate::rules::Rule::DJF338, "fields.E338")
}

#[cfg(test)]
mod tests {
    use super::super::m2m::tests::{hits, project};
    use crate::rules::testing::check;

    /// A name the through model lacks, with Django's hint in the help; an attname is a field.
    #[test]
    fn through_fields_unknown_name() {
        let models = "class Tag(models.Model):\n    pass\n\
class Post(models.Model):\n    a = models.ManyToManyField(Tag, through='Link', through_fields=('pst', 'tag'), related_name='a')\n    b = models.ManyToManyField(Tag, through='Link', through_fields=('post_id', 'tag'), related_name='b')\n\
class Link(models.Model):\n    post = models.ForeignKey(Post, models.CASCADE, related_name='+')\n    tag = models.ForeignKey(Tag, models.CASCADE, related_name='+')\n";
        let d = check(&project(models, ""));
        assert_eq!(hits(&d, "DJF338"), [5], "{d:#?}");
        assert!(
            d[0].help.as_deref().is_some_and(|h| h
                .starts_with("Did you mean one of the following foreign keys to 'Post': post?")),
            "{d:#?}"
        );
    }
}
