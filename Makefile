# rolefit — run `make help` for the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
RUN_STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(RUN_STAMP)

.PHONY: ocr-tools
ocr-tools: ## Install Tesseract OCR (reads scanned resumes) if missing: as root with apt, else a hint
	@command -v tesseract >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends tesseract-ocr tesseract-ocr-eng \
	      || echo "note: could not install tesseract-ocr; scanned resumes will be refused (no-text)"; \
	  else \
	    echo "note: Tesseract OCR is not installed, so scanned resumes are refused (no-text);" \
	      "install it with: sudo apt-get install tesseract-ocr"; \
	  fi; }

.PHONY: install
install: $(STAMP) ocr-tools ## Create .venv and install rolefit with the dev tools (+ Tesseract)

.PHONY: run
run: $(RUN_STAMP) ocr-tools ## Start the service on http://127.0.0.1:8000 (dev mode, SQLite in ./data)
	ROLEFIT_DEV_MODE=$${ROLEFIT_DEV_MODE:-true} $(BIN)/uvicorn --factory service.app:create_app --http service.http:HeadTimeoutProtocol --host $(HOST) --port $(PORT)

.PHONY: test
test: $(STAMP) ## Run the whole test suite (installs what it needs first)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

.PHONY: format
format: $(STAMP) ## Format the code
	$(BIN)/ruff format matcher service taxonomy cli batch tests bench eval
	$(BIN)/ruff check --fix matcher service taxonomy cli batch tests bench eval

.PHONY: lint
lint: $(STAMP) ## ruff
	$(BIN)/ruff check matcher service taxonomy cli batch tests bench eval
	$(BIN)/ruff format --check matcher service taxonomy cli batch tests bench eval

.PHONY: typecheck
typecheck: $(STAMP) ## mypy --strict on matcher, taxonomy, service, cli and batch
	$(BIN)/mypy

.PHONY: check
check: lint typecheck test ## lint + typecheck + tests

.PHONY: eval
eval: $(STAMP) ## Score the labelled corpus in ../shared/corpus (accuracy)
	$(BIN)/python -m eval.run

.PHONY: eval-texts
eval-texts: $(STAMP) ## Rebuild the new set's texts from repository mirrors: MIRRORS=DIR (eval/data/README.md)
	$(BIN)/python eval/data/derive.py $(if $(MIRRORS),--mirrors $(MIRRORS))

.PHONY: bench
bench: $(STAMP) ## Benchmarks (speed, memory); BENCH_ARGS=--quick for a smoke run
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# make fuzz: N inputs of campaign SEED in WORKERS processes at nice NICE (a shared machine)
N ?= 10000
SEED ?= 12
WORKERS ?= 1
NICE ?= 10
FUZZ_ARGS ?=

.PHONY: fuzz
fuzz: $(STAMP) ## Fuzz the reader: N=10000 mutated PDFs, SEED=12, WORKERS=1 (FUZZ_ARGS for more)
	nice -n $(NICE) $(BIN)/python -m bench.fuzz --count $(N) --seed $(SEED) --workers $(WORKERS) --corpus $(FUZZ_ARGS)

.PHONY: docker
docker: ## Build the container image (needs a Docker engine)
	docker build -t rolefit .
