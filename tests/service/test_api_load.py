"""The load check behind ``stratag bench-service``: concurrent uploads to a real uvicorn on 127.0.0.1, nothing lost
or duplicated. It checks counts only; the timing it reports goes into the README, never into an assertion."""

from __future__ import annotations

from service.loadcheck import run_load_check, sample_pdfs


def test_api_load_sample_pdfs_are_distinct_readable_pdfs():
    from corpus.read import read_bytes

    pdfs = sample_pdfs(6)
    assert len(set(pdfs)) == 6
    doc = read_bytes(pdfs[3], name="x.pdf")
    assert doc.language == "en" and doc.n_pages == 1 and "number 3" in doc.text


def test_api_load_concurrent_uploads_lose_and_duplicate_nothing(tiny_model_dir):
    result = run_load_check(n=12, concurrency=12, model_dir=str(tiny_model_dir))
    assert result["ok"], result
    assert result["first_round"]["statuses"] == {201: 12}
    assert result["stored"] == 12 and result["lost"] == 0 and result["duplicated"] == 0 and result["unexpected"] == 0
    assert result["repeat_round"]["recognised_as_duplicates"] == 12 and result["stored_after_repeat"] == 12
    assert set(result["first_round"]["latency_ms"]) == {"p50", "p90", "p99", "max"}
