"""Run settings: endpoints, identity, limits, cache, from a config file, the environment and flags.

Precedence, lowest first: built-in defaults, the config file (`citelens.toml` in the working
directory, else `[tool.citelens]` in its `pyproject.toml`), environment variables, command-line
flags. Config keys: `mailto`, `ncbi_api_key`, `crossref_plus_token`, `crossref_url`,
`eutils_url`, `crossref_rps`, `eutils_rps`, `cache_dir` (relative to the file), `http_timeout`,
`jobs`, `fail_on`, `db` (the default database, relative to the file).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


CONFIG_FILE = "citelens.toml"
PYPROJECT = "pyproject.toml"
CONFIG_KEYS: dict[str, type | tuple[type, ...]] = {
    "mailto": str, "ncbi_api_key": str, "crossref_plus_token": str, "crossref_url": str, "eutils_url": str,
    "crossref_rps": (int, float), "eutils_rps": (int, float), "http_timeout": (int, float), "jobs": int,
    "cache_dir": str, "fail_on": (str, list), "db": str,
}
_PATH_KEYS = ("cache_dir", "db")
_NUMBER_KEYS = ("crossref_rps", "eutils_rps", "http_timeout", "jobs")


@dataclass
class Config:
    """What the config file says (only the keys it sets), and where it was read from."""

    values: dict[str, Any]
    source: Path | None = None

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def find_config_file(directory: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """`citelens.toml` in `directory` (default: the working directory), else the `[tool.citelens]`
    table of its `pyproject.toml`; None when neither exists."""
    where = directory or Path.cwd()
    own = where / CONFIG_FILE
    if own.is_file():
        return own, _read_toml(own)
    project = where / PYPROJECT
    if project.is_file():
        table = _read_toml(project).get("tool", {}).get("citelens")
        if isinstance(table, dict):
            return project, table
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the config file: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None


def load_config(directory: Path | None = None) -> Config:
    """The config file's values, checked: an unknown key or a wrong type is an InputError."""
    found = find_config_file(directory)
    if found is None:
        return Config({})
    path, raw = found
    values: dict[str, Any] = {}
    where = f"{path}" + (" [tool.citelens]" if path.name == PYPROJECT else "")
    for key, value in raw.items():
        name = key.replace("-", "_")
        expected = CONFIG_KEYS.get(name)
        if expected is None:
            raise InputError(f"{where}: unknown setting {key!r}; known: {', '.join(sorted(CONFIG_KEYS))}")
        if not isinstance(value, expected) or isinstance(value, bool):
            raise InputError(f"{where}: {key} = {value!r} has the wrong type")
        if name in _NUMBER_KEYS and value <= 0:
            raise InputError(f"{where}: {key} must be positive, not {value}")
        if name in _PATH_KEYS:
            value = str((path.parent / Path(value).expanduser()).resolve())
        if name == "fail_on" and isinstance(value, list):
            value = ",".join(str(v) for v in value)
        values[name] = value
    return Config(values, path)


def _number(value: Any) -> float | None:
    return float(value) if value is not None else None


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
    rate_scale: float = 1.0  # every default limit times this (benchmarks against a scaled-up stand-in)

    @classmethod
    def from_env(cls, config: Config | None = None, **overrides: object) -> Settings:
        """Defaults, then `config` (default: the config file of the working directory), then the
        environment, then `overrides` (the command-line flags; None means not given)."""
        env = os.environ
        conf = config if config is not None else load_config()
        cache = env.get(defaults.ENV_CACHE_DIR) or conf.get("cache_dir")
        settings = cls(
            crossref_url=env.get(defaults.ENV_CROSSREF_URL) or conf.get("crossref_url")
            or defaults.DEFAULT_CROSSREF_URL,
            eutils_url=env.get(defaults.ENV_EUTILS_URL) or conf.get("eutils_url") or defaults.DEFAULT_EUTILS_URL,
            mailto=env.get(defaults.ENV_MAILTO) or conf.get("mailto"),
            ncbi_api_key=env.get(defaults.ENV_NCBI_API_KEY) or conf.get("ncbi_api_key"),
            crossref_plus_token=env.get(defaults.ENV_CROSSREF_PLUS_TOKEN) or conf.get("crossref_plus_token"),
            crossref_rps=_float_env(defaults.ENV_CROSSREF_RPS) or _number(conf.get("crossref_rps")),
            eutils_rps=_float_env(defaults.ENV_EUTILS_RPS) or _number(conf.get("eutils_rps")),
            cache_dir=Path(cache) if cache else None,
            jobs=int(conf.get("jobs", 6)),
            backoff_base=_float_env(defaults.ENV_BACKOFF_BASE) or defaults.BACKOFF_BASE_S,
            http_timeout=_float_env(defaults.ENV_HTTP_TIMEOUT) or _number(conf.get("http_timeout"))
            or defaults.HTTP_TIMEOUT_S,
            rate_scale=_float_env(defaults.ENV_RATE_SCALE) or 1.0,
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
        scale = self.rate_scale if self.rate_scale > 0 else 1.0
        limits = {
            "crossref-single": RateLimit(single[0] * scale, single[1]),
            "crossref-list": RateLimit(listing[0] * scale, listing[1]),
            "eutils": RateLimit(eutils[0] * scale, eutils[1]),
        }
        if self.crossref_rps:
            limits["crossref-single"] = RateLimit(self.crossref_rps, max(single[1], 3))
            limits["crossref-list"] = RateLimit(self.crossref_rps, max(listing[1], 3))
        if self.eutils_rps:
            limits["eutils"] = RateLimit(self.eutils_rps, eutils[1])
        return limits
