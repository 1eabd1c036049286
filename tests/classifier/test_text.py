from classifier.text import features, word_features, words


def test_words_drop_stop_words_numbers_and_punctuation():
    assert words("Budowa 12 nowych przystanków i remont dworca.", "pl") == ["budowa", "nowych", "przystanków", "remont", "dworca"]


def test_hyphenated_compounds_give_their_parts():
    assert words("A szén-dioxid-kibocsátás csökkentése", "hu") == ["szén", "dioxid", "kibocsátás", "csökkentése"]
    assert "mobility" in words("e-mobility hubs", "en")


def test_features_are_the_word_and_its_boundary_ngrams():
    feats = features("energii", "pl", (3, 3))
    assert "w:energii" in feats and " en" in feats and "ii " in feats
    assert features("energii", "pl", (0, 0)) == ["w:energii"]


def test_folded_ngrams_let_czech_and_slovak_spellings_meet_while_the_word_keeps_its_accents():
    cs = set(word_features("účinnost", (3, 5), fold=True))
    sk = set(word_features("účinnosť", (3, 5), fold=True))
    assert "w:účinnost" in cs and "w:účinnosť" in sk
    assert " ucin" in cs and " ucin" in sk
    assert len(cs & sk) >= 10
    assert not set(word_features("účinnost", (3, 5))) & {" uci", "ucin"}
