import base64
import re
from dataclasses import replace

import pytest

from evaluation.render_html import _errors
from evaluation.run import score_model, write_reports


@pytest.fixture(scope="module")
def tiny_evaluation(tiny_model_dir, tiny_records, tmp_path_factory):
    # every fourth passage gets another passage's labels, so that there are errors and confusions to show
    records = [r if i % 4 else replace(r, labels=tiny_records[(i + 5) % len(tiny_records)].labels, primary=())
               for i, r in enumerate(tiny_records)]
    data = tmp_path_factory.mktemp("eval") / "tiny.jsonl"
    data.write_text("".join(r.to_json() + "\n" for r in records), encoding="utf-8")
    return score_model(str(data), tiny_model_dir, record=False, n_boot=100)


@pytest.fixture(scope="module")
def written(tiny_evaluation, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    write_reports(tiny_evaluation.report, html=str(out / "report.html"), json_path=str(out / "report.json"))
    return out


def test_render_html_is_one_self_contained_file_with_the_plots(written):
    assert sorted(p.name for p in written.iterdir()) == ["report.html", "report.json"]
    html = (written / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I), "external reference"
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert "http://" not in html and "https://" not in html
    images = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", html)
    assert len(images) == 5  # summary bars, F1 heatmap, PR curves, reliability diagram, co-errors
    assert all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    for section in ("findings", "summary", "labels", "pr", "calibration", "confusions", "errors", "thresholds"):
        assert f"id='{section}'" in html, section
    assert "expected calibration error" in html.lower()


def test_render_html_shows_worst_errors_with_their_evidence(tiny_evaluation, written):
    html = (written / "report.html").read_text(encoding="utf-8")
    report = tiny_evaluation.report.to_dict()
    assert report["worst_errors"] and report["co_errors"]["top_pairs"]
    for e in report["worst_errors"]:
        assert e["id"] in html
    assert any(e["terms"] for e in report["worst_errors"])


def test_render_html_escapes_passage_text(tiny_evaluation):
    report = tiny_evaluation.report.to_dict()
    report["worst_errors"][0]["text"] = "<script>alert(1)</script> see https://example.org"
    html = _errors(report, {})
    assert "<script>" not in html and "&lt;script&gt;" in html
