import numpy as np
import pytest

from corpus.errors import DataError
from evaluation.history import History, db_url, format_history
from evaluation.run import score_model


@pytest.fixture(scope="module")
def tiny_data(tiny_records, tmp_path_factory):
    path = tmp_path_factory.mktemp("hist") / "tiny.jsonl"
    path.write_text("".join(r.to_json() + "\n" for r in tiny_records), encoding="utf-8")
    return str(path)


def test_history_round_trip(tiny_model_dir, tiny_data, tmp_path):
    db = str(tmp_path / "h.sqlite")
    ev = score_model(tiny_data, tiny_model_dir, db=db, set_name="tiny", n_boot=50)
    assert ev.run_id == 1 and ev.report.context["run_id"] == 1
    runs = History(db).runs()
    assert [r.id for r in runs] == [1] and runs[0].set_name == "tiny" and runs[0].Y is None
    run = History(db).get(1)
    assert run.data_fingerprint == ev.gold.fingerprint
    assert run.model_fingerprint == ev.report.context["model_fingerprint"] and len(run.model_fingerprint) == 64
    assert np.array_equal(run.Y, ev.gold.Y) and run.languages == ev.gold.languages and run.ids == ev.gold.ids
    assert np.allclose(run.predictions.P, ev.predictions.P, atol=1e-6)
    assert np.array_equal(run.predictions.thresholds, ev.predictions.thresholds)
    assert run.metrics["cells"]["all"]["all"]["micro_f1"] == ev.report.metrics["all"]["all"]["micro_f1"]
    score_model(tiny_data, tiny_model_dir, db=db, set_name="tiny", n_boot=50)
    text = format_history(History(db).runs("tiny"))
    assert "tiny" in text and "+0.000" in text  # the second run shows its change against the first
    assert History(db).runs("other") == []


def test_history_missing_run_and_urls(tmp_path, monkeypatch):
    with pytest.raises(DataError, match="no evaluation run 7"):
        History(str(tmp_path / "empty.sqlite")).get(7)
    monkeypatch.setenv("STRATAG_DATA_DIR", str(tmp_path / "d"))
    assert db_url(None) == f"sqlite:///{tmp_path / 'd' / 'stratag.sqlite'}"
    assert db_url("sqlite:///x.db") == "sqlite:///x.db"
    assert db_url(str(tmp_path / "y.db")) == f"sqlite:///{tmp_path / 'y.db'}"
    assert format_history([]).startswith("no evaluation runs")
