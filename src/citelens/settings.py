"""Run settings from the environment (and command-line overrides): endpoints, identity, limits, cache."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from . import config
from .errors import InputError
from .fetch import RateLimit


def _float_env(name: str) -> float | None:
    value = os.environ.get(name)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"{name}={value!r} is not a number") from None
    if number <= 0:
        raise InputError(f"{name} must be positive, not {value}")
    return number


def default_cache_dir() -> Path:
    """The checkout's cache/ when run from a checkout, else the user cache directory."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").exists() and (checkout / "cache").is_dir():
        return checkout / "cache"
    return Path(platformdirs.user_cache_dir("citelens"))


@dataclass
class Settings:
    crossref_url: str = config.DEFAULT_CROSSREF_URL
    eutils_url: str = config.DEFAULT_EUTILS_URL
    mailto: str | None = None
    ncbi_api_key: str | None = None
    crossref_plus_token: str | None = None
    crossref_rps: float | None = None
    eutils_rps: float | None = None
    cache_dir: Path | None = None
    offline: bool = False
    refresh: bool = False
    jobs: int = 6
    backoff_base: float = config.BACKOFF_BASE_S
    http_timeout: float = config.HTTP_TIMEOUT_S

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        settings = cls(
            crossref_url=env.get(config.ENV_CROSSREF_URL) or config.DEFAULT_CROSSREF_URL,
            eutils_url=env.get(config.ENV_EUTILS_URL) or config.DEFAULT_EUTILS_URL,
            mailto=env.get(config.ENV_MAILTO) or None,
            ncbi_api_key=env.get(config.ENV_NCBI_API_KEY) or None,
            crossref_plus_token=env.get(config.ENV_CROSSREF_PLUS_TOKEN) or None,
            crossref_rps=_float_env(config.ENV_CROSSREF_RPS),
            eutils_rps=_float_env(config.ENV_EUTILS_RPS),
            cache_dir=Path(env[config.ENV_CACHE_DIR]) if env.get(config.ENV_CACHE_DIR) else None,
            backoff_base=_float_env(config.ENV_BACKOFF_BASE) or config.BACKOFF_BASE_S,
            http_timeout=_float_env(config.ENV_HTTP_TIMEOUT) or config.HTTP_TIMEOUT_S,
        )
        for key, value in overrides.items():
            if value is not None:
                setattr(settings, key, value)
        if settings.cache_dir is None:
            settings.cache_dir = default_cache_dir()
        return settings

    def limits(self) -> dict[str, RateLimit]:
        polite = bool(self.mailto) or bool(self.crossref_plus_token)
        single = config.CROSSREF_SINGLE_POLITE if polite else config.CROSSREF_SINGLE_PUBLIC
        listing = config.CROSSREF_LIST_POLITE if polite else config.CROSSREF_LIST_PUBLIC
        eutils = config.EUTILS_WITH_KEY if self.ncbi_api_key else config.EUTILS_DEFAULT
        limits = {
            "crossref-single": RateLimit(*single),
            "crossref-list": RateLimit(*listing),
            "eutils": RateLimit(*eutils),
        }
        if self.crossref_rps:
            limits["crossref-single"] = RateLimit(self.crossref_rps, max(single[1], 3))
            limits["crossref-list"] = RateLimit(self.crossref_rps, max(listing[1], 3))
        if self.eutils_rps:
            limits["eutils"] = RateLimit(self.eutils_rps, eutils[1])
        return limits
