from django.db import models
from oauth2_provider.models import (
    AbstractAccessToken,
    AbstractApplication,
    AbstractGrant,
    AbstractIDToken,
    AbstractRefreshToken,
)


class MyApplication(AbstractApplication):
    tenant = models.CharField(max_length=40, blank=True, default="")


class MyGrant(AbstractGrant):
    pass


class MyAccessToken(AbstractAccessToken):
    device = models.CharField(max_length=40, blank=True, default="")


class MyRefreshToken(AbstractRefreshToken):
    pass


class MyIDToken(AbstractIDToken):
    pass
