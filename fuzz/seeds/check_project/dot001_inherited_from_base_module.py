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
