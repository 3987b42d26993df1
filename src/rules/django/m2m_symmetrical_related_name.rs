//! DJF345: related_name on a symmetrical many-to-many field has no effect (Django's `fields.W345`, a warning). See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, crate::rules::Rule::DJF345, "fields.W345")
}

#[cfg(test)]
mod tests {
    use super::super::m2m::tests::{hits, project};
    use crate::rules::testing::check;

    /// `"self"` without symmetrical= is symmetrical; the class's own name is not.
    #[test]
    fn related_name_on_symmetrical() {
        let models = "class Person(models.Model):\n    a = models.ManyToManyField('self', related_name='a_of')\n    b = models.ManyToManyField('Person', related_name='b_of')\n    c = models.ManyToManyField('self', symmetrical=False, related_name='c_of')\n";
        let d = check(&project(models, ""));
        assert_eq!(hits(&d, "DJF345"), [3], "{d:#?}");
    }
}
