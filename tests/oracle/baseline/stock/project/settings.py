import os

# Stock django-oauth-toolkit: no swapped models. The oracle runs every operation on this
# project in each env; a fixture's observations are compared with these.
SECRET_KEY = "baseline"
DEBUG = True
USE_TZ = True
ROOT_URLCONF = "project.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oauth2_provider",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("FIXTURE_DB", ":memory:"),
    }
}
