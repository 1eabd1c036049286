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
