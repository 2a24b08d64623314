"""Load-test accounts: clones of the demo users, one per simulated person.

``python scripts/loadtest/accounts.py OUT.json [--per-role N]`` (DATABASE_URL chooses the
database; run by run.py). A TOTP code can be used once (django-otp refuses a replay), so
50 simulated people need 50 accounts: each clone gets the memberships (role,
organisation, team) of its demo user, the demo password and its own TOTP device. Before
every step the devices' last-used counters and the lock-out attempts are cleared, so a
step may log the same accounts in again within the same 30 seconds.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

#: role in the locustfile → the demo users whose memberships the clones copy
CLONED = {
    "professional": ["professional", "professional2"],
    "partner_contact": ["contactpersoon", "corporatie"],
    "fund_manager": ["budgethouder"],
    "policy_analyst": ["beleidsadviseur"],
}
PASSWORD = "Doorbraak-demo-2026"


def main() -> int:
    out = Path(sys.argv[1])
    per_role = {"professional": 50, "partner_contact": 12, "fund_manager": 12, "policy_analyst": 12}
    if "--per-role" in sys.argv:
        count = int(sys.argv[sys.argv.index("--per-role") + 1])
        per_role = dict.fromkeys(per_role, count)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorbraak.config.settings")
    import django

    django.setup()
    from axes.models import AccessAttempt, AccessFailureLog
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from doorbraak.accounts.models import Membership, User

    password_hash = make_password(PASSWORD)  # once: the hasher is slow by design
    accounts: dict[str, list[dict[str, object]]] = {}
    with transaction.atomic():
        for role, sources in CLONED.items():
            accounts[role] = []
            for number in range(per_role[role]):
                source = User.objects.get(username=sources[number % len(sources)])
                username = f"lt-{source.username}-{number:02d}"
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "first_name": source.first_name,
                        "last_name": f"{source.last_name} {number:02d}",
                        "email": f"{username}@demostad.example",
                        "password": password_hash,
                    },
                )
                if created:
                    for membership in Membership.objects.filter(user=source):
                        membership.pk = None
                        membership.user = user
                        membership.save()
                device, _ = TOTPDevice.objects.get_or_create(
                    user=user,
                    name="Authenticator-app",
                    defaults={"key": os.urandom(20).hex(), "confirmed": True},
                )
                accounts[role].append(
                    {
                        "username": username,
                        "password": PASSWORD,
                        "totp_key": device.key,
                        "step": device.step,
                    }
                )
        clones = User.objects.filter(username__startswith="lt-")
        TOTPDevice.objects.filter(user__in=clones).update(
            last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
        )
        AccessAttempt.objects.filter(username__startswith="lt-").delete()
        AccessFailureLog.objects.filter(username__startswith="lt-").delete()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(accounts, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
