"""Agreement between the two annotators of a hand-labelled set: how far the yardstick itself can be trusted.

Per scheme (and per language): micro-F1 of one annotator's labels against the other's (symmetric), the share of
passages given exactly the same label set in that scheme, and Cohen's kappa per label with its mean over the labels
either annotator used. The model's F1 against the first annotator can be read against the annotators' F1 with each
other: a model near that figure is as close to the first annotator as a second careful reader is.
"""

from __future__ import annotations

from collections import defaultdict

from evaluation.devsets import devset_refs, first_labels, second_labels


def cohen_kappa(a: list[bool], b: list[bool]) -> float | None:
    n = len(a)
    if not n:
        return None
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return None if pe >= 1.0 else round((po - pe) / (1 - pe), 4)


def _cell(ids, first, second, labels) -> dict:
    tp = fp = fn = same = 0
    for i in ids:
        a = {x for x in first[i] if x in labels}
        b = {x for x in second[i] if x in labels}
        tp, fp, fn = tp + len(a & b), fp + len(b - a), fn + len(a - b)
        same += a == b
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    per_label = {}
    for label in sorted(labels):
        a = [label in first[i] for i in ids]
        b = [label in second[i] for i in ids]
        if any(a) or any(b):
            per_label[label] = {"first": sum(a), "second": sum(b), "both": sum(x and y for x, y in zip(a, b)),
                                "kappa": cohen_kappa(a, b)}
    kappas = [m["kappa"] for m in per_label.values() if m["kappa"] is not None]
    return {"passages": len(ids), "micro_f1": round(f1, 4), "same_label_set": round(same / len(ids), 4) if ids else 0.0,
            "mean_kappa": round(sum(kappas) / len(kappas), 4) if kappas else None, "labels": per_label}


def agreement(name: str, taxonomy) -> dict:
    """Agreement of the two annotators of the named set, per scheme, overall and per language."""
    first, second = first_labels(name), second_labels(name)
    ids = [i for i in first if i in second]
    languages = {r["id"]: r.get("language", "") for r in devset_refs(name)}
    by_lang: dict[str, list[str]] = defaultdict(list)
    for i in ids:
        by_lang[languages.get(i, "?")].append(i)
    schemes = {s: {label for label in taxonomy.ids if taxonomy.scheme_of(label) == s} for s in taxonomy.schemes}
    schemes = {"all": set(taxonomy.ids), **schemes}
    out = {"set": name, "passages": len(ids), "missing_second": len(first) - len(ids), "all": {}, "languages": {}}
    for scheme, labels in schemes.items():
        out["all"][scheme] = _cell(ids, first, second, labels)
        if len(by_lang) > 1:
            for lang, lang_ids in sorted(by_lang.items()):
                out["languages"].setdefault(lang, {})[scheme] = _cell(lang_ids, first, second, labels)
    return out


def render(result: dict) -> str:
    lines = [f"{result['set']}: {result['passages']} passages labelled by both annotators"
             + (f" ({result['missing_second']} not yet by the second)" if result["missing_second"] else "")]
    rows = [("all languages", result["all"])] + list(result["languages"].items())
    for where, cells in rows:
        lines.append(f"  {where}:")
        for scheme, c in cells.items():
            kappa = "-" if c["mean_kappa"] is None else f"{c['mean_kappa']:.2f}"
            lines.append(f"    {scheme:5}  F1 between annotators {c['micro_f1']:.3f}   same label set "
                         f"{c['same_label_set']:.1%}   mean kappa {kappa}")
    worst = sorted(((m["kappa"], label) for label, m in result["all"]["all"]["labels"].items()
                    if m["kappa"] is not None and m["first"] + m["second"] >= 5))[:8]
    if worst:
        lines.append("  least agreed labels (kappa, used >= 5 times): "
                     + ", ".join(f"{label} {k:.2f}" for k, label in worst))
    return "\n".join(lines)
