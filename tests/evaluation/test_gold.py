import json

import numpy as np
import pytest

from classifier.taxonomy import default_taxonomy
from corpus.errors import DataError, FileMissing, TaxonomyError
from evaluation.gold import judgement_column, load_gold, parse_pairwise
from evaluation.metrics import UNKNOWN

TAX = default_taxonomy()


def _col(label):
    return TAX.ids.index(label)


def test_gold_pairwise_format_is_detected_from_the_columns(tmp_path):
    path = tmp_path / "bench.csv"
    path.write_text("text,label,relevant,language\n"
                    "Solar panels on schools,sdg:7,true,en\n"
                    "Solar panels on schools,sdg:14,false,en\n"
                    "Nowe linie tramwajowe,gd:mobility,yes,pl\n", encoding="utf-8")
    gold = load_gold(str(path), TAX)
    assert gold.format == "pairwise" and len(gold) == 2
    assert gold.languages == ("en", "pl")
    assert gold.Y[0, _col("sdg:7")] == 1 and gold.Y[0, _col("sdg:14")] == 0
    assert gold.Y[1, _col("gd:mobility")] == 1
    # every pair nobody judged is unknown, not negative
    assert (gold.Y != UNKNOWN).sum() == 3


@pytest.mark.parametrize("columns,expected", [
    (["text", "label", "true/false"], "true/false"),
    (["text", "label", "judgement", "language"], "judgement"),
    (["text", "labels", "language"], None),
    (["text", "label", "note"], None),  # 'note' is not boolean
])
def test_gold_judgement_column(columns, expected):
    values = {"true/false": "TRUE", "judgement": "0", "note": "see p. 3", "language": "en", "text": "t", "label": "sdg:1",
              "labels": "sdg:1"}
    rows = [{c: values[c] for c in columns}]
    assert judgement_column(columns, rows) == expected


def test_gold_pairwise_majority_and_ties():
    rows = [{"text": "A", "label": "sdg:1", "j": "true"}, {"text": "A", "label": "sdg:1", "j": "true"},
            {"text": "A", "label": "sdg:1", "j": "false"},
            {"text": "A", "label": "sdg:2", "j": "true"}, {"text": "A", "label": "sdg:2", "j": "false"}]
    ids, texts, langs, Y = parse_pairwise(rows, "j", TAX)
    assert texts == ["A"] and Y[0, _col("sdg:1")] == 1 and Y[0, _col("sdg:2")] == UNKNOWN


def test_gold_pairwise_unknown_label_is_refused():
    with pytest.raises(TaxonomyError):
        parse_pairwise([{"text": "A", "label": "sdg:99", "j": "true"}], "j", TAX)


def test_gold_csv_and_jsonl_with_schemes(tmp_path):
    csv_path = tmp_path / "d.csv"
    csv_path.write_text('text,labels,language\n"Tram lines",sdg:11;gd:mobility,en\n', encoding="utf-8")
    gold = load_gold(str(csv_path), TAX)
    assert gold.format == "csv" and gold.Y[0, _col("gd:mobility")] == 1 and gold.Y[0, _col("sdg:7")] == 0
    jl = tmp_path / "d.jsonl"
    jl.write_text(json.dumps({"text": "Tram lines", "language": "en", "labels": ["sdg:11"], "schemes": ["sdg"]}) + "\n",
                  encoding="utf-8")
    gold = load_gold(str(jl), TAX)
    assert gold.Y[0, _col("sdg:11")] == 1
    assert (gold.Y[0, [_col("gd:mobility"), _col("smart:mobility")]] == UNKNOWN).all()


def test_gold_several_sources_concatenate_and_fingerprint_is_stable(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("text,labels,language\nOne,sdg:1,en\n", encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("text,labels,language\nTwo,sdg:2,en\n", encoding="utf-8")
    gold = load_gold([str(a), str(b)], TAX)
    assert len(gold) == 2 and gold.name == f"{a}+{b}"
    assert gold.fingerprint == load_gold([str(a), str(b)], TAX).fingerprint
    assert gold.fingerprint != load_gold([str(b), str(a)], TAX).fingerprint


def test_gold_bad_inputs(tmp_path):
    with pytest.raises(FileMissing):
        load_gold(str(tmp_path / "missing.jsonl"), TAX)
    bad = tmp_path / "bad.csv"
    bad.write_text("title,topic\nx,y\n", encoding="utf-8")
    with pytest.raises(DataError, match="text,labels"):
        load_gold(str(bad), TAX)


def test_gold_named_devsets(shared_data):
    gold = load_gold(["city-plans", "esif-titles"], TAX)
    assert len(gold) == 600 and gold.format == "hand-labelled"
    assert set(gold.languages) == {"en", "pl", "cs", "hu"}
    assert isinstance(gold.Y, np.ndarray) and (gold.Y == 1).any()
