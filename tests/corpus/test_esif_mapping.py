import json

import pytest

from classifier.taxonomy import default_taxonomy
from corpus.sources import ESIF_MAPPING, esif_passages


def _rules():
    return json.loads(ESIF_MAPPING.read_text(encoding="utf-8"))["rules"]


def test_every_rule_is_valid_against_the_taxonomy():
    tax = default_taxonomy()
    for rule in _rules():
        labels, schemes, unknown = rule["labels"], rule["schemes"], rule.get("unknown", [])
        tax.validate(labels + unknown)
        assert {tax.scheme_of(x) for x in labels} <= set(schemes), rule["label"]
        assert not set(unknown) & set(labels), rule["label"]
        assert {tax.scheme_of(x) for x in unknown} <= set(schemes), rule["label"]  # unknown only matters there
        assert rule["precision_check"]["agree"] <= rule["precision_check"]["sample"]


@pytest.mark.shared_data
def test_mapped_titles_carry_the_rule_labels_and_unknowns(shared_data):
    records = esif_passages(shared_data)
    assert len(records) > 5000
    admin = [r for r in records if r.language == "pl" and "sdg:16" in r.labels]
    assert admin and all("sdg:17" in r.unknown and "sdg" in r.schemes for r in admin)
    assert all(r.provenance == "mapped:esif" for r in records)
