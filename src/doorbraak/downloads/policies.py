"""Who may use "Mijn downloads": every signed-in user, for their own downloads only.

Whether someone may *ask* for a file is decided by the app that builds it (the evaluation
export: the municipality's policy analysts); the download job only hands the finished
file to the one who asked (``DownloadQuerySet.visible_to``).
"""

from __future__ import annotations

from doorbraak.accounts.selectors import AnyUser


def can_use_downloads(user: AnyUser) -> bool:
    return bool(user.is_authenticated)
