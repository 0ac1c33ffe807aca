# syntax=docker/dockerfile:1
# rolefit HTTP service: python:3.11-slim, dependencies in their own layer, non-root, no model
# downloads (the pipeline is spacy.blank("en") + the packaged taxonomy).
#   docker build -t rolefit .
#   docker run -p 8000:8000 -v rolefit-data:/data rolefit
#   docker run --rm -v rolefit-data:/data rolefit rolefit keys create --name me --scope '*'
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# 1. Dependencies only (this layer is rebuilt only when pyproject.toml changes).
COPY pyproject.toml README.md ./
RUN --mount=type=cache,target=/root/.cache/pip \
    mkdir -p matcher service taxonomy cli batch \
    && touch matcher/__init__.py service/__init__.py taxonomy/__init__.py cli/__init__.py batch/__init__.py \
    && PIP_NO_CACHE_DIR=0 pip install . \
    && pip uninstall -y rolefit \
    && rm -rf matcher service taxonomy cli batch build *.egg-info

# 2. The package itself, bytecode-compiled.
COPY matcher ./matcher
COPY service ./service
COPY taxonomy ./taxonomy
COPY cli ./cli
COPY batch ./batch
RUN pip install --no-deps . \
    && python -m compileall -q "$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
    && rm -rf /app/build /app/*.egg-info

# 3. An unprivileged user; state (SQLite) lives in /data.
RUN useradd --create-home --uid 10001 rolefit \
    && mkdir -p /data && chown rolefit:rolefit /data
USER rolefit
WORKDIR /data
ENV ROLEFIT_DATA_DIR=/data \
    ROLEFIT_LOG_JSON=true

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

# The production command: keys required (no ROLEFIT_DEV_MODE), one uvicorn process whose
# ROLEFIT_WORKERS worker processes do the parsing; scale with more containers.
CMD ["uvicorn", "--factory", "service.app:create_app", "--http", "service.http:HeadTimeoutProtocol", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers", "--no-access-log"]
