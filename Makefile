# Slate — every target installs what it needs under .local/ (git-ignored) and is idempotent.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.8
UV := .local/uv/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv
PY := .venv/bin/python

.PHONY: help setup run stop test test-unit lint proto schema bench clean token traces infra-up infra-down

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	python3 -m venv .local/uv
	.local/uv/bin/pip install -q uv==$(UV_VERSION)

.venv/.synced: $(UV) uv.lock pyproject.toml $(wildcard libs/*/pyproject.toml services/*/pyproject.toml)
	$(UV) sync --all-packages --locked
	@touch $@

setup: .venv/.synced  ## install the Python workspace

test-unit: setup  ## pure domain tests only (no infrastructure)
	$(UV) run --no-sync pytest -m "not infra and not e2e"

test: setup  ## run every test (starts the infrastructure it needs)
	$(UV) run --no-sync pytest

lint: setup  ## ruff, mypy, import-linter
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .
	$(UV) run --no-sync mypy libs/slate/slate services/*/[!t]*
	$(UV) run --no-sync lint-imports

proto: setup  ## regenerate Python from proto/ into libs/slate-proto
	$(PY) proto/generate.py

proto-check: setup  ## fail when the generated proto code is stale
	$(PY) proto/generate.py --check

clean:  ## remove caches and the virtualenv (keeps downloaded infrastructure)
	rm -rf .venv .mypy_cache .ruff_cache .pytest_cache
