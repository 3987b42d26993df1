from django.db import models
from oauth2_provider.models import AbstractAccessToken, AbstractRefreshToken
from oauth2_provider.settings import oauth2_settings


class MyAccessToken(AbstractAccessToken):
    pass


class MyRefreshToken(AbstractRefreshToken):
    access_token = models.OneToOneField(
        oauth2_settings.ACCESS_TOKEN_MODEL,
        on_delete=models.CASCADE,  # expect: DOT003
        blank=True,
        null=True,
        related_name="refresh_token",
    )
