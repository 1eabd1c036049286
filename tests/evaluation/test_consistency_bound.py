"""The diagnostic that averages parts of the model over a passage's translations."""

import re

import numpy as np
import scipy.sparse as sp

from classifier.taxonomy import default_taxonomy
from corpus.dataset import LabelledPassage
from evaluation.consistency_bound import bound_report, group_mean, main
from evaluation.crosslingual import consistency_report


def test_group_mean_averages_each_groups_rows_dense_and_sparse():
    recs = [LabelledPassage(f"r{i}", f"t{i}", "en", (), "seed", group=g) for i, g in enumerate(["a", "b", "a", None])]
    A = np.array([[1.0, 0.0], [5.0, 5.0], [3.0, 2.0], [7.0, 1.0]])
    expected = [[2.0, 1.0], [5.0, 5.0], [2.0, 1.0], [7.0, 1.0]]  # a row without a group keeps its values
    np.testing.assert_allclose(group_mean(A, recs), expected)
    S = group_mean(sp.csr_matrix(A), recs)
    assert sp.issparse(S)
    np.testing.assert_allclose(S.toarray(), expected)


def test_shipped_variant_is_the_crosslingual_report_and_everything_alike_agrees_fully(tiny_tagger, tiny_records):
    tax = default_taxonomy()
    records = [LabelledPassage(r.id, r.text, r.language, r.labels, "seed", split="test", group=f"g{r.id.split('-')[0]}")
               for r in tiny_records if r.id.endswith("-0")]
    # pair passages on different topics into groups of two, so that the model's top labels differ within groups
    half = len(records) // 2
    records = [LabelledPassage(r.id, r.text, r.language, records[i % half].labels, "seed", split="test",
                               group=f"m{i % half}") for i, r in enumerate(records[: 2 * half])]
    report = bound_report(tiny_tagger, records, tax)
    assert report["shipped"] == consistency_report(tiny_tagger, records, tax, by="main")["same_top_label"]
    assert all(c["share"] == 1.0 for c in report["everything"].values() if c["groups"])
    assert any(c["share"] < 1.0 for c in report["shipped"].values() if c["groups"])


def test_cli_prints_every_variant_for_the_shipped_model(capsys):
    assert main(["--set", "A"]) == 0
    out = capsys.readouterr().out
    for name in ("shipped", "n-gram scores", "both probabilities", "head features", "everything"):
        assert re.search(rf"{name}\s*: gd \d+/\d+ = [\d.]+%", out), name
    assert re.search(r"everything\s*: gd (\d+)/\1 = 100.0%, sdg (\d+)/\2 = 100.0%, smart (\d+)/\3 = 100.0%", out)


def test_spread_is_zero_for_identical_translations_and_positive_otherwise(tiny_tagger, tiny_records):
    from evaluation.consistency_bound import spread

    one = [r for r in tiny_records if r.id.endswith("-0")][:4]
    same = [LabelledPassage(f"s{i}", one[0].text, one[0].language, (), "seed", group="g") for i in range(3)]
    assert set(spread(tiny_tagger, same)) == {"n-gram score", "probability"}
    assert all(v < 1e-12 for v in spread(tiny_tagger, same).values())
    mixed = [LabelledPassage(r.id, r.text, r.language, (), "seed", group="g") for r in one]
    assert all(v > 1e-3 for v in spread(tiny_tagger, mixed).values())


def test_shrunk_moves_rows_part_of_the_way_to_their_group_mean():
    from evaluation.consistency_bound import shrunk

    recs = [LabelledPassage(f"r{i}", f"t{i}", "en", (), "seed", group=g) for i, g in enumerate(["a", "a", None])]
    A = np.array([[0.0, 4.0], [2.0, 0.0], [7.0, 1.0]])
    np.testing.assert_allclose(shrunk(A, recs, 0.0), A)
    np.testing.assert_allclose(shrunk(A, recs, 0.5), [[0.5, 3.0], [1.5, 1.0], [7.0, 1.0]])
    np.testing.assert_allclose(shrunk(A, recs, 1.0), group_mean(A, recs))
    S = shrunk(sp.csr_matrix(A), recs, 0.25)
    assert sp.issparse(S)
    np.testing.assert_allclose(S.toarray(), [[0.25, 3.5], [1.75, 0.5], [7.0, 1.0]])


def test_no_shrink_leaves_every_variant_at_the_shipped_agreement(tiny_tagger, tiny_records):
    tax = default_taxonomy()
    one = [r for r in tiny_records if r.id.endswith("-0")]
    half = len(one) // 2
    records = [LabelledPassage(r.id, r.text, r.language, one[i % half].labels, "seed", split="test",
                               group=f"m{i % half}") for i, r in enumerate(one[: 2 * half])]
    report = bound_report(tiny_tagger, records, tax, fraction=0.0)
    assert all(cells == report["shipped"] for cells in report.values())
    assert bound_report(tiny_tagger, records, tax, fraction=1.0) == bound_report(tiny_tagger, records, tax)


def test_cli_prints_one_block_per_shrink_fraction(capsys):
    assert main(["--set", "A", "--shrink", "0.5", "--shrink", "1"]) == 0
    out = capsys.readouterr().out
    assert "moved 50% of the way to their group's mean" in out
    assert "with these parts alike in all translations" in out
    assert out.count("everything") == 2
