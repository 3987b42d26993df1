"""Fixture `dot004_revoked_not_null`: the active RefreshToken re-declares `revoked` (to add a
verbose_name) and drops null=True.

What DOT does at runtime: refresh tokens are created without `revoked` and every query keys
on `revoked__isnull=True` (dot-contract.md §3.5; 3.4.1 models.py:822, :857, :1269, :1282;
oauth2_validators.py:1123-1137) -> IntegrityError NOT NULL on every token issue that creates
a refresh token.
"""
from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractIDToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings


class AccessToken(AbstractAccessToken):
    pass


class RefreshToken(AbstractRefreshToken):
    revoked = models.DateTimeField(  # expect: DOT004
        blank=True,
        verbose_name="revoked at",
    )


class IDToken(AbstractIDToken):
    pass
