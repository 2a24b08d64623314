"""Log-in with password and TOTP, lock-out, idle time-out and log-out."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorbraak.accounts.models import User
from tests.conftest import Cast
from tests.factories import PASSWORD, MembershipFactory, UserFactory


def current_code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():06d}"


def password_step(client: Client, username: str, password: str = PASSWORD) -> object:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_it_asks_for_the_code_after_a_correct_password(client: Client, cast: Cast) -> None:
    response = password_step(client, "alice")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")
    # Half logged in: every other page sends Alice back to the code step.
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("accounts:verify"))


def test_it_logs_in_with_the_right_code_and_shows_the_home_page(client: Client, cast: Cast) -> None:
    password_step(client, "alice")
    device = TOTPDevice.objects.get(user=cast.alice)
    response = client.post(reverse("accounts:verify"), {"token": current_code(device)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Buurtteammedewerker" in response.content.decode()


def test_it_refuses_a_wrong_code_in_dutch(client: Client, cast: Cast) -> None:
    password_step(client, "alice")
    device = TOTPDevice.objects.get(user=cast.alice)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:verify"), {"token": wrong})
    assert response.status_code == 200
    assert "Deze code klopt niet" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_it_refuses_a_malformed_code_without_counting_it(client: Client, cast: Cast) -> None:
    password_step(client, "alice")
    response = client.post(reverse("accounts:verify"), {"token": "12ab"})
    assert response.status_code == 200
    assert "zes cijfers" in response.content.decode()


def test_it_refuses_a_wrong_password_in_dutch(client: Client, cast: Cast) -> None:
    response = password_step(client, "alice", "Verkeerd-wachtwoord-1")
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.content.decode()


def test_it_links_an_authenticator_app_on_first_login(client: Client, cast: Cast) -> None:
    newcomer = UserFactory(username="nieuw", totp=False)
    MembershipFactory(user=newcomer, municipality=cast.north, organisation=cast.wi_north)
    response = password_step(client, "nieuw")
    assert response["Location"] == reverse("accounts:setup")
    page = client.get(reverse("accounts:setup"))
    assert page.status_code == 200
    assert 'src="data:image/png;base64,' in page.content.decode()
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    # Reloading the page keeps the same key: the scanned QR code stays valid.
    client.get(reverse("accounts:setup"))
    assert TOTPDevice.objects.get(user=newcomer).pk == device.pk

    response = client.post(reverse("accounts:setup"), {"token": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200


def test_it_locks_the_account_after_five_failed_passwords(client: Client, cast: Cast) -> None:
    for _ in range(5):
        password_step(client, "alice", "Verkeerd-wachtwoord-1")
    response = password_step(client, "alice")  # even the right password is refused now
    assert response.status_code == 429
    body = response.content.decode()
    assert "tijdelijk geblokkeerd" in body
    assert "5 mislukte pogingen" in body
    assert client.get(reverse("home")).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client: Client, cast: Cast) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        for _ in range(5):
            password_step(client, "alice", "Verkeerd-wachtwoord-1")
        assert password_step(client, "alice").status_code == 429
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 31, tzinfo=datetime.UTC), tick=False):
        response = password_step(client, "alice")
        assert response.status_code == 302


def test_wrong_codes_count_towards_the_same_lockout(client: Client, cast: Cast) -> None:
    password_step(client, "alice")
    device = TOTPDevice.objects.get(user=cast.alice)
    wrong = f"{(int(current_code(device)) + 3) % 1_000_000:06d}"
    statuses = []
    for _ in range(5):
        # django-otp also slows down repeated failures; lift that to reach the lock-out.
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
        statuses.append(client.post(reverse("accounts:verify"), {"token": wrong}).status_code)
    assert statuses[-1] == 429
    # The half-finished session is ended, and the password alone no longer opens a session.
    assert password_step(client, "alice").status_code == 429


def test_it_times_out_after_thirty_idle_minutes(client: Client, cast: Cast) -> None:
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        password_step(client, "alice")
        device = TOTPDevice.objects.get(user=cast.alice)
        client.post(reverse("accounts:verify"), {"token": current_code(device)})
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get(reverse("home")).status_code == 200  # activity renews the session
    with time_machine.travel(start + datetime.timedelta(minutes=29 + 31), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_logout_needs_post_and_ends_the_session(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    client = as_user(cast.alice)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"), follow=True)
    assert "U bent uitgelogd" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_it_ignores_a_next_url_to_another_site(client: Client, cast: Cast) -> None:
    client.post(
        reverse("accounts:login"),
        {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"},
    )
    device = TOTPDevice.objects.get(user=cast.alice)
    response = client.post(reverse("accounts:verify"), {"token": current_code(device)})
    assert response["Location"] == reverse("home")


def test_it_returns_to_the_requested_page_after_login(client: Client, cast: Cast) -> None:
    target = reverse("accounts:account")
    client.post(
        reverse("accounts:login") + f"?next={target}",
        {"username": "alice", "password": PASSWORD, "next": target},
    )
    device = TOTPDevice.objects.get(user=cast.alice)
    response = client.post(reverse("accounts:verify"), {"token": current_code(device)})
    assert response["Location"] == target


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("kort-1A", "te kort"),
        ("alleenkleineletters", "ten minste drie"),
        ("123456789012", "alleen cijfers"),
    ],
)
def test_weak_passwords_are_refused(password: str, fragment: str, db: None) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("nl"), pytest.raises(ValidationError) as error:
        validate_password(password, User(username="iemand"))
    assert any(fragment in message for message in error.value.messages)


# --- who can lock whom out, and the session id -------------------------------------------
def test_somebody_elsewhere_cannot_lock_the_owner_out(cast: Cast) -> None:
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    outsider = Client(REMOTE_ADDR="203.0.113.7")
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            password_step(outsider, "alice", "Verkeerd-wachtwoord-1")
        assert password_step(outsider, "alice").status_code == 429  # locked at that address
    owner = Client(REMOTE_ADDR="198.51.100.20")
    # Elsewhere the owner waits at most the first step of the delay (one second).
    with time_machine.travel(start + datetime.timedelta(seconds=2), tick=False):
        owner.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
        response = owner.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:verify"))  # the password was accepted


def test_guessing_from_many_addresses_meets_a_doubling_delay(cast: Cast) -> None:
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for n in range(5):  # one wrong password from each of five addresses
            password_step(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), "alice", "Fout-wachtwoord-9")
        # A sixth try is refused before the password is looked at, so it is not counted.
        response = password_step(Client(REMOTE_ADDR="203.0.113.99"), "alice")
        assert response.status_code == 200
        assert "Te veel mislukte pogingen voor deze gebruikersnaam" in response.content.decode()
    with time_machine.travel(start + datetime.timedelta(seconds=2), tick=False):
        # After the delay (2⁰ = 1 s) a try is allowed again; a wrong one doubles the delay.
        password_step(Client(REMOTE_ADDR="203.0.113.6"), "alice", "Fout-wachtwoord-9")
        assert password_step(Client(REMOTE_ADDR="203.0.113.7"), "alice").status_code == 200
    with time_machine.travel(start + datetime.timedelta(seconds=5), tick=False):
        assert password_step(Client(REMOTE_ADDR="203.0.113.7"), "alice").status_code == 302


def test_an_address_the_owner_logged_in_from_before_does_not_wait(cast: Cast) -> None:
    office = Client(REMOTE_ADDR="198.51.100.20")
    assert password_step(office, "alice").status_code == 302
    office.post(reverse("accounts:logout"))
    for n in range(6):
        password_step(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), "alice", "Fout-wachtwoord-9")
    assert password_step(Client(REMOTE_ADDR="203.0.113.50"), "alice").status_code == 200
    assert password_step(Client(REMOTE_ADDR="198.51.100.20"), "alice").status_code == 302


def test_the_address_behind_a_trusted_proxy_is_the_one_the_proxy_saw(settings: object) -> None:
    from django.test import RequestFactory

    from doorbraak.accounts.throttle import client_ip

    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_ip(request) == "10.0.0.2"  # no proxy configured: the header is ignored
    settings.LOGIN_PROXY_COUNT = 1  # type: ignore[attr-defined]
    # The client wrote 1.2.3.4 itself; the proxy appended the address it saw.
    assert client_ip(request) == "203.0.113.9"


def test_the_session_gets_a_new_id_after_the_second_factor(client: Client, cast: Cast) -> None:
    password_step(client, "alice")
    half = client.session.session_key
    device = TOTPDevice.objects.get(user=cast.alice)
    client.post(reverse("accounts:verify"), {"token": current_code(device)})
    assert client.get(reverse("home")).status_code == 200
    assert client.session.session_key != half
    # The half-logged-in id opens nothing any more.
    stale = Client()
    stale.cookies["sessionid"] = half or ""
    assert stale.get(reverse("home")).status_code == 302


def test_every_page_refuses_device_features(client: Client, db: None) -> None:
    policy = client.get(reverse("accounts:login")).headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
