"""Plain-text rendering of a Classification for the terminal."""

from __future__ import annotations

from classifier.result import Classification
from classifier.taxonomy import default_taxonomy


def classification_table(c: Classification, show_all: bool = False, lang: str = "en") -> str:
    taxonomy = default_taxonomy()
    shares = ", ".join(f"{k} {v:.0%}" for k, v in c.language_shares.items())
    lines = [f"{c.source}", f"  language {c.language} ({shares}); {c.n_pages} pages, {c.n_passages} passages; model {c.model}"]
    for w in c.warnings[:5]:
        lines.append(f"  warning: {w}")
    if len(c.warnings) > 5:
        lines.append(f"  ... and {len(c.warnings) - 5} more warnings")
    rows = [s for s in c.labels if s.assigned or show_all]
    if not rows:
        lines.append("  no label above its threshold")
        return "\n".join(lines)
    lines.append(f"  {'scheme':6} {'label':21} {'name':38} {'score':>5} {'thr':>5}  evidence pages (top terms)")
    for s in rows:
        name = taxonomy[s.label].display_name(lang)
        name = name if len(name) <= 38 else name[:37] + "…"
        pages = ", ".join(dict.fromkeys(e.pages for e in s.evidence))
        terms = ", ".join(dict.fromkeys(t for e in s.evidence for t in e.terms[:2]))
        mark = "  (main)" if s.main else "" if s.assigned else "  (below threshold)"
        lines.append(f"  {s.scheme:6} {s.label:21} {name:38} {s.score:5.2f} {s.threshold:5.2f}  p. {pages} ({terms}){mark}")
    return "\n".join(lines)
