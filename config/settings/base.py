"""Gapmap settings, read from the environment (12-factor).

Embedded defaults (SQLite, a filesystem Celery broker under GAPMAP_DATA_DIR) let
Gapmap run on a bare machine; production sets DATABASE_URL, CELERY_BROKER_URL,
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (required when DJANGO_DEBUG is false).")
    # A fixed development key is harmless only because DEBUG never runs in production.
    SECRET_KEY = "django-insecure-gapmap-development-only"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

DATA_DIR = Path(env.str("GAPMAP_DATA_DIR", default=str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    # Swagger UI's files served from this origin (the CSP allows no other).
    "drf_spectacular_sidecar",
    # htmx served from this origin (`{% htmx_script %}`) and `request.htmx`: the report's
    # review controls update the page in place.
    "django_htmx",
    # The login lock-out (config.throttling): attempts in its own tables, listed in the admin.
    "axes",
    "maps",
    "comparison",
    "accounts",
]

MIDDLEWARE = [
    # First: REMOTE_ADDR becomes the client's address when a trusted proxy forwarded the
    # request, before anything (throttles, lock-outs, logs) reads it.
    "config.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Dynamic answers (pages, API, exports) are private: static files, answered by
    # WhiteNoise above, keep their long cache lifetimes.
    "config.middleware.PrivateByDefaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the choice remembered in the language cookie (the header's switch),
    # else the browser's Accept-Language; a signed-in person's own choice wins
    # (accounts.middleware.PreferencesMiddleware, after authentication).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as axes asks: turns a locked-out login into config.throttling.locked_out's 429.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maps.context_processors.workspace_switcher",
                "accounts.context_processors.signup",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'gapmap.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the Celery worker writes a report.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The interface's languages; the catalogues are in locale/ (`make messages` updates them,
# `make install` compiles them).
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "templates" / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js from the installed plotly package, as vendor/plotly.min.js
    "config.staticfiles.PlotlyFinder",
]
# Collected (`collectstatic`), compressed (brotli, gzip) and served under content-hashed
# names, cached for good: in production and under `make run`, which sets this and collects
# first. A bare DEBUG `runserver` serves the source files as they are edited.
STATIC_COLLECTED = env.bool("GAPMAP_STATIC_COLLECTED", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "config.staticfiles.HashedStaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if STATIC_COLLECTED:
    # Only what collectstatic wrote, with its compressed siblings, indexed once at start;
    # pages name the hashed files only, so the plain copies need neither disk nor brotli.
    WHITENOISE_USE_FINDERS = False
    WHITENOISE_AUTOREFRESH = False
    WHITENOISE_KEEP_ONLY_HASHED_FILES = True
    # runserver (`make run`, DEBUG) would answer /static/ from the source folders, which
    # know no hashed names: WhiteNoise answers instead, as in production.
    INSTALLED_APPS.insert(
        INSTALLED_APPS.index("django.contrib.staticfiles"), "whitenoise.runserver_nostatic"
    )

LOGIN_URL = "login"
# Log in by username or by e-mail address (accounts.backends).
# Axes first: a locked-out login is refused before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UsernameOrEmailBackend",
]
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Bodies beyond Django's guarantees are refused early; imports check their own 2 MB limit.
# DATA_UPLOAD_MAX_MEMORY_SIZE bounds every non-file body (forms, JSON: DRF >= 3.17.2 enforces
# it too): a 2.5 MB body answers 413 with the limit named (config.throttling.bad_request).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Uploads above this spill to a temporary file instead of memory (it is not a size limit;
# the import checks its own 2 MB limit before reading).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Gapmap's largest form (the map form) has about ten fields; a note bulk edit posts a few per
# note. 1,000 (Django's default, set explicitly) bounds the parsing work per request.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# The import takes one file per request; a handful leaves room and stops file floods.
DATA_UPLOAD_MAX_NUMBER_FILES = 5

# E-mail (accounts): EMAIL_URL like smtp://user:pass@host:587, smtp+tls://…, smtp+ssl://…;
# `make run` (DEBUG) prints mail in its terminal (console backend). Mail goes out from the
# Celery worker, with retries on SMTP errors (accounts.tasks).
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_smtp_options = {}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _smtp_options = {
        "host": _email["EMAIL_HOST"] or "localhost",
        "port": _email["EMAIL_PORT"] or 25,
        "username": _email["EMAIL_HOST_USER"] or "",
        "password": _email["EMAIL_HOST_PASSWORD"] or "",
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        # A stalled mail server fails the attempt (it is retried) instead of holding a worker.
        "timeout": env.int("GAPMAP_EMAIL_TIMEOUT", default=20),
    }
# Django 6.1's mail configuration (the EMAIL_HOST… settings are deprecated).
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _smtp_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Gapmap <gapmap@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The board import may read a board through Miro's or Mural's API with the person's own
# token (maps.io.boards.remote: api.miro.com and app.mural.co only). Off where the server
# must not reach the internet.
GAPMAP_BOARD_FETCH = env.bool("GAPMAP_BOARD_FETCH", default=True)
# Invitation links expire after this many days (accounts.services.invitations).
GAPMAP_INVITATION_DAYS = env.int("GAPMAP_INVITATION_DAYS", default=7)
# Anyone may create an account and a first workspace at /signup/. Off unless asked for;
# `make run`'s demo turns it on.
GAPMAP_OPEN_SIGNUP = env.bool("GAPMAP_OPEN_SIGNUP", default=False)
# Django's password-reset links expire after this many seconds (Django's default, 3 days).
PASSWORD_RESET_TIMEOUT = env.int("GAPMAP_PASSWORD_RESET_TIMEOUT", default=259_200)

# Login lock-out (django-axes, callables in config.throttling): failed logins per
# username+IP and per IP within the window; further attempts answer 429 without checking
# the password, on the login form, Django admin's login and the API token endpoint.
GAPMAP_LOGIN_MAX_FAILURES = env.int("GAPMAP_LOGIN_MAX_FAILURES", default=5)
GAPMAP_LOGIN_MAX_FAILURES_PER_IP = env.int("GAPMAP_LOGIN_MAX_FAILURES_PER_IP", default=50)
GAPMAP_LOGIN_WINDOW_SECONDS = env.int("GAPMAP_LOGIN_WINDOW_SECONDS", default=900)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = "config.throttling.failure_limit"
AXES_COOLOFF_TIME = timedelta(seconds=GAPMAP_LOGIN_WINDOW_SECONDS)
AXES_CLIENT_IP_CALLABLE = "config.throttling.client_ip"
AXES_USERNAME_CALLABLE = "config.throttling.login_username"
AXES_LOCKOUT_CALLABLE = "config.throttling.locked_out"
# Tries while locked out are not counted: the lock ends a window after the last counted one.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The lock-out needs only the failed attempts; a row per successful login and logout would
# grow without bound (and Django's test client logs in without a client address).
AXES_DISABLE_ACCESS_LOG = True

# The reverse proxies whose X-Forwarded-For is believed (config.proxies): addresses or
# networks, e.g. "127.0.0.1" for nginx on the same host (deploy/nginx.conf). Empty: no
# proxy, the connection's own address is the client's and X-Forwarded-For is ignored.
GAPMAP_TRUSTED_PROXIES = env.list("GAPMAP_TRUSTED_PROXIES", default=[])

# Security: strict by default; `make run` (DEBUG) relaxes only what needs HTTPS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Enforced CSP: scripts only from this origin or carrying the per-request nonce (plotly's
# inline figure calls); nothing from other origins; no plugins, no framing, no form posts
# elsewhere.
PLOTLY_MAPLIBRE_STYLE_HASH = "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='"
EMPTY_TEXT_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # plotly.js appends a fixed <style> (MapLibre's CSS) when it loads, and clears style
    # attributes (style=""): allowed by the hashes of exactly those texts, nothing else
    # inline. A plotly upgrade that changes them shows as a CSP error in tests/e2e.
    "style-src": [CSP.SELF, CSP.NONCE, PLOTLY_MAPLIBRE_STYLE_HASH],
    "style-src-attr": ["'unsafe-hashes'", EMPTY_TEXT_HASH],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "maps.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Best-effort throttles in the shared cache (Redis in production). `auth` is the token
    # endpoint (password guessing); users get a generous budget so the app, the load test
    # and the fuzzing suite never meet it; anonymous callers reach only the schema and docs.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("GAPMAP_AUTH_THROTTLE", default="20/min"),
        "anon": env.str("GAPMAP_ANON_THROTTLE", default="120/min"),
        "user": env.str("GAPMAP_USER_THROTTLE", default="3000/min"),
        # Comparisons one user may start (config.throttling.CompareRateThrottle): a person
        # compares, reads, edits and compares again; a script's burst stops here.
        "compare": env.str("GAPMAP_COMPARE_THROTTLE", default="10/min"),
    },
    # JSON bodies nested deeper than config.parsers.MAX_JSON_DEPTH answer 400, not a 500
    # from the decoder's RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # JSON only: DRF's browsable API draws with inline styles the CSP refuses, and the
    # interactive documentation is /api/docs/ (Swagger UI, CSP-clean).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "maps.api.errors.exception_handler",
    # Throttles key on REMOTE_ADDR only, which config.proxies has already resolved from the
    # trusted proxy's header; DRF's default (None) would believe any X-Forwarded-For.
    "NUM_PROXIES": 0,
    # `?format=csv|json` selects an export file format, not a DRF renderer.
    "URL_FORMAT_OVERRIDE": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Gapmap API",
    "DESCRIPTION": "Paired empathy maps: workspaces, personas, maps, notes, pairs and comparisons.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package, not a CDN: same origin only.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "SegmentEnum": "maps.models.Segment",
        "VerdictEnum": "comparison.models.Verdict",
        # Two models have a `kind` choice: name both, or the schema warns of a collision.
        "MatchKindEnum": "comparison.models.MatchKind",
        "ActionKindEnum": "comparison.models.ActionKind",
    },
}

CACHES = {"default": env.cache_url("GAPMAP_CACHE_URL", default="locmemcache://gapmap")}

# Celery: Redis in production; with no broker configured a real worker still runs
# on kombu's filesystem transport, which needs no server.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = DATA_DIR / "celery-queue"
    _queue_dir.mkdir(exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "control_folder": str(DATA_DIR / "celery-control"),
        # The transport polls its folder; the default 1 s would cap a worker near 1 job/s.
        "polling_interval": 0.1,
    }
else:
    # Longer than the slowest comparison (hard limit below), so Redis never delivers a
    # running task twice; a worker killed mid-job is redelivered after this many seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("GAPMAP_VISIBILITY_TIMEOUT", default=1800),
        # How often a worker looks for such messages to redeliver: one cheap scan a minute
        # (kombu's default is every 100 s, throttled by ten).
        "unacked_restore_interval": env.int("GAPMAP_RESTORE_SWEEP_SECONDS", default=60),
        "unacked_restore_throttle": 1,
    }
# Two queues with their own workers (bin/serve.py; README "Production"): comparisons and
# everything a person waits for on `interactive`, embedding of imported or edited notes on
# `background`, so a big import never delays another workspace's comparison. A worker
# started without -Q consumes both (tests, a one-worker set-up).
CELERY_TASK_QUEUES = (Queue("interactive"), Queue("background"))
CELERY_TASK_DEFAULT_QUEUE = "interactive"
CELERY_TASK_ROUTES = {"comparison.tasks.note_embeddings_refresh_task": {"queue": "background"}}
# Maps of one workspace queued for background embedding at once (comparison.background).
GAPMAP_BACKGROUND_MAX_PER_WORKSPACE = env.int("GAPMAP_BACKGROUND_MAX_PER_WORKSPACE", default=3)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("GAPMAP_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("GAPMAP_TASK_TIME_LIMIT", default=660)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Runs whose worker died and whose message was lost are re-queued or failed.
    "reap-stuck-reports": {
        "task": "comparison.tasks.reports_reap_task",
        "schedule": env.int("GAPMAP_REAP_INTERVAL_SECONDS", default=300),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# A report still queued after this long has probably lost its message (a Redis restart
# without persistence): the reaper sends it again. Longer than a busy queue's usual wait.
GAPMAP_REQUEUE_QUEUED_AFTER = env.int("GAPMAP_REQUEUE_QUEUED_AFTER", default=900)
# A running report without a sign of life (claim or progress write) for the hard time
# limit + the longest retry back-off (60 s) + this many seconds has no worker any more: the
# reaper re-queues or fails it, and a new compare request replaces it
# (comparison.services.runs.run_abandoned_before).
GAPMAP_RUN_ABANDONED_SLACK = env.int("GAPMAP_RUN_ABANDONED_SLACK", default=120)
# A comparison retried for transient database errors backs off from 2 s to at most this
# many seconds, this many times (about 10 minutes in all, comparison.tasks); a failure that
# cannot be written is retried every GAPMAP_FAIL_RETRY_SECONDS.
GAPMAP_RUN_RETRY_MAX_SECONDS = env.int("GAPMAP_RUN_RETRY_MAX_SECONDS", default=60)
GAPMAP_RUN_RETRIES = env.int("GAPMAP_RUN_RETRIES", default=14)
GAPMAP_FAIL_RETRY_SECONDS = env.int("GAPMAP_FAIL_RETRY_SECONDS", default=60)
# What a comparison that names no scorer runs: "auto" = hybrid where the semantic extra
# is installed, else lexical; or one of lexical, semantic, hybrid.
GAPMAP_DEFAULT_SCORER = env.str("GAPMAP_DEFAULT_SCORER", default="auto")
if GAPMAP_DEFAULT_SCORER not in {"auto", "lexical", "semantic", "hybrid"}:
    raise ImproperlyConfigured(
        f"GAPMAP_DEFAULT_SCORER must be auto, lexical, semantic or hybrid, "
        f"not {GAPMAP_DEFAULT_SCORER!r}"
    )
# Embed new and edited note texts in the background as they are written, so semantic and
# hybrid comparisons find their embeddings cached (comparison.embeddings).
GAPMAP_EMBED_ON_CHANGE = env.bool("GAPMAP_EMBED_ON_CHANGE", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("GAPMAP_LOG_LEVEL", default="INFO")},
}

# Share links (comparison.sharing): failed token lookups per client address within the
# window; once used up, /s/<token>/ answers 429 until the window ends. Like the login
# throttle it slows guessing (tokens carry 256 bits; guessing is hopeless anyway) and
# needs the shared cache to hold across workers.
GAPMAP_SHARE_MAX_FAILURES = env.int("GAPMAP_SHARE_MAX_FAILURES", default=30)
GAPMAP_SHARE_WINDOW_SECONDS = env.int("GAPMAP_SHARE_WINDOW_SECONDS", default=600)
