from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from doorbraak.lib.bounds import register_lookups


class AccountsConfig(AppConfig):
    name = "doorbraak.accounts"
    label = "accounts"
    verbose_name = _("Organisations and users")

    def ready(self) -> None:
        # Project-wide: integer lookups skip values no column can hold (doorbraak.lib.bounds).
        register_lookups()
        # Project-wide: a JSON text field refuses a number or boolean (doorbraak.lib.serializers).
        # cycle: lib.serializers imports drf-spectacular's plumbing, which needs the app
        # registry this module is loaded to fill; ready() is the first moment it exists.
        from doorbraak.lib.serializers import register_strict_strings

        register_strict_strings()
