import botocore.session
import pytest

from evalcore import naming
from evalcore.layout import suite_name_from_dataset_key


def model_pattern(operation: str, *path: str) -> str:
    model = botocore.session.get_session().get_service_model("bedrock")
    shape = model.operation_model(operation).input_shape
    for name in path:
        shape = shape.member if name == "[]" else shape.members[name]
    return shape.metadata["pattern"]


def test_patterns_match_botocores_service_model():
    """botocore does not enforce these client-side; if the model changes, so must we."""
    assert f"^{model_pattern('CreateEvaluationJob', 'jobName')}$" == naming.JOB_NAME_PATTERN.pattern
    s3_pattern = model_pattern("CreateEvaluationJob", "outputDataConfig", "s3Uri")
    assert naming.S3_URI_PATTERN.pattern == f"^{s3_pattern}$"


@pytest.mark.parametrize(
    "suite,key",
    [
        ("support-assistant", "datasets/support-assistant/Q3 Release (final).jsonl"),
        ("a", "datasets/a/" + "x" * 200 + ".jsonl"),
        ("s", "datasets/s/---.jsonl"),
        ("s", "datasets/s/ÜNÏCÖDÉ.jsonl"),
    ],
)
def test_job_names_always_satisfy_bedrocks_pattern(suite, key):
    name = naming.job_name(suite, "bucket", key, "v1")
    assert naming.JOB_NAME_PATTERN.match(name)
    assert len(name) <= 63


def test_job_name_is_stable_per_version_and_changes_with_it():
    first = naming.job_name("s", "b", "datasets/s/d.jsonl", "v1")
    assert first == naming.job_name("s", "b", "datasets/s/d.jsonl", "v1")
    assert first != naming.job_name("s", "b", "datasets/s/d.jsonl", "v2")
    assert first.startswith("s-d-")
    token = naming.client_request_token("b", "datasets/s/d.jsonl", "v1")
    assert token == naming.client_request_token("b", "datasets/s/d.jsonl", "v1")


def test_dataset_name_and_uri_checks():
    assert naming.dataset_name("datasets/s/My Data (v2).jsonl") == "My-Data-v2"
    assert naming.check_s3_uri("s3://my-bucket/datasets/s/ok_file.jsonl") is None
    assert "characters" in naming.check_s3_uri("s3://my-bucket/datasets/s/a b=c.jsonl")


def test_suite_comes_from_the_first_folder():
    assert suite_name_from_dataset_key("datasets/support/x/y.jsonl") == "support"
    with pytest.raises(ValueError, match="datasets/<suite-name>/"):
        suite_name_from_dataset_key("datasets/loose.jsonl")
