from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The top of the app graph: what composes every domain (home page, menu, demo data).

    Nothing imports this app; it imports the policies and demo builders of the others, so
    that ``accounts`` (and every domain) stays free of a dependency on all the rest.
    """

    name = "doorbraak.home"
    label = "home"
    verbose_name = _("Home")
