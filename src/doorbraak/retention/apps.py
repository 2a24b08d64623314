from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "doorbraak.retention"
    label = "retention"
    verbose_name = _("Retention and destruction")

    def ready(self) -> None:
        # An approved erasure request (privacy, AVG art. 17) is carried out by the same
        # machinery as an approved destruction list: privacy.erasure is the seam.
        # cycle: apps.py loads before any model exists; these modules need the models.
        from doorbraak.privacy.erasure import register_erasure_handler
        from doorbraak.retention.services import erase_member

        register_erasure_handler(erase_member)
