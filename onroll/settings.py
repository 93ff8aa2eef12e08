"""Django settings for Onroll.

Every value that differs between a laptop, CI and production is read from an
environment variable with a safe default, so that a new user runs Onroll on an
SQLite file with no configuration at all. An invalid value (a boolean that is
not true or false, a number that is not a number) stops start-up with
ImproperlyConfigured naming the variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("ONROLL_DEBUG", default=False)
SECRET_KEY = env.str(
    "ONROLL_SECRET_KEY",
    # For development only: `manage.py check --deploy` reports an error while
    # this value is in use (onroll/checks.py).
    default="insecure-development-key-set-ONROLL_SECRET_KEY-in-production",
)
ALLOWED_HOSTS = env.list("ONROLL_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's own form and widget templates, which the TemplatesSetting
    # renderer below looks up through the template engine.
    "django.forms",
    "onroll",
    "access",
    "schools",
    "children",
    "casework",
    "placements",
    "cme",
    "demo",
    "audit",
    "privacy",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "removals",
    "correspondence",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user.is_verified() once a TOTP token has been given.
    "django_otp.middleware.OTPMiddleware",
    # After authentication, because audit entries read request.user.
    "audit.middleware.AuditContextMiddleware",
    "access.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires, so that it sees every sign-in attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "onroll.urls"
WSGI_APPLICATION = "onroll.wsgi.application"

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
            ],
        },
    },
]

# Form fields render with GOV.UK Frontend markup (templates/django/forms/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'onroll.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a concurrent writer (the sweep beside the web server) instead of
    # failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "access.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "placements:worklist"
LOGOUT_REDIRECT_URL = "login"

_PASSWORD_VALIDATION = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_PASSWORD_VALIDATION}.UserAttributeSimilarityValidator"},
    {
        "NAME": f"{_PASSWORD_VALIDATION}.MinimumLengthValidator",
        # The NCSC advises length over complexity rules; 12 characters is
        # the minimum here, which a deployment may raise.
        "OPTIONS": {"min_length": env.int("ONROLL_PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": f"{_PASSWORD_VALIDATION}.CommonPasswordValidator"},
    {"NAME": f"{_PASSWORD_VALIDATION}.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # django-axes first, so that a locked-out account is refused before its
    # password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in throttling (django-axes): after this many failed attempts for one
# username from one address, further attempts are refused for the cool-off.
AXES_FAILURE_LIMIT = env.int("ONROLL_SIGN_IN_ATTEMPTS", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ONROLL_SIGN_IN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# Without this django-axes logs a line at every start and sign-in attempt.
AXES_VERBOSE = False

# A second factor (TOTP, django-otp) for local authority staff. When this is
# true, every LA user must set one up before using Onroll. When it is false,
# staff who set one up are still asked for a code at each sign-in.
ONROLL_REQUIRE_TOTP = env.bool("ONROLL_REQUIRE_TOTP", default=False)
OTP_TOTP_ISSUER = "Onroll"

# Sessions end after this many minutes without a request, and when the
# browser closes.
SESSION_COOKIE_AGE = env.int("ONROLL_SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content security policy (django-csp): pages load scripts, styles, fonts and
# images from this site only, and no inline script or style runs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
    }
}

# One switch for a deployment served over HTTPS: secure cookies, redirects
# to HTTPS and HSTS. Off by default so that the demo and tests run over
# plain HTTP on 127.0.0.1.
ONROLL_PRODUCTION = env.bool("ONROLL_PRODUCTION", default=False)
if ONROLL_PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LANGUAGE_CODE = "en-gb"
# Times are stored in UTC; day boundaries, school days and display use London.
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# GOV.UK Frontend's compiled CSS, JavaScript, fonts and images, copied out of
# node_modules by `make frontend`.
STATICFILES_DIRS = [BASE_DIR / "frontend" / "build"]

EMAIL_BACKEND = env.str(
    "ONROLL_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env.str("ONROLL_EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("ONROLL_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("ONROLL_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("ONROLL_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("ONROLL_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("ONROLL_EMAIL_TIMEOUT", default=30)
EMAIL_FILE_PATH = env.str("ONROLL_EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-mail"))
DEFAULT_FROM_EMAIL = env.str(
    "ONROLL_FROM_EMAIL", default="Onroll admissions <admissions@onroll.invalid>"
)

# Placement-tracking time limits, counted in school days. The 10-day reply is
# the local limit of the Leicestershire action plan, under which schools
# confirm a child on roll within 10 days of the request. The School Admissions
# Code 2021 sets no national limit for it, so every value here is
# configurable.
ONROLL_PLACEMENT_DEADLINES = {
    # Officer: decide and offer within 15 school days of the application
    # (School Admissions Code 2021, in-year section: parents receive the
    # outcome in writing within 15 school days).
    "decision_days": env.int("ONROLL_DECISION_DAYS", default=15),
    # An offered place is held this long before it lapses, so the agreed start
    # must fall within it (Leicestershire in-year admissions guide: places
    # are held for at most 20 school days).
    "offer_held_days": env.int("ONROLL_OFFER_HELD_DAYS", default=20),
    # Officer: send the on-roll request within 2 school days of the offer.
    "request_days": env.int("ONROLL_REQUEST_DAYS", default=2),
    # School: confirm the child on roll within 10 school days of the request.
    "school_reply_days": env.int("ONROLL_SCHOOL_REPLY_DAYS", default=10),
    # Officer: confirm attendance within 10 school days of the starting day.
    "attendance_days": env.int("ONROLL_ATTENDANCE_DAYS", default=10),
    # After a deadline passes: chases, each giving this many more school days,
    # then an escalation with the same grace before a CME referral.
    "chase_days": env.int("ONROLL_CHASE_DAYS", default=5),
    "max_chases": env.int("ONROLL_MAX_CHASES", default=2),
}

# How long Onroll keeps each kind of record, in whole years, before
# `manage.py apply_retention` anonymises the child (privacy/retention.py).
# Every default is an estimate, because authorities' published retention
# schedules differ. Each authority should set its own schedule's values.
ONROLL_RETENTION = {
    # Estimate: the six-year limitation period for claims in tort (Limitation
    # Act 1980 s.2), counted from the day the case closed. A child's own claim
    # can run until six years after they turn 18 (s.28), which this does not
    # cover for a child who was never referred as missing education.
    "placement_years_after_closing": env.int("ONROLL_RETAIN_PLACEMENT_YEARS", 6),
    # Estimate: until the child's 25th birthday, the age to which Lancashire
    # County Council's published retention schedule for access to education
    # keeps admissions data. The same schedule keeps CME investigation
    # records until the child is 31, and longer for a child with an EHC plan
    # or who was looked after.
    "cme_case_years_after_birth": env.int("ONROLL_RETAIN_CME_CASE_YEARS", 25),
    # Estimate: a child registered but never given a case, counted from the
    # day the record was created, kept as long as a closed placement.
    "child_without_cases_years_after_creation": env.int(
        "ONROLL_RETAIN_CHILD_WITHOUT_CASES_YEARS", 6
    ),
}
# Calendar days a school's CSV file of removal notices keeps its rows after
# upload if the school never confirms it (privacy.retention), because the
# rows name pupils and parents. The default is a local choice, not a
# statutory period.
ONROLL_RETAIN_UNCONFIRMED_UPLOAD_DAYS = env.int(
    "ONROLL_RETAIN_UNCONFIRMED_UPLOAD_DAYS", default=30
)
if ONROLL_RETAIN_UNCONFIRMED_UPLOAD_DAYS < 1:
    raise ImproperlyConfigured(
        "ONROLL_RETAIN_UNCONFIRMED_UPLOAD_DAYS is "
        f"{ONROLL_RETAIN_UNCONFIRMED_UPLOAD_DAYS}, but an upload must keep its "
        "rows for at least one day so the school can confirm it. Set it to 1 or "
        "more."
    )
# The address of this Onroll site as schools reach it, used to build the
# absolute links in emails.
ONROLL_BASE_URL = env.str("ONROLL_BASE_URL", default="http://127.0.0.1:8000")
# Calendar days a signed reply link in a school's email works for
# (placements.links).
ONROLL_SCHOOL_LINK_DAYS = env.int("ONROLL_SCHOOL_LINK_DAYS", default=20)
if ONROLL_SCHOOL_LINK_DAYS < 1:
    raise ImproperlyConfigured(
        f"ONROLL_SCHOOL_LINK_DAYS is {ONROLL_SCHOOL_LINK_DAYS}, but a link must "
        "work for at least one day. Set it to 1 or more."
    )
if not ONROLL_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"ONROLL_BASE_URL is {ONROLL_BASE_URL!r}, which is not a web address. "
        "Set it to the site's address, for example https://onroll.example.gov.uk."
    )

# How many cases the deadline sweep claims per database round trip.
ONROLL_SWEEP_BATCH_SIZE = env.int("ONROLL_SWEEP_BATCH_SIZE", default=200)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("ONROLL_LOG_LEVEL", "INFO")},
}

# Aggregate counts below this are written as "fewer than N" to users outside
# the authority the count is about (access.policy.shown_count).
ONROLL_SUPPRESSION_THRESHOLD = env.int("ONROLL_SUPPRESSION_THRESHOLD", default=5)

# Removals from roll (removals app), in school days unless named otherwise.
ONROLL_REMOVALS = {
    # The destination school confirms the child on roll within this many
    # school days of the deletion, or the sweep opens a CME case. A local
    # limit, like ONROLL_SCHOOL_REPLY_DAYS.
    "arrival_days": env.int("ONROLL_REMOVAL_ARRIVAL_DAYS", default=10),
    # Calendar days ahead a planned deletion may be notified. A local limit
    # against mistyped years, not a rule of SI 2024/208.
    "max_days_ahead": env.int("ONROLL_REMOVAL_MAX_DAYS_AHEAD", default=60),
    # Ground H: school days after a leave of absence ends without the pupil
    # returning (SI 2006/1751 reg 8; unconfirmed for SI 2024/208).
    "leave_not_returned_days": env.int("ONROLL_REMOVAL_LEAVE_DAYS", default=10),
    # Ground I: continuous school days of absence (SI 2024/208 reg 9(1)(i)).
    "continuous_absence_days": env.int("ONROLL_REMOVAL_ABSENCE_DAYS", default=20),
    # Ground J: shortest sentence of detention, in months (SI 2006/1751
    # reg 8; unconfirmed for SI 2024/208).
    "detention_min_months": env.int("ONROLL_REMOVAL_DETENTION_MONTHS", default=4),
    # Reply deadline each challenge letter gives the school.
    "informal_reply_days": env.int("ONROLL_CHALLENGE_INFORMAL_DAYS", default=5),
    "formal_reply_days": env.int("ONROLL_CHALLENGE_FORMAL_DAYS", default=10),
    "escalation_reply_days": env.int("ONROLL_CHALLENGE_ESCALATION_DAYS", default=15),
}
# The Department for Education address for escalating a removal challenge
# about an academy after its trust. It is empty until the authority sets it,
# and until then that escalation fails with a message naming this setting.
ONROLL_DFE_EMAIL = env.str("ONROLL_DFE_EMAIL", default="")
# Children missing education: school days between reviews of a case, and
# the shorter interval for a high-priority case (cme.deadlines). The CME
# statutory guidance (September 2025) sets no interval, so both are local.
ONROLL_CME_REVIEW_DAYS = env.int("ONROLL_CME_REVIEW_DAYS", default=20)
ONROLL_CME_HIGH_RISK_REVIEW_DAYS = env.int(
    "ONROLL_CME_HIGH_RISK_REVIEW_DAYS", default=5
)
# School days without education after which a child waiting for a place is
# listed on the exception report (cme.exceptions).
ONROLL_CME_WAITING_LIMIT_DAYS = env.int("ONROLL_CME_WAITING_LIMIT_DAYS", default=20)
# Correspondence: the outbox and where it sends (correspondence.backends).
# "django" sends through EMAIL_BACKEND; "notify" through GOV.UK Notify.
ONROLL_EMAIL_SERVICE = env.str("ONROLL_EMAIL_SERVICE", default="django")
if ONROLL_EMAIL_SERVICE not in {"django", "notify"}:
    raise ImproperlyConfigured(
        f"ONROLL_EMAIL_SERVICE is {ONROLL_EMAIL_SERVICE!r}. Use django (SMTP or "
        "the file backend, by EMAIL_BACKEND) or notify (GOV.UK Notify)."
    )
ONROLL_NOTIFY_API_KEY = env.str("ONROLL_NOTIFY_API_KEY", default="")
ONROLL_NOTIFY_BASE_URL = env.str(
    "ONROLL_NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk"
)
ONROLL_NOTIFY_TEMPLATE_ID = env.str("ONROLL_NOTIFY_TEMPLATE_ID", default="")
# Outside production only these addresses and @domains are emailed
# (correspondence.allowlist); empty means none.
ONROLL_EMAIL_ALLOW_LIST = env.list("ONROLL_EMAIL_ALLOW_LIST", default=[])
ONROLL_OUTBOX = {
    # Tries of one message before it is recorded as not delivered.
    "max_attempts": env.int("ONROLL_OUTBOX_MAX_ATTEMPTS", default=6),
    # The first wait after a temporary failure, doubled after each try.
    "retry_seconds": env.int("ONROLL_OUTBOX_RETRY_SECONDS", default=60),
    # Seconds a worker keeps a claimed message before another may take it over.
    "lease_seconds": env.int("ONROLL_OUTBOX_LEASE_SECONDS", default=300),
    "batch_size": env.int("ONROLL_OUTBOX_BATCH_SIZE", default=50),
    # The wait between rounds of `send_outbox` without --once.
    "poll_seconds": env.int("ONROLL_OUTBOX_POLL_SECONDS", default=10),
}
if ONROLL_OUTBOX["lease_seconds"] <= EMAIL_TIMEOUT:
    # A send still waiting on the mail server when its lease ran out would be
    # taken over by another worker and sent twice.
    raise ImproperlyConfigured(
        f"ONROLL_OUTBOX_LEASE_SECONDS is {ONROLL_OUTBOX['lease_seconds']}, but it "
        f"must be longer than ONROLL_EMAIL_TIMEOUT ({EMAIL_TIMEOUT} seconds). "
        "Raise the lease or lower the timeout."
    )
