"""Settings: ROLEFIT_* environment, constructor precedence, validation, options."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from service.settings import Settings


def test_settings_read_rolefit_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ROLEFIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ROLEFIT_MAX_UPLOAD_BYTES", "12345")
    monkeypatch.setenv("ROLEFIT_DEV_MODE", "true")
    monkeypatch.setenv("ROLEFIT_PARSE_TIMEOUT", "2.5")
    settings = Settings()
    assert settings.max_upload_bytes == 12345
    assert settings.dev_mode is True
    assert settings.db_url == f"sqlite:///{tmp_path.as_posix()}/rolefit.db"
    options = settings.to_options()
    assert (options.max_bytes, options.parse_timeout) == (12345, 2.5)


def test_settings_constructor_outranks_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEFIT_MAX_PAGES", "99")
    assert Settings(max_pages=2).max_pages == 2
    assert Settings(max_pages=2).to_options().max_pages == 2


def test_settings_defaults_are_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DEV_MODE", "STORE_RESUME_TEXT", "DATABASE_URL"):
        monkeypatch.delenv(f"ROLEFIT_{name}", raising=False)
    settings = Settings(_env_file=None)
    assert settings.dev_mode is False
    assert settings.store_resume_text is False
    assert settings.max_in_flight == settings.workers + settings.queue_limit


@pytest.mark.parametrize(
    "field", [{"max_upload_bytes": 0}, {"fuzzy_cutoff": 101}, {"workers": 0}, {"log_level": "LOUD"}]
)
def test_settings_reject_invalid_values(field: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Settings(**field)  # type: ignore[arg-type]


def test_settings_explicit_database_url_is_kept() -> None:
    url = "postgresql+psycopg://rolefit@localhost/rolefit"
    assert Settings(database_url=url).db_url == url
