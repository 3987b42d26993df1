"""Fixture `dot015_forgot_setting`: a custom RefreshToken subclass is defined but the project never sets
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL, so DOT's default oauth2_provider.RefreshToken stays
active next to it.

What DOT does: DOT keeps using its own table; Django reports the reverse accessor clash on
"refresh_token" (fields.E304/E305) at startup (dot-contract.md §1, issue #634 error log).
"""
from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractIDToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings


class MyRefreshToken(AbstractRefreshToken):  # expect: DOT015
    device_name = models.CharField(max_length=120, blank=True)
