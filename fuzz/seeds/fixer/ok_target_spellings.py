"""Fixture `ok_target_spellings` (silent): the contract relations are re-declared with every valid way of
naming the active model: a literal "oauth.AccessToken" string, Django's
`settings.OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL`, and the IDToken class object itself. All
resolve to the active models, so DOT009 must stay silent.
"""
from django.conf import settings
from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractIDToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings


class IDToken(AbstractIDToken):
    pass


class AccessToken(AbstractAccessToken):
    source_refresh_token = models.OneToOneField(
        settings.OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL,
        on_delete=models.SET_NULL,
        blank=True,
        null=True,
        related_name="refreshed_access_token",
    )
    id_token = models.OneToOneField(
        IDToken,
        on_delete=models.CASCADE,
        blank=True,
        null=True,
        related_name="access_token",
    )


class RefreshToken(AbstractRefreshToken):
    access_token = models.OneToOneField(
        to="oauth.AccessToken",
        on_delete=models.SET_NULL,
        blank=True,
        null=True,
        related_name="refresh_token",
    )
