from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractIDToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings


class MyAccessToken(AbstractAccessToken):
    pass


class MyRefreshToken(AbstractRefreshToken):
    access_token = models.OneToOneField(
        oauth2_settings.ACCESS_TOKEN_MODEL,
        on_delete=models.SET_NULL,
        blank=True,
        null=True,
        related_name="access_refresh_token",  # expect: DOT001
    )


class MyIDToken(AbstractIDToken):
    pass
