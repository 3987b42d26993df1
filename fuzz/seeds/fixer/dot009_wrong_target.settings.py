"""Fixture `dot009_wrong_target`: AccessToken and RefreshToken are swapped, but the RefreshToken
re-declares `access_token` pointing at DOT's default "oauth2_provider.AccessToken" instead of
`oauth2_settings.ACCESS_TOKEN_MODEL`.

What DOT does: token issue creates `RefreshToken(access_token=<oauth.AccessToken>)`
(dot-contract.md §2b F8, oauth2_validators.py:1123-1137 in 3.4.1) -> ValueError on
assignment; Django also rejects the relation to a swapped-out model (fields.E301).
"""
from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractIDToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings


class AccessToken(AbstractAccessToken):
    pass


class RefreshToken(AbstractRefreshToken):
    access_token = models.OneToOneField(
        to="oauth2_provider.AccessToken",  # expect: DOT009
        on_delete=models.SET_NULL,
        blank=True,
        null=True,
        related_name="refresh_token",
    )


class IDToken(AbstractIDToken):
    pass

#@settings
INSTALLED_APPS = ["oauth2_provider", "app"]
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "app.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "app.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "app.IDToken"
# Not swapped, but spelled out: makemigrations resolves the swappable FK to the Application
# model through this setting (DOT issues #240, #1017).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
