//! DOT013 model-setting-in-dict: a model setting (`ACCESS_TOKEN_MODEL`, …) inside the
//! `OAUTH2_PROVIDER = {...}` dict without the same value in the top-level
//! `OAUTH2_PROVIDER_*_MODEL` setting. `Meta.swappable` reads only the top-level setting, so Django
//! keeps DOT's default model (or another one) while DOT's code, through `oauth2_settings`, uses the
//! dict's (issue #571; 3.4.1 docs/settings.rst:792-797: "must be set as top-level Django
//! settings"). Mirroring the top-level value inside the dict is harmless: both sides then name the
//! same model (oracle: `ok_model_setting_mirrored`). A value the tool cannot evaluate on either
//! side is not known to differ, and stays silent.

use std::sync::Arc;

use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::models::Analysis;
use crate::project::SourceModule;
use crate::rules::Rule;
use crate::settings::Value;
use crate::syntax::ExprKind;
use crate::syntax::Span;

/// A DOT013 diagnostic located in `module`.
fn diagnostic(
    severity: Severity,
    module: &Arc<SourceModule>,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::diag(Rule::DOT013, severity, module, span, message)
}

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let lib_name = &ctx.contract.library;
    let (_, lib_settings_name) = ctx.contract.settings_object_parts();
    let Some(settings) = &ctx.settings else {
        return Vec::new();
    };
    let Some(dict) = settings.get(&ctx.contract.settings_dict) else {
        return Vec::new();
    };
    let Some(ExprKind::Dict(items)) = dict.expr.as_ref().map(|e| &e.kind) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|(key, value)| {
            let key = key.as_ref()?;
            let role = ctx.contract.roles.iter().find(|r| Some(r.dict_key.as_str()) == key.as_str())?;
            let in_dict = ctx.resolver.string_value(&dict.module, value);
            let top_level = match settings.get(&role.setting).map(|v| &v.value) {
                None => None,
                Some(Value::Str(text)) => Some(text.as_str()),
                // Unknown (or not a string): not known to differ.
                Some(_) => return None,
            };
            let in_dict_shown = in_dict.as_deref().map_or_else(|| "…".to_string(), |v| format!("\"{v}\""));
            let severity = Severity::parse(&role.dict_severity);
            let (message, help, note) = match (top_level, in_dict.as_deref()) {
                (Some(_), None) => return None,
                (Some(top), Some(dict_value)) if same_model(top, dict_value) => return None,
                (Some(top), Some(dict_value)) => (
                    format!(
                        "`{}` inside the {} dict names \"{dict_value}\", but the top-level {} names \"{top}\"",
                        role.dict_key, ctx.contract.settings_dict, role.setting
                    ),
                    format!(
                        "give both the same value, or delete the key from {}",
                        ctx.contract.settings_dict
                    ),
                    format!("Django swaps in the top-level setting's model (Meta.swappable), while DOT's own code resolves the model through {lib_settings_name}, where the dict wins: the two use different tables (DOT issue #571)."),
                ),
                (None, _) => (
                    format!(
                        "`{}` inside the {} dict is ignored by Meta.swappable, which reads only the top-level {}",
                        role.dict_key, ctx.contract.settings_dict, role.setting
                    ),
                    format!("set it as a top-level setting: {} = {in_dict_shown}", role.setting),
                    if severity == Severity::Error {
                        format!("This breaks startup and migrations: DOT's default model stays registered beside the custom one, and both claim DOT's fixed reverse names (fields.E304/E305; DOT issue #571; docs/settings.rst:792-797 in {lib_name} 3.4.1).")
                    } else {
                        format!("DOT still finds the model through {lib_settings_name}, but Django keeps DOT's default table and admin for it, an unused duplicate model. The oracle found DOT's operations unaffected on 1.7.1, 2.4.0 and 3.4.1 (docs/settings.rst:792-797 in {lib_name} 3.4.1).")
                    },
                ),
            };
            Some(
                diagnostic(severity, &dict.module, key.span, message)
                .help(help)
                .note(note)
                .fix(Some(Fix {
                    applicability: Applicability::Display,
                    message: format!("Move it to a top-level {} setting", role.setting),
                    edits: Vec::new(),
                })),
            )
        })
        .collect()
}

/// Whether two `app_label.ModelName` strings name the same model (Django compares model names
/// without case).
fn same_model(a: &str, b: &str) -> bool {
    match (a.split_once('.'), b.split_once('.')) {
        (Some((la, ma)), Some((lb, mb))) => la == lb && ma.eq_ignore_ascii_case(mb),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{SETTINGS, check, summary};

    #[test]
    fn model_keys_in_the_dict_fire_on_the_key() {
        let spec = SETTINGS.replace(
            "OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'app.MyIDToken'\n",
            "OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'app.MyIDToken'\nOAUTH2_PROVIDER = {\n    'SCOPES': {},\n    'REFRESH_TOKEN_MODEL': 'app.MyRefreshToken',\n}\n",
        )
        // The key only in the dict: no top-level setting.
        .replace("OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = 'app.MyRefreshToken'\n", "");
        let d: Vec<_> = check(&spec)
            .into_iter()
            .filter(|d| d.code == "DOT013")
            .collect();
        assert_eq!(
            summary(&d),
            [("DOT013", 6, "'REFRESH_TOKEN_MODEL'".to_string())]
        );
    }

    fn dot013(settings_tail: &str) -> Vec<(&'static str, u32, String)> {
        let spec = SETTINGS.replace(
            "OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'app.MyIDToken'\n",
            &format!("OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'app.MyIDToken'\n{settings_tail}"),
        );
        let d: Vec<_> = check(&spec)
            .into_iter()
            .filter(|d| d.code == "DOT013")
            .collect();
        summary(&d)
    }

    #[test]
    fn a_mirrored_top_level_value_is_silent() {
        // A literal, a reference to the top-level setting, and a model name in another case.
        let tail = "OAUTH2_PROVIDER = {\n    'REFRESH_TOKEN_MODEL': 'app.MyRefreshToken',\n    'ACCESS_TOKEN_MODEL': OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL,\n    'ID_TOKEN_MODEL': 'app.myidtoken',\n}\n";
        assert_eq!(dot013(tail), []);
    }

    #[test]
    fn a_different_top_level_value_fires() {
        let tail = "OAUTH2_PROVIDER = {\n    'REFRESH_TOKEN_MODEL': 'app.OtherRefreshToken',\n}\n";
        assert_eq!(
            dot013(tail),
            [("DOT013", 6, "'REFRESH_TOKEN_MODEL'".to_string())]
        );
    }

    #[test]
    fn an_unknown_value_is_not_known_to_differ() {
        let tail = "OAUTH2_PROVIDER = {\n    'REFRESH_TOKEN_MODEL': os.environ['RT_MODEL'],\n}\n";
        assert_eq!(dot013(tail), []);
        // With no top-level setting at all, the dict's key is ignored whatever its value.
        let spec_tail = "OAUTH2_PROVIDER = {\n    'GRANT_MODEL': os.environ['GRANT_MODEL'],\n}\n";
        assert_eq!(
            dot013(spec_tail),
            [("DOT013", 6, "'GRANT_MODEL'".to_string())]
        );
    }
}
