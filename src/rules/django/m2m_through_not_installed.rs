//! DJF331: a many-to-many field's through model is not installed, or abstract (Django's `fields.E331`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, crate::rules::Rule::DJF331, "fields.E331")
}

#[cfg(test)]
mod tests {
    use super::super::m2m::tests::{hits, project};
    use crate::rules::testing::check;

    /// An abstract model passed as `through` or named by a string, and a string naming an app
    /// that is not installed; a string naming an unknown model of an installed app stays silent
    /// (the tool may not see it).
    #[test]
    fn through_model_not_installed() {
        let models = "class Tag(models.Model):\n    pass\n\
class Base(models.Model):\n    class Meta:\n        abstract = True\n\
class Post(models.Model):\n    a = models.ManyToManyField(Tag, through=Base, related_name='a')\n    b = models.ManyToManyField(Tag, through='archive.Link', related_name='b')\n    c = models.ManyToManyField(Tag, through='auth.Unknown', related_name='c')\n    e = models.ManyToManyField(Tag, through='Base', related_name='e')\n";
        let d = check(&project(models, ""));
        assert_eq!(hits(&d, "DJF331"), [8, 9, 11], "{d:#?}");
        assert!(
            d[2].message
                .ends_with("through model 'Base', which has not been installed.")
        );
        assert!(
            d[1].message
                .ends_with("through model 'archive.Link', which has not been installed.")
        );
        // INSTALLED_APPS partly unknown: `archive` may be installed (and a model labelled
        // `blog.Base` may come from elsewhere).
        let p = project(models, "").replace("'blog']", "'blog'] + plugins()");
        assert_eq!(hits(&check(&p), "DJF331"), [8]);
    }
}
