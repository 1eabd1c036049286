"""The model card states what was measured: its consistency weakness follows the numbers, not a fixed sentence."""

from classifier.model_card import render_card


def _report(shares: dict[str, float]) -> dict:
    cells = {s: {"agree": round(v * 100), "groups": 100, "share": v} for s, v in shares.items()}
    return {"name": "m", "created": "2026-11-27", "seed": 0, "train_seconds": 1.0, "data_fingerprint": "x",
            "counts": {}, "crosslingual": {"fast": {"same_top_label": cells, "agreement_with_english": {}}}}


def test_the_card_names_the_schemes_below_the_consistency_target_and_only_those():
    card = render_card(_report({"sdg": 0.842, "gd": 0.903, "smart": 0.929}))
    line = next(x for x in card.splitlines() if x.startswith("- Cross-lingual consistency, fast mode"))
    assert "sdg (84.2%)" in line and "gd" not in line and "smart" not in line
    assert "sdg 84/100 = 84.2%" in card


def test_no_consistency_weakness_when_every_scheme_meets_the_target():
    card = render_card(_report({"sdg": 0.95, "gd": 0.91, "smart": 0.90}))
    assert "- Cross-lingual consistency," not in card


def test_training_counts_per_provenance_language_scheme_and_label_reach_the_card():
    from classifier.taxonomy import default_taxonomy
    from classifier.train import label_counts
    from corpus.dataset import LabelledPassage

    tax = default_taxonomy()
    records = [
        LabelledPassage("a", "x", "pl", ("sdg:7", "sdg:13", "gd:energy"), "seed", split="train"),
        LabelledPassage("b", "y", "pl", ("sdg:8",), "mapped:esif", split="train", schemes=("sdg", "gd")),
        LabelledPassage("c", "z", "pl", ("sdg:8",), "mapped:esif", split="dev", schemes=("sdg",)),  # not counted
    ]
    counts = label_counts(records, tax)
    assert counts["schemes"]["seed"]["pl"] == {"sdg": {"annotated": 1, "positives": 2}, "gd": {"annotated": 1, "positives": 1},
                                               "smart": {"annotated": 1, "positives": 0}}
    assert counts["schemes"]["mapped:esif"]["pl"] == {"sdg": {"annotated": 1, "positives": 1}, "gd": {"annotated": 1, "positives": 0}}
    assert counts["labels"]["sdg:8"] == {"pl": 1} and counts["labels"]["sdg:1"] == {}
    card = render_card({**_report({"sdg": 0.95}), "label_counts": counts})
    assert "| mapped:esif | pl | 1 (0) | 1 (1) | – |" in card  # gd, sdg, smart in sorted order
    assert "| sdg:8 | 1* |" in card


def test_the_card_states_the_primary_head_and_both_consistency_rankings():
    report = {**_report({"sdg": 0.903}), "primary_head": {"sdg": 1811, "gd": 931}, "primary_head_params": {"C": 0.25},
              "crosslingual_by_score": {"fast": {"same_top_label": {"sdg": {"agree": 80, "groups": 100, "share": 0.8}},
                                                 "agreement_with_english": {}}}}
    card = render_card(report)
    assert "primary label (sdg 1811, gd 931) with C=0.25" in card
    assert "top label = the main label stratag shows" in card and "sdg 90/100 = 90.3%" in card
    assert "top label = the highest score" in card and "sdg 80/100 = 80.0%" in card
    assert "primary head" not in render_card(_report({"sdg": 0.903}))


def test_the_card_sorts_disagreements_and_reports_whole_documents():
    cells = {"same_top_label": {"sdg": {"agree": 8, "groups": 10, "share": 0.8}}, "agreement_with_english": {},
             "disagreements": {"sdg": {"no_label": 1, "label_sets_differ": 0, "same_labels": 1}},
             "label_flips": {"sdg:9": {"missed": 2, "spurious": 5}}}
    doc = {"documents": 4, "size": 5, "languages": ["en", "pl"],
           "schemes": {"sdg": {"same_main": {"agree": 3, "groups": 4, "share": 0.75},
                               "same_labels": {"agree": 1, "groups": 4, "share": 0.25},
                               "main_is_topic": {"agree": 2, "groups": 4, "share": 0.5},
                               "jaccard_with_english": {"pl": 0.8}}}}
    card = render_card({**_report({"sdg": 0.8}), "crosslingual": {"fast": cells}, "crosslingual_documents": {"fast": doc}})
    assert "sdg groups that disagree: 2 (a language without a label 1, label sets differ 0, same labels ranked differently 1)" in card
    assert "gold label missed / other label gained): sdg:9 2/5" in card
    assert "4 documents of up to 5 held-out parallel groups" in card
    assert "same main label 3/4 = 75.0%, same label set 1/4 = 25.0%; main SDG is the documents' SDG in every language 2/4 = 50.0%" in card
    assert "Jaccard) with English pl 0.80" in card


def test_a_card_remeasured_after_training_says_so_under_each_consistency_section():
    report = {**_report({"sdg": 0.8}), "crosslingual_remeasured": "on 361 held-out groups"}
    assert render_card(report).count("Re-measured after training: on 361 held-out groups.") == 1
    assert "Re-measured" not in render_card(_report({"sdg": 0.8}))


def test_consistency_shares_carry_their_interval_when_the_report_has_one():
    report = _report({"sdg": 0.8})
    report["crosslingual"]["fast"]["same_top_label"]["sdg"]["interval"] = [0.72, 0.87]
    assert "sdg 80/100 = 80.0% [72.0%, 87.0%]" in render_card(report)
    line = next(x for x in render_card(_report({"sdg": 0.8})).splitlines() if x.startswith("- same top label:"))
    assert line == "- same top label: sdg 80/100 = 80.0%"  # older reports have no interval
