import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalcore import api_patterns, naming
from evalcore.shards import (
    MAX_PROMPTS_PER_JOB,
    TooManyShards,
    plan_shards,
    run_job_names,
    shard_job_name,
    shard_job_request,
    shard_of_line,
)


def test_up_to_the_per_job_limit_is_one_shard():
    assert plan_shards(MAX_PROMPTS_PER_JOB).ranges == ((0, 1000),)
    assert not plan_shards(1).sharded


def test_2500_prompts_are_three_nearly_equal_shards():
    plan = plan_shards(2500)
    assert plan.ranges == ((0, 834), (834, 1667), (1667, 2500))
    assert shard_of_line(plan, 834) == 1


@given(records=st.integers(1, 5000))
def test_shards_cover_every_line_once_and_respect_the_limit(records):
    plan = plan_shards(records)
    assert plan.ranges[0][0] == 0 and plan.ranges[-1][1] == records
    assert all(a[1] == b[0] for a, b in zip(plan.ranges, plan.ranges[1:], strict=False))
    sizes = [end - start for start, end in plan.ranges]
    assert max(sizes) <= MAX_PROMPTS_PER_JOB and max(sizes) - min(sizes) <= 1
    assert plan.count == -(-records // MAX_PROMPTS_PER_JOB)


def test_more_shards_than_a_run_may_have_is_refused_with_the_fix():
    with pytest.raises(TooManyShards, match="split it into files of at most 5000 lines"):
        plan_shards(5001, source="s3://b/datasets/s/big.jsonl")


def test_shard_job_names_keep_the_digest_and_fit_bedrocks_pattern():
    run = naming.job_name("support-assistant", "b", "datasets/s/" + "x" * 80 + ".jsonl", "v")
    assert shard_job_name(run, 0, 1) == run
    names = [shard_job_name(run, i, 3) for i in range(3)]
    assert len(set(names)) == 3
    digest = run.rsplit("-", 1)[1]
    for index, name in enumerate(names):
        assert api_patterns.job_name().violation(name) is None
        assert name.endswith(f"{digest}-s{index + 1}")


RUN_REQUEST = {
    "jobName": "suite-data-0123456789",
    "jobDescription": "suite: datasets/suite/data.jsonl",
    "clientRequestToken": "f" * 64,
    "outputDataConfig": {"s3Uri": "s3://b/results/suite/suite-data-0123456789/"},
    "evaluationConfig": {
        "automated": {
            "datasetMetricConfigs": [
                {"dataset": {"name": "data", "datasetLocation": {"s3Uri": "s3://b/x.jsonl"}}}
            ]
        }
    },
}


def test_one_shard_sends_the_runs_own_request():
    assert shard_job_request(RUN_REQUEST, index=0, count=1, dataset_uri="ignored") is RUN_REQUEST


def test_each_shard_gets_its_own_name_token_dataset_and_an_output_below_the_runs():
    request = shard_job_request(RUN_REQUEST, index=1, count=3, dataset_uri="s3://b/shard-2.jsonl")
    assert request["jobName"] == "suite-data-0123456789-s2"
    assert request["clientRequestToken"] != RUN_REQUEST["clientRequestToken"]
    assert request["outputDataConfig"]["s3Uri"] == (
        "s3://b/results/suite/suite-data-0123456789/suite-data-0123456789-s2/"
    )
    (config,) = request["evaluationConfig"]["automated"]["datasetMetricConfigs"]
    assert config["dataset"]["datasetLocation"]["s3Uri"] == "s3://b/shard-2.jsonl"
    assert request["jobDescription"].endswith("(shard 2/3)")
    assert RUN_REQUEST["jobName"] == "suite-data-0123456789"  # the run's request is untouched


def test_a_comparison_runs_every_shard_once_per_model_within_the_runs_job_cap():
    assert plan_shards(1000, models=3).count == 1  # three jobs
    assert plan_shards(2000, models=2).count == 2  # four jobs
    with pytest.raises(TooManyShards) as refused:
        plan_shards(1500, models=3, source="s3://b/datasets/model-comparison/big.jsonl")
    assert refused.value.problem == (
        "s3://b/datasets/model-comparison/big.jsonl has 1500 prompts: that is 2 evaluation jobs "
        "of at most 1000 for each of 3 models: 6 jobs, and a run may start at most 5 "
        "(maxShardsPerRun)"
    )
    assert refused.value.fix == (
        "split it into files of at most 1000 lines, compare fewer models or raise the setting"
    )


def test_more_models_than_a_run_may_hold_are_refused_before_counting_prompts():
    with pytest.raises(TooManyShards, match="compares 6 models") as refused:
        plan_shards(10, max_shards=5, models=6)
    assert refused.value.fix == "compare at most 5 models per suite, or raise the setting"


def test_a_compared_models_jobs_are_named_by_model_and_shard_after_the_run():
    run = naming.job_name("model-comparison", "b", "datasets/s/" + "x" * 80 + ".jsonl", "v")
    digest = run.rsplit("-", 1)[1]
    assert shard_job_name(run, 0, 1, model_index=1, model_count=3).endswith(f"{digest}-m2")
    assert shard_job_name(run, 1, 2, model_index=2, model_count=3).endswith(f"{digest}-m3-s2")
    for name in run_job_names(run):
        assert api_patterns.job_name().violation(name) is None
    names = run_job_names(run, max_jobs=4)
    for suffix in ("-m2-s2", "-m4", "-s4"):
        assert any(name.endswith(f"{digest}{suffix}") for name in names), suffix
    assert not any(name.endswith("-m3-s2") for name in names)  # 6 jobs: over the cap of 4


def test_a_compared_models_job_gets_its_own_name_token_and_output():
    requests = [
        shard_job_request(
            RUN_REQUEST,
            index=s,
            count=2,
            dataset_uri=f"s3://b/shard-{s}.jsonl",
            model_index=m,
            model_count=2,
        )
        for m in range(2)
        for s in range(2)
    ]
    names = [r["jobName"] for r in requests]
    run = RUN_REQUEST["jobName"]
    assert names == [f"{run}-m1-s1", f"{run}-m1-s2", f"{run}-m2-s1", f"{run}-m2-s2"]
    tokens = {r["clientRequestToken"] for r in requests}
    assert len(tokens) == 4 and all(len(t) <= 64 for t in tokens)
    assert requests[3]["outputDataConfig"]["s3Uri"] == (f"s3://b/results/suite/{run}/{run}-m2-s2/")
    assert requests[3]["jobDescription"].endswith("(model 2/2, shard 2/2)")
    one_shard = shard_job_request(
        RUN_REQUEST, index=0, count=1, dataset_uri="s3://b/x.jsonl", model_index=0, model_count=3
    )
    assert one_shard["jobName"] == f"{run}-m1"
    assert one_shard["jobDescription"].endswith("(model 1/3)")
