"""Crux settings: one module, driven by environment variables.

With no environment at all Crux runs on its embedded default: SQLite under var/ and a
filesystem Celery broker, so `make run` needs no servers. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0 (see README, "Production").
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CRUX_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


DEBUG = env_bool("DEBUG", True)
# Development only: refused below when DEBUG is off.
_DEV_SECRET = "crux-insecure-development-key-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files for /api/docs/, served from the package
    "bets",
]

MIDDLEWARE = [
    "bets.common.caching.VersionedResponseCacheMiddleware",  # first: a hit skips all the rest
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "bets.common.headers.PermissionsPolicyMiddleware",
    # NUL / non-UTF-8 in path, query or form body: 404/400 before any view; chunked bodies.
    "bets.common.request_guard.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bets.web.conversation.notifications_context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'crux.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DB_PREPARED_STATEMENTS", True
):
    # Parameters bound on the server let PostgreSQL prepare the statements a connection
    # repeats (psycopg prepares one on its 2nd use), which halved its CPU per acceptance.
    # Set DB_PREPARED_STATEMENTS=0 behind a transaction-pooling pgbouncer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; wait for the lock instead of failing while the worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Oversized bodies are refused by Django (400), never read into memory whole.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
CRUX_ARTIFACT_MAX_BYTES = env_int("CRUX_ARTIFACT_MAX_BYTES", 20 * 1024 * 1024)
CRUX_DATA_DIR = Path(os.environ.get("CRUX_DATA_DIR", BASE_DIR / "demo" / "evals"))
# Archives (an inspect .eval is a zip) are judged from their central directory before any
# entry is inflated: none may inflate past CRUX_ARCHIVE_MAX_ENTRY_BYTES, and none over 1 MiB
# more than CRUX_ARCHIVE_MAX_RATIO times its stored size (resolvers/archives.py).
CRUX_ARCHIVE_MAX_ENTRY_BYTES = env_int("CRUX_ARCHIVE_MAX_ENTRY_BYTES", 256 * 1024 * 1024)
CRUX_ARCHIVE_MAX_RATIO = env_int("CRUX_ARCHIVE_MAX_RATIO", 200)
# Beat: how often every open claim with a spec is dry-run ("would resolve as ... today").
CRUX_DRY_RUN_SECONDS = env_int("CRUX_DRY_RUN_SECONDS", 3600)
# A dry run may reuse a data directory's listing this long (a log added meanwhile is seen by
# the next run); a real resolver run always lists it afresh.
CRUX_DRY_RUN_GLOB_SECONDS = env_int("CRUX_DRY_RUN_GLOB_SECONDS", 5)

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a missing or bad token a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "bets.api.plumbing.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "bets.api.plumbing.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "bets.api.plumbing.pagination.CruxPagination",
    # Rates: CRUX_API_ANON_RATE and CRUX_API_WRITE_RATE below; 429 with Retry-After past them.
    "DEFAULT_THROTTLE_CLASSES": [
        "bets.api.plumbing.throttling.AnonymousThrottle",
        "bets.api.plumbing.throttling.WriteThrottle",
    ],
    # Proxies in front of Crux that append to X-Forwarded-For (0: rate-limit by the peer
    # address, so a client cannot pick its own identity with the header).
    "NUM_PROXIES": env_int("CRUX_NUM_PROXIES", 0),
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "bets.api.plumbing.schema.CruxAutoSchema",
    "EXCEPTION_HANDLER": "bets.api.plumbing.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Crux API",
    "DESCRIPTION": "Claims, forecasts, bets, resolutions and scores.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/ loads Swagger UI from the installed drf-spectacular-sidecar, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Request components of their own (`...Request`): read-only fields drop out and required
    # strings get minLength, so generated clients send what the API accepts.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "bets.api.plumbing.schema.add_error_component"],
    # Ids in paths are bounded by the `dbid` converter (bets/common/ids.py).
    "PATH_CONVERTER_OVERRIDES": {
        "dbid": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999},
    },
    # Several serializers have a "status" or a "kind": name each choice set, so the schema
    # generates without warnings and generated clients keep their type names.
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "bets.models.claims.Claim.Status",
        # A claim's outcome and a bet's side are the same yes/no choice set: name it once.
        "YesNoEnum": "bets.models.claims.Claim.Outcome",
        "KindEnum": "bets.models.claims.Claim.Kind",
        "MeasurementRunKindEnum": "bets.autoresolve.evidence.measurements.RUN_KINDS",
    },
}

# API rate limits ("<count>/<second|minute|hour|day>", or "none"): requests without
# credentials per client address, and writes per signed-in user. Counted in the "throttle"
# cache, shared by every web worker through Redis when REDIS_URL is set.
CRUX_API_ANON_RATE = os.environ.get("CRUX_API_ANON_RATE", "300/minute")
CRUX_API_WRITE_RATE = os.environ.get("CRUX_API_WRITE_RATE", "600/minute")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "throttle": (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache",
     "LOCATION": os.environ["REDIS_URL"], "KEY_PREFIX": "crux"} if os.environ.get("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"})}

# --- Browser security headers (every response, DEBUG or not) ---------------------------------
# No inline script or style, no event-handler attributes, nothing from another origin: pages
# load their JS from bets/static/bets/js/ and their CSS from files.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'"],
    "img-src": ["'self'", "data:"], "object-src": ["'none'"], "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"], "form-action": ["'self'"],
}}
# Features no Crux page uses are switched off for the page and anything it embeds.
CRUX_PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
                           "magnetometer=(), microphone=(), payment=(), usb=()")

# --- Celery -------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        # Must stay well above every task's hard time limit (see FIELD-NOTES: Celery on Redis).
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        # A worker killed whole (SIGKILL, out of memory) leaves its unacked task in Redis; the
        # surviving workers hand it out again once it is older than visibility_timeout,
        # looking every CELERY_UNACKED_RESTORE_INTERVAL seconds (kombu alone: every 100 s).
        "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
        "unacked_restore_throttle": 1,
        # Each sweep holds a Redis lock; a worker killed while holding it (kombu's default:
        # 300 s) stopped every survivor's restores that long. A sweep takes milliseconds.
        "unacked_mutex_expire": 30,
    }
else:
    _BROKER_DIR = VAR_DIR / "celery-broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        # kombu's default is ./control relative to the working directory: keep it under var/.
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Publishing while the broker is down must fail fast, not hang a web request:
# the state-based sweeps pick the work up later.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "bets.tasks.claim_run_resolver": {"queue": "resolvers"},
    "bets.tasks.claims_dry_run": {"queue": "resolvers"},
    # Live evaluation runs: one eval per worker process (inspect allows no more), so the
    # `evals` queue has workers of its own (docs/live-runs.md).
    "bets.tasks.live_shard_run": {"queue": "evals"},
    "bets.tasks.live_run_finish": {"queue": "evals"},
}
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Keep worker database connections for DB_CONN_MAX_AGE (config/celery.py closes broken or
# expired ones around each task) instead of Celery's close-around-every-task; Celery still
# recycles them after this many tasks.
CELERY_DB_REUSE_MAX = 1000
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Crux --------------------------------------------------------------------------------
CRUX_STARTING_GRANT = env_int("CRUX_STARTING_GRANT", 1000)
CRUX_DISPUTE_WINDOW_SECONDS = env_int("CRUX_DISPUTE_WINDOW_SECONDS", 3 * 24 * 3600)
# Beat periods: how often claims past close_time are marked closed (forecasts and bets stop
# at close_time whatever the status says), and how often the resolver sweep looks for due
# claims.
CRUX_CLOSE_SECONDS = env_int("CRUX_CLOSE_SECONDS", 30)
CRUX_RESOLVER_SWEEP_SECONDS = env_int("CRUX_RESOLVER_SWEEP_SECONDS", 60)
CRUX_RESOLVER_SWEEP_LIMIT = env_int("CRUX_RESOLVER_SWEEP_LIMIT", 5000)
CRUX_RESOLVER_LEASE_SECONDS = env_int("CRUX_RESOLVER_LEASE_SECONDS", 900)
CRUX_RESOLVER_RECHECK_SECONDS = env_int("CRUX_RESOLVER_RECHECK_SECONDS", 3600)
CRUX_RESOLVER_DEADLINE_SECONDS = env_int("CRUX_RESOLVER_DEADLINE_SECONDS", 7 * 24 * 3600)
# Well under CELERY_VISIBILITY_TIMEOUT, or a still-running resolver is delivered again.
CRUX_RESOLVER_SOFT_TIME_LIMIT = env_int("CRUX_RESOLVER_SOFT_TIME_LIMIT", 120)
# A spec's `schedule` (re-run every N days until resolve_after) may make at most this many
# measurement runs per claim; a denser schedule is refused at proposal.
CRUX_SCHEDULE_MAX_RUNS = env_int("CRUX_SCHEDULE_MAX_RUNS", 60)
# Loopback may be allowed for URL sources only in tests and local demos.
CRUX_URL_SOURCE_ALLOW_LOOPBACK = env_bool("CRUX_URL_SOURCE_ALLOW_LOOPBACK", False)

# --- Live evaluation runs (docs/live-runs.md) ----------------------------------------------
# Each attempt's inspect logs live under CRUX_LIVE_DIR/attempt-<id>/. Budgets cap what one
# spec may ask for; a spec may ask for less (budget_seconds, budget_tokens).
CRUX_LIVE_DIR = Path(os.environ.get("CRUX_LIVE_DIR", VAR_DIR / "live"))
CRUX_LIVE_MAX_SAMPLES = env_int("CRUX_LIVE_MAX_SAMPLES", 5000)
CRUX_LIVE_MAX_SECONDS = env_int("CRUX_LIVE_MAX_SECONDS", 3000)
CRUX_LIVE_MAX_TOKENS = env_int("CRUX_LIVE_MAX_TOKENS", 5_000_000)
CRUX_LIVE_MAX_SHARDS = env_int("CRUX_LIVE_MAX_SHARDS", 64)
CRUX_LIVE_MAX_CONNECTIONS = env_int("CRUX_LIVE_MAX_CONNECTIONS", 256)
# A running shard writes a heartbeat this often; one silent for CRUX_LIVE_STALE_SECONDS is
# taken to be dead and a redelivered task may take it over (and resume from its logs).
CRUX_LIVE_HEARTBEAT_SECONDS = env_int("CRUX_LIVE_HEARTBEAT_SECONDS", 2)
CRUX_LIVE_STALE_SECONDS = env_int("CRUX_LIVE_STALE_SECONDS", 30)
# Samples per log flush: what a killed worker can lose and has to run again.
CRUX_LIVE_LOG_BUFFER = env_int("CRUX_LIVE_LOG_BUFFER", 10)
# Transient endpoint errors: the provider retries each call with backoff; eval_set retries a
# failed task; an endpoint that does not answer at the start is tried again this many times.
CRUX_LIVE_REQUEST_TIMEOUT = env_int("CRUX_LIVE_REQUEST_TIMEOUT", 60)
CRUX_LIVE_REQUEST_RETRIES = env_int("CRUX_LIVE_REQUEST_RETRIES", 3)
CRUX_LIVE_TASK_RETRIES = env_int("CRUX_LIVE_TASK_RETRIES", 1)
CRUX_LIVE_TASK_RETRY_WAIT = env_int("CRUX_LIVE_TASK_RETRY_WAIT", 5)
CRUX_LIVE_ENDPOINT_RETRIES = env_int("CRUX_LIVE_ENDPOINT_RETRIES", 3)

# --- Conversation: comments, notifications, email, accounts ---------------------------------
# Email goes through Django's email framework. The default writes each message to a file under
# var/emails so `make run` shows what would be sent; production sets EMAIL_BACKEND to
# django.core.mail.backends.smtp.EmailBackend and the EMAIL_HOST* variables.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "emails"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Crux <crux@localhost>")
# Absolute links in emails (verification, unsubscribe, the notification itself).
CRUX_SITE_URL = os.environ.get("CRUX_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CRUX_COMMENT_MAX_CHARS = env_int("CRUX_COMMENT_MAX_CHARS", 10_000)
CRUX_COMMENT_EDIT_SECONDS = env_int("CRUX_COMMENT_EDIT_SECONDS", 15 * 60)
# At most CRUX_COMMENT_RATE_LIMIT comments per participant in CRUX_COMMENT_RATE_WINDOW seconds.
CRUX_COMMENT_RATE_LIMIT = env_int("CRUX_COMMENT_RATE_LIMIT", 10)
CRUX_COMMENT_RATE_WINDOW = env_int("CRUX_COMMENT_RATE_WINDOW", 10 * 60)
# Emails: one task per batch of notifications; a failed send is retried after
# CRUX_EMAIL_RETRY_SECONDS * 2**(attempt-1), and recorded as failed after the last attempt.
CRUX_EMAIL_BATCH = env_int("CRUX_EMAIL_BATCH", 100)
CRUX_EMAIL_MAX_ATTEMPTS = env_int("CRUX_EMAIL_MAX_ATTEMPTS", 5)
CRUX_EMAIL_RETRY_SECONDS = env_int("CRUX_EMAIL_RETRY_SECONDS", 30)
# Reminder job: a claim closing within 24 h whose forecaster's standing forecast is older than
# CRUX_REMINDER_STALE_DAYS gets a reminder. The job runs every CRUX_REMINDER_SECONDS and is
# reported stale (staff page, /healthz) when it has not run for 3 periods.
CRUX_REMINDER_STALE_DAYS = env_int("CRUX_REMINDER_STALE_DAYS", 7)
CRUX_REMINDER_SECONDS = env_int("CRUX_REMINDER_SECONDS", 300)
# Events (resolutions, bets matched, comments, ...) are recorded in an outbox with the state
# change; one whose fan-out has not committed CRUX_EVENT_GRACE_SECONDS after its dispatch was
# lost, and the reminder job dispatches it again (at most CRUX_EVENT_REDISPATCH_BATCH a run).
CRUX_EVENT_GRACE_SECONDS = env_int("CRUX_EVENT_GRACE_SECONDS", 60)
CRUX_EVENT_REDISPATCH_BATCH = env_int("CRUX_EVENT_REDISPATCH_BATCH", 500)
# Log-in throttling: after this many failures for one username within the window, log-ins
# for it are refused until the window passes.
CRUX_LOGIN_MAX_FAILURES = env_int("CRUX_LOGIN_MAX_FAILURES", 5)
CRUX_LOGIN_WINDOW_SECONDS = env_int("CRUX_LOGIN_WINDOW_SECONDS", 15 * 60)

# --- Production hardening (active whenever DEBUG is off) -----------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
