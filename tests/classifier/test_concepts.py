import numpy as np

from classifier.concepts import LANGS, Lexicon, lint, read_entries
from classifier.model import PassageClassifier

ENTRIES = {
    "heating": {"en": ["heating", "heat*"], "pl": ["ciepłown*", "ogrzew*"], "cs": ["teplár*"], "sk": ["teplár*"],
                "hu": ["*fűtés*", "*távhő*"]},
    "school": {"en": ["school*"], "pl": ["szkoł*", "szkół"], "cs": ["škol*"], "sk": ["škol*"], "hu": ["iskol*"]},
}

# trained on English only: heating (label 0) and school (label 1) passages
ENGLISH_HEATING_SCHOOL = (
    [("District heating network extension and heat plant upgrade", "en"),
     ("New heating substations for the heat network", "en"),
     ("School renovation and new school library", "en"),
     ("Primary school teachers training programme", "en")] * 3,
    np.array([[1, 0], [1, 0], [0, 1], [0, 1]] * 3),
)


def test_terms_match_exact_words_prefixes_and_compound_parts():
    lex = Lexicon.from_entries(ENTRIES)
    assert lex.concepts("heating", "en") == ("heating",)
    assert lex.concepts("heatwave", "en") == ("heating",)  # prefix
    assert lex.concepts("ciepłowniczej", "pl") == ("heating",)
    assert lex.concepts("szkół", "pl") == ("school",)  # exact form
    assert lex.concepts("távhőszolgáltatás", "hu") == ("heating",)  # part of a compound
    assert lex.concepts("szkoła", "cs") == ()  # terms belong to their language
    assert lex.concepts("unrelated", "en") == ()


def test_lint_reports_missing_languages_and_bad_terms():
    problems = lint({"x": {"en": ["ab*"], "pl": ["*ab*"], "cs": ["*suffix"], "sk": ["two words"]}})
    text = "\n".join(problems)
    assert "no terms for 'hu'" in text
    assert "prefix 'ab*' shorter" in text and "infix '*ab*' shorter" in text
    assert "suffix-only" in text and "malformed term 'two words'" in text
    assert lint(ENTRIES) == []


def test_shipped_lexicon_is_clean_and_covers_every_language():
    entries = read_entries()
    assert len(entries) > 300
    assert lint(entries) == []
    assert all(set(LANGS) <= set(by_lang) for by_lang in entries.values())


def test_concepts_carry_what_english_taught_to_a_language_never_seen_in_training(monkeypatch):
    """Trained on English only, the model finds the Polish heating passage only through the shared concept."""
    import classifier.model as model_module

    monkeypatch.setattr(model_module, "default_lexicon", lambda: Lexicon.from_entries(ENTRIES))
    X, Y = ENGLISH_HEATING_SCHOOL
    test = [("Modernizacja sieci ciepłowniczej i ogrzewania", "pl"), ("Budowa nowej szkoły podstawowej", "pl")]
    scores = {}
    for weight in (0, 3):
        clf = PassageClassifier(n_features=2**12, concept_weight=weight, calibration_folds=2, C=10.0).fit(X, Y)
        scores[weight] = clf.decision_function(test)
    with_concepts = scores[3]
    assert with_concepts[0, 0] > with_concepts[0, 1] and with_concepts[1, 1] > with_concepts[1, 0]
    # without the lexicon the Polish words share (almost) nothing with the English ones
    margin = lambda s: (s[0, 0] - s[0, 1]) + (s[1, 1] - s[1, 0])  # noqa: E731
    assert margin(with_concepts) > margin(scores[0])


def test_a_saved_model_keeps_the_lexicon_it_was_trained_with(monkeypatch, tmp_path):
    import joblib

    import classifier.model as model_module

    monkeypatch.setattr(model_module, "default_lexicon", lambda: Lexicon.from_entries(ENTRIES))
    X = [("District heating network extension", "en"), ("School library renovation", "en")] * 4
    Y = np.array([[1, 0], [0, 1]] * 4)
    clf = PassageClassifier(n_features=2**12, calibration_folds=2).fit(X, Y)
    joblib.dump(clf, tmp_path / "m.joblib")
    monkeypatch.setattr(model_module, "default_lexicon", lambda: Lexicon.from_entries({}))  # the files change later
    loaded = joblib.load(tmp_path / "m.joblib")
    test = [("Modernizacja sieci ciepłowniczej", "pl")]
    np.testing.assert_allclose(loaded.decision_function(test), clf.decision_function(test))
    assert loaded.lexicon_.concepts("ciepłowniczej", "pl") == ("heating",)


def test_lexicon_ids_list_every_concept_the_tables_can_yield():
    assert Lexicon.from_entries(ENTRIES).ids() == ("heating", "school")
    assert Lexicon.from_entries({"x": {"hu": ["*távhő*"]}}).ids() == ("x",)  # infix-only concepts too


def _fit_heating_school(monkeypatch, blend):
    import classifier.model as model_module

    monkeypatch.setattr(model_module, "default_lexicon", lambda: Lexicon.from_entries(ENTRIES))
    X, Y = ENGLISH_HEATING_SCHOOL
    return PassageClassifier(n_features=2**12, calibration_folds=2, concept_blend=blend).fit(X, Y)


def test_the_concept_head_scores_a_passage_and_its_translation_alike(monkeypatch):
    en = ("Extension of the district heating network", "en")
    pl = ("Rozbudowa miejskiej sieci ciepłowniczej", "pl")
    plain = _fit_heating_school(monkeypatch, 0.0)
    blended = _fit_heating_school(monkeypatch, 0.5)
    assert plain.concept_head_ is None and blended.concept_head_ is not None
    head = blended.concept_head_.predict_proba(blended._count_matrices([en, pl])[1])
    np.testing.assert_allclose(head[0], head[1])  # both name only the concept "heating"
    assert head[0, 0] > head[0, 1]
    gap = lambda clf: np.abs(np.subtract(*clf.predict_proba([en, pl]))).sum()  # noqa: E731
    # the n-gram half is the same model in both, so the gap between the languages halves
    np.testing.assert_allclose(gap(blended), 0.5 * gap(plain), rtol=1e-6)
    assert gap(plain) > 0.01


def test_models_saved_before_the_concept_head_score_with_the_ngram_model_alone(monkeypatch):
    clf = _fit_heating_school(monkeypatch, 0.5)
    state = clf.__getstate__()
    for key in ("concept_blend", "concept_head_", "concept_columns_"):
        state.pop(key)
    old = PassageClassifier.__new__(PassageClassifier)
    old.__setstate__(state)
    test = [("Modernizacja sieci ciepłowniczej", "pl"), ("School library", "en")]
    np.testing.assert_allclose(old.predict_proba(test), clf._calibrate(clf.decision_function(test)))


def test_indexed_infixes_match_exactly_what_testing_every_infix_would():
    import pickle

    entries = {"heat": {"hu": ["*fűtés*", "*távhő*"]}, "water": {"hu": ["*víz*"]},  # "*víz*" is shorter than the index key
               "overlap": {"hu": ["*hőszol*"]}, "energy": {"hu": ["*energia*", "*energiahaték*"]}}
    lex = Lexicon.from_entries(entries)
    words = ["távhőszolgáltatás", "energiahatékonyság", "ivóvízhálózat", "fűtéskorszerűsítés", "hő", "", "energi",
             "távhőfűtésienergia"]
    for word in words:
        brute = tuple(sorted({c for part, c in lex.infix["hu"] if part in word}))
        assert lex.concepts(word, "hu") == brute, word
    assert lex.concepts("távhőfűtésienergia", "hu") == ("energy", "heat")
    again = pickle.loads(pickle.dumps(lex))  # the index is rebuilt, not saved with a model
    assert "_infix_indexes" not in again.__dict__ and again == lex
    assert again.concepts("ivóvízhálózat", "hu") == ("water",)
