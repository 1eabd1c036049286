"""Where the public development data lives (``../shared/data`` beside the repository; never copied into it)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path | None:
    """``$STRATAG_SHARED_DATA``, else ``../shared/data`` next to the repository or the working directory."""
    candidates = []
    if os.environ.get("STRATAG_SHARED_DATA"):
        candidates.append(Path(os.environ["STRATAG_SHARED_DATA"]))
    candidates += [REPO_ROOT.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    for c in candidates:
        if (c / "README.md").is_file():
            return c
    return None
