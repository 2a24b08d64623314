from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DownloadsConfig(AppConfig):
    name = "doorbraak.downloads"
    label = "downloads"
    verbose_name = _("Downloads")
