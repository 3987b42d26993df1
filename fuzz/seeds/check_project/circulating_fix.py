"""Fixture `circulating_fix`: the snippet that circulates as "the fix" for the clear_expired
FieldError (DOT issue #1494): the RefreshToken re-declares `access_token` with the right
related_name but copies `on_delete=models.CASCADE` and drops `null=True`.

What DOT does at runtime: `RefreshToken.revoke()` sets `self.access_token = None` and saves
(dot-contract.md §2b F3 and §3.2, oauth2_provider/models.py:863-867 in 3.4.1) ->
`IntegrityError: NOT NULL constraint failed` on every refresh-token rotation (DOT004).
CASCADE also hard-deletes refresh tokens when their access token is revoked (§3.1, DOT003
warning).
"""
from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractIDToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings


class AccessToken(AbstractAccessToken):
    pass


class RefreshToken(AbstractRefreshToken):
    access_token = models.OneToOneField(  # expect: DOT004
        oauth2_settings.ACCESS_TOKEN_MODEL,
        on_delete=models.CASCADE,  # expect: DOT003
        related_name="refresh_token",
    )


class IDToken(AbstractIDToken):
    pass
