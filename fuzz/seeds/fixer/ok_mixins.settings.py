"""Fixture `ok_mixins` (silent): the token models mix in plain-Python helper mixins and an abstract
auditing model before DOT's abstract base. No DOT field is re-declared. Because `Auditable` (listed
first) has its own Meta, RefreshToken states `class Meta(AbstractRefreshToken.Meta)` so Django keeps
DOT's unique_together and index (see dot007_mixin_meta_shadows_parent for the broken variant).
"""
from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractIDToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings


class TokenDisplayMixin:
    """Plain-Python helper, no fields."""

    def short(self):
        return f"{type(self).__name__}#{self.pk}"


class Auditable(models.Model):
    created_by_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        abstract = True


class AccessToken(TokenDisplayMixin, Auditable, AbstractAccessToken):
    pass


class RefreshToken(TokenDisplayMixin, Auditable, AbstractRefreshToken):
    class Meta(AbstractRefreshToken.Meta):
        pass


class IDToken(AbstractIDToken):
    pass

#@settings
INSTALLED_APPS = ["oauth2_provider", "app"]
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "app.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "app.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "app.IDToken"
# Not swapped, but spelled out: makemigrations resolves the swappable FK to the Application
# model through this setting (DOT issues #240, #1017).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
