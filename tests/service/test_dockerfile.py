"""The Dockerfile's production command and HEALTHCHECK, run as-is outside Docker."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.service.conftest import ROOT
from tests.tools import free_port

pytestmark = pytest.mark.slow

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def _json_instruction(name: str) -> list[str]:
    text = DOCKERFILE.replace("\\\n", " ")
    match = re.search(rf"^{name}\s+(?:.*?\bCMD\s+)?(\[.*\])\s*$", text, flags=re.M)
    assert match, f"no exec-form {name} in the Dockerfile"
    return list(json.loads(match.group(1)))


def test_dockerfile_is_slim_non_root_with_a_dependency_layer() -> None:
    assert re.search(r"^FROM python:3\.11-slim", DOCKERFILE, flags=re.M)
    assert re.search(r"^USER rolefit", DOCKERFILE, flags=re.M)
    assert DOCKERFILE.index("COPY pyproject.toml") < DOCKERFILE.index("COPY matcher")
    assert "spacy download" not in DOCKERFILE


def test_dockerfile_command_serves_and_its_healthcheck_passes(tmp_path: Path) -> None:
    command = _json_instruction("CMD")
    assert command[:3] == ["uvicorn", "--factory", "service.app:create_app"]
    port = free_port()
    args = [a.replace("0.0.0.0", "127.0.0.1") for a in command]
    args[args.index("--port") + 1] = str(port)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROLEFIT_")}
    env.update(ROLEFIT_DATA_DIR=str(tmp_path), ROLEFIT_WORKERS="1", ROLEFIT_LOG_JSON="true")
    uvicorn = Path(sys.executable).with_name("uvicorn")
    process = subprocess.Popen(
        [str(uvicorn), *args[1:]],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("the production command did not start")
        # Production mode: keys are required.
        assert httpx.get(url + "/v1/roles").status_code == 401
        healthcheck = _json_instruction("HEALTHCHECK")
        script = healthcheck[2].replace("8000", str(port))
        result = subprocess.run([sys.executable, "-c", script], timeout=30, check=False)
        assert result.returncode == 0
    finally:
        process.terminate()
        process.wait(20)
