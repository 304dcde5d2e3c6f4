import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evalcore.polling import MAX_WAIT_SECONDS, MIN_WAIT_SECONDS
from evalcore.suite import load_all_suites, load_suite
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
        "human_run_limit_seconds": "humanRunLimitSeconds",
        "human_poll_max_wait_seconds": "humanPollMaxWaitSeconds",
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


HUMAN = load_suite("human-compare")
DAY = 24 * 3600


def test_a_human_suite_may_take_days_up_to_the_stacks_human_limit():
    settings = PipelineSettings(human_run_limit_seconds=5 * DAY)
    assert settings.run_limit_for(HUMAN) == 5 * DAY
    assert settings.run_limit_for(dataclasses.replace(HUMAN, max_run_hours=72)) == 3 * DAY
    settings.check_suites([dataclasses.replace(HUMAN, max_run_hours=120)])
    with pytest.raises(
        ValueError,
        match="maxRunHours=121 is longer than the stack's humanRunLimitSeconds=432000: "
        "lower maxRunHours, or raise humanRunLimitSeconds",
    ):
        settings.check_suites([dataclasses.replace(HUMAN, max_run_hours=121)])


def test_the_execution_timeout_is_raised_to_outlast_the_longest_suite():
    automated = load_suite("support-assistant")
    settings = PipelineSettings()
    assert settings.execution_timeout_hours_for([automated]) == 24  # the floor
    # seven days and the 30-minute clean-up, in whole hours
    assert settings.execution_timeout_hours_for([automated, HUMAN]) == 7 * 24 + 1
    shorter = dataclasses.replace(HUMAN, max_run_hours=48)
    assert settings.execution_timeout_hours_for([automated, shorter]) == 49


def test_a_human_limit_past_step_functions_one_year_fails_synth_with_the_fix():
    settings = PipelineSettings(human_run_limit_seconds=366 * DAY, human_poll_max_wait_seconds=DAY)
    with pytest.raises(ValueError, match=r"over Step Functions' limit of one year.*lower humanRun"):
        settings.execution_timeout_hours_for([HUMAN])


def test_each_suites_longest_run_must_fit_the_history_budget_at_its_own_cap():
    # At the automated ten-minute cap a week of polls for five shards is far over the budget.
    tight = PipelineSettings(human_poll_max_wait_seconds=600)
    with pytest.raises(
        ValueError,
        match=r"human-compare.json: its longest run \(604800 s\) could write \d+ history events"
        r".*raise humanPollMaxWaitSeconds",
    ):
        tight.check_suites([HUMAN])
    # The same suite given one day fits; the default hourly cap fits a week.
    tight.check_suites([dataclasses.replace(HUMAN, max_run_hours=24)])
    PipelineSettings().check_suites(load_all_suites())
    assert PipelineSettings().history_events_for(HUMAN) <= 12_500


def test_reading_settings_and_deploying_a_simulated_pipeline_stay_light():
    """The simulation, the end-to-end tests and the benchmark read PipelineSettings and build
    the layer without synthesizing, and the permission tests read what the suites ask of the
    stack; importing aws_cdk would start jsii's node process in each of them (every pytest
    worker collects these modules). The simulation's Step Functions interpreter loads without
    moto's Batch and EC2 models, and leaves moto.batch to be imported whole by whoever needs it
    (its placeholder is gone; the utils module the parser uses stays)."""
    probe = (
        "import sys; import infra.settings, infra.layer_build, infra.suite_inputs, "
        "evalctl.simulation.pipeline as pipeline; pipeline.step_functions(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('aws_cdk', 'jsii'))); "
        "print(sorted(m for m in sys.modules if m.startswith(('moto.ec2', 'moto.batch'))))"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(str(root / p) for p in ("lambdas", "."))},
    )
    assert result.stdout.splitlines() == ["[]", "['moto.batch.exceptions', 'moto.batch.utils']"]
