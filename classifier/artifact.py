"""The inference artifact: ``models/<name>/`` holds ``model.joblib`` (the fitted tagger), ``model.json``
(labels, thresholds, data fingerprint, library versions, metrics) and ``MODEL_CARD.md``."""

from __future__ import annotations

import json
import logging
import platform
from pathlib import Path

import models
from corpus.errors import ModelIncompatible, ModelMissing

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MODEL_FILE = "model.joblib"
META_FILE = "model.json"
CARD_FILE = "MODEL_CARD.md"
DEFAULT_MODEL_DIR = Path(models.__file__).parent / "default"


def library_versions() -> dict:
    import numpy
    import scipy
    import sklearn
    import spacy

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "spacy": spacy.__version__,
    }


def save_tagger(tagger, directory: str | Path, meta: dict, card: str | None = None) -> Path:
    import joblib

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / (MODEL_FILE + ".tmp")
    joblib.dump(tagger, tmp, compress=("xz", 6))
    tmp.replace(directory / MODEL_FILE)
    meta = dict(meta, format_version=FORMAT_VERSION, libraries=library_versions(), labels=tagger.label_ids,
                thresholds=dict(zip(tagger.label_ids, map(float, tagger.thresholds))))
    (directory / META_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if card is not None:
        (directory / CARD_FILE).write_text(card, encoding="utf-8")
    return directory


def read_meta(directory: str | Path) -> dict:
    directory = Path(directory)
    path = directory / META_FILE
    if not path.is_file():
        raise ModelMissing(f"no model at '{directory}' ({META_FILE} missing); train one with 'stratag train'", source=str(directory))
    return json.loads(path.read_text(encoding="utf-8"))


def load_tagger(directory: str | Path | None = None, taxonomy=None):
    """Load and check a model directory; raise ModelMissing / ModelIncompatible with what to do about it."""
    import joblib
    import sklearn

    from classifier.taxonomy import default_taxonomy

    directory = Path(directory) if directory else DEFAULT_MODEL_DIR
    meta = read_meta(directory)
    if meta.get("format_version") != FORMAT_VERSION:
        raise ModelIncompatible(
            f"model format {meta.get('format_version')} but this stratag reads format {FORMAT_VERSION}; retrain it",
            source=str(directory),
        )
    trained_with = meta.get("libraries", {}).get("scikit-learn", "")
    if trained_with.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        log.warning("model trained with scikit-learn %s, running %s", trained_with, sklearn.__version__)
    taxonomy = taxonomy or default_taxonomy()
    unknown = [label for label in meta.get("labels", []) if label not in taxonomy.ids]
    if unknown:
        raise ModelIncompatible(f"model has labels not in the taxonomy: {', '.join(unknown)}", source=str(directory))
    path = directory / MODEL_FILE
    if not path.is_file():
        raise ModelMissing(f"'{path}' is missing", source=str(directory))
    try:
        tagger = joblib.load(path)
    except Exception as exc:  # unpickling errors come in many types
        raise ModelIncompatible(f"cannot load the model ({type(exc).__name__}: {exc}); retrain it", source=str(directory)) from exc
    tagger.meta = meta
    return tagger
