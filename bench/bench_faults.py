"""Fault injection against the loopback stand-in: how many faults, how many verdicts changed.

    python bench/bench_faults.py

Checks the example article and the resolver test article once cleanly, then once under each
fault (429 storms with Retry-After, 5xx bursts, dropped connections, truncated bodies, HTML
error pages, empty bodies, timeouts, total outage) and counts the faults the stand-in injected
and the references whose verdict differs from the clean run other than by becoming `unresolved`
(must be none).
"""

from __future__ import annotations

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
}


def _run(standin: StandIn, tmp: Path, name: str, **overrides: object) -> list[list[str]]:
    settings = Settings(crossref_url=standin.crossref_url, eutils_url=standin.eutils_url, mailto="f@example.org",
                        cache_dir=tmp / f"cache-{name}", crossref_rps=200, eutils_rps=200, backoff_base=0.005,
                        **overrides)
    store = Store(tmp / f"{name}.db")
    out = []
    for article in ARTICLES:
        report = check_article(article, store, settings).report
        out.append([r["status"] for r in report["references"]])
    return out


def main() -> None:
    totals = {"faults": 0, "references": 0, "changed": 0, "unresolved": 0}
    with StandIn(retry_after=0, seed=11) as standin, tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        clean = _run(standin, tmp, "clean")
        for n, (name, switches) in enumerate(FAULTS.items()):
            standin.reseed(11)
            standin.reset_counts()
            for key, value in switches.items():
                setattr(standin, key, value)
            got = _run(standin, tmp, f"fault{n}", http_timeout=0.2 if "latency" in switches else 20.0)
            for key in switches:
                setattr(standin, key, {"malformed_mode": "truncate", "latency": 0.0}.get(key, 0))
            faults = sum(1 for entry in standin.log if entry.fault) + (
                sum(1 for e in standin.log if e.api == "eutils") if "latency" in switches else 0)
            pairs = [(c, g) for a, b in zip(clean, got, strict=True) for c, g in zip(a, b, strict=True)]
            changed = sum(1 for c, g in pairs if g not in (c, "unresolved"))
            unresolved = sum(1 for c, g in pairs if g == "unresolved" and c != "unresolved")
            totals["faults"] += faults
            totals["references"] += len(pairs)
            totals["changed"] += changed
            totals["unresolved"] += unresolved
            print(f"{name:45} faults {faults:4}  references {len(pairs)}  same {len(pairs) - changed - unresolved:3}"
                  f"  unresolved {unresolved:3}  verdicts changed {changed}")
    print(f"all: {totals['faults']} faults injected over {totals['references']} reference checks; "
          f"{totals['unresolved']} became unresolved, {totals['changed']} verdicts changed (must be 0)")


if __name__ == "__main__":
    main()
