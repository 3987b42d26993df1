//! DJF333: a through model of a relation to self has more than two foreign keys to the model and no through_fields (Django's `fields.E333`): Django refuses to start. See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, crate::rules::Rule::DJF333, "fields.E333")
}

#[cfg(test)]
mod tests {
    use super::super::m2m::tests::{hits, project};
    use crate::rules::testing::check;

    /// Three keys to self without through_fields: reported on the through model's class line.
    #[test]
    fn three_keys_to_self() {
        let models = "class Person(models.Model):\n    m = models.ManyToManyField('self', through='Link', symmetrical=False)\n\
class Link(models.Model):\n    a = models.ForeignKey(Person, models.CASCADE, related_name='+')\n    b = models.ForeignKey(Person, models.CASCADE, related_name='+')\n    c = models.ForeignKey(Person, models.CASCADE, related_name='+')\n";
        let d = check(&project(models, ""));
        assert_eq!(hits(&d, "DJF333"), [4], "{d:#?}");
        assert_eq!(d[0].django.as_ref().unwrap().object, "blog.Link");
        let fixed = models.replace(
            "symmetrical=False",
            "symmetrical=False, through_fields=('a', 'b')",
        );
        assert!(hits(&check(&project(&fixed, "")), "DJF333").is_empty());
    }
}
