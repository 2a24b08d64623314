"""The seam through which a change to the counted cases asks for the spiegel's figures anew.

The spiegel reads pre-aggregated figures (``insights.figures``), and the services that
change what it counts (a bottleneck registered or changed in ``breakthroughs``, a
household's district in ``households``) sit below ``insights``: they cannot import it. So
they call :func:`cases_changed` with the municipality, and the insights app connects its
listener here when the apps are ready (``InsightsConfig.ready``), as the audit app does
for ``lib.refusals``. Without a listener nothing happens (the timer's refresh catches up).
"""

from __future__ import annotations

from collections.abc import Callable

CasesChanged = Callable[[int], None]

_listener: list[CasesChanged] = []  # the one connected listener


def connect_listener(listener: CasesChanged) -> None:
    """Connect the one listener (connecting again replaces it)."""
    _listener[:] = [listener]


def cases_changed(municipality_id: int) -> None:
    """Tell the listener that the counted cases of this municipality changed."""
    if _listener:
        _listener[0](municipality_id)
