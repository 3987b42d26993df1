import os

SECRET_KEY = "selftest"
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
    "myoauth",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("FIXTURE_DB", ":memory:"),
    }
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "myoauth.MyApplication"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "myoauth.MyAccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "myoauth.MyRefreshToken"

