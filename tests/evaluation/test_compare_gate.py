import json

import numpy as np
import pytest

from classifier.artifact import load_tagger, read_meta, save_tagger
from classifier.taxonomy import default_taxonomy
from evaluation.bootstrap import paired_share_difference
from evaluation.compare import compare, scored_from_gold
from evaluation.gate import gate
from evaluation.gold import load_gold
from evaluation.report import Predictions
from service.cli import main


@pytest.fixture(scope="module")
def tiny_data(tiny_records, tmp_path_factory):
    path = tmp_path_factory.mktemp("cmp") / "tiny.jsonl"
    path.write_text("".join(r.to_json() + "\n" for r in tiny_records), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def broken_model_dir(tiny_model_dir, tmp_path_factory):
    """The tiny model with every threshold at 1.0: it never tags anything."""
    tagger = load_tagger(tiny_model_dir)
    tagger.thresholds = np.ones(len(tagger.label_ids))
    tagger.doc_thresholds = np.ones(len(tagger.label_ids))
    return save_tagger(tagger, tmp_path_factory.mktemp("broken") / "tiny", read_meta(tiny_model_dir))


def test_compare_and_gate_pure_functions(tiny_data):
    tax = default_taxonomy()
    gold = load_gold(tiny_data, tax)
    rng = np.random.default_rng(0)
    P = np.where(gold.Y == 1, 0.8, 0.2) + rng.normal(0, 0.05, gold.Y.shape)
    good = scored_from_gold(gold, Predictions(P, np.full(len(tax), 0.5)), "good")
    bad = scored_from_gold(gold, Predictions(P, np.full(len(tax), 1.0)), "bad")
    same = compare(good, good, tax, n_boot=200)
    assert not same["regressions"] and gate(same).passed
    worse = compare(good, bad, tax, n_boot=200)
    assert worse["regressions"] and not gate(worse).passed
    assert any(c["failed"] for c in gate(worse).checks)
    better = compare(bad, good, tax, n_boot=200)
    assert gate(better).passed and any(c["flag"] == "improvement" for c in better["cells"])


def test_gate_checks_cross_lingual_consistency_with_the_f1_cells(tiny_data):
    tax = default_taxonomy()
    gold = load_gold(tiny_data, tax)
    P = np.where(gold.Y == 1, 0.8, 0.2)
    same = compare(*(2 * [scored_from_gold(gold, Predictions(P, np.full(len(tax), 0.5)), "m")]), tax, n_boot=200)
    agree = [True] * 180 + [False] * 20
    steady = gate(same, consistency={"sdg": paired_share_difference(agree, agree)})
    assert steady.passed and len(steady.checks) == len(gate(same).checks) + 1
    worse = gate(same, consistency={"sdg": paired_share_difference(agree, [False] * 40 + agree[40:])})
    check = next(c for c in worse.checks if c["language"] == "parallel")
    assert not worse.passed and check["failed"] and check["scheme"] == "sdg" and check["delta"] == -0.2
    assert "same top label on the parallel groups" in worse.describe()


def test_evaluate_cli_keeps_the_old_form_and_records_runs(tiny_model_dir, tiny_data, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("STRATAG_DATA_DIR", str(tmp_path / "data"))
    out_json = tmp_path / "r.json"
    assert main(["evaluate", "--data", tiny_data, "--model", str(tiny_model_dir), "--json", str(out_json)]) == 0
    assert "micro-F1" in capsys.readouterr().out
    assert json.loads(out_json.read_text(encoding="utf-8"))["n"] == 60
    assert main(["evaluate", "run", "--data", tiny_data, "--model", str(tiny_model_dir), "--set-name", "t"]) == 0
    assert "run-2-t.html" in capsys.readouterr().out
    # the default store and the reports folder the web portal lists
    assert (tmp_path / "data" / "stratag.sqlite").is_file()
    assert sorted(p.name for p in (tmp_path / "data" / "reports").iterdir()) == ["run-2-t.html", "run-2-t.json"]
    assert main(["evaluate", "history"]) == 0
    out = capsys.readouterr().out
    assert "t\n" in out and tiny_data in out


def test_gate_fails_a_broken_model_and_passes_the_model_against_itself(tiny_model_dir, broken_model_dir, tiny_data,
                                                                       tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("STRATAG_DATA_DIR", str(tmp_path))
    db = str(tmp_path / "h.sqlite")
    args = ["--data", tiny_data, "--db", db]
    assert main(["evaluate", "gate", "--candidate", str(broken_model_dir), "--baseline", str(tiny_model_dir), *args]) == 1
    assert "FAILED" in capsys.readouterr().out
    assert main(["evaluate", "gate", "--candidate", str(tiny_model_dir), "--baseline", str(tiny_model_dir), *args]) == 0
    assert "PASSED" in capsys.readouterr().out
    assert main(["evaluate", "gate", "--candidate", str(tiny_model_dir), "--baseline", str(tiny_model_dir), "--crosslingual",
                 *args]) == 0
    out = capsys.readouterr().out
    assert "PASSED" in out and all(f"parallel {s}" in out for s in ("sdg", "gd", "smart"))
    # a recorded run as the baseline (run 1 is the broken model's baseline evaluation of the tiny model)
    assert main(["evaluate", "gate", "--candidate", str(broken_model_dir), "--baseline", "1", *args]) == 1
    capsys.readouterr()


def test_compare_cli_flags_regressions_between_runs(tiny_model_dir, broken_model_dir, tiny_data, tmp_path, capsys,
                                                   monkeypatch):
    monkeypatch.setenv("STRATAG_DATA_DIR", str(tmp_path))
    db = str(tmp_path / "h.sqlite")
    for model in (tiny_model_dir, broken_model_dir):
        assert main(["evaluate", "--data", tiny_data, "--model", str(model), "--db", db]) == 0
    capsys.readouterr()
    assert main(["evaluate", "compare", "1", "2", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "regression" in out and "significant regression(s)" in out
    assert main(["evaluate", "compare", "1", str(broken_model_dir), "--db", db, "--no-record", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["regressions"] and {"cells", "labels", "baseline", "candidate"} <= set(result)
