"""Django settings for Doorbraak, read from environment variables.

One module for every environment. Each variable is documented in the README table; the
helpers in ``doorbraak.lib.env`` stop start-up with a clear message when a value is
missing or malformed. ``DOORBRAAK_ENVIRONMENT=production`` switches every secure default
on and makes the secrets mandatory.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from doorbraak.lib.env import (
    ImproperlyConfiguredEnv,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
)

# Lets generic Django classes (ModelForm[Model], ModelAdmin[Model]) be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent  # src/doorbraak
REPO_DIR = BASE_DIR.parent.parent

ENVIRONMENT = env_choice("DOORBRAAK_ENVIRONMENT", "development", ("development", "production"))
PRODUCTION = ENVIRONMENT == "production"

if PRODUCTION:
    SECRET_KEY = env_str("DOORBRAAK_SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfiguredEnv("DOORBRAAK_SECRET_KEY must be at least 50 characters.")
    ALLOWED_HOSTS = env_list("DOORBRAAK_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfiguredEnv("DOORBRAAK_ALLOWED_HOSTS is required in production.")
else:
    # Development only: a fixed key and hosts limited to this machine, so a deployment
    # that forgot DOORBRAAK_ENVIRONMENT=production does not answer on a public name.
    SECRET_KEY = env_str("DOORBRAAK_SECRET_KEY", "development-only-insecure-key-" + "x" * 40)
    ALLOWED_HOSTS = env_list("DOORBRAAK_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

DEBUG = env_bool("DOORBRAAK_DEBUG", default=not PRODUCTION)
CSRF_TRUSTED_ORIGINS = env_list("DOORBRAAK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Django's own widget templates, for FORM_RENDERER below.
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "health_check",
    "doorbraak.accounts",
    "doorbraak.downloads",
    "doorbraak.audit",
    "doorbraak.households",
    "doorbraak.assessments",
    "doorbraak.socialmap",
    "doorbraak.plans",
    "doorbraak.catalogue",
    "doorbraak.library",
    "doorbraak.outcomes",
    "doorbraak.breakthroughs",
    "doorbraak.tables",
    "doorbraak.funds",
    "doorbraak.insights",
    "doorbraak.casebook",
    "doorbraak.privacy",
    "doorbraak.retention",
    "doorbraak.residents",
    "doorbraak.operations",
    "doorbraak.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "doorbraak.lib.middleware.RequestIdMiddleware",
    # Writes the security log of the refused requests after the view answered (lib.refusals).
    "doorbraak.lib.refusals.RefusalMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "doorbraak.lib.middleware.SessionRefreshMiddleware",
    "doorbraak.lib.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A resident's session (DigiD) reaches /mijn/ only; before the staff second factor.
    "doorbraak.residents.middleware.ResidentOnlyMiddleware",
    # A staff sign-in whose provider did the second factor counts as verified (lib.otp).
    "doorbraak.lib.otp.ProviderMfaMiddleware",
    "doorbraak.accounts.middleware.RequireVerifiedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "doorbraak.lib.api.ApiVersionMiddleware",
    # Every call by an API client in the processing log, the client as actor (audit).
    "doorbraak.audit.api_calls.ApiClientCallMiddleware",
    # Last, so that a lock-out raised by any authentication attempt becomes the Dutch page.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # In production WhiteNoise serves the collected, hashed and compressed static files;
    # in development runserver and the test live server serve them from the apps.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "doorbraak.config.urls"
# Widgets render through TEMPLATES, so templates/django/forms/ can override Django's widget
# templates for every form at once (the empty choice "Kies…" instead of "---------").
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "doorbraak.config.wsgi.application"
ASGI_APPLICATION = "doorbraak.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "doorbraak.home.context_processors.navigation",
                "doorbraak.lib.replica.freshness",
            ],
            # lib is not an app (it has no models), so its template tags are named here.
            "libraries": {
                "money": "doorbraak.lib.templatetags.money",
                "layout": "doorbraak.lib.templatetags.layout",
            },
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# SQLite is the embedded default; DATABASE_URL=postgres://… switches to PostgreSQL.
_default_sqlite = REPO_DIR / "var" / "doorbraak.sqlite3"
# Connections are kept for DOORBRAAK_DB_CONN_MAX_AGE seconds (one per server thread) and
# checked before reuse, so a request does not pay for a new connection each time.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{_default_sqlite}"),
        conn_max_age=env_int("DOORBRAAK_DB_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN,
    # so two writers queue on busy_timeout instead of failing halfway with SQLITE_BUSY.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

# A streaming read replica (a PostgreSQL hot standby of the primary) for the read-only
# pages and reports (doorbraak.lib.replica, docs/scale-out.md). Without the URL there is no
# "replica" alias and every query goes to "default", as before.
_replica_url = env_str("DATABASE_REPLICA_URL", "")
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(
        _replica_url,
        conn_max_age=env_int("DOORBRAAK_DB_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfiguredEnv("DATABASE_REPLICA_URL must be a postgres:// URL.")
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfiguredEnv("DATABASE_REPLICA_URL needs DATABASE_URL on PostgreSQL.")
    # An unreachable replica costs a page at most this long before it reads the primary.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    # The test database of the replica is the primary's: tests never start a standby here.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["doorbraak.lib.replica.ReplicaRouter"]
#: Seconds the replica may lag before a request reads the primary instead.
DOORBRAAK_REPLICA_MAX_LAG_SECONDS = env_int("DOORBRAAK_REPLICA_MAX_LAG_SECONDS", 300, minimum=0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Authentication, MFA and lock-out -----------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "doorbraak.accounts.validators.LengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "doorbraak.accounts.validators.CharacterClassValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AXES_FAILURE_LIMIT = env_int("DOORBRAAK_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("DOORBRAAK_LOCKOUT_MINUTES", 30, minimum=1) / 60  # hours
# Lock a user name at one address: not the address alone (a municipal office sits behind
# one NAT address, and one person's typos would lock out every colleague), and not the
# user name alone (anyone who knows it could lock its owner out from elsewhere). Guessing
# from many addresses meets a doubling delay instead (doorbraak.accounts.throttle).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "doorbraak.accounts.throttle.client_ip"
# Behind a reverse proxy: how many trusted proxies append to X-Forwarded-For (one when
# DOORBRAAK_BEHIND_PROXY is on), so the lock-out sees the client's address, not theirs.
LOGIN_PROXY_COUNT = env_int(
    "DOORBRAAK_PROXY_COUNT",
    1 if env_bool("DOORBRAAK_BEHIND_PROXY", default=False) else 0,
    minimum=0,
)
LOGIN_MAX_DELAY_SECONDS = env_int("DOORBRAAK_LOGIN_MAX_DELAY_SECONDS", 900, minimum=1)
LOGIN_KNOWN_ADDRESS_DAYS = env_int("DOORBRAAK_KNOWN_ADDRESS_DAYS", 90, minimum=0)
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_CALLABLE = "doorbraak.accounts.views.lockout"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "username"

OTP_TOTP_ISSUER = env_str("DOORBRAAK_OTP_ISSUER", "Doorbraak")
OTP_TOTP_THROTTLE_FACTOR = 1

# --- Sign-in through OpenID Connect ---------------------------------------------------------
# Staff single sign-on (DOORBRAAK_OIDC_*) and residents' DigiD through the broker
# (DOORBRAAK_DIGID_*): each is on when its client id is set (docs/operations.md, "Signing in
# with OpenID Connect"). Read by doorbraak.lib.oidc at sign-in time.


def _oidc_provider(prefix: str, *, scopes: str) -> dict[str, object] | None:
    client_id = env_str(f"{prefix}_CLIENT_ID", "")
    if not client_id:
        return None
    provider: dict[str, object] = {
        "issuer": env_str(f"{prefix}_ISSUER").rstrip("/"),
        "discovery_url": env_str(f"{prefix}_DISCOVERY_URL", ""),
        "authorization_endpoint": env_str(f"{prefix}_AUTHORIZATION_ENDPOINT", ""),
        "token_endpoint": env_str(f"{prefix}_TOKEN_ENDPOINT", ""),
        "userinfo_endpoint": env_str(f"{prefix}_USERINFO_ENDPOINT", ""),
        "jwks_uri": env_str(f"{prefix}_JWKS_URI", ""),
        "end_session_endpoint": env_str(f"{prefix}_END_SESSION_ENDPOINT", ""),
        "client_id": client_id,
        "client_secret": env_str(f"{prefix}_CLIENT_SECRET"),
        "scopes": env_str(f"{prefix}_SCOPES", scopes),
        "sign_algo": env_str(f"{prefix}_SIGN_ALGO", "RS256"),
        "acr_values": env_str(f"{prefix}_ACR_VALUES", ""),
        "leeway_seconds": env_int(f"{prefix}_LEEWAY_SECONDS", 30, minimum=0),
        "timeout_seconds": env_int(f"{prefix}_TIMEOUT_SECONDS", 10, minimum=1),
    }
    if PRODUCTION and not str(provider["issuer"]).startswith("https://"):
        raise ImproperlyConfiguredEnv(f"{prefix}_ISSUER must be an https:// URL in production.")
    return provider


DOORBRAAK_OIDC = _oidc_provider("DOORBRAAK_OIDC", scopes="openid profile email")
if DOORBRAAK_OIDC is not None:
    DOORBRAAK_OIDC |= {
        # The claim that names the person for good (never the e-mail address).
        "user_claim": env_str("DOORBRAAK_OIDC_USER_CLAIM", "sub"),
        # The claim with the person's groups; empty: no group is read.
        "groups_claim": env_str("DOORBRAAK_OIDC_GROUPS_CLAIM", ""),
        # A sign-in counts as two-factor when its acr is one of these or its amr holds one.
        "mfa_acr": env_list("DOORBRAAK_OIDC_MFA_ACR", []),
        "mfa_amr": env_list("DOORBRAAK_OIDC_MFA_AMR", ["mfa", "otp", "hwk", "swk"]),
    }
DOORBRAAK_DIGID = _oidc_provider("DOORBRAAK_DIGID", scopes="openid")
if DOORBRAAK_DIGID is not None:
    DOORBRAAK_DIGID |= {
        "bsn_claim": env_str("DOORBRAAK_DIGID_BSN_CLAIM", "bsn"),
        # The assurance levels (acr) accepted; empty: the broker's answer is not checked.
        "accepted_acr": env_list("DOORBRAAK_DIGID_ACCEPTED_ACR", []),
    }
# Off: the log-in page offers only single sign-on and refuses passwords.
DOORBRAAK_LOCAL_LOGIN = env_bool("DOORBRAAK_LOCAL_LOGIN", default=True)
if not DOORBRAAK_LOCAL_LOGIN and DOORBRAAK_OIDC is None:
    raise ImproperlyConfiguredEnv(
        "DOORBRAAK_LOCAL_LOGIN=false needs single sign-on (DOORBRAAK_OIDC_CLIENT_ID)."
    )


def _origin(url: object) -> str:
    parts = str(url).split("/")
    return "/".join(parts[:3]) if len(parts) >= 3 and parts[0] in ("http:", "https:") else ""


#: Where a form's answer may redirect to (CSP form-action): log-out goes on to the provider.
OIDC_FORM_ACTION_ORIGINS = sorted(
    {
        _origin(provider[key])
        for provider in (DOORBRAAK_OIDC, DOORBRAAK_DIGID)
        if provider is not None
        for key in ("issuer", "authorization_endpoint", "end_session_endpoint")
        if _origin(provider[key])
    }
)

SESSION_IDLE_MINUTES = env_int("DOORBRAAK_SESSION_IDLE_MINUTES", 30, minimum=1)
# A resident's session (DigiD through the broker) is short: it ends after this many seconds.
DOORBRAAK_RESIDENT_SESSION_SECONDS = env_int("DOORBRAAK_RESIDENT_SESSION_SECONDS", 900, minimum=60)

# Aggregated figures hide counts below k (insights.aggregates): stricter for what leaves the
# municipality (reports, evaluation exports) than for internal pages.
DOORBRAAK_K_EXTERNAL = env_int("DOORBRAAK_K_EXTERNAL", 10, minimum=1)
DOORBRAAK_K_INTERNAL = env_int("DOORBRAAK_K_INTERNAL", 5, minimum=1)
# The social map flags a service as "always full" (a candidate signal) when its last
# DOORBRAAK_SOCIALMAP_FULL_REPORTS waiting-time reports all reach DOORBRAAK_SOCIALMAP_FULL_WEEKS.
DOORBRAAK_SOCIALMAP_FULL_WEEKS = env_int("DOORBRAAK_SOCIALMAP_FULL_WEEKS", 8, minimum=1)
DOORBRAAK_SOCIALMAP_FULL_REPORTS = env_int("DOORBRAAK_SOCIALMAP_FULL_REPORTS", 3, minimum=1)
# The session expires after this many idle seconds; activity renews it.
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Not on every request: SessionRefreshMiddleware renews the expiry (a write) at most once
# per SESSION_REFRESH_SECONDS, so an idle session ends up to that much earlier, never later.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "doorbraak_session"
CSRF_COOKIE_NAME = "doorbraak_csrftoken"

# --- Transport security --------------------------------------------------------------------
HTTPS = env_bool("DOORBRAAK_HTTPS", default=PRODUCTION)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
CSRF_FAILURE_VIEW = "doorbraak.lib.failures.csrf_failure"
# A load balancer probes the health page over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^gezondheid/"]
SECURE_HSTS_SECONDS = env_int("DOORBRAAK_HSTS_SECONDS", 31_536_000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No page needs a device feature: the browser refuses them to the page and to any frame.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
X_FRAME_OPTIONS = "DENY"
if env_bool("DOORBRAAK_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURITY_CONTACT = env_str("DOORBRAAK_SECURITY_CONTACT", "mailto:security@doorbraak.example")

# --- Request limits ----------------------------------------------------------------------------
# What one request may carry. Free text has its own limits per field (doorbraak.lib.limits:
# at most 10,000 characters); these bound the request as a whole, before any view runs.
# Too much is a 413 or 400 (problem+json under /api/, doorbraak.lib.failures).
#
# The body without files: the biggest form (a breakthrough with proposal, reasoning,
# engagement and commitment) holds 30,000 characters, at most ~360 KB when every character
# is a percent-encoded accented letter. 1 MiB leaves room for that and stops bulk data early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Fields per request: the intake of a household with 20 members (the formset's maximum) is
# about 220 fields; more than 500 is not a form of this application.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
# Files per request: the only upload is the cost catalogue's CSV import, one file.
DATA_UPLOAD_MAX_NUMBER_FILES = 1
# Files up to this size stay in memory instead of a temporary file on disk: the CSV import
# accepts at most 2 MB (outcomes.admin), so an accepted file never touches the disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'", *OIDC_FORM_ACTION_ORIGINS],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "doorbraak_language"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
# One way to write a date per language: templates use the format names (DATE_FORMAT, ...).
FORMAT_MODULE_PATH = ["doorbraak.config.formats"]
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DOORBRAAK_STATIC_ROOT", str(REPO_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
    # The finished downloads (exports, long reports): private, served by no URL, only
    # streamed to the user who asked (doorbraak.downloads). On more than one machine the
    # task worker and the application servers share this directory (docs/scale.md).
    "downloads": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env_str("DOORBRAAK_DOWNLOADS_DIR", str(REPO_DIR / "var" / "downloads")),
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}
# A finished download is kept this many days, then `manage.py expire_downloads` (hourly
# timer) deletes it; a job still "being built" after this many hours had its worker stop.
DOORBRAAK_DOWNLOAD_RETENTION_DAYS = env_int("DOORBRAAK_DOWNLOAD_RETENTION_DAYS", 7, minimum=1)
DOORBRAAK_DOWNLOAD_MAX_RUNNING_HOURS = env_int("DOORBRAAK_DOWNLOAD_MAX_RUNNING_HOURS", 6, minimum=1)

# --- Processing log -----------------------------------------------------------------------
# Key of the HMAC chain over the processing log. Whoever can write the database but does
# not hold this key cannot rewrite history without `verify_processing_log` noticing.
if PRODUCTION:
    AUDIT_CHAIN_KEY = env_str("DOORBRAAK_AUDIT_CHAIN_KEY")
    if len(AUDIT_CHAIN_KEY) < 32:
        raise ImproperlyConfiguredEnv("DOORBRAAK_AUDIT_CHAIN_KEY must be at least 32 characters.")
else:
    AUDIT_CHAIN_KEY = env_str("DOORBRAAK_AUDIT_CHAIN_KEY", "development-only-audit-chain-key")
# Chain keys of earlier segments, only to verify them: the sealer signs with the current
# key alone (docs/operations.md, "Rotating the keys").
AUDIT_CHAIN_OLD_KEYS = env_list("DOORBRAAK_AUDIT_CHAIN_OLD_KEYS", [])

# The sealer (`manage.py seal_processing_log --follow`) chains committed records into seals;
# verify_processing_log warns when the oldest unsealed record is older than this.
AUDIT_SEAL_MAX_LAG_MINUTES = env_int("DOORBRAAK_AUDIT_SEAL_MAX_LAG_MINUTES", 10, minimum=1)
# The health page (/gezondheid/alles/): the task worker counts as gone after this many
# seconds without a heartbeat; a due task must be picked up within this many minutes.
WORKER_HEARTBEAT_MAX_SECONDS = env_int("DOORBRAAK_WORKER_HEARTBEAT_MAX_SECONDS", 120, minimum=10)
TASK_QUEUE_MAX_WAIT_MINUTES = env_int("DOORBRAAK_TASK_QUEUE_MAX_WAIT_MINUTES", 10, minimum=1)

# --- Personal data at rest -------------------------------------------------------------------
# BSNs are stored encrypted (Fernet) and found through a keyed blind index (HMAC), so the
# database alone reveals neither the number nor whether two rows share it.
if PRODUCTION:
    FIELD_ENCRYPTION_KEY = env_str("DOORBRAAK_FIELD_ENCRYPTION_KEY")
    BLIND_INDEX_KEY = env_str("DOORBRAAK_BLIND_INDEX_KEY")
    PSEUDONYM_KEY = env_str("DOORBRAAK_PSEUDONYM_KEY")
    SEARCH_HASH_KEY = env_str("DOORBRAAK_SEARCH_HASH_KEY")
    for _name, _value in (
        ("BLIND_INDEX", BLIND_INDEX_KEY),
        ("PSEUDONYM", PSEUDONYM_KEY),
        ("SEARCH_HASH", SEARCH_HASH_KEY),
    ):
        if len(_value) < 32:
            raise ImproperlyConfiguredEnv(f"DOORBRAAK_{_name}_KEY must be at least 32 characters.")
    try:
        from cryptography.fernet import Fernet

        Fernet(FIELD_ENCRYPTION_KEY.encode())
    except ValueError:
        raise ImproperlyConfiguredEnv(
            "DOORBRAAK_FIELD_ENCRYPTION_KEY must be a Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from None
else:
    FIELD_ENCRYPTION_KEY = env_str(
        "DOORBRAAK_FIELD_ENCRYPTION_KEY", "ZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXktMzItYmk="
    )
    BLIND_INDEX_KEY = env_str("DOORBRAAK_BLIND_INDEX_KEY", "development-only-blind-index-key")
    PSEUDONYM_KEY = env_str("DOORBRAAK_PSEUDONYM_KEY", "development-only-pseudonym-key")
    SEARCH_HASH_KEY = env_str("DOORBRAAK_SEARCH_HASH_KEY", "development-only-search-hash-key")

# Key rotation (docs/operations.md): values written with an old key stay readable (field
# encryption) and findable (blind index) until `rotate_field_encryption_key` and
# `rotate_blind_index` have rewritten them with the current key. New values always use the
# current key.
FIELD_ENCRYPTION_OLD_KEYS = env_list("DOORBRAAK_FIELD_ENCRYPTION_OLD_KEYS", [])
BLIND_INDEX_OLD_KEYS = env_list("DOORBRAAK_BLIND_INDEX_OLD_KEYS", [])
for _fernet_key in FIELD_ENCRYPTION_OLD_KEYS:
    try:
        from cryptography.fernet import Fernet as _Fernet

        _Fernet(_fernet_key.encode())
    except ValueError:
        raise ImproperlyConfiguredEnv(
            "DOORBRAAK_FIELD_ENCRYPTION_OLD_KEYS must hold Fernet keys "
            "(32 url-safe base64-encoded bytes), separated by commas."
        ) from None
for _name, _current, _old in (
    ("FIELD_ENCRYPTION", FIELD_ENCRYPTION_KEY, FIELD_ENCRYPTION_OLD_KEYS),
    ("BLIND_INDEX", BLIND_INDEX_KEY, BLIND_INDEX_OLD_KEYS),
    ("AUDIT_CHAIN", AUDIT_CHAIN_KEY, AUDIT_CHAIN_OLD_KEYS),
):
    if _current in _old:
        raise ImproperlyConfiguredEnv(
            f"DOORBRAAK_{_name}_OLD_KEYS holds the current DOORBRAAK_{_name}_KEY; "
            "list only the keys it replaced."
        )

# --- Background tasks --------------------------------------------------------------------------
# django-tasks with its database backend; `manage.py db_worker` runs the queue.
TASKS = {
    "default": {
        "BACKEND": env_str("DOORBRAAK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
EMAIL_BACKEND = env_str(
    "DOORBRAAK_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("DOORBRAAK_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DOORBRAAK_EMAIL_PORT", 25, minimum=1)
EMAIL_USE_TLS = env_bool("DOORBRAAK_EMAIL_USE_TLS", default=False)
EMAIL_HOST_USER = env_str("DOORBRAAK_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DOORBRAAK_EMAIL_HOST_PASSWORD", "")
DEFAULT_FROM_EMAIL = env_str(
    "DOORBRAAK_DEFAULT_FROM_EMAIL", "Doorbraak <noreply@doorbraak.example>"
)
SITE_URL = env_str("DOORBRAAK_SITE_URL", "http://127.0.0.1:8000")

# --- API -----------------------------------------------------------------------------------
API_VERSION = "1.0.0"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        # API clients managed by the functional administrator: Authorization: Bearer <key>.
        "doorbraak.accounts.apiclients.authentication.ApiClientAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["doorbraak.lib.api.IsVerifiedUser"],
    "DEFAULT_PAGINATION_CLASS": "doorbraak.lib.api.Pagination",
    "PAGE_SIZE": env_int("DOORBRAAK_API_PAGE_SIZE", 50, minimum=1),
    "EXCEPTION_HANDLER": "doorbraak.lib.api.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "doorbraak.lib.schema.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Idempotency-Key (funds.idempotency): a key still "in progress" after this many minutes
# lost its process and is taken over by the next request with the same key; keys that are
# done are purged (purge_idempotency_keys, daily) after this many days.
IDEMPOTENCY_TAKEOVER_MINUTES = env_int("DOORBRAAK_IDEMPOTENCY_TAKEOVER_MINUTES", 5, minimum=1)
IDEMPOTENCY_RETENTION_DAYS = env_int("DOORBRAAK_IDEMPOTENCY_RETENTION_DAYS", 7, minimum=1)
# The home page's work list (home.worklist): deadlines within this many working days count
# as "due soon"; partner answers of the last HOME_ANSWERS_DAYS days are listed.
HOME_DEADLINE_WORKING_DAYS = env_int("DOORBRAAK_HOME_DEADLINE_WORKING_DAYS", 5, minimum=0)
HOME_ANSWERS_DAYS = env_int("DOORBRAAK_HOME_ANSWERS_DAYS", 14, minimum=1)
SPECTACULAR_SETTINGS = {
    "TITLE": "Doorbraak API",
    "DESCRIPTION": (
        "REST API van Doorbraak. Volgt de NL API Design Rules: meervoudige zelfstandige "
        "naamwoorden, geen slash aan het eind, de hoofdversie in het pad en de volledige "
        "versie in de header API-Version, fouten als application/problem+json."
    ),
    "VERSION": API_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["doorbraak.lib.api.IsVerifiedUser"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "doorbraak.lib.schema.problem_responses",  # 400/404/409 derived per operation
    ],
}

# --- Logging -------------------------------------------------------------------------------
# One JSON object per line in production (DOORBRAAK_LOG_FORMAT=json|text), each with the
# request id that the processing log carries too; never personal data (doorbraak.lib.logging).
LOG_FORMAT = env_str("DOORBRAAK_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "doorbraak.lib.logging.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "doorbraak.lib.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DOORBRAAK_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
