//! DOT013 model-setting-in-dict: a model setting (`ACCESS_TOKEN_MODEL`, …) inside the
//! `OAUTH2_PROVIDER = {...}` dict. `Meta.swappable` reads only the top-level
//! `OAUTH2_PROVIDER_*_MODEL` setting, so DOT keeps using its default tables (issue #571; 3.4.1
//! docs/settings.rst:792-797: "must be set as top-level Django settings").

use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::models::Analysis;
use crate::syntax::ExprKind;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
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
            let shown = value.as_str().map_or_else(|| "…".to_string(), |v| format!("\"{v}\""));
            let severity = Severity::parse(&role.dict_severity);
            let (message, note) = if severity == Severity::Error {
                (
                    format!(
                        "`{}` inside the {} dict is ignored by Meta.swappable, which reads only the top-level {}",
                        role.dict_key, ctx.contract.settings_dict, role.setting
                    ),
                    "breaks startup and migrations: DOT's default model stays registered beside the custom one and both claim DOT's fixed reverse names (fields.E304/E305; DOT issue #571; 3.4.1 docs/settings.rst:792-797)",
                )
            } else {
                (
                    format!(
                        "`{}` inside the {} dict is ignored by Meta.swappable, which reads only the top-level {}",
                        role.dict_key, ctx.contract.settings_dict, role.setting
                    ),
                    "DOT still finds the model through oauth2_settings, but Django keeps DOT's default table and admin for it: an unused duplicate model (confirmed harmless to DOT's operations on 1.7.1, 2.4.0 and 3.4.1 by the oracle; 3.4.1 docs/settings.rst:792-797)",
                )
            };
            Some(
                super::diag("DOT013", severity, &dict.module, key.span, message)
                .help(format!("set it as a top-level setting: {} = {shown}", role.setting))
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

#[cfg(test)]
mod tests {
    use crate::rules::testing::{SETTINGS, check, summary};

    #[test]
    fn model_keys_in_the_dict_fire_on_the_key() {
        let spec = SETTINGS.replace(
            "OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'app.MyIDToken'\n",
            "OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'app.MyIDToken'\nOAUTH2_PROVIDER = {\n    'SCOPES': {},\n    'REFRESH_TOKEN_MODEL': 'app.MyRefreshToken',\n}\n",
        );
        let d: Vec<_> = check(&spec)
            .into_iter()
            .filter(|d| d.code == "DOT013")
            .collect();
        assert_eq!(
            summary(&d),
            [("DOT013", 7, "'REFRESH_TOKEN_MODEL'".to_string())]
        );
    }
}
