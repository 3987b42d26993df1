"""Fixture `dot005_shadowed_by_property`: the active AccessToken replaces the `expires` field with a read-only
property computed from `created` (a fixed 10-hour lifetime). Django drops an inherited
abstract field when the subclass defines the same attribute, so there is no `expires`
column.

What DOT does at runtime: `_create_access_token` passes `expires=` (dot-contract.md §3.7,
oauth2_validators.py:1074-1088 in 3.4.1) -> error on every token issue; `clear_expired`
filters `expires__lt` (models.py:1290) -> FieldError.
"""
from datetime import timedelta

from django.utils import timezone
from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractIDToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings


class AccessToken(AbstractAccessToken):
    LIFETIME = timedelta(hours=10)

    @property
    def expires(self):  # expect: DOT005
        return (self.created or timezone.now()) + self.LIFETIME


class RefreshToken(AbstractRefreshToken):
    pass


class IDToken(AbstractIDToken):
    pass
