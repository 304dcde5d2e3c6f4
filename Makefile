# Two entry points for newcomers and CI:
#   make run   - set everything up, synthesize the stack with cdk-nag, plan the example suite,
#                then simulate its run offline (evalctl simulate: moto and a stand-in judge)
#   make test  - set everything up, lint, type-check, run the whole offline test suite, then
#                scan the synthesized template with cfn-lint and checkov (make scan)
# Everything installs into .venv/ and node_modules/ inside the checkout, so nothing leaks
# into the machine and a fresh clone needs only python3 (>=3.11), node and npm.

# The interpreter the virtual environment is made from: the distribution's own python3 when it
# is 3.11 or newer and can make a venv, else the first python3 on PATH. Distributions build
# theirs with profile-guided and link-time optimisation; pyenv's default build (first on PATH on
# the dev containers: a shared libpython, no PGO) runs the test suite about 10 % slower. Any
# python3 >= 3.11 works: `make PYTHON=python3.12 setup` in a fresh clone (or after
# `rm -rf .venv`).
SYSTEM_PYTHON := /usr/bin/python3
PYTHON ?= $(if $(shell $(SYSTEM_PYTHON) -c 'import sys, ensurepip; print(sys.version_info >= (3, 11))' 2>/dev/null | grep -x True),$(SYSTEM_PYTHON),python3)
# uv installs the same pinned packages as pip, several times faster with a warm cache.
UV_VERSION := 0.13.9
VENV := .venv
BIN := $(VENV)/bin
CDK := node_modules/.bin/cdk
# The template scanners live in an environment of their own: checkov pins boto3 1.35, which
# predates fields this project sends to Bedrock, so it must never enter $(VENV).
SECURITY_VENV := .venv-security
CHECKOV_VERSION := 3.3.30
CFN_LINT_VERSION := 1.58.0
TEMPLATE := cdk.out/BedrockEvalPipeline.template.json
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export AWS_DEFAULT_REGION ?= us-east-1

.PHONY: setup browser run synth plan simulate test pytest lint scan security-tools format clean interpreter

# The HTML report is tested in a real headless browser: Debian's chromium package, driven by
# Playwright with executable_path (Playwright's own browser download cannot work offline).
CHROMIUM := /usr/bin/chromium

setup: $(VENV)/.installed node_modules/.installed browser

# The interpreter the venv is (or would be) made from, as chosen above.
interpreter:
	@echo $(PYTHON)

# Installs chromium when it is missing and we are root (CI, the dev containers); anyone else
# is told how, and the browser test skips until it is there.
browser:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "make: $(CHROMIUM) is missing: sudo apt-get install -y chromium"; fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	touch $@

# Rebuilt when the pins above change: the marker's name carries them.
$(SECURITY_VENV)/.installed-checkov-$(CHECKOV_VERSION)-cfn-lint-$(CFN_LINT_VERSION): $(VENV)/.installed
	rm -rf $(SECURITY_VENV)
	$(BIN)/uv venv --quiet $(SECURITY_VENV)
	$(BIN)/uv pip install --quiet --python $(SECURITY_VENV)/bin/python \
		checkov==$(CHECKOV_VERSION) cfn-lint==$(CFN_LINT_VERSION)
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --no-package-lock
	touch $@

synth: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(CDK) synth --quiet
	@echo "Synthesized to cdk.out/ with cdk-nag AwsSolutions checks: no unacknowledged findings."

plan: setup
	$(BIN)/evalctl plan examples/datasets/support-assistant.jsonl --suite support-assistant

# The whole flow offline: the synthesized state machine runs in moto with the real handlers
# and a stand-in judge; summary, metrics, message and alarms are printed, labelled SIMULATED.
simulate: setup
	$(BIN)/evalctl simulate examples/datasets/support-assistant.jsonl --suite support-assistant

run: synth plan simulate

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Bytecode is written under build/pycache, never beside the sources, even where the environment
# sets PYTHONDONTWRITEBYTECODE: compiling every module from source again costs each pytest
# process (the controller and each xdist worker) about 6 s before its first test.
PYTEST_ENV := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/build/pycache

# The test suite alone (what `make test` runs between lint and scan).
pytest: setup
	$(PYTEST_ENV) $(BIN)/pytest

test: lint
	$(MAKE) pytest
	$(MAKE) scan

# Every finding is either fixed or acknowledged with a reason in the resource's Metadata
# (infra/nag.py acknowledge_scanner); any other finding fails the scan.
security-tools: $(SECURITY_VENV)/.installed-checkov-$(CHECKOV_VERSION)-cfn-lint-$(CFN_LINT_VERSION)

scan: synth security-tools
	$(SECURITY_VENV)/bin/cfn-lint $(TEMPLATE)
	$(SECURITY_VENV)/bin/checkov --quiet --compact --skip-download --framework cloudformation \
		--file $(TEMPLATE)
	@echo "cfn-lint and checkov: no unacknowledged finding in $(TEMPLATE)."

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf cdk.out build .pytest_cache .ruff_cache $(SECURITY_VENV)
