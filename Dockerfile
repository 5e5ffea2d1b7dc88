# The one image every Touchline process runs — operator, risk service and bots (the chart's
# `image`). The package is installed as the compiled wheel (scripts/build-wheel.sh: the hot path
# compiled by mypyc, about three times as fast as the source; `make bench` measures both).
#
#   docker build -t <registry>/touchline:<version> .
#
# Two stages: the build stage has the compiler and mypy; the runtime stage has neither, only the
# wheel and its dependencies, and runs as an unprivileged user (the chart's securityContext
# asks for a non-root UID and a read-only root filesystem).
FROM python:3.11-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
# mypy compiles the wheel (mypyc); the version the project's CI checks and builds with.
RUN pip install --no-cache-dir "mypy==2.4.1" "setuptools>=69" "wheel>=0.40"
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY bot ./bot
COPY operator ./operator
COPY scripts/build-wheel.sh ./scripts/
RUN PYTHON=python bash scripts/build-wheel.sh /wheels

FROM python:3.11-slim
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/touchline-*.whl && rm -rf /wheels \
 && useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin touchline
USER 10001
ENTRYPOINT ["touchline"]
CMD ["--help"]
