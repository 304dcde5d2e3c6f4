# Two entry points for newcomers and CI:
#   make run   - set everything up, synthesize the stack with cdk-nag, plan the example suite
#   make test  - set everything up, lint, run the whole offline test suite
# Everything installs into .venv/ and node_modules/ inside the checkout, so nothing leaks
# into the machine and a fresh clone needs only python3 (>=3.11), node and npm.

PYTHON ?= python3
# uv installs the same pinned packages as pip, several times faster with a warm cache.
UV_VERSION := 0.13.9
VENV := .venv
BIN := $(VENV)/bin
CDK := node_modules/.bin/cdk
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export AWS_DEFAULT_REGION ?= us-east-1

.PHONY: setup run synth plan test lint format clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --no-package-lock
	touch $@

synth: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(CDK) synth --quiet
	@echo "Synthesized to cdk.out/ with cdk-nag AwsSolutions checks: no unacknowledged findings."

plan: setup
	$(BIN)/evalctl plan examples/datasets/support-assistant.jsonl --suite support-assistant

run: synth plan

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf cdk.out build .pytest_cache .ruff_cache
