"""Fixture `noqa_suppressed` (silent): the `dot001_other_name` bug, acknowledged by the project with a
`# noqa: DOT001` comment on the reported line (codes are the public interface users put in
`# noqa:` comments, dot-contract.md §4). No diagnostic may be reported.
"""
from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractIDToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings


class AccessToken(AbstractAccessToken):
    pass


class RefreshToken(AbstractRefreshToken):
    access_token = models.OneToOneField(
        oauth2_settings.ACCESS_TOKEN_MODEL,
        on_delete=models.SET_NULL,
        blank=True,
        null=True,
        related_name="s_refresh_token",  # noqa: DOT001 -- we never run cleartokens
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
