"""Settings for jiaoyuban. Everything that differs between machines comes from the environment.

DATABASE_URL   default: SQLite under var/ (the demo). PostgreSQL: postgres://user@host:5432/name
SECRET_KEY     required unless JYB_DEMO=1; production never falls back to a demo secret.
DEBUG          "1" to turn on Django's debug pages (never in production).
ALLOWED_HOSTS  comma-separated.
JYB_DEMO       "1" for `make demo`: a secret is generated once under var/ and demo accounts may exist.
JYB_CLI        set by manage.py: without SECRET_KEY a command gets a throwaway random key (see _secret_key).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JYB_VAR_DIR", BASE_DIR / "var"))


def private_dir(path: Path) -> Path:
    """`path`, created readable by this user only (0700): var/ holds the database, keys and uploads. One left
    readable to others by an earlier, looser start is tightened when it is ours."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if info.st_mode & 0o077 and info.st_uid == os.getuid():
        path.chmod(0o700)
    return path


private_dir(VAR_DIR)


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEMO = env_flag("JYB_DEMO")
TESTING = env_flag("JYB_TESTING")
DEBUG = env_flag("DEBUG")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not (DEMO or TESTING):
        if env_flag("JYB_CLI"):
            # manage.py in a checkout (makemigrations, check, stats …): a throwaway random key, never stored,
            # so nothing signed with it outlives the command. The web server (wsgi) never takes this path.
            return secrets.token_urlsafe(50)
        raise ImproperlyConfigured("SECRET_KEY 未设置：生产环境必须通过环境变量提供 SECRET_KEY。")
    # Demo and tests only: a random key kept under var/ so sessions survive a restart.
    key_file = VAR_DIR / "demo-secret-key"
    try:  # created 0600: only this user reads it
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, under the project's own overrides (FORM_RENDERER)
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "treebeard",
    "ninja",  # serves its bundled swagger-ui (no CDN on the intranet)
    "core",
    "accounts",
    "orgs",
    "administration",  # the three administrators' pages (三员分立): accounts, system status, audit log
    "campaigns",
    "measures",
    "problems",
    "supervision",
    "office",
    "assessment",
    "api",
    "demo",  # the demo city and scale data on top of every app (manage.py demo, gendata)
    "jiaoyuban",  # the project itself: the daily job (jiaoyuban.daily) and manage.py remind
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",  # idle and absolute session limits (JYB_IDLE_MINUTES)
    "accounts.middleware.PasswordChangeRequiredMiddleware",  # a reset or expired password: the change page first
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",  # CONTENT_SECURITY_POLICY below
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.AuditContextMiddleware",
    "core.middleware.MethodNotAllowedPageMiddleware",  # a Chinese page, not a blank one, for a page's 405
]

ROOT_URLCONF = "jiaoyuban.urls"
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
                "accounts.context_processors.capabilities",
            ],
            "builtins": ["core.templatetags.cn"],
        },
    }
]
# Widgets render through TEMPLATES, so templates/django/forms/ overrides Django's (radio and checkbox groups).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "jiaoyuban.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'jiaoyuban.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while an import writes; IMMEDIATE avoids lock upgrades failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-64000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.ChineseMinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.NoPersonalInfoValidator"},
    {"NAME": "accounts.validators.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
if TESTING:
    # Tests create many users; the production hasher would spend seconds on each.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
# JYB_HTTPS=1 in production: served over HTTPS only (TLS ends at the nginx in front, which must set
# X-Forwarded-Proto): secure cookies, plain HTTP redirected, HSTS. `manage.py check --deploy` then has no warnings.
HTTPS = env_flag("JYB_HTTPS")
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("JYB_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = HTTPS or env_flag("SESSION_COOKIE_SECURE", not (DEBUG or DEMO or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "core.views.csrf_failure"  # a Chinese 403 page with a way back
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): every script, stylesheet, font and image from this server, no inline script
# or style (behaviour lives in static/js, styles in static files; tests/browser/test_csp.py visits every page under
# it). data: images are Bootstrap's own icons in its CSS. The self-contained 500 page adds its <style>'s hash.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Failed logins before an account is locked, and for how long (minutes).
JYB_LOGIN_MAX_FAILURES = int(os.environ.get("JYB_LOGIN_MAX_FAILURES", "5"))
JYB_LOGIN_LOCK_MINUTES = int(os.environ.get("JYB_LOGIN_LOCK_MINUTES", "15"))
# Failed logins one address may make in JYB_LOGIN_LOCK_MINUTES before it is refused (accounts.services.user_login).
JYB_LOGIN_ADDRESS_MAX_FAILURES = int(os.environ.get("JYB_LOGIN_ADDRESS_MAX_FAILURES", "20"))
# A session ends after this many minutes without a request, and SESSION_COOKIE_AGE after the login whatever happens.
JYB_IDLE_MINUTES = int(os.environ.get("JYB_IDLE_MINUTES", "30"))
# A password must be changed this many days after it was set (0: never expires).
JYB_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("JYB_PASSWORD_MAX_AGE_DAYS", "90"))
# Hours an API token stays valid after it is issued (logout, a password change or reset and deactivation revoke
# it earlier: accounts.services.api_tokens_revoke).
JYB_API_TOKEN_HOURS = float(os.environ.get("JYB_API_TOKEN_HOURS", "8"))
# Reverse proxies whose X-Real-IP header is believed (the nginx in front of gunicorn), comma-separated.
JYB_TRUSTED_PROXIES = frozenset(p.strip() for p in os.environ.get("JYB_TRUSTED_PROXIES", "").split(",") if p.strip())
# The audit chain's HMAC-SM3 key (core.keys): a file outside the database. Required in production; demo and tests
# create var/audit.key (0600) on first use.
JYB_AUDIT_KEY_FILE = os.environ.get("JYB_AUDIT_KEY_FILE", "")
# Largest upload accepted by imports, in MiB.
JYB_IMPORT_MAX_MB = int(os.environ.get("JYB_IMPORT_MAX_MB", "50"))
# The address at which the masses reach the public feedback pages (/f/…), when it is not the intranet address
# people use (e.g. https://pingjia.example.gov.cn). Empty: links and QR codes use the request's own host.
JYB_PUBLIC_URL = os.environ.get("JYB_PUBLIC_URL", "").rstrip("/")
# 发文机关代字 of the office's documents (feedback letters: 代字〔2023〕1号).
JYB_LETTER_ABBR = os.environ.get("JYB_LETTER_ABBR", "教育办督")
# Roles a deployment adds beside the built-in ones (accounts.permissions.TABLE), each one row of capabilities:
# {"inspector": {"label": "巡查员", "capabilities": ["read_data"], "at_root": [], "home": "problems:ledger"}}.
JYB_EXTRA_ROLES: dict[str, dict] = {}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns when it is missing; files come from the finders
MEDIA_ROOT = private_dir(VAR_DIR / "media")
# Uploaded files and the folders Django makes for them: this user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
WHITENOISE_USE_FINDERS = True

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING or env_flag("JYB_TASKS_IMMEDIATE")
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
