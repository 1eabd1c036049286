"""Cross-lingual consistency: does the same passage get the same top label in all five languages?

Measured on the held-out parallel groups of the seed corpus (the test split of ``corpus/seed/parallel.jsonl`` and
every group of ``corpus/seed/parallel-heldout/``, in three batches A, B and C): per scheme, the share of groups whose top label is the same in
every language, and per language the share of groups whose top label equals the English version's.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from classifier.primary_head import ranked_by_main
from corpus.dataset import LabelledPassage
from evaluation.bootstrap import paired_share_difference, share_interval
from evaluation.metrics import same_top_flags


# The held-out groups came in three batches: A, the 115 groups the consistency target was first reported on (the test
# split of parallel.jsonl and parallel-heldout/{sdg-a,sdg-b,gd-smart}.jsonl), B, 150 groups written later
# (parallel-heldout/{mixed,focus}-*.jsonl, group ids parh-m1-... and parh-f1-...), and C, 96 groups on the boundaries
# of the labels that flip most between languages (parallel-heldout/boundary-*.jsonl, group ids parh-b?-...).
HELD_OUT_SETS = ("A", "B", "C")
_SET_B = re.compile(r"parh-[mf]\d+-")
_SET_C = re.compile(r"parh-b[a-z]-")


def heldout_set(group: str) -> str:
    return "B" if _SET_B.match(group) else "C" if _SET_C.match(group) else "A"


def heldout_parallel(which: str = "all") -> list[LabelledPassage]:
    """Parallel seed passages in the test split, grouped by ``group``; ``which``: one of ``HELD_OUT_SETS`` or ``all``."""
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
    ranked, above = _ranked(tagger, records, taxonomy, mode, by)
    report = consistency_of(records, ranked, taxonomy)
    report["disagreements"] = disagreement_kinds(records, ranked, above, taxonomy)
    report["label_flips"] = label_flips(records, above, list(taxonomy.ids))
    return report


def _ranked(tagger, records: list[LabelledPassage], taxonomy, mode: str, by: str) -> tuple[np.ndarray, np.ndarray]:
    """The passages' scores ranked as ``by`` says, and which labels reach their thresholds; taxonomy column order."""
    if by not in RANKINGS:
        raise ValueError(f"by must be one of {RANKINGS}")
    order = [tagger.label_ids.index(i) for i in taxonomy.ids]
    P, main = tagger.predict_passages([(r.text, r.language) for r in records], mode)
    ranked = ranked_by_main(P, main) if by == "main" else P
    return ranked[:, order], (P >= tagger.passage_thresholds(mode))[:, order]


def model_flags(tagger, records: list[LabelledPassage], taxonomy, mode: str = "fast", by: str = "main") -> dict:
    """``same_top_by_scheme`` of the model's ranking: per scheme, which groups get the same top label everywhere."""
    return same_top_by_scheme(records, _ranked(tagger, records, taxonomy, mode, by)[0], taxonomy)


def compare_consistency(baseline, candidate, records: list[LabelledPassage], taxonomy, mode: str = "fast",
                        by: str = "main") -> dict:
    """Per scheme, the same top label share of two models on the same held-out groups, paired: both shares, the
    difference (candidate - baseline) with its 95% interval over resampled groups and one-sided p-values, and the
    groups only one of them gets the same in every language (``evaluation.bootstrap.paired_share_difference``)."""
    flags = [model_flags(t, records, taxonomy, mode, by) for t in (baseline, candidate)]
    return {scheme: paired_share_difference(list(flags[0][scheme]["same"].values()),
                                            list(flags[1][scheme]["same"].values()))
            for scheme in flags[0] if scheme != "all"}


def render_comparison(result: dict, mode: str, which: str, by: str) -> str:
    lines = [f"Same top label in every language, baseline -> candidate, {mode} mode (held-out parallel groups, set "
             f"{which}; top label by {by}; 95% interval of the difference over resampled groups)"]
    for scheme, c in result.items():
        lines.append(f"  {scheme:5}: {c['a']:.1%} -> {c['b']:.1%} of {c['groups']} groups, {paired_delta_text(c)}, "
                     f"p(worse) {c['p_worse']:.3f}, p(better) {c['p_better']:.3f}; groups gained {c['gained']}, "
                     f"lost {c['lost']}")
    return "\n".join(lines)


def paired_delta_text(c: dict) -> str:
    """``+1.2% [-0.5%, +2.9%]``: a paired share difference (``paired_share_difference``) with its interval."""
    return f"{c['delta']:+.1%} [{c['interval'][0]:+.1%}, {c['interval'][1]:+.1%}]"


def label_flips(records: list[LabelledPassage], above: np.ndarray, label_ids: list[str]) -> dict[str, dict]:
    """Per label, in how many groups it is at or above threshold in some languages but not all, split by whether it
    is a gold label of the group (``missed``: some translations lose it) or not (``spurious``: some gain it); most
    flipping first. The labels whose decisions differ between translations, where better data would help."""
    by_group: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        by_group[r.group].append(i)
    counts: dict[str, dict] = {}
    for rows in by_group.values():
        A = above[rows]
        for j in np.flatnonzero(A.any(axis=0) & ~A.all(axis=0)):
            cell = counts.setdefault(label_ids[j], {"missed": 0, "spurious": 0})
            cell["missed" if label_ids[j] in records[rows[0]].labels else "spurious"] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])))


DOCUMENT_SIZE = 5  # groups per document in the model card's document-level consistency


def topic_of(record: LabelledPassage) -> str | None:
    """The SDG a parallel group is about: its primary SDG, else its first gold SDG (None without one)."""
    for label in tuple(record.primary) + tuple(record.labels):
        if label.startswith("sdg:"):
            return label
    return None


def document_consistency(tagger, records: list[LabelledPassage], taxonomy, mode: str = "fast", size: int = 5) -> dict:
    """What a user comparing cities across countries sees. The held-out groups that share a topic (``topic_of``) are
    dealt, in id order, into documents of up to ``size`` groups, so each document is mainly about one SDG, as a
    strategy chapter is; each document exists in every language as its groups' passages in that language and is
    tagged as stratag tags a document (document scores and thresholds, main label by the passages' votes). Per
    scheme, over the documents with an assigned label in the scheme in some language: ``same_main``, the same main
    label in every language; ``same_labels``, the same set of assigned labels in every language;
    ``jaccard_with_english`` per language, the mean Jaccard overlap of its label set with the English version's;
    and for SDGs ``main_is_topic``, the main SDG is the documents' shared SDG in every language."""
    if size < 1:
        raise ValueError("size must be at least 1")
    P, mains = tagger.predict_passages([(r.text, r.language) for r in records], mode)
    thresholds = tagger.thresholds_for(mode)
    by_group: dict[str, dict[str, int]] = defaultdict(dict)
    topic: dict[str, str | None] = {}
    for i, r in enumerate(records):
        by_group[r.group][r.language] = i
        topic[r.group] = topic_of(r)
    by_topic: dict[str, list[str]] = defaultdict(list)
    for g in sorted(by_group):
        if topic[g]:
            by_topic[topic[g]].append(g)
    documents = [(t, groups[k:k + size]) for t, groups in sorted(by_topic.items()) for k in range(0, len(groups), size)]
    languages = sorted({r.language for r in records})
    tags: list[tuple[str, dict]] = []
    for t, doc in documents:
        per_lang = {}
        for lang in languages:
            rows = [by_group[g][lang] for g in doc if lang in by_group[g]]
            scores = tagger.document_scores(P[rows])
            assigned = {tagger.label_ids[j] for j in np.flatnonzero(scores >= thresholds)}
            per_lang[lang] = (assigned, tagger.document_main(mains[rows], scores, thresholds))
        tags.append((t, per_lang))
    out: dict = {"documents": len(documents), "size": size, "languages": languages, "schemes": {}}
    for scheme in taxonomy.scheme_names():
        same_main = same_labels = on_topic = n = 0
        jaccard: dict[str, list[float]] = defaultdict(list)
        for t, per_lang in tags:
            sets = {lang: {x for x in a if taxonomy.scheme_of(x) == scheme} for lang, (a, _) in per_lang.items()}
            if not any(sets.values()):
                continue
            n += 1
            same_main += len({m.get(scheme) for _, m in per_lang.values()}) == 1
            same_labels += len({frozenset(v) for v in sets.values()}) == 1
            on_topic += all(m.get(scheme) == t for _, m in per_lang.values())
            for lang, labels in sets.items():
                if lang != "en" and "en" in sets:
                    union = labels | sets["en"]
                    jaccard[lang].append(len(labels & sets["en"]) / len(union) if union else 1.0)
        out["schemes"][scheme] = {"same_main": _cell(same_main, n), "same_labels": _cell(same_labels, n),
                                  "jaccard_with_english": {k: round(float(np.mean(v)), 4) for k, v in sorted(jaccard.items())}}
        if scheme == "sdg":
            out["schemes"][scheme]["main_is_topic"] = _cell(on_topic, n)
    return out


def render_documents(report: dict, mode: str, which: str = "all") -> str:
    lines = [f"Cross-lingual consistency of whole documents, {mode} mode ({report['documents']} documents of up to "
             f"{report['size']} held-out parallel groups about one SDG, set {which}, each in "
             f"{', '.join(report['languages'])})"]
    for scheme, cells in report["schemes"].items():
        main, same = cells["same_main"], cells["same_labels"]
        jac = ", ".join(f"{lang} {v:.2f}" for lang, v in cells["jaccard_with_english"].items())
        lines.append(f"  {scheme:5}: same main label {main['agree']}/{main['groups']} = {main['share']:.1%}, same labels "
                     f"{same['agree']}/{same['groups']} = {same['share']:.1%}, label overlap with English {jac}")
        if "main_is_topic" in cells:
            c = cells["main_is_topic"]
            lines.append(f"  {scheme:5}: main label is the documents' SDG in every language {c['agree']}/{c['groups']} "
                         f"= {c['share']:.1%}")
    return "\n".join(lines)


DISAGREEMENT_KINDS = ("no_label", "label_sets_differ", "same_labels")


def disagreement_kinds(records: list[LabelledPassage], P: np.ndarray, above: np.ndarray, taxonomy) -> dict:
    """Per scheme, the groups (with a gold label in the scheme) whose top label differs between languages, by why:
    ``no_label``, some language has no label of the scheme at or above its threshold (its top label is only its
    highest score); ``label_sets_differ``, every language has labels but not the same ones; ``same_labels``, the
    languages carry the same labels and rank them differently (for the main label: the primary head chose
    differently). The first two are the passage model's, the last the ranking's."""
    ids = list(taxonomy.ids)
    by_group: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        by_group[r.group].append(i)
    out: dict = {}
    for scheme in taxonomy.scheme_names():
        cols = np.array([j for j, lab in enumerate(ids) if taxonomy.scheme_of(lab) == scheme])
        counts = dict.fromkeys(DISAGREEMENT_KINDS, 0)
        for rows in by_group.values():
            if len(rows) < 2 or not any(taxonomy.scheme_of(x) == scheme for x in records[rows[0]].labels):
                continue
            if len({int(cols[np.argmax(P[i, cols])]) for i in rows}) == 1:
                continue
            sets = {tuple(np.flatnonzero(above[i, cols])) for i in rows}
            kind = "no_label" if () in sets else "label_sets_differ" if len(sets) > 1 else "same_labels"
            counts[kind] += 1
        out[scheme] = counts
    return out


def same_top_by_scheme(records: list[LabelledPassage], P: np.ndarray, taxonomy) -> dict[str, dict[str, dict]]:
    """Per scheme (and ``all``) and per group (``"same"``: every group with a gold label in the scheme; ``"single"``:
    those with exactly one), whether its top label in ``P`` is the same in every language."""
    scheme_of = [taxonomy.scheme_of(i) for i in taxonomy.ids]
    ids = list(taxonomy.ids)
    out: dict = {}
    for scheme in ["all"] + sorted(set(scheme_of)):
        in_scheme = {lab for lab in ids if scheme == "all" or scheme_of[ids.index(lab)] == scheme}
        n_gold = [sum(lab in in_scheme for lab in r.labels) for r in records]
        out[scheme] = {}
        for key, rows in (("same", [i for i, n in enumerate(n_gold) if n >= 1]),
                          ("single", [i for i, n in enumerate(n_gold) if n == 1])):
            out[scheme][key] = same_top_flags([records[i].group for i in rows], [records[i].language for i in rows],
                                              P[rows], scheme_of, [scheme])[scheme]
    return out


def consistency_of(records: list[LabelledPassage], P: np.ndarray, taxonomy) -> dict:
    """``same_top_label`` per scheme, with a 95% interval over resampled groups; ``single_label`` the same on the
    groups with exactly one gold label in the scheme (where "the top label" is well defined: with two true labels
    either may come first); ``top_is_gold`` the share of groups whose top label is a gold label in every language;
    ``top_is_primary``, on the groups that name a primary label in the scheme, the share whose top label is that
    label in every language."""
    scheme_of = [taxonomy.scheme_of(i) for i in taxonomy.ids]
    ids = list(taxonomy.ids)
    flags = same_top_by_scheme(records, P, taxonomy)
    same = {s: {**_cell(sum(f["same"].values()), len(f["same"])), "interval": share_interval(list(f["same"].values()))}
            for s, f in flags.items()}
    single = {s: _cell(sum(f["single"].values()), len(f["single"])) for s, f in flags.items()}
    agree: dict = {}
    gold_top: dict = {}
    primary_top: dict = {}
    for scheme in ["all"] + sorted(set(scheme_of)):
        in_scheme = [lab for lab in ids if scheme == "all" or scheme_of[ids.index(lab)] == scheme]
        keep = [i for i, r in enumerate(records) if any(lab in in_scheme for lab in r.labels)]
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


def render(report: dict, mode: str, which: str = "all", by: str = "main", who: str | None = None) -> str:
    lines = [f"Cross-lingual consistency, {who or mode + ' mode'} (held-out parallel groups, set {which}; top label by {by})"]
    for key, what in (("same_top_label", "same top label in every language"),
                      ("single_label", "same top label, groups with one gold label"),
                      ("top_is_gold", "top label is a gold label in every language"),
                      ("top_is_primary", "top label is the primary label in every language")):
        for scheme, c in report.get(key, {}).items():
            if not c["groups"]:
                continue
            ci = f" [{c['interval'][0]:.1%}, {c['interval'][1]:.1%}]" if "interval" in c else ""
            lines.append(f"  {what}, {scheme:5}: {c['agree']}/{c['groups']} = {c['share']:.1%}{ci}")
    for scheme, by_lang in report["agreement_with_english"].items():
        cells = ", ".join(f"{lang} {share:.1%}" for lang, share in by_lang.items())
        lines.append(f"  top label equals English's, {scheme:5}: {cells}")
    lines += [f"  {line}" for line in disagreement_lines(report)]
    return "\n".join(lines)


def disagreement_lines(report: dict, top: int = 8) -> list[str]:
    """The report's ``disagreements`` per scheme and its ``top`` flipping labels as text (CLI and model card)."""
    lines = [f"{scheme} groups that disagree: {sum(kinds.values())} (a language without a label {kinds['no_label']}, "
             f"label sets differ {kinds['label_sets_differ']}, same labels ranked differently {kinds['same_labels']})"
             for scheme, kinds in report.get("disagreements", {}).items()]
    flips = list(report.get("label_flips", {}).items())[:top]
    if flips:
        lines.append("labels assigned in some languages but not all (groups; gold label missed / other label gained): "
                     + ", ".join(f"{label} {c['missed']}/{c['spurious']}" for label, c in flips))
    return lines
