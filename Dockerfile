# The one image every Touchline process runs — operator, risk service and bots (the chart's
# `image`). The package is installed as the compiled wheel (scripts/build-wheel.sh: the hot path
# compiled by mypyc, about three times as fast as the source; `make bench` measures both).
#
#   docker build -t <registry>/touchline:<version> .
#   make image        # the same Dockerfile on a Debian base made here, no registry (docs/image.md)
#
# Two stages: the build stage has the compiler and mypy; the runtime stage has neither, only a
# virtual environment with the wheel and its dependencies, and runs as an unprivileged user (the
# chart's securityContext asks for UID 10001 and a read-only root filesystem).
#
# The base images are build arguments. Both must have the same python3 (3.11) at the same path:
# the environment built in the first stage is copied as it is into the second (`make image`
# passes the same Debian base for both). The build stage needs `python3 -m venv`, and a C
# compiler with Python's headers: installed with apt-get when the base lacks them.
ARG BUILD_IMAGE=python:3.11-slim
ARG RUNTIME_IMAGE=python:3.11-slim

FROM ${BUILD_IMAGE} AS build
# A CA bundle for pip behind a TLS-intercepting proxy, when the builder provides one.
ARG PIP_CERT
# What the base lacks of a C compiler, `python3 -m venv` and Python's headers comes from apt-get:
# the public python image has venv and headers but no gcc; a bare Debian base (make image builds
# on its runtime base) has none of them. Nothing is installed that the base already has.
RUN pkgs=""; \
    command -v gcc >/dev/null || pkgs="gcc libc6-dev"; \
    python3 -c 'import ensurepip' 2>/dev/null || pkgs="$pkgs python3-venv"; \
    python3 -c 'import os, sysconfig; os.stat(sysconfig.get_paths()["include"] + "/Python.h")' \
      2>/dev/null || pkgs="$pkgs python3-dev"; \
    if [ -n "$pkgs" ]; then \
      apt-get update \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $pkgs \
      && rm -rf /var/lib/apt/lists/*; \
    fi
# The tools (mypy compiles the wheel with mypyc; the version the project's CI checks and builds
# with) live in their own environment; /opt/touchline gets the package and its dependencies only.
RUN python3 -m venv /opt/build \
 && python3 -m venv --without-pip /opt/touchline \
 && /opt/build/bin/pip install --no-cache-dir --quiet "mypy==2.4.1" "setuptools>=69" "wheel>=0.40"
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
# mypyc type-checks what it compiles with the project's mypy configuration, whose pydantic plugin
# and imports need the runtime dependencies (and the stubs the dev extras pin) installed.
RUN /opt/build/bin/python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > /tmp/requirements.txt \
 && /opt/build/bin/pip install --no-cache-dir --quiet -r /tmp/requirements.txt types-PyYAML
COPY bot ./bot
COPY operator ./operator
# The package's built-in configuration (bot/touchline_bot/builtin_config links here).
COPY config ./config
COPY scripts/build-wheel.sh ./scripts/
RUN PYTHON=/opt/build/bin/python bash scripts/build-wheel.sh /wheels \
 && /opt/build/bin/pip --python /opt/touchline/bin/python install --no-cache-dir --quiet \
      /wheels/touchline-*.whl

FROM ${RUNTIME_IMAGE}
COPY --from=build /opt/touchline /opt/touchline
# No useradd: a minimal base has none; the user exists for tools that look a UID up.
RUN echo 'touchline:x:10001:10001:touchline:/nonexistent:/usr/sbin/nologin' >> /etc/passwd \
 && echo 'touchline:x:10001:' >> /etc/group
ENV PATH=/opt/touchline/bin:/usr/local/bin:/usr/bin:/bin \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER 10001:10001
ENTRYPOINT ["/opt/touchline/bin/touchline"]
CMD ["--help"]
