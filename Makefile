# Two commands matter (README's Quick start): `make demo` and `make test`.
# Everything is installed into .venv at the repository root; system packages and the
# Kubernetes control-plane binaries are prepared by scripts/ and cached between runs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-shifted-clock venv system-deps k8s node-deps image node node-test lint types imports unit e2e bench clean

$(STAMP): pyproject.toml scripts/install-python-deps.sh
	PYTHON=$(PYTHON) VENV=$(VENV) bash scripts/install-python-deps.sh
	touch $(STAMP)

venv: $(STAMP)

## The main job: the local demo against the embedded venue simulators.
demo: $(STAMP)
	$(BIN)/touchline demo

system-deps: $(STAMP)
	PYTHON=$(BIN)/python bash scripts/install-system-deps.sh

k8s: $(STAMP)
	PYTHON=$(BIN)/python bash scripts/k8s/prepare.sh

## The node tier (docs/testing.md): Debian's podman, buildah, mmdebstrap, runc, CNI plugins ...
node-deps:
	bash scripts/node/install-deps.sh

## The project's image, built here without a registry (docs/image.md).
image: node-deps
	bash scripts/image/build.sh

## kubelet, kube-scheduler, kube-proxy, containerd and the pause image of the node tier.
node: node-deps k8s
	bash scripts/node/prepare.sh

## The node tier alone: a real node running the chart, the operator and the bots in pods.
node-test: $(STAMP) node image
	$(BIN)/pytest -m node -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -m "not e2e and not node" -q

e2e: $(STAMP) k8s
	$(BIN)/pytest -m e2e -q

## Install everything and run the whole suite: lint, types, import contracts, the test tiers
## (the node tier joins once it passes reliably: `make node-test`).
test: $(STAMP) system-deps k8s lint types imports
	HYPOTHESIS_PROFILE=ci $(BIN)/pytest -q -m "not node"
	$(MAKE) --no-print-directory test-shifted-clock

## The date-sensitive tiers once more with the wall clock 400 days ahead (Debian's libfaketime;
## the monotonic clock stays real, see docs/testing.md): no test may depend on today's date.
## Not here: the pure property tier, the compiled-wheel build, the scenarios (their own clock),
## the end-to-end and node tiers (Go binaries ignore libfaketime).
SHIFTED_DAYS  := 400
SHIFTED_TESTS := tests/unit tests/contract tests/contract_polymarket tests/monitoring \
                 tests/chaos tests/integration --ignore=tests/integration/scenarios \
                 --ignore=tests/integration/compiled
test-shifted-clock: $(STAMP) system-deps
	FAKETIME_DONT_FAKE_MONOTONIC=1 TOUCHLINE_SHIFTED_CLOCK_DAYS=$(SHIFTED_DAYS) \
	  HYPOTHESIS_PROFILE=ci faketime -f '+$(SHIFTED_DAYS)d' \
	  $(BIN)/pytest -q -p no:cacheprovider -m "not e2e and not node" $(SHIFTED_TESTS)

## The hot-path benchmark, on the compiled core (as a production image builds it) and on the source.
bench: $(STAMP)
	VENV=$(VENV) bash scripts/build-compiled.sh build/compiled
	TOUCHLINE_PACKAGE_DIR=build/compiled $(BIN)/python benchmarks/hot_path.py
	$(BIN)/python benchmarks/hot_path.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
