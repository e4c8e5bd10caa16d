"""The JSON report: one shape for `show --json`, `check --json` and batch reports.

Other tools read it, so its keys are a contract (documented in README.md). Fields that a
later stage fills (verdicts, links, evidence) are null or empty until that stage has run.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from citelens.failures import failure_kind
from citelens.store import StoredArticle


def build_report(stored: StoredArticle) -> dict[str, Any]:
    references = []
    for sref in stored.references:
        ref, res = sref.reference, sref.resolution
        references.append({
            "index": ref.index,
            "raw": ref.raw,
            "parsed": ref.parsed.to_dict(),
            "status": res.status if res else None,
            "confidence": round(res.confidence, 3) if res else None,
            "match": res.match.to_match_dict() if res and res.match else None,
            "discrepancies": [d.to_dict() for d in res.discrepancies] if res else [],
            "notes": list(res.notes) if res else [],
            "unresolved_reason": failure_kind(res.notes) if res and res.status == "unresolved" else None,
        })
    claims = []
    for sc in stored.claims:
        c = sc.claim
        claims.append({
            "id": c.id,
            "section": c.section,
            "text": c.text,
            "kind": c.kind,
            "references": sc.references,
            "status": sc.status,
            "evidence": [e.to_dict() for e in sc.evidence],
            "links": sc.links,
            "notes": sc.notes,
            "verdict": {"verdict": sc.verdict.verdict, "note": sc.verdict.note, "updated_at": sc.verdict.updated_at}
            if sc.verdict else None,
        })
    ref_counts = Counter(r["status"] for r in references if r["status"])
    claim_counts = Counter(c["status"] for c in claims if c["status"])
    reasons = Counter(r["unresolved_reason"] for r in references if r["unresolved_reason"])
    return {
        "article": {"path": stored.path, "title": stored.title, "sha256": stored.sha256},
        "references": references,
        "claims": claims,
        "summary": {
            "references": dict(sorted(ref_counts.items())),
            "claims": dict(sorted(claim_counts.items())),
            "unresolved_reasons": dict(sorted(reasons.items())),
        },
    }
