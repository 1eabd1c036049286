"""Cross-lingual consistency: does the same passage get the same top label in all five languages?

Measured on the held-out parallel groups of the seed corpus (the test split of ``corpus/seed/parallel.jsonl`` and
every group of ``corpus/seed/parallel-heldout/``, in two batches A and B): per scheme, the share of groups whose top label is the same in
every language, and per language the share of groups whose top label equals the English version's.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from classifier.primary_head import ranked_by_main
from corpus.dataset import LabelledPassage
from evaluation.metrics import crosslingual_consistency


# The held-out groups came in two batches: A, the 115 groups the consistency target was first reported on (the test
# split of parallel.jsonl and parallel-heldout/{sdg-a,sdg-b,gd-smart}.jsonl), and B, 150 groups written later
# (parallel-heldout/{mixed,focus}-*.jsonl, group ids parh-m1-... and parh-f1-...).
HELD_OUT_SETS = ("A", "B")
_SET_B = re.compile(r"parh-[mf]\d+-")


def heldout_set(group: str) -> str:
    return "B" if _SET_B.match(group) else "A"


def heldout_parallel(which: str = "all") -> list[LabelledPassage]:
    """Parallel seed passages in the test split, grouped by ``group``; ``which``: ``A``, ``B`` or ``all``."""
    from corpus.sources import seed_passages

    return [r for r in (p.with_split() for p in seed_passages() if p.group)
            if r.split == "test" and which in ("all", heldout_set(r.group))]


def agreement_with_english(groups: list[str], languages: list[str], P: np.ndarray, scheme_of: list[str]) -> dict:
    """Per scheme and language: share of groups whose top label in that language equals the English top label."""
    rows: dict[str, dict[str, int]] = defaultdict(dict)
    for i, (g, lang) in enumerate(zip(groups, languages)):
        rows[g][lang] = i
    schemes = np.array(scheme_of)
    out: dict[str, dict] = {}
    for scheme in sorted(set(scheme_of)):
        cols = np.flatnonzero(schemes == scheme)
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for by_lang in rows.values():
            if "en" not in by_lang:
                continue
            top_en = cols[np.argmax(P[by_lang["en"], cols])]
            for lang, i in by_lang.items():
                if lang != "en":
                    counts[lang][0] += int(cols[np.argmax(P[i, cols])] == top_en)
                    counts[lang][1] += 1
        out[scheme] = {lang: round(a / n, 4) for lang, (a, n) in sorted(counts.items()) if n}
    return out


RANKINGS = ("main", "score")


def consistency_report(tagger, records: list[LabelledPassage], taxonomy, mode: str = "fast", by: str = "main") -> dict:
    """A scheme is scored only on the groups with a gold label in it (the top Green Deal area of a passage about
    schools means nothing); ``all`` is scored on every group. ``by="main"`` takes a passage's top label in a scheme
    to be its main label (``Tagger.predict_passages``: what the product shows first), falling back to the highest
    score where no label reaches its threshold; ``by="score"`` the highest-scoring label."""
    if by not in RANKINGS:
        raise ValueError(f"by must be one of {RANKINGS}")
    order = [tagger.label_ids.index(i) for i in taxonomy.ids]
    P, main = tagger.predict_passages([(r.text, r.language) for r in records], mode)
    ranked = ranked_by_main(P, main) if by == "main" else P
    return consistency_of(records, ranked[:, order], taxonomy)


def consistency_of(records: list[LabelledPassage], P: np.ndarray, taxonomy) -> dict:
    """``same_top_label`` per scheme; ``single_label`` the same on the groups with exactly one gold label in the
    scheme (where "the top label" is well defined: with two true labels either may come first);
    ``top_is_gold`` the share of groups whose top label is a gold label in every language; ``top_is_primary``, on
    the groups that name a primary label in the scheme, the share whose top label is that label in every language."""
    scheme_of = [taxonomy.scheme_of(i) for i in taxonomy.ids]
    ids = list(taxonomy.ids)
    same: dict = {}
    single: dict = {}
    agree: dict = {}
    gold_top: dict = {}
    primary_top: dict = {}
    for scheme in ["all"] + sorted(set(scheme_of)):
        in_scheme = [lab for lab in ids if scheme == "all" or scheme_of[ids.index(lab)] == scheme]
        n_gold = [sum(lab in in_scheme for lab in r.labels) for r in records]
        keep = [i for i, n in enumerate(n_gold) if n >= 1]
        one = [i for i, n in enumerate(n_gold) if n == 1]
        for target, rows in ((same, keep), (single, one)):
            cells = crosslingual_consistency([records[i].group for i in rows], [records[i].language for i in rows],
                                             P[rows], scheme_of)
            target[scheme] = cells[scheme]
        cols = np.array([ids.index(lab) for lab in in_scheme])
        by_group: dict[str, list[int]] = defaultdict(list)
        for i in keep:
            by_group[records[i].group].append(i)
        hits = sum(all(ids[cols[np.argmax(P[i, cols])]] in records[i].labels for i in rows) for rows in by_group.values())
        gold_top[scheme] = _cell(hits, len(by_group))
        if scheme != "all":
            led = {g: rows for g, rows in by_group.items() if any(p in in_scheme for p in records[rows[0]].primary)}
            hits = sum(all(ids[cols[np.argmax(P[i, cols])]] in records[i].primary for i in rows) for rows in led.values())
            primary_top[scheme] = _cell(hits, len(led))
            agree[scheme] = agreement_with_english([records[i].group for i in keep], [records[i].language for i in keep],
                                                   P[keep], scheme_of)[scheme]
    return {"same_top_label": same, "single_label": single, "top_is_gold": gold_top, "top_is_primary": primary_top,
            "agreement_with_english": agree}


def _cell(agree: int, groups: int) -> dict:
    return {"groups": groups, "agree": agree, "share": round(agree / groups, 4) if groups else 0.0}


def render(report: dict, mode: str, which: str = "all", by: str = "main") -> str:
    lines = [f"Cross-lingual consistency, {mode} mode (held-out parallel groups, set {which}; top label by {by})"]
    for key, what in (("same_top_label", "same top label in every language"),
                      ("single_label", "same top label, groups with one gold label"),
                      ("top_is_gold", "top label is a gold label in every language"),
                      ("top_is_primary", "top label is the primary label in every language")):
        for scheme, c in report.get(key, {}).items():
            if not c["groups"]:
                continue
            lines.append(f"  {what}, {scheme:5}: {c['agree']}/{c['groups']} = {c['share']:.1%}")
    for scheme, by_lang in report["agreement_with_english"].items():
        cells = ", ".join(f"{lang} {share:.1%}" for lang, share in by_lang.items())
        lines.append(f"  top label equals English's, {scheme:5}: {cells}")
    return "\n".join(lines)
