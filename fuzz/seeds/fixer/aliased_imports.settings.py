"""Fixture `aliased_imports`: every DOT and Django name reaches the models through an alias.

* `from oauth2_provider import models as oauth_models` / `import oauth2_provider.models as dot`
* `from oauth2_provider.settings import oauth2_settings as dot_settings`
* `from django.db import models as m`, `from django.db.models import OneToOneField as O2O`,
  and a bare `PROTECT` imported from django.db.models.

Breakages (all must be found through the aliases):
* RefreshToken.access_token related_name "rt" -> DOT001. What DOT does at runtime: `clear_expired()` filters AccessToken by
`refresh_token__isnull=True` (dot-contract.md §2a R1, oauth2_provider/models.py:1290 in 3.4.1)
-> `FieldError: Cannot resolve keyword 'refresh_token' into field`.
* AccessToken.id_token related_name "oidc_access_token" -> DOT002 (§2a R2, models.py:1296:
  `FieldError: ... 'access_token'` in clear_expired's ID-token step).
* AccessToken.source_refresh_token on_delete=PROTECT -> DOT003 (§3.3: clear_expired raises
  ProtectedError when it deletes revoked refresh tokens).
"""
import oauth2_provider.models as dot
from django.db import models as m
from django.db.models import PROTECT
from django.db.models import OneToOneField as O2O
from oauth2_provider import models as oauth_models
from oauth2_provider.settings import oauth2_settings as dot_settings


class AccessToken(oauth_models.AbstractAccessToken):
    source_refresh_token = O2O(
        dot_settings.REFRESH_TOKEN_MODEL,
        on_delete=PROTECT,  # expect: DOT003
        blank=True,
        null=True,
        related_name="refreshed_access_token",
    )
    id_token = O2O(
        dot_settings.ID_TOKEN_MODEL,
        on_delete=m.CASCADE,
        blank=True,
        null=True,
        related_name="oidc_access_token",  # expect: DOT002
    )


class RefreshToken(dot.AbstractRefreshToken):
    access_token = m.OneToOneField(
        dot_settings.ACCESS_TOKEN_MODEL,
        on_delete=m.SET_NULL,
        blank=True,
        null=True,
        related_name="rt",  # expect: DOT001
    )


class IDToken(dot.AbstractIDToken):
    pass

#@settings
INSTALLED_APPS = ["oauth2_provider", "app"]
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "app.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "app.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "app.IDToken"
# Not swapped, but spelled out: makemigrations resolves the swappable FK to the Application
# model through this setting (DOT issues #240, #1017).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
