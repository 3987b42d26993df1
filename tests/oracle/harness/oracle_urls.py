"""URLconf the oracle uses for every project (fixture or baseline).

The linter never looks at urls.py, so the oracle does not depend on a fixture's own
urls: it always mounts the admin and DOT's views the way DOT's docs do.
"""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
