"""Settings for the app: the only module that reads environment variables."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


def _secret_key(instance: Path) -> str:
    """The secret from the environment, else one made once and kept in the instance folder."""
    if key := os.environ.get("CAMPAIGN_SECRET_KEY"):
        return key
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


# S3's rule for bucket names: 3 to 63 lowercase letters, digits, dots and hyphens.
_BUCKET = re.compile(r"\A[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\Z")


def picture_bucket(value: str) -> tuple[str, str] | None:
    """(bucket, prefix) of a PICTURE_STORAGE value; None when empty (pictures in ASSET_DIR).

    Raises ValueError for anything but empty or `s3://bucket[/prefix]`.
    """
    if not value:
        return None
    rest = value.removeprefix("s3://")
    bucket, _, prefix = rest.partition("/")
    if rest == value or not _BUCKET.match(bucket) or "//" in rest or any(c in rest for c in "?#\\"):
        raise ValueError(
            f"PICTURE_STORAGE (CAMPAIGN_PICTURE_STORAGE) is {value!r}: leave it empty to keep "
            "pictures in ASSET_DIR, or give a bucket as s3://bucket or s3://bucket/prefix."
        )
    return bucket, prefix.strip("/")


@dataclass(frozen=True)
class Environment:
    """What the process was started with, read once."""

    instance: Path
    database_url: str | None
    port: int
    in_ci: bool
    test_postgres_url: str
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    mail_from: str
    mail_to: str
    picture_storage: str
    s3_endpoint_url: str
    picture_cache_dir: str

    @classmethod
    def read(cls) -> Environment:
        instance = Path(os.environ.get("CAMPAIGN_INSTANCE", DEFAULT_INSTANCE))
        return cls(
            instance=instance,
            database_url=os.environ.get("DATABASE_URL"),
            port=int(os.environ.get("PORT", "5000")),
            in_ci=os.environ.get("CI", "").lower() in {"1", "true", "yes"},
            test_postgres_url=os.environ.get(
                "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
            ),
            smtp_host=os.environ.get("CAMPAIGN_SMTP_HOST", ""),
            smtp_port=int(os.environ.get("CAMPAIGN_SMTP_PORT", "587")),
            smtp_user=os.environ.get("CAMPAIGN_SMTP_USER", ""),
            smtp_password=os.environ.get("CAMPAIGN_SMTP_PASSWORD", ""),
            mail_from=os.environ.get("CAMPAIGN_MAIL_FROM", ""),
            mail_to=os.environ.get("CAMPAIGN_MAIL_TO", ""),
            picture_storage=os.environ.get("CAMPAIGN_PICTURE_STORAGE", "").strip(),
            s3_endpoint_url=os.environ.get("CAMPAIGN_S3_ENDPOINT_URL", "").strip(),
            picture_cache_dir=os.environ.get("CAMPAIGN_PICTURE_CACHE_DIR", "").strip(),
        )


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The app's configuration: defaults, then the environment, then explicit overrides."""
    env = Environment.read()
    overrides = dict(overrides or {})
    instance = Path(overrides.pop("INSTANCE_PATH", env.instance))
    database_url = env.database_url or f"sqlite:///{instance / 'campaign.db'}"
    config: dict[str, Any] = {
        "INSTANCE_PATH": instance,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # True in the server and the scheduler: a missing SQLite file is an error there, never
        # a new empty database (migrations and tests create theirs; engine.py opens it mode=rw).
        "DATABASE_MUST_EXIST": False,
        "ASSET_DIR": instance / "assets",
        # Where pictures (slides, posters and their renditions) are kept. Empty, the default:
        # the directory ASSET_DIR (which may be a shared mount, e.g. NFS, for several nodes).
        # "s3://bucket/optional/prefix": an S3-compatible bucket (needs the `s3` extra); each
        # node then serves them from its own PICTURE_CACHE_DIR (empty: ASSET_DIR), fetching a
        # missing one from the bucket. Credentials and region: boto3's own environment
        # variables and files (AWS_ACCESS_KEY_ID, AWS_DEFAULT_REGION, ~/.aws/...), never here.
        "PICTURE_STORAGE": env.picture_storage,
        "PICTURE_CACHE_DIR": env.picture_cache_dir,
        # The S3-compatible service's address (MinIO, Ceph...); empty: AWS itself.
        "S3_ENDPOINT_URL": env.s3_endpoint_url,
        # Published playlists (services/publishing.py): each screen's poll answer written as a
        # file under PUBLISH_DIR (empty: off) for nginx or a CDN to serve at PUBLISH_URL, and
        # rewritten by the scheduler every PUBLISH_INTERVAL_S when content or validity moved.
        "PUBLISH_DIR": os.environ.get("CAMPAIGN_PUBLISH_DIR", ""),
        "PUBLISH_URL": os.environ.get("CAMPAIGN_PUBLISH_URL", "/published"),
        "PUBLISH_INTERVAL_S": float(os.environ.get("CAMPAIGN_PUBLISH_INTERVAL_S", "2")),
        "PORT": env.port,
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        "MAX_UPLOAD_PIXELS": 40_000_000,
        # Smallest text a message may need on a screen, as a share of its height (approval check).
        "SLIDE_MIN_TEXT_SHARE": 0.025,
        "WORDS_PER_MINUTE": 200,
        "PLAYER_POLL_SECONDS": 30,
        # Warm polls answered in front of Flask from prebuilt bytes (web/player/fastpath.py).
        "PLAYER_FAST_PATH": True,
        # Each screen's last good poll answer, one file per token hash, served while the
        # database is unusable (services/last_good_answers.py).
        "PLAYER_LAST_GOOD_DIR": Path(
            os.environ.get("CAMPAIGN_LAST_GOOD_DIR") or instance / "last-good"
        ),
        "RENDITION_INTERVAL_S": 300,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # A form's CSRF token lasts as long as the session: an editor left open for an hour
        # must still save (the session cookie's own lifetime bounds it).
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "es",
        "BABEL_SUPPORTED_LOCALES": ["es", "en"],
        "JSON_SORT_KEYS": False,
        # Management API: JSON bodies are small; uploads have their own, larger limit.
        "API_MAX_BODY_BYTES": 256 * 1024,
        # Wrong passwords per (address, e-mail) pair, stacked Flask-Limiter limits: each spent
        # one makes the pair wait until it resets (services/auth.py, services/failure_throttle.py).
        "LOGIN_THROTTLE": "5 per minute; 10 per 15 minutes; 20 per hour; 40 per day",
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted
        # (werkzeug's ProxyFix). 0, the default: none, those headers are ignored. Set it to the
        # number of proxies (usually 1) only if each one sets those headers itself; over HTTPS
        # (directly or as the proxy says) cookies are `__Host-` and Secure, and HSTS is sent.
        "PROXY_HOPS": int(os.environ.get("CAMPAIGN_PROXY_HOPS", "0")),
        # The scheduler (`campaign scheduler`): one at a time, on a lock; a waiting one tries
        # again this often, so it takes over within a minute of the first one dying.
        "SCHEDULER_LOCK_RETRY_S": float(os.environ.get("CAMPAIGN_SCHEDULER_LOCK_RETRY_S", 15)),
        # A run missed while no scheduler was up is made once, if it is not older than this.
        "SCHEDULER_MISFIRE_GRACE_S": 6 * 3600,
        # Nightly jobs run at this local hour, in this timezone (the campaign's home).
        "SCHEDULER_TIMEZONE": "America/Lima",
        "NIGHTLY_HOUR": 3,
        "BACKUP_DIR": instance / "backups",
        "BACKUPS_KEPT": 7,
        # Reminders: days before a phase ends (next phase unfunded), and before a booking ends.
        "REMINDER_DAYS": (30, 14, 7),
        "BOOKING_REMINDER_DAYS": 7,
        # E-mail for reminders; with no SMTP host they are written to the log instead.
        "SMTP_HOST": env.smtp_host,
        "SMTP_PORT": env.smtp_port,
        "SMTP_USER": env.smtp_user,
        "SMTP_PASSWORD": env.smtp_password,
        "MAIL_FROM": env.mail_from or "campaign@localhost",
        # Comma-separated; empty: the campaign's managers and administrators with an e-mail.
        "MAIL_TO": env.mail_to,
        # Rate limits (Flask-Limiter): in this process's memory, or e.g. "redis://127.0.0.1:6379".
        "RATELIMIT_STORAGE_URI": os.environ.get("CAMPAIGN_RATELIMIT_STORAGE", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Proof of play: batches a screen may send (a real player sends about one a minute, and
        # a backlog after an outage at most this fast); its clock may be off by the skew; two
        # plays of one screen may overlap by at most a transition (a cross-fade).
        "PLAYS_RATE_LIMIT": "60 per minute",
        "PLAY_CLOCK_SKEW_S": 120,
        "PLAY_TRANSITION_S": 1.5,
        # Pairing a new player by a short code: how long a code lasts, how many may wait at once
        # (which bounds the odds of guessing one), new codes per address and wrong codes per
        # manager.
        "PAIRING_CODE_MINUTES": 10,
        "PAIRING_MAX_PENDING": 1000,
        "PAIRING_RATE_LIMIT": "10 per minute",
        "PAIRING_ATTEMPT_LIMIT": "10 per minute",
        # Partner preview links: how long a new one lasts, and the longest a manager may choose.
        "PREVIEW_LINK_DAYS": 30,
        "PREVIEW_LINK_MAX_DAYS": 180,
        # The longest range of days one report covers (longer is refused with a clear error).
        "REPORT_MAX_DAYS": 400,
    }
    if "SECRET_KEY" not in overrides:
        config["SECRET_KEY"] = _secret_key(instance)
    config.update(overrides)
    picture_bucket(config["PICTURE_STORAGE"])  # a bad value stops the app here, not at a poll
    return config
