import json
import subprocess
import sys

import pytest

from service.cli import main
from tests.conftest import TEXTS


def test_cli_classify_prints_a_table_per_document(tiny_model_dir, pdf_dir, capsys):
    code = main(["classify", str(pdf_dir / "pl.pdf"), str(pdf_dir / "cs.pdf"), "--model", str(tiny_model_dir)])
    out = capsys.readouterr().out
    assert code == 0
    assert "pl.pdf" in out and "cs.pdf" in out
    assert "gd:energy" in out and "p. " in out
    assert out.count("(main)") >= 2  # the main label of each scheme with assigned labels, in both documents


def test_cli_classify_json_has_scores_and_evidence(tiny_model_dir, pdf_dir, capsys):
    assert main(["classify", str(pdf_dir / "pl.pdf"), "--model", str(tiny_model_dir), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["language"] == "pl" and data["n_pages"] == 2
    assert len(data["labels"]) == 32
    assigned = [s for s in data["labels"] if s["assigned"]]
    assert assigned and all(s["evidence"] for s in assigned)
    assert all("page_start" in e for s in assigned for e in s["evidence"])


def test_cli_classify_bad_file_is_reported_and_others_still_classified(tiny_model_dir, pdf_dir, bad_files, capsys):
    files = [str(pdf_dir / "hu.pdf"), str(bad_files["encrypted_pdf"]), str(bad_files["corrupt_pdf"]), str(pdf_dir / "sk.pdf")]
    code = main(["classify", *files, "--model", str(tiny_model_dir)])
    captured = capsys.readouterr()
    assert code != 0
    assert "hu.pdf" in captured.out and "sk.pdf" in captured.out
    assert "[encrypted_pdf]" in captured.err and "[corrupt_pdf]" in captured.err


def test_cli_missing_model_exits_with_model_missing(tmp_path, pdf_dir, capsys):
    code = main(["classify", str(pdf_dir / "pl.pdf"), "--model", str(tmp_path / "none")])
    assert code != 0
    assert "[model_missing]" in capsys.readouterr().err


def test_cli_predict_keeps_order_and_format(tiny_model_dir, tmp_path):
    inp = tmp_path / "in.jsonl"
    records = [{"id": f"r{i}", "text": TEXTS[lang], "extra": 1} for i, lang in enumerate(["hu", "en", "pl", "sk", "cs"] * 3)]
    inp.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["predict", str(inp), "-o", str(out), "--model", str(tiny_model_dir)]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in lines] == [r["id"] for r in records]
    assert [r["language"] for r in lines] == ["hu", "en", "pl", "sk", "cs"] * 3
    for r in lines:
        assert set(r) == {"id", "language", "labels", "main", "scores"}
        assert len(r["scores"]) == 32 and all(0 <= v <= 1 for v in r["scores"].values())
        assert all(r["scores"][label] >= 0 for label in r["labels"])
        # one main label per scheme that has labels, always one of them
        assert sorted(r["main"]) == sorted({label.split(":")[0] for label in r["labels"]})
        assert all(label in r["labels"] and label.startswith(scheme + ":") for scheme, label in r["main"].items())


def test_cli_predict_stdin_to_stdout(tiny_model_dir):
    line = json.dumps({"id": 7, "text": TEXTS["pl"]}, ensure_ascii=False)
    proc = subprocess.run([sys.executable, "-m", "service.cli", "predict", "-", "--model", str(tiny_model_dir)],
                          input=line + "\n", capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["id"] == 7 and out["language"] == "pl"


def test_cli_predict_bad_line_fails_without_partial_output(tiny_model_dir, tmp_path, capsys):
    inp = tmp_path / "in.jsonl"
    inp.write_text('{"id": 1, "text": "ok text here"}\nnot json\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["predict", str(inp), "-o", str(out), "--model", str(tiny_model_dir)]) != 0
    assert "[invalid_data]" in capsys.readouterr().err
    assert not out.exists()


def test_cli_labels_lists_the_taxonomy(capsys):
    assert main(["labels", "--ui-language", "pl"]) == 0
    out = capsys.readouterr().out
    assert len(out.strip().splitlines()) == 32 and "sdg:7" in out
