//! DJF342: a ForeignKey with unique=True, which a OneToOneField expresses (Django's `fields.W342`, a warning). See `m2m` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::m2m::check(ctx, crate::rules::Rule::DJF342, "fields.W342")
}

#[cfg(test)]
mod tests {
    use super::super::m2m::tests::{hits, project};
    use crate::rules::testing::check;

    /// ForeignKey(unique=True) and primary_key=True; a OneToOneField is not flagged.
    #[test]
    fn unique_foreign_key() {
        let models = "class Tag(models.Model):\n    pass\n\
class Post(models.Model):\n    a = models.ForeignKey(Tag, models.CASCADE, unique=True, related_name='a')\n    b = models.OneToOneField(Tag, models.CASCADE, unique=True, related_name='b')\n\
class Page(models.Model):\n    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, primary_key=True)\n";
        let d = check(&project(models, ""));
        assert_eq!(hits(&d, "DJF342"), [5, 8], "{d:#?}");
    }
}
