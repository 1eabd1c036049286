"""The predict benchmark's input is the seed corpus, one ``{"id", "text"}`` line per passage, readable by predict."""

import json

from corpus.sources import seed_passages
from evaluation.benchmark import write_predict_input
from service.cli import main


def test_predict_input_is_every_seed_passage_and_predict_reads_it(tmp_path, tiny_model_dir):
    path = tmp_path / "in.jsonl"
    n = write_predict_input(path)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    seeds = seed_passages()
    assert n == len(rows) == len(seeds) > 5000
    assert [r["id"] for r in rows[:50]] == [p.id for p in seeds[:50]] and all(set(r) == {"id", "text"} for r in rows)
    head = tmp_path / "head.jsonl"
    head.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:40]) + "\n", encoding="utf-8")
    assert main(["predict", str(head), "-o", str(tmp_path / "out.jsonl"), "--model", str(tiny_model_dir)]) == 0
    assert len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) == 40
