import pytest

from evalcore import api_patterns, naming
from evalcore.layout import suite_name_from_dataset_key


def test_naming_matches_against_the_service_models_patterns():
    """naming holds no pattern of its own: its names are the service model's rules."""
    assert naming.JOB_NAME_PATTERN is api_patterns.job_name().pattern
    assert naming.DATASET_NAME_PATTERN is api_patterns.dataset_name().pattern
    assert naming.S3_URI_PATTERN is api_patterns.s3_uri().pattern
    with pytest.raises(AttributeError):
        _ = naming.NO_SUCH_PATTERN


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
    assert naming.dataset_name("datasets/s/" + "d" * 100 + ".jsonl") == "d" * 63
    assert "1024" in (naming.check_s3_uri("s3://my-bucket/" + "k" * 1100) or "")
    assert naming.check_s3_uri("s3://my-bucket/datasets/s/ok_file.jsonl") is None
    assert "characters" in naming.check_s3_uri("s3://my-bucket/datasets/s/a b=c.jsonl")


def test_suite_comes_from_the_first_folder():
    assert suite_name_from_dataset_key("datasets/support/x/y.jsonl") == "support"
    with pytest.raises(ValueError, match="datasets/<suite-name>/"):
        suite_name_from_dataset_key("datasets/loose.jsonl")
