"""Fixture `dot003_protect`: the active RefreshToken re-declares `access_token` with
on_delete=models.PROTECT (null=True kept).

What DOT does at runtime: `RefreshToken.revoke()` deletes the access token first
(`access_token_model.objects.get(pk=...).revoke()`, dot-contract.md §3.1, models.py:863 in
3.4.1) -> `ProtectedError` (HTTP 500) on every refresh rotation and on /revoke_token/.
"""
from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractIDToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings


class AccessToken(AbstractAccessToken):
    pass


class RefreshToken(AbstractRefreshToken):
    access_token = models.OneToOneField(
        oauth2_settings.ACCESS_TOKEN_MODEL,
        on_delete=models.PROTECT,  # expect: DOT003
        blank=True,
        null=True,
        related_name="refresh_token",
    )


class IDToken(AbstractIDToken):
    pass
