"""Fixture `dot001_other_name`: the active RefreshToken re-declares `access_token` with
related_name="s_refresh_token" (the name DOT's own test models use).

What DOT does at runtime: `clear_expired()` / `manage.py cleartokens` filters AccessToken
by `refresh_token__isnull=True` (dot-contract.md §2a R1, oauth2_provider/models.py:1290 in
3.4.1) and raises `FieldError: Cannot resolve keyword 'refresh_token' into field`.
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
        related_name="s_refresh_token",  # expect: DOT001
    )


class IDToken(AbstractIDToken):
    pass

#@settings
import os
from somelib.settings.base import *
EXTRA = ["debug_toolbar"] if os.environ.get("X") else []
INSTALLED_APPS = ["oauth2_provider"] + EXTRA + [a for a in PLUGINS]
INSTALLED_APPS += get_plugins()
INSTALLED_APPS.extend(more())
if DEBUG:
    INSTALLED_APPS.append("app")
elif os.environ.get("Y"):
    OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "app.AccessToken"
else:
    INSTALLED_APPS.insert(0, "app")
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "app.RefreshToken" if DEBUG else "app.Other"
