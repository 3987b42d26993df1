"""Fixture `annotated_fields`: the models use annotated assignments
(`name: Type = models.Field(...)`), as type-checked codebases do. The active RefreshToken's
annotated `access_token` has related_name="annotated_refresh_token".

What DOT does at runtime: `clear_expired()` filters AccessToken by
`refresh_token__isnull=True` (dot-contract.md §2a R1, oauth2_provider/models.py:1290 in 3.4.1)
-> `FieldError: Cannot resolve keyword 'refresh_token' into field`.
"""
from __future__ import annotations

from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractIDToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings


class AccessToken(AbstractAccessToken):
    device_name: models.CharField = models.CharField(max_length=120, blank=True)


class RefreshToken(AbstractRefreshToken):
    access_token: models.OneToOneField = models.OneToOneField(
        oauth2_settings.ACCESS_TOKEN_MODEL,
        on_delete=models.SET_NULL,
        blank=True,
        null=True,
        related_name="annotated_refresh_token",  # expect: DOT001
    )
    issued_ip: models.GenericIPAddressField = models.GenericIPAddressField(null=True, blank=True)


class IDToken(AbstractIDToken):
    auth_time: models.DateTimeField = models.DateTimeField(null=True, blank=True)
