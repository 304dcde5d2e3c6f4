"""The test processes' own settings (tests/conftest.py), which the suite's speed rests on."""

from __future__ import annotations

import gc

import boto3

from tests.conftest import YOUNG_GENERATION_THRESHOLD


def test_every_botocore_session_reads_the_models_through_one_loader():
    first, second = boto3.Session()._session, boto3.Session()._session
    assert first.get_component("data_loader") is second.get_component("data_loader")


def test_the_young_generation_is_collected_in_large_batches_after_collection():
    assert gc.get_threshold()[0] == YOUNG_GENERATION_THRESHOLD
    assert gc.get_freeze_count() > 0


def test_cdk_app_tests_come_first_then_the_slow_ones(request):
    def rank(item) -> int:
        return (
            0 if item.get_closest_marker("cdk_app") else 1 if item.get_closest_marker("slow") else 2
        )

    ranks = [rank(item) for item in request.session.items]
    assert ranks == sorted(ranks)
