"""Fixture `dot012_device_code_unique`: DeviceGrant is swapped (OAUTH2_PROVIDER_DEVICE_GRANT_MODEL, 3.2.0+)
and the custom model re-declares `device_code` with unique=True.

What DOT does: AbstractDeviceGrant.Meta already has a UniqueConstraint on device_code
(models.py:991-1000 in 3.4.1); unique=True adds a duplicate unique index, which breaks
`migrate` on Oracle and strict MySQL (dot-contract.md §3.8; docs/settings.rst,
OAUTH2_PROVIDER_DEVICE_GRANT_MODEL: "Do not add unique=True").
"""
from django.db import models
from oauth2_provider.models import AbstractDeviceGrant


class DeviceGrant(AbstractDeviceGrant):
    device_code = models.CharField(
        max_length=100,
        unique=True,  # expect: DOT012
    )
    device_name = models.CharField(max_length=120, blank=True)
