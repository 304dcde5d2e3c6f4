import json

import pytest

from evalcore.cost import CostEstimate
from evalcore.run_state import CaughtError, DatasetRef, JobStatus, RunState, RunStateError

UPLOAD = {"bucket": "b", "key": "datasets/s/d.jsonl", "versionId": "v1"}


def test_the_upload_event_is_a_run_state():
    state = RunState.from_json(UPLOAD)
    assert state.dataset == DatasetRef("b", "datasets/s/d.jsonl", "v1")
    assert state.dataset.uri == "s3://b/datasets/s/d.jsonl"
    assert (state.job_arn, state.status, state.error) == (None, None, None)


def test_a_full_state_round_trips_through_json():
    state = RunState(
        dataset=DatasetRef("b", "datasets/s/d.jsonl", None),
        suite="s",
        job_name="s-d-1",
        job_arn="arn:aws:bedrock:us-east-1:123456789012:evaluation-job/abc",
        output_s3_uri="s3://b/results/s/s-d-1/",
        records=12,
        cost_estimate=CostEstimate(0.5, 0.0, ("n",)),
        status=JobStatus.FAILED,
        failure_messages=("boom",),
        job_created_at="2026-01-01T00:00:00+00:00",
        error=CaughtError("DatasetError", '{"errorMessage": "x"}'),
        summary_key="reports/s/s-d-1/summary.json",
    )
    document = json.loads(json.dumps(state.to_json()))
    assert document["status"] == "Failed" and document["error"]["Error"] == "DatasetError"
    assert RunState.from_json(document) == state


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"key": "datasets/s/d.jsonl"}, "lacks bucket"),
        ({"bucket": "b"}, "lacks key"),
        ({**UPLOAD, "status": "Running"}, "'Running' is not a job status"),
        ({**UPLOAD, "records": "12"}, "records must be a number"),
        ({**UPLOAD, "jobArn": 5}, "jobArn must be a string"),
        ([], "must be a JSON object"),
    ],
)
def test_a_state_that_does_not_parse_names_the_field(document, message):
    with pytest.raises(RunStateError, match=message):
        RunState.from_json(document)


def test_a_step_that_needs_the_job_says_which_field_is_missing():
    with pytest.raises(RunStateError, match="lacks jobArn, outputS3Uri"):
        RunState.from_json(UPLOAD).require("job_arn", "output_s3_uri")


def test_finished_statuses():
    assert {s for s in JobStatus if s.finished} == {
        JobStatus.COMPLETED,
        JobStatus.FAILED,
        JobStatus.STOPPED,
    }


def test_a_comparison_item_carries_its_model_and_says_which_job_it_is():
    item = RunState(
        dataset=DatasetRef("b", "datasets/s/d.jsonl"),
        shard_index=1,
        shard_count=2,
        model_index=2,
        model_count=3,
    )
    document = json.loads(json.dumps(item.to_json()))
    assert (document["modelIndex"], document["modelCount"]) == (2, 3)
    assert RunState.from_json(document) == item
    assert item.shard_label == "model 3/3, shard 2/2"
    assert item.evolve(shard_count=1).shard_label == "model 3/3"
    single = RunState(dataset=DatasetRef("b", "k"), shard_index=0, shard_count=1)
    assert "modelIndex" not in single.to_json() and single.shard_label == "the job"
