import json

import pytest

from classifier.taxonomy import default_taxonomy
import re

from corpus.sources import ESIF_MAPPING, esif_passages, esif_rules, match_rule


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
        assert rule["precision_check"]["agree"] >= 0.85 * rule["precision_check"]["sample"], rule["label"]
        for field in ("context", "title"):
            if field in rule:
                re.compile(rule[field])


def test_a_context_rule_refines_its_topic_and_other_rows_keep_the_topic_rule():
    rules = esif_rules()
    row = {"lang": "hu", "label_field": "OP név", "label": "KEOP"}
    retrofit = match_rule(rules, {**row, "context": "5.3.0/A/09 Épületenergetikai fejlesztések"})
    sewage = match_rule(rules, {**row, "context": "1.2.0/09-11 Szennyvízelvezetés és tisztítás"})
    other = match_rule(rules, {**row, "context": "7.6.3.0 Környezetvédelmi célú informatikai fejlesztések"})
    assert "sdg:13" in retrofit["labels"] and "gd:buildings" in retrofit["unknown"]
    assert "gd:zero-pollution" in sewage["labels"]
    assert "context" not in other and other["labels"] == ["smart:environment"] and other["schemes"] == ["smart"]
    assert match_rule(rules, {**row, "label": "no such programme", "context": "Szennyvíz"}) is None


def test_a_title_rule_labels_the_titles_naming_a_disadvantaged_group_and_the_rest_are_negatives():
    rules = esif_rules()
    row = {"lang": "pl", "label_field": "Dziedzina", "label": "praca i integracja społeczna"}
    roma = match_rule(rules, {**row, "text": "Aktywizacja zawodowa Romów w powiecie"})
    disabled = match_rule(rules, {**row, "text": "Staże dla osób NIEPEŁNOSPRAWNYCH"})
    generic = match_rule(rules, {**row, "text": "Aktywizacja osób młodych pozostających bez pracy w powiecie"})
    assert roma is disabled and "title" in roma and {"sdg:8", "sdg:10"} <= set(roma["labels"])
    assert "title" not in generic and "sdg:8" in generic["labels"]
    assert "sdg" in generic["schemes"] and "sdg:10" not in generic.get("unknown", []) + generic["labels"]


@pytest.mark.shared_data
def test_mapped_titles_carry_the_rule_labels_and_unknowns(shared_data):
    records = esif_passages(shared_data)
    assert len(records) > 5000
    admin = [r for r in records if r.language == "pl" and "sdg:16" in r.labels]
    assert admin and all("sdg:17" in r.unknown and "sdg" in r.schemes for r in admin)
    assert all(r.provenance == "mapped:esif" for r in records)


@pytest.mark.shared_data
def test_hungarian_energy_efficiency_titles_are_labelled_by_their_call(shared_data):
    records = [r for r in esif_passages(shared_data) if r.language == "hu"]
    energy = [r for r in records if "gd:energy" in r.labels]
    assert len(energy) > 400
    assert all({"sdg:7", "sdg:13"} <= set(r.labels) and "sdg" in r.schemes for r in energy)
    # titles of the programme outside the refined calls keep the programme-level rule
    assert any(r.labels == ("smart:environment",) and r.schemes == ("smart",) for r in records)
