//! DOT001 refresh-token-reverse-name: an active RefreshToken re-declares `access_token` with an
//! effective reverse query name other than `refresh_token`.
//!
//! `clear_expired()` (the `cleartokens` command) runs
//! `AccessToken.objects.filter(refresh_token__isnull=True, expires__lt=now)` (3.4.1
//! models.py:1290, present in every release): with another name it raises
//! `FieldError: Cannot resolve keyword 'refresh_token' into field` (DOT issues #1494, #726).
//! The relation and the required name are data (`contract.toml`, `rule = "DOT001"`).

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::reverse_names::check(ctx, super::Rule::DOT001)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, summary, with_models};

    const OTHERS: &str = "class MyAccessToken(AbstractAccessToken):\n    pass\n\
class MyIDToken(AbstractIDToken):\n    pass\n";

    fn rt(field: &str) -> String {
        with_models(&format!(
            "{OTHERS}class MyRefreshToken(AbstractRefreshToken):\n    access_token = {field}\n"
        ))
    }

    #[test]
    fn flags_the_related_name_string_with_an_unsafe_fix() {
        let d = check(&rt(
            "models.OneToOneField(oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name='access_refresh_token')",
        ));
        assert_eq!(
            summary(&d),
            [("DOT001", 9, "'access_refresh_token'".to_string())]
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("use related_name=\"refresh_token\"")
        );
        let fix = d[0].fix.as_ref().unwrap();
        assert_eq!(fix.edits[0].content, "'refresh_token'");
        assert_eq!(fix.applicability, crate::diagnostic::Applicability::Unsafe);
        assert!(
            d[0].related
                .iter()
                .any(|r| r.message.contains("active RefreshToken"))
        );
    }

    #[test]
    fn missing_plus_and_pattern_names_fire() {
        for (field, text) in [
            (
                "models.OneToOneField(oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.SET_NULL, null=True)",
                "models.OneToOneField",
            ),
            (
                "models.OneToOneField(oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.SET_NULL, null=True, related_name='+')",
                "'+'",
            ),
            (
                "models.OneToOneField(oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.SET_NULL, null=True, related_name='%(class)s')",
                "'%(class)s'",
            ),
            (
                "models.OneToOneField(oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.SET_NULL, null=True, related_name='refresh_token', related_query_name='rt')",
                "'rt'",
            ),
        ] {
            let d = check(&rt(field));
            assert_eq!(d.len(), 1, "{field}: {:?}", summary(&d));
            assert_eq!(d[0].code, "DOT001");
            assert!(summary(&d)[0].2.starts_with(text), "{field}");
        }
    }

    #[test]
    fn correct_names_stay_silent() {
        for field in [
            "models.OneToOneField(oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name='refresh_token')",
            "models.OneToOneField(oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.SET_NULL, null=True, related_name='custom', related_query_name='refresh_token')",
        ] {
            assert!(check(&rt(field)).is_empty(), "{field}");
        }
    }

    #[test]
    fn inactive_models_are_not_checked() {
        let spec = rt("models.OneToOneField(oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.SET_NULL, null=True, related_name='s_refresh_token')")
            .replace("OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = 'app.MyRefreshToken'\n", "")
            .replace("OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'app.MyAccessToken'\n", "");
        let codes: Vec<_> = check(&spec).iter().map(|d| d.code).collect();
        assert!(!codes.contains(&"DOT001"), "{codes:?}");
    }

    #[test]
    fn inherited_bad_value_is_flagged_in_the_base_with_the_model_related() {
        let spec = format!(
            "{}# -- app/base.py\nfrom django.db import models\nfrom oauth2_provider import models as om\n\
class Base(om.AbstractRefreshToken):\n    access_token = models.OneToOneField('app.MyAccessToken', on_delete=models.SET_NULL, null=True, related_name='bad')\n    class Meta(om.AbstractRefreshToken.Meta):\n        abstract = True\n",
            with_models(&format!(
                "from .base import Base\n{OTHERS}class MyRefreshToken(Base):\n    pass\n"
            ))
        );
        let d = check(&spec);
        assert_eq!(summary(&d), [("DOT001", 4, "'bad'".to_string())]);
        assert!(d[0].file.path.ends_with("app/base.py"));
        assert!(
            d[0].related
                .iter()
                .any(|r| r.file.path.ends_with("app/models.py"))
        );
    }
}
