"""Settings for the app: the only module that reads environment variables."""

from __future__ import annotations

import os
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


@dataclass(frozen=True)
class Environment:
    """What the process was started with, read once."""

    instance: Path
    database_url: str | None
    port: int
    in_ci: bool
    test_postgres_url: str

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
        "ASSET_DIR": instance / "assets",
        "PORT": env.port,
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        "MAX_UPLOAD_PIXELS": 40_000_000,
        # Smallest text a message may need on a screen, as a share of its height (approval check).
        "SLIDE_MIN_TEXT_SHARE": 0.025,
        "WORDS_PER_MINUTE": 200,
        "PLAYER_POLL_SECONDS": 30,
        # Warm polls answered in front of Flask from prebuilt bytes (web/player/fastpath.py).
        "PLAYER_FAST_PATH": True,
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
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
        "LOGIN_WINDOW_SECONDS": 15 * 60,
    }
    if "SECRET_KEY" not in overrides:
        config["SECRET_KEY"] = _secret_key(instance)
    config.update(overrides)
    return config
