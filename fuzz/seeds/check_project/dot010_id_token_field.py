"""Fixture `dot010_id_token_field`: the active IDToken has its own field named `access_token` (the raw
access token string it was issued with), the reverse name DOT's AccessToken.id_token
(related_name "access_token") needs on the ID token model.

What DOT does: Django refuses to start: fields.E302/E303 reverse accessor/query name clash
(dot-contract.md §3.9 last bullet). Renaming DOT's related_name instead breaks the
clear_expired ID-token step (DOT002, §2a R2).
"""
from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractIDToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings


class AccessToken(AbstractAccessToken):
    pass


class RefreshToken(AbstractRefreshToken):
    pass


class IDToken(AbstractIDToken):
    access_token = models.CharField(max_length=255, blank=True)  # expect: DOT010
