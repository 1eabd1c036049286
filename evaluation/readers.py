"""How consistent are careful *readers* across the five languages? The ceiling of the cross-lingual target.

``evaluation/readings/parallel-heldout.jsonl`` holds independent readings of every held-out parallel passage: its
labels and, per scheme, the one label it is mainly about (``evaluation/readings/README.md`` says who read
them and how: no reader saw two language versions of one group, nor the reference labels). Scored like the model
(``evaluation.crosslingual``): per scheme, on the groups with a gold label in it, the share whose main label is the
same in all five languages. A reader who gives a scheme no label has no main label there, which agrees only with
another "none". ``compare_with_readers`` pairs the model and the readers on the same groups.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from corpus.dataset import LabelledPassage
from corpus.errors import DataError
from evaluation.bootstrap import paired_share_difference, share_interval
from evaluation.crosslingual import _cell, paired_delta_text, render

READERS_FILE = Path(__file__).resolve().parent / "readings" / "parallel-heldout.jsonl"


def load_readings(path: Path = READERS_FILE, taxonomy=None) -> dict[str, dict]:
    """``{passage id: {"labels": [...], "main": {scheme: label | None}, "reader": ...}}``, checked against the
    taxonomy when one is given (known ids, each main label among the labels of its scheme)."""
    readings: dict[str, dict] = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if taxonomy is not None:
            taxonomy.validate(row["labels"])
            for scheme, label in row["main"].items():
                if label is not None and (label not in row["labels"] or taxonomy.scheme_of(label) != scheme):
                    raise DataError(f"{path}:{n}: main {scheme} label {label} is not one of its {scheme} labels")
        readings[row["id"]] = row
    return readings


def reader_mains(records: list[LabelledPassage], readings: dict[str, dict], schemes: list[str]) -> dict[str, list]:
    """Per scheme, each record's main label by its reader (``None``: the reader gave the scheme no label)."""
    missing = [r.id for r in records if r.id not in readings]
    if missing:
        raise DataError(f"{len(missing)} held-out passages have no reading, e.g. {missing[0]}")
    return {s: [readings[r.id]["main"].get(s) for r in records] for s in schemes}


def same_main_flags(records: list[LabelledPassage], mains: list, scheme: str, taxonomy, single: bool = False) -> dict[str, bool]:
    """``{group: its main label is the same in every language}`` over the groups with a gold label in ``scheme``
    (``single``: exactly one), in first-seen order, as ``evaluation.crosslingual.same_top_by_scheme`` counts them."""
    by_group: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        by_group[r.group].append(i)
    out = {}
    for g, rows in by_group.items():
        n_gold = sum(taxonomy.scheme_of(lab) == scheme for lab in records[rows[0]].labels)
        if len(rows) >= 2 and (n_gold == 1 if single else n_gold >= 1):
            out[g] = len({mains[i] for i in rows}) == 1
    return out


def readers_report(records: list[LabelledPassage], readings: dict[str, dict], taxonomy) -> dict:
    """Per scheme: same main label in every language (with its interval), the same on groups with one gold label,
    the readers' main label being a gold label / the group's primary label in every language, per language how
    often it equals the English reader's, and the micro-F1 of the readers' labels against the reference labels."""
    schemes = list(taxonomy.scheme_names())
    mains = reader_mains(records, readings, schemes)
    report: dict = {"same_top_label": {}, "single_label": {}, "top_is_gold": {}, "top_is_primary": {},
                    "agreement_with_english": {}, "labels_f1_vs_reference": {}}
    for s in schemes:
        gold = [{lab for lab in r.labels if taxonomy.scheme_of(lab) == s} for r in records]
        read = [{lab for lab in readings[r.id]["labels"] if taxonomy.scheme_of(lab) == s} for r in records]
        tp, n_read, n_gold = (sum(len(a & b) for a, b in zip(read, gold)), sum(map(len, read)), sum(map(len, gold)))
        report["labels_f1_vs_reference"][s] = round(2 * tp / (n_read + n_gold), 4) if n_read + n_gold else None
        flags = list(same_main_flags(records, mains[s], s, taxonomy).values())
        single = list(same_main_flags(records, mains[s], s, taxonomy, single=True).values())
        report["same_top_label"][s] = {**_cell(sum(flags), len(flags)), "interval": share_interval(flags)}
        report["single_label"][s] = _cell(sum(single), len(single))
        by_group: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(records):
            if any(taxonomy.scheme_of(lab) == s for lab in r.labels):
                by_group[r.group].append(i)
        gold_top = sum(all(mains[s][i] in records[i].labels for i in rows) for rows in by_group.values())
        report["top_is_gold"][s] = _cell(gold_top, len(by_group))
        led = [rows for rows in by_group.values() if any(taxonomy.scheme_of(p) == s for p in records[rows[0]].primary)]
        report["top_is_primary"][s] = _cell(sum(all(mains[s][i] in records[i].primary for i in rows) for rows in led), len(led))
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for rows in by_group.values():
            english = [mains[s][i] for i in rows if records[i].language == "en"]
            for i in rows:
                if english and records[i].language != "en":
                    counts[records[i].language][0] += int(mains[s][i] == english[0])
                    counts[records[i].language][1] += 1
        report["agreement_with_english"][s] = {lang: round(a / n, 4) for lang, (a, n) in sorted(counts.items()) if n}
    return report


def compare_with_readers(model_flags: dict[str, dict[str, bool]], records: list[LabelledPassage],
                         readings: dict[str, dict], taxonomy) -> dict:
    """Per scheme, the readers' share (a) against the model's (b) on the same groups, paired
    (``paired_share_difference``), and the model's share on the groups whose readers all chose the same main label
    (``model_where_readers_agree``: where "the main label" is not in doubt); ``model_flags`` as
    ``same_top_by_scheme(...)[scheme]["same"]``."""
    mains = reader_mains(records, readings, list(taxonomy.scheme_names()))
    out = {}
    for s, flags in model_flags.items():
        readers = same_main_flags(records, mains[s], s, taxonomy)
        groups = [g for g in flags if g in readers]
        out[s] = paired_share_difference([readers[g] for g in groups], [flags[g] for g in groups])
        agreed = [flags[g] for g in groups if readers[g]]
        out[s]["model_where_readers_agree"] = {**_cell(sum(agreed), len(agreed)), "interval": share_interval(agreed)}
    return out


def render_readers(report: dict, which: str, mode: str = "fast") -> str:
    """The readers' report as ``stratag evaluate crosslingual`` prints a model's, then the readers against the model."""
    f1 = ", ".join(f"{s} {v:.3f}" for s, v in report["readers"]["labels_f1_vs_reference"].items() if v is not None)
    return "\n".join([render(report["readers"], mode, which, "main", who="independent readers"),
                      f"  readers' labels against the reference labels, micro-F1: {f1}",
                      render_with_model(report["readers_vs_model"], which, mode)])


def render_with_model(result: dict, which: str, mode: str = "fast") -> str:
    lines = [f"Same main label in every language, readers -> model ({mode} mode; held-out parallel groups, set {which}; "
             f"95% interval of the difference over resampled groups)"]
    for s, c in result.items():
        lines.append(f"  {s:5}: readers {c['a']:.1%}, model {c['b']:.1%} of {c['groups']} groups, {paired_delta_text(c)}; "
                     f"groups only the model gets the same {c['gained']}, only the readers {c['lost']}")
        m = c["model_where_readers_agree"]
        lines.append(f"  {s:5}: model on the {m['groups']} groups whose readers agree: {m['agree']}/{m['groups']} = "
                     f"{m['share']:.1%} [{m['interval'][0]:.1%}, {m['interval'][1]:.1%}]")
    return "\n".join(lines)

