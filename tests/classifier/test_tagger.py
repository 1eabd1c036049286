from classifier.taxonomy import default_taxonomy
from corpus.read import read_document


def test_tagger_classifies_pdf_with_page_evidence(tiny_tagger, pdf_dir):
    doc = read_document(pdf_dir / "pl.pdf")
    c = tiny_tagger.classify(doc)
    assert c.language == "pl" and c.n_pages == 2
    assert {s.label for s in c.labels} == set(tiny_tagger.label_ids)
    energy = c.score("gd:energy")
    assert energy.assigned
    assert energy.evidence and all(1 <= e.page_start <= e.page_end <= 2 for e in energy.evidence)
    assert any(t for e in energy.evidence for t in e.terms)
    top = max(c.labels, key=lambda s: s.score)
    assert top.label in {"gd:energy", "gd:buildings", "sdg:7", "sdg:13", "smart:environment"}
    d = c.to_dict()
    assert "gd:energy" in d["assigned"]


def test_each_scheme_with_assigned_labels_has_one_main_label(tiny_tagger, pdf_dir):
    assert tiny_tagger.primary_head is not None  # the tiny corpus names a primary label for every passage
    c = tiny_tagger.classify(read_document(pdf_dir / "pl.pdf"))
    main = c.main()
    assert set(main) == {s.scheme for s in c.assigned()}
    for scheme, label in main.items():
        assert c.score(label).assigned and c.score(label).scheme == scheme
    assert sum(s.main for s in c.labels) == len(main)
    assert c.to_dict()["main"] == main
    # evidence passages say whether the label is their own main label, as predict_passages decided
    doc = read_document(pdf_dir / "pl.pdf")
    _, mains = tiny_tagger.predict_passages([(p.text, p.language) for p in doc.passages])
    ids = tiny_tagger.label_ids
    flags = [(e.main, bool(mains[e.passage_index, ids.index(s.label)])) for s in c.labels for e in s.evidence]
    assert flags and all(a == b for a, b in flags) and any(a for a, _ in flags)


def test_the_main_label_is_the_head_choice_not_the_highest_score(tiny_tagger):
    import numpy as np

    ids = tiny_tagger.label_ids
    text = ("Kursy zawodowe i kształcenie ustawiczne dla osób bezrobotnych.", "pl")  # primary sdg:4, also sdg:8
    P, main = tiny_tagger.predict_passages([text])
    F = tiny_tagger.estimator.head_features([text])
    _, scores = tiny_tagger.primary_head.decision("sdg", F)
    # give sdg:8 the top probability: the main label stays the head's choice among the labels above threshold
    P2 = P.copy()
    P2[0, ids.index("sdg:8")] = 0.999
    P2[0, ids.index("sdg:4")] = 0.99
    mask = tiny_tagger.primary_head.main_mask(F, P2, ids, 0.5, default_taxonomy())
    sdg = [j for j, x in enumerate(ids) if x.startswith("sdg:")]
    assert [ids[j] for j in sdg if mask[0, j]] == ["sdg:4"]
    assert ids[sdg[int(np.argmax(P2[0, sdg]))]] == "sdg:8"
    assert main[0, ids.index("sdg:4")]


def test_document_main_votes_over_passages_among_assigned_labels(tiny_tagger):
    import numpy as np

    ids = tiny_tagger.label_ids
    a, b, c = ids.index("sdg:7"), ids.index("sdg:13"), ids.index("sdg:11")
    mains = np.zeros((4, len(ids)), dtype=bool)
    mains[[0, 1, 2], a] = True  # three passages mainly about energy
    mains[3, c] = True  # one about cities, but sdg:11 is not assigned to the document
    scores = np.zeros(len(ids))
    scores[[a, b, c]] = [0.7, 0.9, 0.3]
    thresholds = np.full(len(ids), 0.5)
    assert tiny_tagger.document_main(mains, scores, thresholds) == {"sdg": "sdg:7"}
    # no passage votes for an assigned label: the higher document score decides
    assert tiny_tagger.document_main(mains[3:], scores, thresholds) == {"sdg": "sdg:13"}
    assert tiny_tagger.document_main(mains[:0], scores, thresholds) == {}


def test_a_model_saved_without_a_head_falls_back_to_the_highest_score(tiny_tagger, tmp_path, pdf_dir):
    import copy

    from classifier.artifact import load_tagger, save_tagger

    old = copy.copy(tiny_tagger)
    old.primary_head = None
    del old.primary_head  # as unpickled from a model trained before the head existed: the class default applies
    loaded = load_tagger(save_tagger(old, tmp_path / "old", dict(tiny_tagger.meta)))
    assert loaded.primary_head is None
    c = loaded.classify(read_document(pdf_dir / "pl.pdf"))
    for scheme, label in c.main().items():
        assert c.score(label).score == max(s.score for s in c.assigned(scheme))
