"""Concrete token models; the contract-breaking field lives in tokens/base.py."""
from oauth2_provider.models import AbstractIDToken

from .base import TenantAccessTokenBase, TenantRefreshTokenBase, TenantScoped


class TenantAccessToken(TenantAccessTokenBase):
    pass


class TenantRefreshToken(TenantRefreshTokenBase):
    def __str__(self):
        return f"{self.tenant}: refresh token #{self.pk}"


class TenantIDToken(TenantScoped, AbstractIDToken):
    pass

#@settings
INSTALLED_APPS = ["oauth2_provider", "app"]
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "app.TenantAccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "app.TenantRefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "app.TenantIDToken"
# Not swapped, but spelled out: makemigrations resolves the swappable FK to the Application
# model through this setting (DOT issues #240, #1017).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

#@base
"""Abstract multi-tenant bases shared by the token models of the `tokens` app.

Fixture `dot001_inherited_from_base_module`: this abstract intermediate class
re-declares `access_token` with related_name="tenant_refresh_token". The concrete,
active model in models.py only subclasses it, so the diagnostic belongs here, on the
base's related_name line.

What DOT does at runtime: `clear_expired()` filters AccessToken by
`refresh_token__isnull=True` (dot-contract.md §2a R1, models.py:1290 in 3.4.1) and
raises `FieldError: Cannot resolve keyword 'refresh_token' into field`.
"""
from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings


class TenantScoped(models.Model):
    tenant = models.SlugField(max_length=64, db_index=True, default="default")

    class Meta:
        abstract = True


class TenantAccessTokenBase(TenantScoped, AbstractAccessToken):
    class Meta(AbstractAccessToken.Meta):
        abstract = True


class TenantRefreshTokenBase(TenantScoped, AbstractRefreshToken):
    access_token = models.OneToOneField(
        oauth2_settings.ACCESS_TOKEN_MODEL,
        on_delete=models.SET_NULL,
        blank=True,
        null=True,
        related_name="tenant_refresh_token",  # expect: DOT001
    )

    class Meta(AbstractRefreshToken.Meta):
        abstract = True
