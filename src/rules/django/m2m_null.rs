//! DJF340W: null= on a many-to-many field has no effect (Django's `fields.W340`, a warning `manage.py check` prints). See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, crate::rules::Rule::DJF340W, "fields.W340")
}

#[cfg(test)]
mod tests {
    use super::super::m2m::tests::{hits, project};
    use crate::rules::testing::check;

    /// Any `null=` on a many-to-many field, even `null=False`.
    #[test]
    fn null_on_many_to_many() {
        let models = "class Tag(models.Model):\n    pass\n\
class Post(models.Model):\n    a = models.ManyToManyField(Tag, null=False, related_name='a')\n    b = models.ManyToManyField(Tag, blank=True, related_name='b')\n";
        let d = check(&project(models, ""));
        assert_eq!(hits(&d, "DJF340W"), [5], "{d:#?}");
        // `--select DJF340` selects the warning too (prefix selection).
        assert_eq!(d[0].code, "DJF340W");
    }
}
