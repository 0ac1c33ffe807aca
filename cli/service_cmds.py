"""The service's commands: serve, keys, db.

```
rolefit serve [--host --port --workers]          run the HTTP service (uvicorn)
rolefit keys create --name N --scope S [...]     create an API key (printed once)
rolefit keys list | rolefit keys revoke KEY_ID
rolefit db upgrade                               apply the database migrations
rolefit jobs import|list|purge, candidates erase  the job board (cli/jobs_cmds.py)
```
Settings come from ``ROLEFIT_*`` environment variables (``service/settings.py``).
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import app, console, err_console

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

__all__ = ["db_app", "keys_app"]

keys_app = typer.Typer(
    help="Manage API keys (stored hashed; a key is shown once).", no_args_is_help=True
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(db_app, name="db")


def _sessions() -> sessionmaker[Session]:
    from service.db import migrated_sessions
    from service.settings import Settings

    return migrated_sessions(Settings().db_url)


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
    processes: Annotated[
        int, typer.Option("--processes", help="uvicorn worker processes (each with its own pool).")
    ] = 1,
    dev: Annotated[
        bool, typer.Option("--dev", help="Dev mode: accept requests without an API key.")
    ] = False,
) -> None:
    """Run the HTTP service with uvicorn (production: keys required unless --dev)."""
    import os

    import uvicorn

    if dev:
        os.environ["ROLEFIT_DEV_MODE"] = "true"
    uvicorn.run(
        "service.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=processes,
        access_log=False,
        proxy_headers=True,
        http="service.http:HeadTimeoutProtocol",  # a request head must arrive in time
    )


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="Who or what uses the key.")],
    scope: Annotated[
        list[str],
        typer.Option(
            help="A scope (repeat): taxonomy:read, resumes:parse, resumes:match, jobs:read, "
            "jobs:write, or * for all."
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create an API key. The key is printed once and only its hash is stored."""
    from service.auth import create_key

    try:
        row, secret = create_key(_sessions(), name=name, scopes=scope)
    except ValueError as exc:
        err_console.print(f"[bold red]error[/] {exc}")
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(
            json.dumps({"id": row.id, "name": row.name, "scopes": row.scope_list, "key": secret})
            + "\n"
        )
        return
    console.print(f"created key [bold]{row.id}[/] ({row.name}) scopes: {' '.join(row.scope_list)}")
    console.print("store it now, it is not shown again:")
    sys.stdout.write(secret + "\n")


@keys_app.command("list")
def keys_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List keys (id, name, prefix, scopes, dates); never the keys themselves."""
    from service.auth import list_keys

    rows = [
        {
            "id": k.id,
            "name": k.name,
            "prefix": k.prefix,
            "scopes": k.scope_list,
            "created_at": k.created_at.isoformat(),
            "last_used_at": k.last_used_at.isoformat() if k.last_used_at else None,
            "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
        }
        for k in list_keys(_sessions())
    ]
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    from rich.table import Table

    table = Table("id", "name", "prefix", "scopes", "created", "last used", "revoked")
    for r in rows:
        table.add_row(
            str(r["id"]),
            str(r["name"]),
            f"{r['prefix']}…",
            " ".join(r["scopes"]),  # type: ignore[arg-type]
            str(r["created_at"])[:19],
            str(r["last_used_at"] or "")[:19],
            str(r["revoked_at"] or "")[:19],
        )
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key id (key_...).")]) -> None:
    """Revoke a key: requests with it get 401 from then on."""
    from service.auth import revoke_key

    if not revoke_key(_sessions(), key_id):
        err_console.print(f"[bold red]error[/] no active key {key_id}")
        raise typer.Exit(1)
    console.print(f"revoked {key_id}")


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply the database migrations (SQLite by default, ROLEFIT_DATABASE_URL for PostgreSQL)."""
    from service.db import current_revision, upgrade
    from service.settings import Settings

    settings = Settings()
    upgrade(settings.db_url, revision)
    console.print(f"database at revision {current_revision(settings.db_url)}")
