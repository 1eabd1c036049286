"""The release gate: does a candidate model do significantly worse than the baseline on a named set?

Rule (documented in the README): the gate looks at micro-F1 over all passages, per scheme (all languages) and per
language (all schemes). A check fails when the candidate's micro-F1 is lower by at least ``margin`` (default 0.02)
AND the paired bootstrap says the drop is not chance: one-sided p < alpha / number of checks (Bonferroni, alpha
0.05), so retraining with another seed does not fail by luck in one of many cells. Any failed check fails the gate.
With ``consistency`` (``stratag evaluate gate --crosslingual``) the same rule also checks, per scheme, the share of
held-out parallel groups whose top label is the same in every language (language column ``parallel``, ``n`` =
groups), counted in the Bonferroni correction with the F1 checks.
"""

from __future__ import annotations

from dataclasses import dataclass

ALPHA = 0.05


@dataclass(frozen=True)
class GateResult:
    passed: bool
    checks: list  # the comparison cells checked, each with "failed"
    alpha: float
    margin: float

    def describe(self) -> str:
        per_check = self.alpha / max(1, len(self.checks))
        what = "micro-F1 per scheme and per language" + (
            "; same top label on the parallel groups per scheme" if any(c["language"] == "parallel" for c in self.checks) else "")
        lines = [f"gate: {what}; fail = drop >= {self.margin} and one-sided p < "
                 f"{self.alpha}/{len(self.checks)} = {per_check:.4f}",
                 f"{'language':8} {'scheme':6} {'n':>5} {'base':>6} {'cand':>6} {'delta':>7} {'p(worse)':>8}  result"]
        for c in self.checks:
            lines.append(f"{c['language']:8} {c['scheme']:6} {c['n']:5d} {c['baseline']:6.3f} {c['candidate']:6.3f} "
                         f"{c['delta']:+7.3f} {c['p_worse']:8.4f}  {'FAIL' if c['failed'] else 'ok'}")
        lines.append("PASSED: the candidate is not significantly worse" if self.passed
                     else "FAILED: the candidate is significantly worse than the baseline")
        return "\n".join(lines)


def gate(comparison: dict, alpha: float = ALPHA, consistency: dict | None = None) -> GateResult:
    """Apply the gate rule to a ``compare`` result (baseline vs candidate on the same passages) and, if given, to a
    ``evaluation.crosslingual.compare_consistency`` result (the same models on the same parallel groups)."""
    margin = comparison["margin"]
    cells = [c for c in comparison["cells"] if c["language"] == "all" or c["scheme"] == "all"]
    cells += [{"language": "parallel", "scheme": scheme, "n": c["groups"], "baseline": c["a"], "candidate": c["b"],
               "delta": c["delta"], "interval": c["interval"], "p_worse": c["p_worse"]}
              for scheme, c in (consistency or {}).items()]
    per_check = alpha / max(1, len(cells))
    checks = [dict(c, failed=bool(c["delta"] <= -margin and c["p_worse"] < per_check)) for c in cells]
    return GateResult(not any(c["failed"] for c in checks), checks, alpha, margin)
