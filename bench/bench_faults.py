"""Fault injection against the loopback stand-in: how many faults, how many verdicts changed.

    python bench/bench_faults.py

Checks the example article and the resolver test article once cleanly, then once under each
fault (429 storms with Retry-After, 5xx bursts, dropped connections, truncated bodies, HTML
error pages, empty bodies, timeouts, total outage; and the harder ones: connections dropped
mid-body, answers that stall past the timeout, Retry-After as an HTTP date, HTML pages served
with status 200, a 429 storm longer than a lookup's budget) and counts:

- faults injected by the stand-in;
- verdicts changed: references whose verdict differs from the clean run other than by becoming
  `unresolved` (must be 0);
- verdicts lost: a `--refresh` of the clean run's database under the same fault, counting stored
  verdicts replaced by `unresolved` or by another verdict (must be 0).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from standin import StandIn  # noqa: E402

from citelens.pipeline import check_article  # noqa: E402
from citelens.settings import Settings  # noqa: E402
from citelens.store import Store  # noqa: E402

ARTICLES = [ROOT / "references" / "oxytocin-sensitivity.txt", ROOT / "tests" / "data" / "cases" / "resolve-cases.md",
            ROOT / "tests" / "data" / "articles" / "social-support-stress.md"]
FAULTS = {
    "429 storm (40%, Retry-After)": {"fail_429": 0.4},
    "5xx bursts (40%)": {"fail_5xx": 0.4},
    "dropped connections (30%)": {"drop": 0.3},
    "truncated bodies (40%)": {"malformed": 0.4, "malformed_mode": "truncate"},
    "HTML error pages (40%)": {"malformed": 0.4, "malformed_mode": "html"},
    "empty bodies (40%)": {"malformed": 0.4, "malformed_mode": "empty"},
    "timeouts (E-utilities 0.6 s, timeout 0.2 s)": {"latency": {"eutils": 0.6}},
    "total outage (every request 503)": {"fail_5xx": True},
    "dropped mid-body (30%)": {"drop_mid_body": 0.3},
    "stalls past the timeout (10%, 0.5 s)": {"stall": 0.1, "stall_seconds": 0.5},
    "Retry-After as an HTTP date (5 x 429)": {"fail_429": 5, "retry_after_date": True},
    "HTML page with status 200 (every Crossref answer)": {"malformed": True, "malformed_mode": "html",
                                                          "fault_api": "crossref"},
    "429 storm past a lookup's budget (3 s)": {"storm": 3.0},
}
RESET = {"malformed_mode": "truncate", "latency": 0.0, "stall_seconds": 2.0, "retry_after_date": False,
         "fault_api": None}
TIMEOUT_FAULTS = ("latency", "stall")


def _run(standin: StandIn, tmp: Path, name: str, db: str | None = None, cache: str | None = None,
         **overrides: object) -> list[list[str]]:
    settings = Settings(crossref_url=standin.crossref_url, eutils_url=standin.eutils_url, mailto="f@example.org",
                        cache_dir=tmp / f"cache-{cache or name}", crossref_rps=200, eutils_rps=200,
                        backoff_base=0.005, **overrides)
    store = Store(tmp / f"{db or name}.db")
    out = []
    for article in ARTICLES:
        report = check_article(article, store, settings).report
        out.append([r["status"] for r in report["references"]])
    return out


def _switch(standin: StandIn, switches: dict[str, object], on: bool) -> None:
    for key, value in switches.items():
        if key == "storm":
            standin.start_429_storm(float(value) if on else 0)  # type: ignore[arg-type]
        else:
            setattr(standin, key, value if on else RESET.get(key, 0))


def main() -> None:
    totals = {"faults": 0, "references": 0, "changed": 0, "unresolved": 0, "lost": 0, "kept": 0}
    with StandIn(retry_after=0, seed=11, eutils_rate_limit_header=1000) as standin, \
            tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        clean = _run(standin, tmp, "clean")
        for n, (name, switches) in enumerate(FAULTS.items()):
            standin.retry_after = 0.05 if "storm" in switches else 0
            timeout = 0.2 if any(k in switches for k in TIMEOUT_FAULTS) else 20.0
            # a fresh check under the fault
            standin.reseed(11)
            standin.reset_counts()
            _switch(standin, switches, True)
            got = _run(standin, tmp, f"fault{n}", http_timeout=timeout)
            _switch(standin, switches, False)
            faults = sum(1 for entry in standin.log if entry.fault) + (
                sum(1 for e in standin.log if e.api == "eutils") if "latency" in switches else 0)
            # a --refresh of a copy of the clean database under the same fault
            shutil.copy(tmp / "clean.db", tmp / f"refresh{n}.db")
            standin.reseed(11)
            standin.reset_counts()
            _switch(standin, switches, True)
            refreshed = _run(standin, tmp, f"refresh{n}", cache=f"refresh{n}", refresh=True, http_timeout=timeout)
            _switch(standin, switches, False)
            faults += sum(1 for entry in standin.log if entry.fault) + (
                sum(1 for e in standin.log if e.api == "eutils") if "latency" in switches else 0)
            pairs = [(c, g) for a, b in zip(clean, got, strict=True) for c, g in zip(a, b, strict=True)]
            changed = sum(1 for c, g in pairs if g not in (c, "unresolved"))
            unresolved = sum(1 for c, g in pairs if g == "unresolved" and c != "unresolved")
            lost = sum(1 for a, b in zip(clean, refreshed, strict=True) for c, g in zip(a, b, strict=True) if g != c)
            kept = _kept(tmp / f"refresh{n}.db")
            for key, value in (("faults", faults), ("references", len(pairs)), ("changed", changed),
                               ("unresolved", unresolved), ("lost", lost), ("kept", kept)):
                totals[key] += value
            print(f"{name:50} faults {faults:4}  refs {len(pairs)}  same {len(pairs) - changed - unresolved:3}"
                  f"  unresolved {unresolved:3}  changed {changed}  | refresh: kept {kept:2}  lost {lost}")
    print(f"all: {totals['faults']} faults injected over {totals['references']} reference checks (and as many "
          f"refreshes); {totals['unresolved']} became unresolved, {totals['changed']} verdicts changed (must be 0); "
          f"refreshes kept {totals['kept']} stored verdicts whose refetch failed, {totals['lost']} verdicts lost "
          "(must be 0)")


def _kept(db: Path) -> int:
    """References whose stored verdict a failed refresh kept (they carry the note)."""
    store = Store(db)
    return sum(1 for article in store.list_articles() for sref in store.load(article["id"]).references
               if sref.resolution and any(n.startswith("refresh failed on ") for n in sref.resolution.notes))


if __name__ == "__main__":
    main()
