from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "doorbraak.insights"
    label = "insights"
    verbose_name = _("Patterns, signals and evaluation")

    def ready(self) -> None:
        # Breakthroughs and households sit below insights: their services report changes to
        # what the spiegel counts through doorbraak.lib.counts, connected here.
        # cycle: apps.py loads before any model exists; figures needs the models.
        from doorbraak.insights.figures import schedule_refresh
        from doorbraak.lib import counts

        counts.connect_listener(schedule_refresh)
