"""Run settings from the environment (and command-line overrides): endpoints, identity, limits, cache."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from citelens import defaults
from citelens.errors import InputError
from citelens.resolve import RateLimit


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
    crossref_url: str = defaults.DEFAULT_CROSSREF_URL
    eutils_url: str = defaults.DEFAULT_EUTILS_URL
    mailto: str | None = None
    ncbi_api_key: str | None = None
    crossref_plus_token: str | None = None
    crossref_rps: float | None = None
    eutils_rps: float | None = None
    cache_dir: Path | None = None
    offline: bool = False
    refresh: bool = False
    jobs: int = 6
    backoff_base: float = defaults.BACKOFF_BASE_S
    http_timeout: float = defaults.HTTP_TIMEOUT_S

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        settings = cls(
            crossref_url=env.get(defaults.ENV_CROSSREF_URL) or defaults.DEFAULT_CROSSREF_URL,
            eutils_url=env.get(defaults.ENV_EUTILS_URL) or defaults.DEFAULT_EUTILS_URL,
            mailto=env.get(defaults.ENV_MAILTO) or None,
            ncbi_api_key=env.get(defaults.ENV_NCBI_API_KEY) or None,
            crossref_plus_token=env.get(defaults.ENV_CROSSREF_PLUS_TOKEN) or None,
            crossref_rps=_float_env(defaults.ENV_CROSSREF_RPS),
            eutils_rps=_float_env(defaults.ENV_EUTILS_RPS),
            cache_dir=Path(env[defaults.ENV_CACHE_DIR]) if env.get(defaults.ENV_CACHE_DIR) else None,
            backoff_base=_float_env(defaults.ENV_BACKOFF_BASE) or defaults.BACKOFF_BASE_S,
            http_timeout=_float_env(defaults.ENV_HTTP_TIMEOUT) or defaults.HTTP_TIMEOUT_S,
        )
        for key, value in overrides.items():
            if value is not None:
                setattr(settings, key, value)
        if settings.cache_dir is None:
            settings.cache_dir = default_cache_dir()
        return settings

    def limits(self) -> dict[str, RateLimit]:
        polite = bool(self.mailto) or bool(self.crossref_plus_token)
        single = defaults.CROSSREF_SINGLE_POLITE if polite else defaults.CROSSREF_SINGLE_PUBLIC
        listing = defaults.CROSSREF_LIST_POLITE if polite else defaults.CROSSREF_LIST_PUBLIC
        eutils = defaults.EUTILS_WITH_KEY if self.ncbi_api_key else defaults.EUTILS_DEFAULT
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
