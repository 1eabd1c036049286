import numpy as np

from classifier.aggregate import aggregate_document_scores, top_k


def test_aggregate_one_passage_does_not_make_a_document_label():
    probs = np.full((200, 2), 0.05)
    probs[:, 0] = 0.9  # the whole document is about label 0
    probs[17, 1] = 0.99  # one sentence about label 1
    scores = aggregate_document_scores(probs)
    assert scores[0] > 0.85
    assert scores[1] < 0.2


def test_aggregate_short_text_is_its_passages():
    probs = np.array([[0.8, 0.1]])
    np.testing.assert_allclose(aggregate_document_scores(probs), [0.8, 0.1])


def test_aggregate_k_grows_with_document_length():
    assert top_k(1) == 1 and top_k(10) == 3 and top_k(400) == 20
