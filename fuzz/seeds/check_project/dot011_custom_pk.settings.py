"""Fixture `dot011_custom_pk`: requirements.txt pins django-oauth-toolkit 2.4.0. The active
AccessToken drops `id` and uses a UUID primary key named `token_uuid`.

What DOT does on <= 3.3: `RefreshToken.revoke()` looks the access token up with
`get(id=self.access_token_id)` and `batch_delete` uses `values_list("id")`
(dot-contract.md §3.6; 2.4.0 models.py:498-516, oauth2_validators.py:620) -> FieldError on
refresh rotation and in clear_expired. Fixed in 3.4.0 (PR #1593).
"""
import uuid

from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractIDToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings


class AccessToken(AbstractAccessToken):
    id = None
    token_uuid = models.UUIDField(
        primary_key=True,  # expect: DOT011
        default=uuid.uuid4,
        editable=False,
    )


class RefreshToken(AbstractRefreshToken):
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
