"""A throwaway PostgreSQL cluster on 127.0.0.1 for the storage and API tests.

Uses ``initdb``/``pg_ctl`` from ``/usr/lib/postgresql/*/bin`` or ``/usr/local/bin`` (as the
``postgres`` user when the tests run as root: PostgreSQL refuses to run as root), else
``ROLEFIT_TEST_POSTGRES_URL``; skips with the reason only when neither exists.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.tools import free_port


def _tool(runas: list[str], tool: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run one PostgreSQL tool (as the postgres user when ``runas`` says so), output kept."""
    return subprocess.run([*runas, str(tool), *args], capture_output=True, text=True, check=False)


def _bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    candidates.append("/usr/local/bin")
    for directory in candidates:
        path = Path(directory)
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    return None


@dataclass
class PgServer:
    """A server we can create databases on (``admin_url`` is a psycopg conninfo URL)."""

    host: str
    port: int
    user: str
    password: str | None
    base_db: str
    data_dir: Path | None = None
    bin_dir: Path | None = None
    runas: list[str] | None = None

    def url(self, database: str) -> str:
        auth = self.user if self.password is None else f"{self.user}:{self.password}"
        return f"postgresql+psycopg://{auth}@{self.host}:{self.port}/{database}"

    def _admin(self) -> object:
        import psycopg

        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=self.base_db,
            autocommit=True,
        )

    def create_database(self) -> str:
        name = "rolefit_" + uuid.uuid4().hex[:12]
        with self._admin() as conn:  # type: ignore[attr-defined]
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with self._admin() as conn:  # type: ignore[attr-defined]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.data_dir is None or self.bin_dir is None:
            return
        _tool(
            self.runas or [],
            self.bin_dir / "pg_ctl",
            "-D",
            str(self.data_dir),
            "-m",
            "immediate",
            "stop",
        )
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def start_cluster() -> PgServer | str:
    """A running server, or the reason there is none."""
    env_url = os.environ.get("ROLEFIT_TEST_POSTGRES_URL")
    bin_dir = _bin_dir()
    if bin_dir is None and env_url:
        from sqlalchemy.engine import make_url

        url = make_url(env_url)
        return PgServer(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or "postgres",
            password=url.password,
            base_db=url.database or "postgres",
        )
    if bin_dir is None:
        return (
            "no PostgreSQL: neither initdb/pg_ctl (/usr/lib/postgresql/*/bin, /usr/local/bin) "
            "nor ROLEFIT_TEST_POSTGRES_URL"
        )
    runas: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="rolefit-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: run its tools as the postgres user (the package
        # creates it). runuser may live in /usr/sbin or /sbin, which a CI PATH can lack.
        runuser = shutil.which("runuser") or next(
            (p for p in ("/usr/sbin/runuser", "/sbin/runuser") if os.path.exists(p)), None
        )
        if runuser is None:
            shutil.rmtree(root, ignore_errors=True)
            return "running as root without runuser: cannot start PostgreSQL as non-root"
        try:
            shutil.chown(root, "postgres", "postgres")
        except LookupError:
            shutil.rmtree(root, ignore_errors=True)
            return "running as root and there is no 'postgres' user to run PostgreSQL as"
        os.chmod(root, 0o700)
        runas = [runuser, "-u", "postgres", "--"]
    port = free_port()
    init = _tool(
        runas,
        bin_dir / "initdb",
        "-D",
        str(data),
        "-U",
        "rolefit",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-sync",
    )
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        return f"initdb failed: {init.stderr.strip()[-500:]}"
    options = f"-p {port} -k {root} -h 127.0.0.1 -c fsync=off -c full_page_writes=off"
    start = _tool(
        runas,
        bin_dir / "pg_ctl",
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(root / "server.log"),
        "-w",
        "-t",
        "60",
        "start",
    )
    if start.returncode != 0:
        log = (
            (root / "server.log").read_text(errors="replace")
            if (root / "server.log").exists()
            else ""
        )
        shutil.rmtree(root, ignore_errors=True)
        return f"pg_ctl start failed: {start.stderr.strip()[-300:]} {log[-500:]}"
    server = PgServer("127.0.0.1", port, "rolefit", None, "postgres", data, bin_dir, runas)
    deadline = time.monotonic() + 30
    while True:
        try:
            server.drop_database("__probe__")
            return server
        except Exception:
            if time.monotonic() > deadline:
                server.stop()
                return "PostgreSQL started but does not accept connections"
            time.sleep(0.2)
