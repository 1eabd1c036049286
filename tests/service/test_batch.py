"""``stratag batch`` on real files in real worker processes: salted folders, resume, kill -9, CSV, time limit,
the Dask backend."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.errors import BatchError, ModelMissing
from service.batch import run_batch
from service.batch_output import Journal
from service.cli import main
from tests.conftest import TEXTS, make_pdf

GOOD_PDFS = ["pl.pdf", "cs.pdf", "sk.pdf", "hu.pdf", "en.pdf"]
HUGE_PAGES = 10  # the page limit of the salted batch: a longer PDF is 'too_large'


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _salted_folder(root: Path, pdf_dir: Path, bad_files: dict[str, Path], font: str) -> Path:
    """Good documents (in a sub-folder too), every kind of bad file, and things that must be skipped."""
    folder = root / "in"
    (folder / "nested" / "deeper").mkdir(parents=True)
    make_pdf(folder / "huge.pdf", [TEXTS["pl"]] * (HUGE_PAGES + 1), font)
    for name in GOOD_PDFS[:3]:
        shutil.copy(pdf_dir / name, folder / name)
    shutil.copy(pdf_dir / "hu.pdf", folder / "nested" / "deeper" / "hu.PDF")
    (folder / "nested" / "notes.txt").write_text(TEXTS["cs"], encoding="utf-8")
    (folder / "plan.md").write_text("# Plan\n\n" + TEXTS["en"], encoding="utf-8")
    for code in ("corrupt_pdf", "encrypted_pdf", "not_a_pdf", "empty_document", "unsupported_type"):
        shutil.copy(bad_files[code], folder / bad_files[code].name)
    shutil.copy(pdf_dir / "en.pdf", folder / ".hidden.pdf")
    (folder / ".cache").mkdir()
    shutil.copy(pdf_dir / "en.pdf", folder / ".cache" / "en.pdf")
    outside = root / "outside"
    outside.mkdir()
    shutil.copy(pdf_dir / "en.pdf", outside / "en.pdf")
    (folder / "outside-link.pdf").symlink_to(outside / "en.pdf")
    (folder / "outside-dir").symlink_to(outside)
    (folder / "copy-of-pl.pdf").symlink_to(folder / "pl.pdf")
    (folder / "dangling.pdf").symlink_to(root / "nowhere.pdf")
    return folder


def test_batch_salted_folder_classifies_good_reports_bad_and_skipped(tmp_path, pdf_dir, bad_files, font_path,
                                                                   tiny_model_dir):
    folder = _salted_folder(tmp_path, pdf_dir, bad_files, font_path)
    out = tmp_path / "results.jsonl"
    summary = run_batch(folder, out, model_dir=str(tiny_model_dir), workers=2, max_pages=HUGE_PAGES)

    by_source = {r["source"]: r for r in _records(out)}
    good = ["pl.pdf", "cs.pdf", "sk.pdf", "nested/deeper/hu.PDF", "nested/notes.txt", "plan.md"]
    for source in good:
        r = by_source.pop(source)
        assert r["status"] == "ok" and r["pages"] >= 1 and r["language"] in TEXTS
        assert set(r["tags"]) == {"sdg", "gd", "smart"} and len(r["scores"]) == 32
        assert all(t["evidence_pages"] for tags in r["tags"].values() for t in tags)
        # the main label of a scheme is one of its assigned tags, flagged there too
        assert r["main"] == {s: next(t["label"] for t in tags if t["main"]) for s, tags in r["tags"].items() if tags}
    errors = {source: r["error"]["code"] for source, r in by_source.items()}
    assert errors == {"corrupt.pdf": "corrupt_pdf", "encrypted.pdf": "encrypted_pdf", "renamed.pdf": "not_a_pdf",
                      "empty.pdf": "empty_document", "huge.pdf": "too_large"}
    assert all(r["status"] == "error" and r["error"]["message"] for r in by_source.values())

    skipped = {s["source"]: s["reason"] for s in summary["skipped"]}
    assert skipped == {".hidden.pdf": "hidden", ".cache/": "hidden", "outside-link.pdf": "symlink_outside_folder",
                       "outside-dir/": "symlink_outside_folder", "copy-of-pl.pdf": "duplicate",
                       "dangling.pdf": "broken_symlink", "slides.pptx": "unsupported_type"}
    assert summary["documents"] == 11 and summary["classified"] == 6 and summary["failed"] == 5
    assert summary["failures_by_code"] == {"corrupt_pdf": 1, "encrypted_pdf": 1, "not_a_pdf": 1, "empty_document": 1,
                                           "too_large": 1}
    assert summary["pages"] == sum(r["pages"] for r in _records(out) if r["status"] == "ok")
    assert sum(summary["labels_assigned"].values()) == sum(
        len(tags) for r in _records(out) if r["status"] == "ok" for tags in r["tags"].values())
    assert json.loads((tmp_path / "results.summary.json").read_text(encoding="utf-8")) == summary

    # Running again redoes nothing and leaves the output as it was.
    before = out.read_bytes()
    again = run_batch(folder, out, model_dir=str(tiny_model_dir), workers=2, max_pages=HUGE_PAGES)
    assert again["run"]["processed"] == 0 and again["run"]["already_done"] == 11
    assert out.read_bytes() == before


def test_batch_resume_does_only_new_documents_and_repairs_a_half_written_line(tmp_path, pdf_dir, tiny_model_dir):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in GOOD_PDFS[:2]:
        shutil.copy(pdf_dir / name, folder / name)
    out = tmp_path / "results.jsonl"
    first = run_batch(folder, out, model_dir=str(tiny_model_dir), workers=1)
    assert first["run"]["processed"] == 2
    with out.open("a", encoding="utf-8") as f:  # what a kill -9 in the middle of a write leaves behind
        f.write('{"source": "sk.pdf", "document_id": "ab')
    shutil.copy(pdf_dir / "sk.pdf", folder / "sk.pdf")
    shutil.copy(pdf_dir / "pl.pdf", folder / "renamed-pl.pdf")  # known content under a new name: not redone

    second = run_batch(folder, out, model_dir=str(tiny_model_dir), workers=1)
    assert second["run"]["processed"] == 1 and second["run"]["already_done"] == 2
    records = _records(out)
    assert sorted(r["source"] for r in records) == ["cs.pdf", "pl.pdf", "sk.pdf"]
    assert len({r["document_id"] for r in records}) == 3


def test_batch_journal_refuses_a_second_writer(tmp_path):
    journal = Journal.open(tmp_path / "results.jsonl")
    try:
        with pytest.raises(BatchError, match="another 'stratag batch'"):
            Journal.open(tmp_path / "results.jsonl")
    finally:
        journal.close()


def _numbered_pdfs(folder: Path, n: int, font: str) -> None:
    folder.mkdir()
    langs = list(TEXTS)
    for i in range(n):
        text = TEXTS[langs[i % len(langs)]]
        make_pdf(folder / f"doc-{i:02d}.pdf", [f"{text} ({i})", text, f"{i}. {text}"], font)


def test_batch_killed_with_sigkill_then_restarted_loses_and_repeats_nothing(tmp_path, font_path, tiny_model_dir):
    psutil = pytest.importorskip("psutil")
    folder, out = tmp_path / "in", tmp_path / "results.jsonl"
    _numbered_pdfs(folder, 30, font_path)
    cmd = [sys.executable, "-m", "service.cli", "batch", str(folder), "-o", str(out), "--model", str(tiny_model_dir),
           "--workers", "1", "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= 3:
            break
        time.sleep(0.02)
    assert proc.poll() is None, f"the batch ended before it could be killed: {proc.stderr.read().decode()}"
    workers = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, "worker processes outlived the killed batch"
    done_before = {json.loads(line)["document_id"] for line in out.read_text(encoding="utf-8").splitlines()
                   if line.endswith("}")}
    assert 3 <= len(done_before) < 30

    restarted = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert restarted.returncode == 0, restarted.stderr
    records = _records(out)  # every line is valid JSON
    assert len(records) == 30 and len({r["document_id"] for r in records}) == 30
    assert sorted(r["source"] for r in records) == [f"doc-{i:02d}.pdf" for i in range(30)]
    assert all(r["status"] == "ok" for r in records)
    summary = json.loads((tmp_path / "results.summary.json").read_text(encoding="utf-8"))
    assert summary["run"]["already_done"] >= len(done_before)
    assert summary["run"]["processed"] == 30 - summary["run"]["already_done"]


def test_batch_csv_output_is_rendered_from_the_journal(tmp_path, pdf_dir, bad_files, tiny_model_dir, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in GOOD_PDFS:
        shutil.copy(pdf_dir / name, folder / name)
    shutil.copy(bad_files["corrupt_pdf"], folder / "corrupt.pdf")
    out = tmp_path / "results.csv"
    code = main(["batch", str(folder), "-o", str(out), "--model", str(tiny_model_dir), "--workers", "1", "--no-progress"])
    assert code == 1  # one document failed
    printed = capsys.readouterr().out
    assert "6 documents in the output (5 classified, 1 failed)" in printed and "corrupt_pdf 1" in printed

    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["source"] for r in rows] == sorted(GOOD_PDFS + ["corrupt.pdf"])
    by_source = {r["source"]: r for r in rows}
    assert by_source["corrupt.pdf"]["error_code"] == "corrupt_pdf"
    assert by_source["pl.pdf"]["language"] == "pl" and by_source["pl.pdf"]["pages"] == "2"
    assert "gd:energy" in by_source["pl.pdf"]["tags_gd"] and 0 <= float(by_source["pl.pdf"]["gd:energy"]) <= 1
    assert by_source["pl.pdf"]["main_gd"] and by_source["pl.pdf"]["main_gd"] in by_source["pl.pdf"]["tags_gd"]
    assert (tmp_path / "results.csv.jsonl").is_file() and (tmp_path / "results.summary.json").is_file()
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_batch_per_file_timeout_is_recorded_and_the_batch_completes(tmp_path, pdf_dir, tiny_model_dir):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in GOOD_PDFS[:2]:
        shutil.copy(pdf_dir / name, folder / name)
    out = tmp_path / "results.jsonl"
    summary = run_batch(folder, out, model_dir=str(tiny_model_dir), workers=1, timeout_s=0.01)
    records = _records(out)
    assert len(records) == 2
    assert {r["error"]["code"] for r in records} == {"timeout"}
    assert summary["failures_by_code"] == {"timeout": 2}

    retried = run_batch(folder, out, model_dir=str(tiny_model_dir), workers=1, retry_failed=True)
    assert retried["run"]["processed"] == 2 and retried["failed"] == 0
    assert len(_records(out)) == 2


def test_batch_missing_model_stops_with_its_code(tmp_path, pdf_dir):
    with pytest.raises(ModelMissing):
        run_batch(pdf_dir, tmp_path / "results.jsonl", model_dir=str(tmp_path / "no-model"), workers=1)


def test_batch_store_saves_each_document_once(tmp_path, pdf_dir, tiny_model_dir):
    store_module = pytest.importorskip("service.store", reason="the portal store (service/store.py) is not here")
    folder = tmp_path / "in"
    folder.mkdir()
    for name in GOOD_PDFS[:2]:
        shutil.copy(pdf_dir / name, folder / name)
    out, first_db, second_db = tmp_path / "results.jsonl", tmp_path / "a.db", tmp_path / "b.db"
    run_batch(folder, out, model_dir=str(tiny_model_dir), workers=1, store_url=f"sqlite:///{first_db}")
    ids = [r["document_id"] for r in _records(out)]
    assert len(ids) == 2 and all(store_module.Store(f"sqlite:///{first_db}").has_document(i) for i in ids)

    # Documents already in the output but not in this database are tagged again to be stored, not written twice.
    again = run_batch(folder, out, model_dir=str(tiny_model_dir), workers=1, store_url=f"sqlite:///{second_db}")
    assert again["run"]["processed"] == 2 and [r["document_id"] for r in _records(out)] == ids
    assert all(store_module.Store(f"sqlite:///{second_db}").has_document(i) for i in ids)


def test_batch_dask_backend_gives_the_local_results(tmp_path, pdf_dir, tiny_model_dir):
    pytest.importorskip("distributed", reason="the dask backend needs 'stratag[distributed]'")
    local = run_batch(pdf_dir, tmp_path / "local.jsonl", model_dir=str(tiny_model_dir), workers=1)
    dask = run_batch(pdf_dir, tmp_path / "dask.jsonl", model_dir=str(tiny_model_dir), workers=2, backend="dask")
    assert dask["run"]["backend"] == "dask" and dask["classified"] == local["classified"] == 5

    def comparable(path):
        return sorted(({k: v for k, v in r.items() if k != "seconds"} for r in _records(path)), key=lambda r: r["source"])

    assert comparable(tmp_path / "dask.jsonl") == comparable(tmp_path / "local.jsonl")
