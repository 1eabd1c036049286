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


def test_words_tokenise_as_a_full_spacy_pipeline_of_the_language_does():
    import spacy

    samples = {"pl": "Budowa 12 nowych przystanków (w tym 3 węzły przesiadkowe) i e-hulajnogi; CO2 −20% do 2030 r.",
               "cs": "Revitalizace řeky Moravy: 9 km koryta, tzv. meandry a štěrkové lavice — www.povodi.cz.",
               "sk": "Zníženie emisií CO₂ o 55 % do roku 2030 a rozvoj cyklotrás v Bratislave-Petržalke.",
               "hu": "A szén-dioxid-kibocsátás csökkentése 40%-kal; távhő-fejlesztés és napelemek (PV) telepítése.",
               "en": "The city's e-mobility hubs, 1,200 EV chargers and U.S.-style bike lanes by mid-2030s."}
    for lang, text in samples.items():
        full = spacy.blank(lang)  # every lexeme attribute of the language's defaults
        stops = {w.lower() for w in full.Defaults.stop_words}
        expected = []
        for tok in full.tokenizer(text):
            if tok.is_alpha:
                parts = [tok.lower_]
            elif "-" in tok.text:
                parts = [p for p in tok.lower_.split("-") if p.isalpha()]
            else:
                continue
            expected += [w for w in parts if len(w) >= 2 and w not in stops]
        assert words(text, lang) == expected, lang
