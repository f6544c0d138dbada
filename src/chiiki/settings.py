"""chiiki settings: one module, configured by environment variables.

CHIIKI_HOME          the folder whose var/ holds the data (default: the current folder)
CHIIKI_DATABASE_URL  sqlite:///path or postgres://user:pass@host:port/name (default: var/chiiki.sqlite3)
CHIIKI_SECRET_KEY    default: var/secret_key, made (mode 0600) on first use
CHIIKI_DEBUG         true/false (default false)
CHIIKI_ALLOWED_HOSTS comma-separated (default 127.0.0.1,localhost)
CHIIKI_BEHIND_PROXY  true behind a proxy that sets X-Forwarded-Proto (default false)
CHIIKI_HSTS_SECONDS  Strict-Transport-Security max-age (default one year outside DEBUG, 0 = off)
CHIIKI_UPLOAD_MAX_BYTES, CHIIKI_UPLOAD_MAX_ROWS, CHIIKI_UPLOAD_MAX_COLUMNS,
CHIIKI_UPLOAD_MAX_XLSX_EXPANDED_BYTES   limits of one uploaded or imported file
CHIIKI_IMPORT_INLINE_BYTES   files up to this size import in the request, larger ones as a task
CHIIKI_IMPORT_PREVIEW_HOURS  how long a previewed upload waits to be committed (24)
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("CHIIKI_HOME", Path.cwd()))
VAR_DIR = PROJECT_DIR / "var"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


DEBUG = env_bool("CHIIKI_DEBUG", False)
TESTING = env_bool("CHIIKI_TESTING", "pytest" in sys.modules)


def secret_key_from_file(path: Path) -> str:
    """The key kept in ``var/secret_key``, made (mode 0600) on first use.

    A file that others could read is refused rather than trusted: whoever reads the key can
    forge sessions. Creation is exclusive, so two processes starting at once agree on one key.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(50) + "\n")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ImproperlyConfigured(
            f"秘密鍵ファイル {path} は他のユーザーも読める権限（{mode:04o}）になっています。"
            f"`chmod 600 {path}` を実行してください"
        )
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise ImproperlyConfigured(
            f"秘密鍵ファイル {path} が空です。削除すると次の起動時に作り直されます"
        )
    return key


# An explicit CHIIKI_SECRET_KEY wins; otherwise the key file under var/ (made on first use).
SECRET_KEY = os.environ.get("CHIIKI_SECRET_KEY", "")
if not SECRET_KEY:
    if TESTING:
        SECRET_KEY = "insecure-test-key-do-not-use-in-production"
    else:
        SECRET_KEY = secret_key_from_file(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("CHIIKI_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CHIIKI_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "chiiki.web.admin_site.OperatorAdminConfig",  # django.contrib.admin, for the operator only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "ninja",
    "template_partials",
    "axes",
    "chiiki.core",
    "chiiki.accounts",
    "chiiki.areas",
    "chiiki.people",
    "chiiki.surveys",
    "chiiki.resources",
    "chiiki.mutualaid",
    "chiiki.councils",
    "chiiki.casemeetings",
    "chiiki.indicators",
    "chiiki.prefecture",
    "chiiki.imports",
    "chiiki.scheduler",
    "chiiki.web",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "chiiki.web.middleware.ShellMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chiiki.urls"
WSGI_APPLICATION = "chiiki.wsgi.application"

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
                "chiiki.web.context_processors.navigation",
            ],
        },
    }
]

# Database: SQLite in WAL mode by default; PostgreSQL from CHIIKI_DATABASE_URL.
_default_sqlite = VAR_DIR / "chiiki.sqlite3"
DATABASE_URL = os.environ.get("CHIIKI_DATABASE_URL", f"sqlite:///{_default_sqlite}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CHIIKI_CONN_MAX_AGE", 0))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # WAL lets readers continue while the demo builder or an import writes.
        # A checkpoint copies the WAL back into the database in whichever request commits
        # past the limit; every list read writes an audit event and a row per resident
        # shown (some 60 pages), so at the default 1,000 pages one read in 15 paid for it.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA wal_autocheckpoint=4000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    if _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    # Hashing with PBKDF2 costs ~0.3 s a user; tests make hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures lock the user name from that address for 30 minutes.
AXES_FAILURE_LIMIT = env_int("CHIIKI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_ENABLED = env_bool("CHIIKI_AXES_ENABLED", True)

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start otherwise
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "chiiki.core.staticfinders.PlotlyFinder",  # plotly.min.js from its wheel, once
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "chiiki.web.staticfiles.ManifestStaticStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Cookies are secure outside DEBUG; a municipal deployment sits behind HTTPS.
SECURE_COOKIES = env_bool("CHIIKI_SECURE_COOKIES", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("CHIIKI_SESSION_SECONDS", 8 * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind nginx (deploy/nginx/chiiki.conf), which sets X-Forwarded-Proto itself: the request
# is secure when the browser's was, so CSRF's origin check and secure cookies hold over TLS.
BEHIND_PROXY = env_bool("CHIIKI_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# If SECURE_SSL_REDIRECT is turned on, the health check stays reachable over loopback HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# HSTS outside DEBUG: a browser that has seen the site over HTTPS never falls back to HTTP.
# CHIIKI_HSTS_SECONDS=0 turns it off (a first deployment may start with a short value).
SECURE_HSTS_SECONDS = env_int("CHIIKI_HSTS_SECONDS", 0 if DEBUG or TESTING else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CHIIKI_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = False  # LGWAN hosts are not on the public preload list

# Content-Security-Policy: everything from this server, nothing inline, nothing evaluated.
# Pages embed data with json_script and static scripts read it (chiiki/charts.js,
# chiiki/behaviour.js); htmx runs without eval and without its inline indicator style
# (the htmx-config meta tag in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# What the pages drawn with Plotly (4.x, from its wheel) add, and nothing more: it needs no
# eval, but it styles its SVG with style attributes, draws heat maps as data: images, and
# creates two <style> elements — an empty one it fills through the CSSOM, and MapLibre's
# stylesheet — allowed by the hashes of their exact text. (After an upgrade of plotly, the
# browser test names a changed hash; Chromium's console prints the new one.)
CHIIKI_CSP_CHARTS = {
    "style-src-elem": [
        SELF,
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # "" (plotly.js-style-global)
        "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='",  # maplibre-gl.css
    ],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["data:"],
}
# No page needs the camera, the microphone, the position or a payment: deny them all.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CHIIKI_LOG_LEVEL", "WARNING")},
}

CHIIKI_PAGE_SIZE = 50

# Uploads and imports. The largest file the project plans for is a national needs survey:
# its benchmark reads 1,000,000 respondents, 74 MB as UTF-8 CSV (69 MB in cp932). The
# defaults leave room for that file with three times its columns (256 MB) or twice its
# rows (2,000,000, which also holds Excel's whole sheet of 1,048,576 rows). An XLSX is
# refused when its zip members would expand past 1 GB: the XML of a full Excel sheet of
# that survey (1,048,576 rows × 30 columns) is about 0.8 GB, and a zip bomb declares far more.
CHIIKI_UPLOAD_MAX_BYTES = env_int("CHIIKI_UPLOAD_MAX_BYTES", 256 * 1024 * 1024)
CHIIKI_UPLOAD_MAX_ROWS = env_int("CHIIKI_UPLOAD_MAX_ROWS", 2_000_000)
CHIIKI_UPLOAD_MAX_COLUMNS = env_int("CHIIKI_UPLOAD_MAX_COLUMNS", 1_000)
CHIIKI_UPLOAD_MAX_XLSX_EXPANDED_BYTES = env_int(
    "CHIIKI_UPLOAD_MAX_XLSX_EXPANDED_BYTES", 1024 * 1024 * 1024
)
# Up to this much work (the file's bytes; an XLSX's expanded bytes, since 437 KB of XLSX
# can hold 500,000 rows) an import runs in the request; a larger one runs as a task in
# `chiiki db_worker`, and the page shows its progress.
CHIIKI_IMPORT_INLINE_BYTES = env_int("CHIIKI_IMPORT_INLINE_BYTES", 1024 * 1024)
CHIIKI_IMPORT_PREVIEW_HOURS = env_int("CHIIKI_IMPORT_PREVIEW_HOURS", 24)
# Where an upload waits for its import (removed when the import ends).
CHIIKI_IMPORT_DIR = VAR_DIR / "imports"
# Django keeps an upload in memory up to this size and streams a larger one to a file
# under var/ (not the system's temporary directory, which may be small), so a 256 MB upload costs disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024
FILE_UPLOAD_TEMP_DIR = VAR_DIR / "uploads"
FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o600
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# Background work: Django's Tasks API (the django-tasks backport, built in from Django 6)
# with its database backend; `chiiki db_worker` runs the queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
