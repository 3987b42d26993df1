//! DOT002 id-token-reverse-name: an active AccessToken re-declares `id_token` with an effective
//! reverse query name other than `access_token`.
//!
//! Since 2.3.0 (PR #1223) `clear_expired()` runs
//! `IDToken.objects.filter(access_token__isnull=True, expires__lt=now)` (3.4.1 models.py:1296):
//! with another name it raises `FieldError: Cannot resolve keyword 'access_token' into field`,
//! and ID tokens and grants are never purged. Silent for DOT < 2.3.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::reverse_names::check(ctx, super::Rule::DOT002)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, summary, with_models};

    fn at(related: &str) -> String {
        with_models(&format!(
            "class MyAccessToken(AbstractAccessToken):\n    id_token = models.OneToOneField(\n        oauth2_settings.ID_TOKEN_MODEL,\n        on_delete=models.CASCADE,\n        null=True,\n        blank=True,\n{related}    )\n\
class MyRefreshToken(AbstractRefreshToken):\n    pass\nclass MyIDToken(AbstractIDToken):\n    pass\n"
        ))
    }

    #[test]
    fn other_name_fires_with_fix() {
        let d = check(&at("        related_name=\"id_access_token\",\n"));
        assert_eq!(
            summary(&d),
            [("DOT002", 10, "\"id_access_token\"".to_string())]
        );
        assert_eq!(
            d[0].fix.as_ref().unwrap().edits[0].content,
            "\"access_token\""
        );
    }

    #[test]
    fn missing_name_gets_an_inserted_keyword() {
        let d = check(&at(""));
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].fix.as_ref().unwrap().edits[0].content,
            "\n        related_name=\"access_token\","
        );
    }

    #[test]
    fn version_gate() {
        let spec = at("        related_name=\"x\",\n").replace("==3.4.1", "==2.2.0");
        assert!(check(&spec).is_empty());
        let spec = at("        related_name=\"x\",\n").replace("==3.4.1", "==2.3.0");
        assert_eq!(check(&spec).len(), 1);
    }

    #[test]
    fn correct_name_is_silent() {
        assert!(check(&at("        related_name=\"access_token\",\n")).is_empty());
    }
}
