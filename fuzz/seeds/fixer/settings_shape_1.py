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
from configurations import Configuration, values
class Base(Configuration):
    INSTALLED_APPS = ["oauth2_provider", "app"]
    OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = values.Value("app.RefreshToken")
    @property
    def DATABASES(self):
        return {}
class Dev(Base):
    INSTALLED_APPS = Base.INSTALLED_APPS + list(Base.MISSING)
class Prod(Dev, Base):
    pass
