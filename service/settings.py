"""The service's one settings object, read from ``STRATAG_*`` environment variables.

Every default works out of the box: the shipped model and an SQLite file in ``./data``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """``stratag serve`` configuration; each field is the env var ``STRATAG_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="STRATAG_", extra="ignore", use_attribute_docstrings=True)

    data_dir: Path = Path("data")
    """Where the SQLite database, and evaluation reports under ``reports/``, live."""
    database_url: str | None = None
    """SQLAlchemy URL, e.g. ``postgresql+psycopg://user:pw@host/db``; default ``sqlite:///<data_dir>/stratag.sqlite``."""
    model_dir: Path | None = None
    """Model directory; default the shipped ``models/default``."""
    mode: Literal["fast", "accurate"] = "fast"
    max_upload_bytes: int = 50 * 1024 * 1024
    max_pages: int = 2000
    sync_max_pages: int = 10
    """Documents with more pages are classified by a background job (202 + job status) instead of in the request."""
    job_workers: int = 1
    partner_method: Literal["e5", "labels"] = "e5"
    """``e5``: cross-lingual mean embedding of a document's top passages (computed in a background job);
    ``labels``: cosine of label-score profiles only (instant, no embedding model)."""
    partner_passages: int = 8
    api_token: SecretStr | None = None
    """When set, write operations need ``Authorization: Bearer <token>`` (or the ``token`` form field on web pages)."""
    reports_dir: Path | None = None
    """Evaluation reports (HTML/JSON) listed by the service; default ``<data_dir>/reports``."""
    use_ocr: bool = True
    warm_up: bool = True
    """Run one small classification at start-up so the first upload does not pay for lazy loading."""

    def store_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'stratag.sqlite').resolve()}"

    def reports_path(self) -> Path:
        return self.reports_dir or self.data_dir / "reports"

    def token(self) -> str | None:
        return self.api_token.get_secret_value() if self.api_token else None
