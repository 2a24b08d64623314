from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "doorbraak.audit"
    label = "audit"
    verbose_name = _("Processing log")

    def ready(self) -> None:
        # Accounts sits below the processing log and records its changes through the writer
        # connected here (doorbraak.accounts.processing).
        # cycle: apps.py loads before any model exists; these modules need the models.
        from doorbraak.accounts.processing import connect_writer
        from doorbraak.audit.security import record_refusals
        from doorbraak.audit.services import record_account_change
        from doorbraak.lib import refusals

        connect_writer(record_account_change)
        # The refusals doorbraak.lib.access reports go to the security log (audit.security).
        refusals.connect_writer(record_refusals)
