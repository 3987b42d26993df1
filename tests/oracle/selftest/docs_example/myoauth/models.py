"""DOT 3.4.1 docs, "Extending the token models": Application, AccessToken and RefreshToken
swapped into one app, IDToken left on DOT's default ("IDToken can be swapped independently
(or left on the default)"; "On a fresh database this works out of the box")."""
from oauth2_provider.models import AbstractAccessToken, AbstractApplication, AbstractRefreshToken


class MyApplication(AbstractApplication):
    pass


class MyAccessToken(AbstractAccessToken):
    pass


class MyRefreshToken(AbstractRefreshToken):
    pass
