"""Crux settings: one module, driven by environment variables.

With no environment at all Crux runs on its embedded default: SQLite under var/ and a
filesystem Celery broker, so `make run` needs no servers. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY and ALLOWED_HOSTS (see README, "Production"; CRUX_PRODUCTION below).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import BASE_DIR, VAR_DIR, env_bool, env_int

# Two separate switches. DEBUG shows Django's debug pages (a traceback with server paths, a
# 404 listing every URL pattern): for a developer only, off unless DEBUG=1, `make run`
# included. CRUX_PRODUCTION turns on what a site served to others over HTTPS needs (below:
# HTTPS redirect, secure cookies, HSTS, hashed static files, a real SECRET_KEY); it is on
# whenever ALLOWED_HOSTS names a host other than this machine's own, so `make run` works on
# http://127.0.0.1:8000 and a deployment that names its host is hardened without asking.
DEBUG = env_bool("DEBUG", False)

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
# This machine's own names, and the name Django's test client sends.
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "testserver"}
_LOCAL_ONLY = all(h in _LOCAL_HOSTS or h.endswith(".localhost") for h in ALLOWED_HOSTS)
CRUX_PRODUCTION = env_bool("CRUX_PRODUCTION", not _LOCAL_ONLY)

# Development only: refused for a production site and for one that answers to other hosts.
_DEV_SECRET = "crux-insecure-development-key-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and _LOCAL_ONLY and not CRUX_PRODUCTION:
    SECRET_KEY = _DEV_SECRET
if not SECRET_KEY or (SECRET_KEY == _DEV_SECRET and (CRUX_PRODUCTION or not _LOCAL_ONLY)):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set (a long random string) for a production site or one whose "
        "ALLOWED_HOSTS names a host other than localhost.")

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
    "bets.common.request_guard.RequestGuardMiddleware",  # NUL, bad UTF-8 in path or query
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bets.common.request_body.RequestBodyMiddleware",  # bodies judged before CSRF reads one
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
    # Django's SQLite backend, minus the indexes only PostgreSQL has (config/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "config.sqlite"
    # The embedded default takes writes from the web server's threads and the worker at once.
    # SQLite allows one writer at a time: write-ahead logging lets readers go on while it
    # writes, and every transaction takes the write lock when it begins (IMMEDIATE), where
    # waiting (up to `timeout` seconds) is possible. A transaction that read first and then
    # tried to write would be refused at once ("database is locked"): waiting cannot help it,
    # because another writer may have changed what it read. Page views on SQLite run outside
    # a transaction so that they never queue for the lock (config/wsgi.py). Measured with 8
    # concurrent API writers and the worker (tests/ops/test_embedded_stack.py): deferred
    # transactions failed 271 of 400 writes; IMMEDIATE, none (and none of the page views
    # read meanwhile).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=env_int("CRUX_SQLITE_BUSY_SECONDS", 30),
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTHENTICATION_BACKENDS = ["bets.accounts.backends.LimitedModelBackend"]  # log-in limits
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
            if not CRUX_PRODUCTION
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# The largest body of a path that takes no file (bets.common.request_body); no file spools.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
CRUX_ARTIFACT_MAX_BYTES = env_int("CRUX_ARTIFACT_MAX_BYTES", 20 * 1024 * 1024)
CRUX_DATA_DIR = Path(os.environ.get("CRUX_DATA_DIR", BASE_DIR / "demo" / "evals"))
# The first of the two commands an evidence bundle's README and the claim page give for
# re-checking a verdict (the second is `crux-verify BUNDLE.zip`): how an outsider installs
# the resolvers package. A deployment that publishes its source names its own, e.g.
# pip install "crux-resolvers @ git+https://example.org/crux@v1#subdirectory=resolvers".
CRUX_VERIFY_INSTALL = os.environ.get("CRUX_VERIFY_INSTALL", "pip install ./resolvers")
# Archives (an inspect .eval is a zip; anything zipfile opens, leading bytes or not) are judged
# before any reader inflates them: no entry may inflate past CRUX_ARCHIVE_MAX_ENTRY_BYTES, none
# over 1 MiB more than CRUX_ARCHIVE_MAX_RATIO times its stored size, and none past the size its
# directory states (resolvers/archives.py, docs/security.md).
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
        # Three choice sets are each a field named "kind"; an agreement's terms and an
        # arbiter's seat name the arbiter's powers with one set.
        "AgreementMarkKindEnum": "bets.models.betting.AgreementMark.Kind",
        "ArbiterDocumentKindEnum": ["decline", "pick", "decision"],
        "ArbiterMayDecideEnum": ["disputes", "disputes_and_void"],
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
    # kombu's filesystem transport, with whole messages only (config/broker.py).
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
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
    "bets.tasks.snapshot_source_poll": {"queue": "resolvers"},  # a slow source waits there
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
# A resolver run that failed in a way a retry may mend (a source down or too slow) is retried
# after a step that doubles from this many seconds, up to the maximum (bets.autoresolve.tasks);
# the countdowns stay well under CELERY_VISIBILITY_TIMEOUT.
CRUX_RESOLVER_RETRY_SECONDS = env_int("CRUX_RESOLVER_RETRY_SECONDS", 30)
CRUX_RESOLVER_RETRY_MAX_SECONDS = env_int("CRUX_RESOLVER_RETRY_MAX_SECONDS", 600)
# A spec's `schedule` (re-run every N days until resolve_after) may make at most this many
# measurement runs per claim; a denser schedule is refused at proposal.
CRUX_SCHEDULE_MAX_RUNS = env_int("CRUX_SCHEDULE_MAX_RUNS", 60)
# Loopback may be allowed for URL sources only in tests and local demos. The same switch lets
# an endpoint that is *not* marked private live on loopback (tests of the live-run guard);
# redirects of model calls are refused either way (docs/security.md).
CRUX_URL_SOURCE_ALLOW_LOOPBACK = env_bool("CRUX_URL_SOURCE_ALLOW_LOOPBACK", False)
# Seconds one URL fetch of a resolver run may take in all: resolving, connecting, headers and
# body (a server sending a byte every few seconds is cut off here, not after minutes).
CRUX_URL_FETCH_SECONDS = env_int("CRUX_URL_FETCH_SECONDS", 10)
# Published tables (docs/resolver-specs.md, source kind "published"): beat looks for due
# sources every CRUX_SNAPSHOT_SWEEP_SECONDS and polls each source an open claim uses once per
# CRUX_SNAPSHOT_POLL_SECONDS (If-None-Match where it sent an ETag). Every distinct version is
# kept, its bytes once, content-addressed under CRUX_SNAPSHOT_DIR; a file larger than
# CRUX_SNAPSHOT_MAX_BYTES is refused (LMArena's full text table is about 57 MB).
CRUX_SNAPSHOT_SWEEP_SECONDS = env_int("CRUX_SNAPSHOT_SWEEP_SECONDS", 300)
CRUX_SNAPSHOT_POLL_SECONDS = env_int("CRUX_SNAPSHOT_POLL_SECONDS", 6 * 3600)
CRUX_SNAPSHOT_MAX_BYTES = env_int("CRUX_SNAPSHOT_MAX_BYTES", 64 * 1024 * 1024)
CRUX_SNAPSHOT_FETCH_SECONDS = env_int("CRUX_SNAPSHOT_FETCH_SECONDS", 60)
CRUX_SNAPSHOT_DIR = Path(os.environ.get("CRUX_SNAPSHOT_DIR", MEDIA_ROOT / "snapshots"))
# Seconds all the fetches of one preview may take together (the spec builder's and a claim's
# "would resolve as" preview run inside a web request: they must end well inside the web
# server's worker timeout, whatever the source does).
CRUX_PREVIEW_FETCH_SECONDS = env_int("CRUX_PREVIEW_FETCH_SECONDS", 4)

# Live evaluation runs, and the conversation (comments, notifications, email, accounts).
from config.crux_settings import *  # noqa: E402, F403

# --- Production hardening (CRUX_PRODUCTION; see DEBUG at the top) --------------------------
if CRUX_PRODUCTION:
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
