# syntax=docker/dockerfile:1.7
# One image for the four Python services (casting, payroll, scheduling, legal); the service module
# is the CMD:
#   docker build -f deploy/docker/python.Dockerfile -t slate-python .      (context: repo root)
#   docker run slate-python casting        ->  python -m casting
#   docker run slate-python slate_tools.cli token --org acme --role producer     (dev token, SLATE_ENV=dev)
# Python 3.11 matches `requires-python = ">=3.11,<3.12"`; uv is the Makefile's pin (UV_VERSION).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---------------------------------------------------------------- build: resolve + install into /opt/venv
FROM ${PYTHON_IMAGE} AS build
ARG UV_VERSION=0.13.8
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON_PREFERENCE=only-system \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/venv
RUN pip install "uv==${UV_VERSION}"
WORKDIR /src

# 1) third-party dependencies only (a layer that changes only with uv.lock / the pyproject files)
COPY pyproject.toml uv.lock ./
COPY libs/slate/pyproject.toml libs/slate/pyproject.toml
COPY libs/slate-proto/pyproject.toml libs/slate-proto/pyproject.toml
COPY libs/slate-tools/pyproject.toml libs/slate-tools/pyproject.toml
COPY services/casting/pyproject.toml services/casting/pyproject.toml
COPY services/payroll/pyproject.toml services/payroll/pyproject.toml
COPY services/scheduling/pyproject.toml services/scheduling/pyproject.toml
COPY services/legal/pyproject.toml services/legal/pyproject.toml
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --all-packages --locked --no-dev --no-install-workspace

# 2) the workspace members, installed as regular (non-editable) wheels so /opt/venv is self-contained
#    (tests are left out by .dockerignore; generated protobuf code is committed under libs/slate-proto)
COPY libs/slate libs/slate
COPY libs/slate-proto libs/slate-proto
COPY libs/slate-tools libs/slate-tools
COPY services/casting services/casting
COPY services/payroll services/payroll
COPY services/scheduling services/scheduling
COPY services/legal services/legal
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --all-packages --locked --no-dev --no-editable

# ---------------------------------------------------------------- runtime: the venv, no uv, no sources
FROM ${PYTHON_IMAGE} AS runtime
ARG APP_UID=10001
RUN groupadd --system --gid "${APP_UID}" slate \
 && useradd --system --uid "${APP_UID}" --gid slate --home-dir /app --shell /usr/sbin/nologin slate \
 && mkdir -p /app /var/lib/slate/dev \
 && chown -R slate:slate /app /var/lib/slate \
 && chmod 0755 /var/lib/slate/dev
COPY --from=build /opt/venv /opt/venv
# SLATE_HOME: there is no checkout in the image; the dev key directory (dev JWT signing key,
# dev PII key) defaults to a path a shared volume can be mounted on (see deploy/compose).
ENV PATH=/opt/venv/bin:$PATH \
    VIRTUAL_ENV=/opt/venv \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SLATE_HOME=/app \
    SLATE_DEV_KEY_DIR=/var/lib/slate/dev \
    SLATE_HTTP_HOST=0.0.0.0
WORKDIR /app
USER slate:slate
# HTTP (GraphQL, /healthz, /readyz, /metrics) 4001-4004, gRPC 50051-50054 (DESIGN.md, per service)
EXPOSE 4001 4002 4003 4004 50051 50052 50053 50054
ENTRYPOINT ["python", "-m"]
CMD ["casting"]
