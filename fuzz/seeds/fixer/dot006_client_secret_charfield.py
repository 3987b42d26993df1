"""Fixture `dot006_client_secret_charfield`: the swapped Application re-declares `client_secret` as a
plain CharField (to show secrets in the admin).

What DOT does at runtime: ClientSecretField hashes the secret in pre_save (2.0.0+). On >= 2.4
DOT falls back to a constant-time plaintext comparison, so authentication still works but
secrets are stored in clear text (dot-contract.md §3.7, oauth2_validators.py:235-245 in
3.4.1): DOT006 warning.
"""
from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractApplication, AbstractIDToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.generators import generate_client_secret


class Client(AbstractApplication):
    client_secret = models.CharField(  # expect: DOT006
        max_length=255,
        blank=True,
        default=generate_client_secret,
        db_index=True,
    )


class AccessToken(AbstractAccessToken):
    pass


class RefreshToken(AbstractRefreshToken):
    pass


class IDToken(AbstractIDToken):
    pass
