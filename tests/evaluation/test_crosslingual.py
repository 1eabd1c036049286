import copy
import json
import re

import numpy as np
import pytest

from classifier.artifact import DEFAULT_MODEL_DIR
from classifier.primary_head import PrimaryHead, ranked_by_main
from classifier.taxonomy import default_taxonomy
from corpus.dataset import LabelledPassage
from evaluation.crosslingual import (consistency_of, consistency_report, disagreement_kinds, document_consistency,
                                     heldout_parallel, label_flips)
from service.cli import main


def _group(g, labels):
    return [LabelledPassage(f"{g}-{lang}", f"{g} {lang}", lang, labels, "seed", split="test", group=g)
            for lang in ("en", "pl", "hu")]


def test_a_scheme_is_scored_only_on_groups_labelled_in_it():
    tax = default_taxonomy()
    records = _group("g1", ("sdg:4",)) + _group("g2", ("sdg:7", "gd:energy"))
    P = np.zeros((6, len(tax.ids)))
    sdg4, sdg7, energy, climate = (tax.ids.index(x) for x in ("sdg:4", "sdg:7", "gd:energy", "gd:climate"))
    P[0:3, sdg4] = 0.9
    P[3:6, sdg7] = 0.9
    P[3:5, energy] = 0.8
    P[5, climate] = 0.8  # Hungarian version of g2: wrong top Green Deal area
    P[0, climate] = 0.5  # the school group has no gd label: its top gd area must not count
    out = consistency_of(records, P, tax)
    assert out["same_top_label"]["sdg"] == {"groups": 2, "agree": 2, "share": 1.0, "interval": [1.0, 1.0]}
    assert out["same_top_label"]["gd"] == {"groups": 1, "agree": 0, "share": 0.0, "interval": [0.0, 0.0]}
    assert out["agreement_with_english"]["gd"] == {"hu": 0.0, "pl": 1.0}


def test_top_is_primary_counts_only_groups_that_name_a_primary_label():
    from dataclasses import replace

    tax = default_taxonomy()
    records = [replace(r, primary=("sdg:7",)) for r in _group("g1", ("sdg:7", "sdg:13"))] + _group("g2", ("sdg:4",))
    P = np.zeros((6, len(tax.ids)))
    sdg4, sdg7, sdg13 = (tax.ids.index(x) for x in ("sdg:4", "sdg:7", "sdg:13"))
    P[0:3, sdg7] = 0.9
    P[2, sdg13] = 0.95  # Hungarian puts the secondary SDG first
    P[3:6, sdg4] = 0.9
    out = consistency_of(records, P, tax)
    assert out["top_is_primary"]["sdg"] == {"groups": 1, "agree": 0, "share": 0.0}
    assert out["top_is_gold"]["sdg"] == {"groups": 2, "agree": 2, "share": 1.0}
    P[2, sdg13] = 0.5
    assert consistency_of(records, P, tax)["top_is_primary"]["sdg"]["agree"] == 1


def test_heldout_groups_are_test_split_and_have_several_languages():
    records = heldout_parallel()
    assert records and all(r.split == "test" and r.group for r in records)
    by_group = {}
    for r in records:
        by_group.setdefault(r.group, set()).add(r.language)
    assert all(len(langs) == 5 for langs in by_group.values())


def test_the_three_held_out_batches_split_the_groups():
    groups = {x: {r.group for r in heldout_parallel(x)} for x in ("A", "B", "C", "all")}
    assert len(groups["A"]) == 115 and len(groups["B"]) == 150 and len(groups["C"]) == 96
    assert groups["A"] | groups["B"] | groups["C"] == groups["all"]
    assert not groups["A"] & groups["B"] and not groups["A"] & groups["C"] and not groups["B"] & groups["C"]


def test_cli_reports_consistency_of_the_shipped_model(capsys):
    assert main(["evaluate", "crosslingual"]) == 0
    out = capsys.readouterr().out
    assert "same top label in every language, sdg" in out and "top label equals English's" in out
    assert re.search(r"same top label in every language, sdg  : \d+/\d+ = [\d.]+% \[[\d.]+%, [\d.]+%\]", out)


def test_cli_compares_two_models_on_the_same_groups(capsys):
    assert main(["evaluate", "crosslingual", "--set", "A", "--baseline", str(DEFAULT_MODEL_DIR), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)  # the shipped model against itself: nothing gained or lost
    assert set(result) == {"sdg", "gd", "smart"}
    assert all(c["delta"] == 0.0 and c["gained"] == c["lost"] == 0 and c["a"] == c["b"] > 0.5 for c in result.values())
    assert main(["evaluate", "crosslingual", "--baseline", str(DEFAULT_MODEL_DIR), "--documents", "5"]) == 2


def test_report_ranks_by_the_main_label_the_product_shows_or_by_score(tiny_tagger, tiny_records):
    tax = default_taxonomy()
    # parallel groups from the tiny corpus (the same passage in four languages), primary label reversed for the
    # passages with two SDGs, so that the head and the scores disagree about which comes first
    records = [LabelledPassage(r.id, r.text, r.language, r.labels, "seed", split="test", group=f"g{r.id.split('-')[0]}")
               for r in tiny_records if r.id.endswith("-0")]
    tagger = copy.copy(tiny_tagger)
    flipped = [LabelledPassage(r.id, r.text, r.language, r.labels, "seed", split="train",
                               primary=tuple(x for x in r.labels if x.startswith("sdg:"))[-1:]) for r in tiny_records]
    tagger.primary_head = PrimaryHead().fit(tagger.estimator.head_features([(r.text, r.language) for r in flipped]),
                                            [r.primary for r in flipped], tax)
    P, main = tagger.predict_passages([(r.text, r.language) for r in records])
    by_score = consistency_report(tagger, records, tax, by="score")
    by_main = consistency_report(tagger, records, tax, by="main")
    extra = ("disagreements", "label_flips")
    assert {k: v for k, v in by_score.items() if k not in extra} == consistency_of(records, P, tax)
    assert {k: v for k, v in by_main.items() if k not in extra} == consistency_of(records, ranked_by_main(P, main), tax)
    sdg = [j for j, x in enumerate(tax.ids) if x.startswith("sdg:")]
    tops_score = {tax.ids[sdg[k]] for k in np.argmax(P[:, sdg], axis=1)}
    tops_main = {tax.ids[sdg[k]] for k in np.argmax(ranked_by_main(P, main)[:, sdg], axis=1)}
    assert tops_main != tops_score  # the head moved the second SDG of the two-SDG passages first
    with pytest.raises(ValueError):
        consistency_report(tagger, records, tax, by="other")


def test_disagreements_are_sorted_by_why_the_languages_differ():
    tax = default_taxonomy()
    records = (_group("g1", ("sdg:7", "sdg:13")) + _group("g2", ("sdg:7", "sdg:13")) + _group("g3", ("sdg:7",))
               + _group("g4", ("sdg:7",)))
    sdg7, sdg13 = tax.ids.index("sdg:7"), tax.ids.index("sdg:13")
    P = np.zeros((12, len(tax.ids)))
    P[:, sdg7] = 0.9
    P[:, sdg13] = 0.6
    P[2, sdg13] = 0.95  # g1: both labels in every language, Hungarian ranks sdg:13 first
    P[5, sdg13] = 0.95  # g2: Hungarian ranks sdg:13 first and its sdg:7 falls below threshold
    P[5, sdg7] = 0.4
    P[8, [sdg7, sdg13]] = [0.3, 0.35]  # g3: Hungarian has no SDG at or above threshold
    above = P >= 0.5
    kinds = disagreement_kinds(records, P, above, tax)
    assert kinds["sdg"] == {"no_label": 1, "label_sets_differ": 1, "same_labels": 1}  # g4 agrees
    assert kinds["gd"] == {"no_label": 0, "label_sets_differ": 0, "same_labels": 0}


def test_cli_sorts_the_disagreements(capsys):
    assert main(["evaluate", "crosslingual", "--set", "A"]) == 0
    assert "sdg groups that disagree: " in capsys.readouterr().out


def _document_tagger(tagger, P, mains):
    fixed = copy.copy(tagger)
    fixed.predict_passages = lambda texts, mode="fast": (P[: len(texts)], mains[: len(texts)])
    return fixed


def test_document_consistency_tags_each_language_version_as_a_document(tiny_tagger):
    tax = default_taxonomy()
    ids = tiny_tagger.label_ids
    records = [r for g in range(4) for r in _group(f"g{g}", ("sdg:7", "gd:energy"))]
    sdg7, sdg13, energy = ids.index("sdg:7"), ids.index("sdg:13"), ids.index("gd:energy")
    P = np.zeros((len(records), len(ids)))
    P[:, [sdg7, energy]] = 0.95
    mains = np.zeros(P.shape, dtype=bool)
    mains[:, [sdg7, energy]] = True
    tagger = _document_tagger(tiny_tagger, P, mains)
    tagger.doc_thresholds = np.full(len(ids), 0.5)
    out = document_consistency(tagger, records, tax, size=2)
    assert out["documents"] == 2 and out["languages"] == ["en", "hu", "pl"]
    assert out["schemes"]["sdg"]["same_main"] == {"groups": 2, "agree": 2, "share": 1.0}
    assert out["schemes"]["sdg"]["main_is_topic"]["agree"] == 2
    assert out["schemes"]["sdg"]["same_labels"]["share"] == 1.0
    assert "smart" not in out["schemes"] or out["schemes"]["smart"]["same_main"]["groups"] == 0
    # the Hungarian version of the second document (groups g2, g3) also earns sdg:13 and makes it its main SDG
    hu = [i for i, r in enumerate(records) if r.language == "hu" and r.group in ("g2", "g3")]
    P[hu, sdg13] = 0.99
    mains[hu, sdg7] = False
    mains[hu, sdg13] = True
    out = document_consistency(_document_tagger(tagger, P, mains), records, tax, size=2)
    assert out["schemes"]["sdg"]["same_main"]["agree"] == 1
    assert out["schemes"]["sdg"]["same_labels"]["agree"] == 1
    assert out["schemes"]["sdg"]["jaccard_with_english"] == {"hu": 0.75, "pl": 1.0}
    assert out["schemes"]["gd"]["same_labels"]["share"] == 1.0
    assert out["schemes"]["sdg"]["main_is_topic"]["agree"] == 1
    # a group about another SDG goes into a document of its own
    other = _group("g9", ("sdg:4",))
    P4 = np.vstack([P, np.zeros((3, len(ids)))])
    P4[-3:, ids.index("sdg:4")] = 0.95
    mains4 = np.vstack([mains, P4[-3:] > 0.9])
    out = document_consistency(_document_tagger(tagger, P4, mains4), records + other, tax, size=2)
    assert out["documents"] == 3 and out["schemes"]["sdg"]["main_is_topic"]["agree"] == 2
    with pytest.raises(ValueError):
        document_consistency(tagger, records, tax, size=0)


def test_cli_scores_whole_documents(capsys):
    assert main(["evaluate", "crosslingual", "--set", "A", "--documents", "5"]) == 0
    out = capsys.readouterr().out
    assert "30 documents of up to 5 held-out parallel groups about one SDG" in out and "same main label" in out
    assert "main label is the documents' SDG in every language" in out


def test_label_flips_count_labels_some_translations_lose_or_gain():
    tax = default_taxonomy()
    ids = list(tax.ids)
    records = _group("g1", ("sdg:7", "sdg:13")) + _group("g2", ("sdg:4",))
    above = np.zeros((6, len(ids)), dtype=bool)
    above[0:3, ids.index("sdg:7")] = True  # every language: no flip
    above[0:2, ids.index("sdg:13")] = True  # Hungarian loses a gold label
    above[3:6, ids.index("sdg:4")] = True
    above[4, ids.index("sdg:10")] = True  # Polish gains one
    above[0, ids.index("sdg:10")] = True  # and so does the English of g1
    flips = label_flips(records, above, ids)
    assert flips == {"sdg:10": {"missed": 0, "spurious": 2}, "sdg:13": {"missed": 1, "spurious": 0}}
    assert list(flips) == ["sdg:10", "sdg:13"]  # most flipping first
