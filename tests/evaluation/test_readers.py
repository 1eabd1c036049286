import json

import pytest

from classifier.taxonomy import default_taxonomy
from corpus.dataset import LabelledPassage
from corpus.errors import DataError
from evaluation.crosslingual import heldout_parallel
from evaluation.readers import READERS_FILE, compare_with_readers, load_readings, readers_report, same_main_flags

LANGS = ("en", "pl", "cs", "sk", "hu")


def _group(g, labels, primary=()):
    return [LabelledPassage(f"{g}-{lang}", f"{g} {lang}", lang, labels, "seed", split="test", group=g, primary=primary)
            for lang in LANGS]


def _reading(pid, labels, **main):
    return {"id": pid, "labels": list(labels), "main": {"sdg": None, "gd": None, "smart": None, **main}}


def test_readers_report_counts_a_group_only_when_all_five_mains_agree():
    tax = default_taxonomy()
    records = _group("g1", ("sdg:7", "sdg:13", "gd:energy"), primary=("sdg:7",)) + _group("g2", ("sdg:4",))
    readings = {}
    for lang in LANGS:
        # g1: the Czech reader leads with sdg:13; every reader names gd:energy. g2: all read sdg:4.
        main = "sdg:13" if lang == "cs" else "sdg:7"
        readings[f"g1-{lang}"] = _reading(f"g1-{lang}", ("sdg:7", "sdg:13", "gd:energy"), sdg=main, gd="gd:energy")
        readings[f"g2-{lang}"] = _reading(f"g2-{lang}", ("sdg:4",), sdg="sdg:4")
    rep = readers_report(records, readings, tax)
    assert rep["same_top_label"]["sdg"]["agree"] == 1 and rep["same_top_label"]["sdg"]["groups"] == 2
    assert rep["same_top_label"]["gd"] == {"groups": 1, "agree": 1, "share": 1.0, "interval": [1.0, 1.0]}
    assert rep["single_label"]["sdg"] == {"groups": 1, "agree": 1, "share": 1.0}
    assert rep["top_is_primary"]["sdg"] == {"groups": 1, "agree": 0, "share": 0.0}
    assert rep["labels_f1_vs_reference"]["sdg"] == 1.0 and rep["labels_f1_vs_reference"]["smart"] is None
    assert rep["agreement_with_english"]["sdg"]["cs"] == 0.5 and rep["agreement_with_english"]["sdg"]["pl"] == 1.0


def test_a_reader_without_a_label_disagrees_with_one_who_has_it():
    tax = default_taxonomy()
    records = _group("g1", ("gd:mobility",))
    mains = ["gd:mobility"] * 4 + [None]
    assert same_main_flags(records, mains, "gd", tax) == {"g1": False}
    assert same_main_flags(records, [None] * 5, "gd", tax) == {"g1": True}


def test_compare_with_readers_pairs_the_same_groups():
    tax = default_taxonomy()
    records = _group("g1", ("sdg:4",)) + _group("g2", ("sdg:8",))
    readings = {r.id: _reading(r.id, r.labels, sdg=r.labels[0]) for r in records}
    out = compare_with_readers({"sdg": {"g1": True, "g2": False}}, records, readings, tax)
    assert out["sdg"]["a"] == 1.0 and out["sdg"]["b"] == 0.5 and out["sdg"]["lost"] == 1 and out["sdg"]["gained"] == 0
    assert out["sdg"]["model_where_readers_agree"]["groups"] == 2 and out["sdg"]["model_where_readers_agree"]["agree"] == 1


def test_load_readings_rejects_a_main_label_outside_the_labels(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(_reading("p1", ["sdg:7"], sdg="sdg:13")) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="main sdg label sdg:13"):
        load_readings(path, default_taxonomy())
    path.write_text(json.dumps(_reading("p1", ["sdg:99"])) + "\n", encoding="utf-8")
    with pytest.raises(Exception, match="sdg:99"):
        load_readings(path, default_taxonomy())


@pytest.mark.skipif(not READERS_FILE.exists(), reason="no readings of the held-out groups")
def test_every_held_out_passage_has_one_valid_reading():
    tax = default_taxonomy()
    readings = load_readings(taxonomy=tax)
    records = heldout_parallel("all")
    assert {r.id for r in records} == set(readings)
    # no reader saw two language versions of one group
    seen = {}
    for r in records:
        reader = readings[r.id]["reader"]
        assert (r.group, reader) not in seen, f"{reader} read two versions of {r.group}"
        seen[(r.group, reader)] = r.id


@pytest.mark.skipif(not READERS_FILE.exists(), reason="no readings of the held-out groups")
def test_cli_crosslingual_readers_scores_readers_and_model(capsys):
    from service.cli import main

    assert main(["evaluate", "crosslingual", "--readers", "--set", "A"]) == 0
    out = capsys.readouterr().out
    assert "Cross-lingual consistency, independent readers" in out
    assert "readers -> model" in out and "groups whose readers agree" in out
    assert main(["evaluate", "crosslingual", "--readers", "--documents", "5"]) == 2
