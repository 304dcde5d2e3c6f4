import dataclasses

import pytest

from evalcore.polling import MAX_WAIT_SECONDS, MIN_WAIT_SECONDS
from evalcore.suite import load_suite
from infra.settings import PipelineSettings


class Context(dict):
    def try_get_context(self, key):
        return self.get(key)


def test_defaults_have_one_home():
    settings = PipelineSettings.from_context(Context())
    assert settings == PipelineSettings()
    assert (settings.polling.min_wait_seconds, settings.polling.max_wait_seconds) == (
        MIN_WAIT_SECONDS,
        MAX_WAIT_SECONDS,
    )


def test_context_values_arrive_as_strings_and_are_checked():
    settings = PipelineSettings.from_context(
        Context(pollMaxWaitSeconds="300", executionTimeoutHours=6, runLimitSeconds="18000")
    )
    assert (settings.poll_max_wait_seconds, settings.execution_timeout_hours) == (300, 6)
    with pytest.raises(ValueError, match="resultsRetentionDays must be a whole number"):
        PipelineSettings.from_context(Context(resultsRetentionDays="a year"))
    with pytest.raises(ValueError, match="must be positive"):
        PipelineSettings.from_context(Context(pollMinWaitSeconds="0"))


def test_every_field_has_a_context_key():
    assert PipelineSettings.context_keys() == {
        "poll_min_wait_seconds": "pollMinWaitSeconds",
        "poll_max_wait_seconds": "pollMaxWaitSeconds",
        "run_limit_seconds": "runLimitSeconds",
        "cleanup_allowance_seconds": "cleanupAllowanceSeconds",
        "execution_timeout_hours": "executionTimeoutHours",
        "results_retention_days": "resultsRetentionDays",
        "max_concurrent_jobs": "maxConcurrentJobs",
        "slot_wait_seconds": "slotWaitSeconds",
        "max_shards_per_run": "maxShardsPerRun",
    }


def test_the_execution_timeout_must_outlast_the_run_limit_and_its_clean_up():
    with pytest.raises(
        ValueError,
        match="cleanupAllowanceSeconds=1800 needs at least 13 hours; raise executionTimeoutHours",
    ):
        PipelineSettings(run_limit_seconds=12 * 3600, execution_timeout_hours=12)
    assert PipelineSettings(run_limit_seconds=12 * 3600, execution_timeout_hours=13)


def test_the_longest_run_must_stay_far_below_the_history_limit():
    with pytest.raises(ValueError, match=r"could write \d+ history events, over the budget"):
        PipelineSettings(
            run_limit_seconds=20 * 3600, execution_timeout_hours=21, slot_wait_seconds=60
        )
    with pytest.raises(ValueError, match="over the budget of 12500"):
        PipelineSettings.from_context(Context(maxShardsPerRun="50"))


def test_a_suite_asking_for_more_time_than_the_stack_gives_fails_synth():
    suite = dataclasses.replace(load_suite("support-assistant"), max_run_hours=13)
    with pytest.raises(ValueError, match="maxRunHours=13 is longer than the stack's"):
        PipelineSettings().check_suites([suite])
    PipelineSettings().check_suites([dataclasses.replace(suite, max_run_hours=2)])
