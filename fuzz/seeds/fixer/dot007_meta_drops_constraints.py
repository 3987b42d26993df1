"""Fixture `dot007_meta_drops_constraints`: the active RefreshToken declares a plain `class Meta:` (to set a
table name and verbose name) without inheriting `AbstractRefreshToken.Meta`.

What DOT does at runtime: the parent's `unique_together = ("token_checksum", "revoked")` and
the `token_family` index are silently lost (dot-contract.md §3.8, models.py:874-884 in
3.4.1): duplicate live refresh tokens become possible and reuse protection scans the table.
"""
from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractIDToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings


class AccessToken(AbstractAccessToken):
    pass


class RefreshToken(AbstractRefreshToken):
    class Meta:  # expect: DOT007
        db_table = "oauth_refresh_tokens"
        verbose_name = "refresh token"


class IDToken(AbstractIDToken):
    pass
