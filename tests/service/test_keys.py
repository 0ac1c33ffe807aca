"""API keys: stored hashed, scoped, revocable; the `rolefit keys` and `rolefit db` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

import cli  # noqa: F401 - registers every command
from cli import app
from service.auth import Principal, create_key, hash_key, list_keys, lookup_key, revoke_key
from service.db import current_revision, make_engine, session_factory, upgrade


@pytest.fixture
def sessions(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield session_factory(engine)
    engine.dispose()


def test_keys_are_stored_as_hashes_only(sessions) -> None:  # type: ignore[no-untyped-def]
    row, key = create_key(sessions, name="ci", scopes=["resumes:match", "taxonomy:read"])
    assert key.startswith("rf_")
    assert len(key) > 40
    with sessions() as session:
        stored = session.execute(text("SELECT * FROM api_keys")).mappings().one()
    assert key not in json.dumps({k: str(v) for k, v in stored.items()})
    assert stored["key_hash"] == hash_key(key)
    assert stored["prefix"] == key[:11]
    principal = lookup_key(sessions, key)
    assert principal is not None
    assert principal.key_id == row.id
    assert principal.allows("resumes:match")
    assert not principal.allows("resumes:parse")


def test_keys_unknown_and_revoked_keys_are_refused(sessions) -> None:  # type: ignore[no-untyped-def]
    row, key = create_key(sessions, name="temp", scopes=["*"])
    assert lookup_key(sessions, key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert lookup_key(sessions, "not-a-key") is None
    assert revoke_key(sessions, row.id)
    assert not revoke_key(sessions, row.id)
    assert lookup_key(sessions, key) is None
    assert list_keys(sessions)[0].revoked_at is not None


@pytest.mark.parametrize("scopes", [[], ["Resumes Match"], ["resumes"]])
def test_keys_malformed_scopes_are_rejected(sessions, scopes: list[str]) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        create_key(sessions, name="bad", scopes=scopes)


def test_keys_wildcards() -> None:
    assert Principal("k", "n", frozenset({"resumes:*"})).allows("resumes:parse")
    assert not Principal("k", "n", frozenset({"resumes:*"})).allows("taxonomy:read")
    assert Principal("k", "n", frozenset({"*"})).allows("jobs:write")


def test_keys_cli_create_list_revoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEFIT_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    created = runner.invoke(
        app, ["keys", "create", "--name", "board", "--scope", "resumes:match", "--json"]
    )
    assert created.exit_code == 0, created.output
    info = json.loads(created.output)
    assert info["key"].startswith("rf_")
    assert info["scopes"] == ["resumes:match"]
    listed = runner.invoke(app, ["keys", "list", "--json"])
    rows = json.loads(listed.output)
    assert [r["id"] for r in rows] == [info["id"]]
    assert info["key"] not in listed.output
    assert runner.invoke(app, ["keys", "revoke", info["id"]]).exit_code == 0
    assert runner.invoke(app, ["keys", "revoke", info["id"]]).exit_code == 1
    bad = runner.invoke(app, ["keys", "create", "--name", "x", "--scope", "NOPE"])
    assert bad.exit_code == 2


def test_db_upgrade_cli_is_idempotent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEFIT_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(app, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
    assert current_revision(f"sqlite:///{tmp_path / 'rolefit.db'}") is not None
