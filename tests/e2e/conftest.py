"""Fixtures of the end-to-end tests: the synthesized template and the pipeline in moto."""

from __future__ import annotations

import pytest

from evalctl.simulation.aws import fake_aws
from tests.e2e.pipeline import (
    E2E_SETTINGS,
    MOTO_CONFIG,
    QUALITY,
    Pipeline,
    scorer_for,
    synthesize,
)


@pytest.fixture(scope="module")
def template() -> dict:
    return synthesize(E2E_SETTINGS)


@pytest.fixture
def pipeline(template, monkeypatch, request):
    options = dict(getattr(request, "param", {}))
    scorer = options.pop("scorer", None) or scorer_for(options.pop("quality", QUALITY))
    with fake_aws(scorer, mock_config=MOTO_CONFIG, **options) as world:
        yield Pipeline(template, world, monkeypatch)
