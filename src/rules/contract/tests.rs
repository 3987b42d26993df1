//! The contract rules on in-memory multi-file projects: each fires, and stays silent where
//! the tool cannot be sure (an unresolved relation, an app list partly unknown, the library not
//! used).

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::testing::{check, summary};

/// A project with `settings` (appended to INSTALLED_APPS = apps) and `accounts/models.py`.
fn project(apps: &str, settings: &str, models: &str) -> String {
    format!(
        "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n\
# -- proj/__init__.py\n\
# -- proj/settings.py\nINSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', {apps}'accounts']\n{settings}\n\
# -- accounts/__init__.py\n\
# -- accounts/models.py\nfrom django.db import models\n{models}"
    )
}

/// `(code, line, text under the primary span)` of the diagnostics of `codes`.
fn hits<'a>(d: &'a [Diagnostic], prefix: &str) -> Vec<(&'static str, u32, String)> {
    summary(d)
        .into_iter()
        .filter(|(c, _, _)| c.starts_with(prefix))
        .collect()
}

fn severity_of(d: &[Diagnostic], code: &str) -> Severity {
    d.iter().find(|d| d.code == code).expect(code).severity
}

const QA_USER: &str = "from django.contrib.auth.models import AbstractUser
class User(AbstractUser):
    groups = models.ManyToManyField(
        'auth.Group',
        related_name='custom_user_groups',
        blank=True,
    )
    user_permissions = models.ManyToManyField('auth.Permission', related_name='custom_user_permissions', blank=True)
";

#[test]
fn auth_renamed_groups_and_permissions_fire() {
    let d = check(&project("", "AUTH_USER_MODEL = 'accounts.User'", QA_USER));
    let got = hits(&d, "AUTH");
    assert_eq!(
        got,
        [
            ("AUTH001", 6, "'custom_user_groups'".to_string()),
            ("AUTH003", 6, "'custom_user_groups'".to_string()),
            ("AUTH002", 9, "'custom_user_permissions'".to_string()),
        ],
        "{d:#?}"
    );
    assert_eq!(severity_of(&d, "AUTH001"), Severity::Error);
    // No consumer installed: U3 is a warning.
    assert_eq!(severity_of(&d, "AUTH003"), Severity::Warning);
    let a1 = d.iter().find(|d| d.code == "AUTH001").unwrap();
    assert!(a1.message.contains("`custom_user_groups`, not `user`"), "{}", a1.message);
    let help = a1.help.as_deref().unwrap();
    assert!(help.contains("AUTH_USER_MODEL") && help.contains("Do not rename"), "{help}");
}
