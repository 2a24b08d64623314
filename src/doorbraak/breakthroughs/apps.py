from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BreakthroughsConfig(AppConfig):
    name = "doorbraak.breakthroughs"
    label = "breakthroughs"
    verbose_name = _("Bottlenecks and breakthroughs")
