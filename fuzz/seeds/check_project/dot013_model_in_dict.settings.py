"""Fixture `dot013_model_in_dict`: the custom Application model is configured inside the
`OAUTH2_PROVIDER` dict instead of the top-level OAUTH2_PROVIDER_APPLICATION_MODEL setting.

What DOT does: `Meta.swappable` reads only the top-level setting, so DOT's own
`oauth2_provider.Application` table stays in use for swappable resolution while
`oauth2_settings.APPLICATION_MODEL` points the token FKs at clients.Client
(dot-contract.md §1a; docs/settings.rst:792-797 in 3.4.1; issue #571).
"""
from django.db import models
from oauth2_provider.models import AbstractApplication


class Client(AbstractApplication):
    logo_url = models.URLField(blank=True)
    support_email = models.EmailField(blank=True)

#@settings
INSTALLED_APPS = ["oauth2_provider", "app"]
OAUTH2_PROVIDER = {
    "SCOPES": {"read": "Read scope", "write": "Write scope"},
    "APPLICATION_MODEL": "app.Client",  # expect: DOT013
}
