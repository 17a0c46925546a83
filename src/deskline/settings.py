"""Django settings, read from environment variables; a first run on SQLite needs none."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from deskline.core.env import (
    data_dir,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_str,
)
from deskline.core.secret import load_or_create_secret_key

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

DEBUG = env_bool("DESKLINE_DEBUG", False)
SECRET_KEY = load_or_create_secret_key(DATA_DIR, env_str("SECRET_KEY"))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "ninja",  # its static files serve the API docs page offline
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "deskline.core",
    "deskline.accounts",
    "deskline.clients",
    "deskline.tickets",
    "deskline.sla",
    "deskline.routing",
    "deskline.channels",
    "deskline.notifications",
    "deskline.knowledge",
    "deskline.desk",
    "deskline.portal",
    "deskline.demo",
    "deskline.operations",
    "deskline.analytics",
    "deskline.feedback",
    "deskline.billing",
    "deskline.fieldwork",
    "deskline.triage",
]

MIDDLEWARE = [
    "csp.middleware.CSPMiddleware",
    "deskline.operations.middleware.request_observed",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "deskline.core.middleware.reject_nul_in_query",
    "deskline.core.middleware.api_body_limits",
    "deskline.core.middleware.ApiPathIntegers",
    "deskline.operations.ratelimit.api_rate_limited",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "deskline.accounts.middleware.second_factor",
    "deskline.core.middleware.user_language",
    "deskline.core.middleware.password_change_first",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it answers a locked-out login attempt (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "deskline.urls"
WSGI_APPLICATION = "deskline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "deskline.operations.context.sandbox_flag",
            ],
        },
    },
]

_sqlite_path = DATA_DIR / "deskline.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{_sqlite_path}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend with writers queued in arrival order before BEGIN (core/sqlite3): SQLite's
    # own busy handler sleeps up to 100 ms between retries, which made the create p99 ~1 s.
    DATABASES["default"]["ENGINE"] = "deskline.core.sqlite3"
    # IMMEDIATE: a transaction takes the write lock at BEGIN, so it never fails halfway on
    # "database is locked"; `timeout` (s) bounds the wait for a turn. WAL lets readers read while
    # one writer writes; synchronous=NORMAL syncs at checkpoints, not at every commit (a power
    # cut may lose the last commits, never corrupt the file). Connections stay open between
    # requests (DATABASE_CONN_MAX_AGE): a new one parses the whole schema, ~5 ms per request.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        " PRAGMA temp_store=MEMORY;",
    }
    # Tests use a file, not shared-cache memory: threads then contend on real locks with a busy
    # timeout (shared cache fails at once with "table is locked"), as in production.
    # The process id keeps test runs that happen at the same time apart.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-deskline-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Content-Security-Policy on every page (django-csp): scripts, styles, fonts and images from this
# site only, no inline script, no framing. Style attributes stay allowed for the status colours
# (`style="--c: #hex"`). Remote images in mail are blocked unless an agent asks to see them on
# one ticket (the ticket page widens img-src for that answer only). The interactive API docs
# (Swagger UI) are excluded: they are a developer's page that styles itself inline.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/v1/docs"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Brute force: django-axes counts failed logins (desk, portal, admin) by account and by address
# apart; past the limit both are locked out for a cool-off that doubles with each lockout of the
# day (accounts/lockout.py). Admins unlock in the admin (Axes > Access attempts: delete) or with
# `deskline manage axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DESKLINE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = "deskline.accounts.lockout.cool_off"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
#: Administrators must set up an authenticator (TOTP) before using the desk or the admin.
DESKLINE_REQUIRE_2FA_FOR_ADMINS = env_bool("DESKLINE_REQUIRE_2FA_FOR_ADMINS", False)
OTP_TOTP_ISSUER = "Deskline"
#: Failed API token attempts one address may make in 15 minutes before it gets 429s.
DESKLINE_TOKEN_FAILURE_LIMIT = env_int("DESKLINE_TOKEN_FAILURE_LIMIT", 20, minimum=1)
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DESKLINE_TIME_ZONE", "UTC")
#: Country assumed for phone numbers written without one (ISO 3166 code, e.g. RU: 8 912… = +7 912…).
DESKLINE_PHONE_REGION = env_str("DESKLINE_PHONE_REGION", "RU").upper()
#: How often each process checks whether reference data (statuses, SLA, rules) changed elsewhere.
DESKLINE_REFERENCE_CHECK_SECONDS = env_float("DESKLINE_REFERENCE_CHECK_SECONDS", 1.0, minimum=0)
#: How long a process trusts an API token it has checked (revocations elsewhere apply after it).
DESKLINE_TOKEN_CACHE_SECONDS = env_float("DESKLINE_TOKEN_CACHE_SECONDS", 1.0, minimum=0)
#: How old the desk's view counts (tabs, dashboard queue) may be; 0 counts on every page.
DESKLINE_VIEW_COUNT_SECONDS = env_int("DESKLINE_VIEW_COUNT_SECONDS", 30, minimum=0)
# PostgreSQL: the widest page statements (the ticket page's ticket) are prepared once per
# connection instead of planned on every run. Turn off behind a pooler that cannot keep
# prepared statements (PgBouncer before 1.21, or without max_prepared_statements).
DESKLINE_DB_PLAN_ONCE = env_bool("DESKLINE_DB_PLAN_ONCE", True)
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

TASKS = {
    "default": {
        "BACKEND": env_str("DESKLINE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("DESKLINE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Uploads: the limit applies to every attachment from every channel.
DESKLINE_MAX_UPLOAD_BYTES = env_int("DESKLINE_MAX_UPLOAD_MB", 25, minimum=1) * 1024 * 1024
#: authserv-ids of this installation's own mail servers, whose Authentication-Results headers
#: (DKIM/SPF/DMARC pass) prove a sender; empty: only the signed reply address proves one.
DESKLINE_MAIL_TRUSTED_AUTHSERV_IDS = env_list("DESKLINE_MAIL_TRUSTED_AUTHSERV_IDS", [])
#: The largest raw message the mail push endpoint takes (`deskline mail ingest` has no limit).
DESKLINE_MAX_MAIL_BYTES = env_int("DESKLINE_MAX_MAIL_MB", 50, minimum=1) * 1024 * 1024
#: The Telegram Bot API's address (a local Bot API server or a test fake may replace it).
DESKLINE_TELEGRAM_API_URL = env_str("DESKLINE_TELEGRAM_API_URL", "https://api.telegram.org")
#: How long a "Connect Telegram" code from the portal works.
DESKLINE_TELEGRAM_CODE_MINUTES = env_int("DESKLINE_TELEGRAM_CODE_MINUTES", 30, minimum=1)
#: Other API bodies (JSON); larger ones get a 413 in the API's error shape.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Mail: outgoing through SMTP (notifications are sent by the outbox job, never in a request).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "support@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
DESKLINE_BASE_URL = env_str("DESKLINE_BASE_URL", "http://127.0.0.1:8000")
DESKLINE_SITE_NAME = env_str("DESKLINE_SITE_NAME", "Deskline")
#: Whether published public knowledge-base articles are readable without signing in.
DESKLINE_KB_PUBLIC = env_bool("DESKLINE_KB_PUBLIC", True)
#: The acknowledgement of a new ticket lists up to three public articles matching its title.
DESKLINE_KB_SUGGEST_IN_ACK = env_bool("DESKLINE_KB_SUGGEST_IN_ACK", True)
#: Hosts the support bot's scripted flows may call (core.egress): exact names or "*.example.com";
#: empty means no flow webhook may go out.
DESKLINE_OUTBOUND_ALLOWED_HOSTS = env_list("DESKLINE_OUTBOUND_ALLOWED_HOSTS", [])
DESKLINE_MAIL_REPLY_TO = env_str("DESKLINE_MAIL_REPLY_TO", "")
DESKLINE_MAIL_PLUS_ADDRESSING = env_bool("DESKLINE_MAIL_PLUS_ADDRESSING", False)
DESKLINE_MAIL_DOMAIN = env_str("DESKLINE_MAIL_DOMAIN", "")
#: A sandbox copy: every outbound message is logged (core.outbound), none is sent.
DESKLINE_SANDBOX = env_bool("DESKLINE_SANDBOX", False)
#: Staff may record tickets with no client (an internal IT team's own work); `false` makes the
#: desk and the API ask every staff-made ticket for a company or a contact.
DESKLINE_INTERNAL_TICKETS = env_bool("DESKLINE_INTERNAL_TICKETS", True)
#: Score the tone (negative/neutral/positive, angry, urgent) of every inbound message.
DESKLINE_TRIAGE_TONE = env_bool("DESKLINE_TRIAGE_TONE", True)
#: Sentence embeddings for triage (needs the `ml` extra: `pip install 'deskline[ml]'`): each
#: ticket's text is embedded once in the background and the classifiers learn from the vectors too.
DESKLINE_TRIAGE_EMBEDDINGS = env_bool("DESKLINE_TRIAGE_EMBEDDINGS", False)
#: When the sandbox was made (ISO): tickets created after it are practice for the leaderboard.
DESKLINE_SANDBOX_SINCE = env_str("DESKLINE_SANDBOX_SINCE", "")

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }

#: `text` for people, `json` (one object per line, with the request id) for log collectors.
DESKLINE_LOG_FORMAT = env_choice("DESKLINE_LOG_FORMAT", "text", ("text", "json"))
#: Bearer token a Prometheus scraper sends to /metrics; empty switches /metrics off.
DESKLINE_METRICS_TOKEN = env_str("DESKLINE_METRICS_TOKEN", "")
#: API requests per minute per token and per client address (0: no limit); 429 beyond.
DESKLINE_API_RATE_PER_TOKEN = env_int("DESKLINE_API_RATE_PER_TOKEN", 3000, minimum=0)
DESKLINE_API_RATE_PER_ADDRESS = env_int("DESKLINE_API_RATE_PER_ADDRESS", 6000, minimum=0)
#: Where the web processes of one `deskline run` share request metrics (the CLI sets it).
PROMETHEUS_MULTIPROC_DIR = env_str("PROMETHEUS_MULTIPROC_DIR", "")
#: /readyz fails when a due job has waited longer than this (no worker is taking jobs).
DESKLINE_READY_QUEUE_MAX_AGE = env_float("DESKLINE_READY_QUEUE_MAX_AGE", 600.0, minimum=1)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "deskline.operations.logs.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "deskline.operations.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": DESKLINE_LOG_FORMAT,
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "DESKLINE_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
        ),
    },
    "loggers": {"django_tasks_db": {"level": "WARNING"}},
}

# The first administrator `deskline run` creates when none exists.
DESKLINE_ADMIN_USERNAME = env_str("DESKLINE_ADMIN_USERNAME", "admin")
DESKLINE_ADMIN_PASSWORD = env_str("DESKLINE_ADMIN_PASSWORD", "")
#: Encrypts stored mailbox passwords and tokens (Fernet); several keys, comma-separated, rotate.
DESKLINE_ENCRYPTION_KEY = env_str("DESKLINE_ENCRYPTION_KEY", "")
#: The secret an accounting system sends (X-Billing-Token) with payment notices; empty = off.
DESKLINE_BILLING_WEBHOOK_SECRET = env_str("DESKLINE_BILLING_WEBHOOK_SECRET", "")
#: Staff see a badge on tickets of a company with invoices overdue by more than this many days
#: (0: any invoice past its due date; -1: no badge unless the company sets its own days).
DESKLINE_FLAG_OVERDUE_DAYS = env_int("DESKLINE_FLAG_OVERDUE_DAYS", 0, minimum=-1)

# Field service. The dispatcher's travel checks and the route suggestion use straight-line
# distance at this average speed (no road network). The map of the day's visits draws tiles from
# this URL template ({z}/{x}/{y}; empty: no tiles, markers on a blank map, nothing contacted).
DESKLINE_FIELD_SPEED_KMH = env_int("DESKLINE_FIELD_SPEED_KMH", 40, minimum=1)
DESKLINE_MAP_TILES = env_str("DESKLINE_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
DESKLINE_MAP_ATTRIBUTION = env_str("DESKLINE_MAP_ATTRIBUTION", "© OpenStreetMap contributors")
# Expiry reminders (fieldwork/expiry.py): days before a warranty, contract end, licence or
# certificate to remind (each step once), and the equipment date parameters that are expiries.
DESKLINE_EXPIRY_STEPS = [int(d) for d in env_list("DESKLINE_EXPIRY_STEPS", ["90", "30", "7"])]
DESKLINE_EXPIRY_PARAMETERS = env_list(
    "DESKLINE_EXPIRY_PARAMETERS",
    ["licence_until", "license_until", "certificate_until", "verification_until", "valid_until"],
)
