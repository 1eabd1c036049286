import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from classifier.distill import complete_schemes, pseudo_labels
from classifier.embed import EmbeddingCache, embed_texts
from classifier.embedding_head import EmbeddingHead
from classifier.taxonomy import default_taxonomy
from classifier.train import label_matrix
from corpus.dataset import LabelledPassage
from corpus.read import read_document
from tests.conftest import TEXTS


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return EmbeddingCache(tmp_path_factory.mktemp("e5") / "cache.sqlite")


@pytest.fixture(scope="module")
def head(tiny_records, cache):
    E = embed_texts([r.text for r in tiny_records], cache)
    return EmbeddingHead().fit(E, label_matrix(tiny_records, default_taxonomy()))


def test_embedding_same_sentence_is_close_across_languages(cache):
    E = embed_texts([TEXTS["pl"], TEXTS["hu"], "Der Hund schläft im Garten."], cache)
    assert E.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(E, axis=1), 1.0, atol=1e-3)
    assert E[0] @ E[1] > E[0] @ E[2]


def test_embedding_cache_returns_identical_vectors(cache):
    a = embed_texts([TEXTS["cs"]], cache)
    b = embed_texts([TEXTS["cs"]], cache)
    np.testing.assert_array_equal(a, b)


def test_embedding_head_contract(head, cache):
    with pytest.raises(NotFittedError):
        EmbeddingHead().predict_proba(np.zeros((1, 384)))
    P = head.predict_proba(embed_texts([TEXTS["sk"]], cache))
    assert P.shape == (1, 32) and ((P >= 0) & (P <= 1)).all()


def test_distill_pseudo_labels_only_keep_decided_schemes(head, cache):
    tax = default_taxonomy()
    pool = [("a", TEXTS["pl"], "pl"), ("b", TEXTS["cs"], "cs")]
    strict = pseudo_labels(head, pool, tax, lo=0.0, hi=1.0, cache=cache)
    assert strict == []  # nothing is certain at these bounds
    loose = pseudo_labels(head, pool, tax, lo=0.5, hi=0.5, cache=cache)
    assert len(loose) == 2
    for r in loose:
        assert r.provenance == "distilled:e5" and r.schemes
        assert all(tax.scheme_of(label) in r.schemes for label in r.labels)


def test_teacher_completes_only_the_unknown_schemes_of_mapped_training_passages(head, cache):
    tax = default_taxonomy()
    mapped = LabelledPassage("m", TEXTS["pl"], "pl", ("sdg:7",), "mapped:esif", split="train", schemes=("sdg",))
    seed = LabelledPassage("s", TEXTS["cs"], "cs", ("sdg:7",), "seed", split="train", schemes=("sdg",))
    held = LabelledPassage("d", TEXTS["hu"], "hu", ("sdg:7",), "mapped:esif", split="dev", schemes=("sdg",))
    assert complete_schemes(head, [mapped, seed, held], tax, lo=0.0, hi=1.0, cache=cache) == [mapped, seed, held]
    out = complete_schemes(head, [mapped, seed, held], tax, lo=0.5, hi=0.5, cache=cache)
    assert out[1:] == [seed, held]  # other sources and held-out splits are never touched
    done = out[0]
    assert done.provenance == "mapped:esif+e5" and set(done.schemes) == {"sdg", "gd", "smart"}
    assert [x for x in done.labels if x.startswith("sdg:")] == ["sdg:7"]  # the source's own scheme is kept
    assert all(tax.scheme_of(label) in done.schemes for label in done.labels)


def test_accurate_mode_classifies_with_its_own_thresholds(tiny_tagger, head, pdf_dir):
    tiny_tagger.embedding_head = head
    tiny_tagger.accurate_thresholds = np.full(32, 0.5)
    try:
        doc = read_document(pdf_dir / "cs.pdf")
        c = tiny_tagger.classify(doc, mode="accurate")
        assert c.model.endswith("(accurate)")
        fast = tiny_tagger.passage_probs(doc)
        acc = tiny_tagger.passage_probs(doc, "accurate")
        assert acc.shape == fast.shape and not np.allclose(acc, fast)
    finally:
        tiny_tagger.embedding_head = None
        tiny_tagger.accurate_thresholds = None


def test_accurate_mode_without_head_is_a_model_error(tiny_tagger, pdf_dir):
    from corpus.errors import ModelIncompatible

    with pytest.raises(ModelIncompatible):
        tiny_tagger.classify(read_document(pdf_dir / "cs.pdf"), mode="accurate")
