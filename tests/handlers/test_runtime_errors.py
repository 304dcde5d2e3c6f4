"""Bedrock's errors become the error types the workflow retries, each with its own wait."""

import pytest
from botocore.exceptions import ClientError
from botocore.retries.standard import RetryContext, ThrottledRetryableChecker

from handlers.runtime import (
    BedrockQuotaExceeded,
    BedrockThrottled,
    BedrockUnavailable,
    bedrock_client,
    call_bedrock,
    dynamodb_client,
    s3_client,
)


def failing(code: str):
    def operation(**kwargs):
        raise ClientError({"Error": {"Code": code, "Message": "no"}}, "CreateEvaluationJob")

    return operation


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("ThrottlingException", BedrockThrottled),
        ("TooManyRequestsException", BedrockThrottled),
        ("ServiceQuotaExceededException", BedrockQuotaExceeded),
        ("InternalServerException", BedrockUnavailable),
        ("ServiceUnavailableException", BedrockUnavailable),
    ],
)
def test_retryable_errors_are_told_apart(code, error):
    with pytest.raises(error, match=code):
        call_bedrock(failing(code))


@pytest.mark.parametrize("code", ["ValidationException", "AccessDeniedException"])
def test_every_other_error_fails_as_itself(code):
    with pytest.raises(ClientError, match=code):
        call_bedrock(failing(code))


def test_s3_and_bedrock_clients_retry_transient_errors_with_jittered_backoff(world):
    """botocore's standard mode: exponential backoff with full jitter on throttling (S3's
    SlowDown among them) and 5xx, before an error reaches the state machine."""
    for client in (s3_client(), bedrock_client(), dynamodb_client()):
        assert client.meta.config.retries["mode"] == "standard"
    slow_down = {"Error": {"Code": "SlowDown", "Message": "Please reduce your request rate."}}
    context = RetryContext(attempt_number=1, parsed_response=slow_down)
    assert ThrottledRetryableChecker().is_retryable(context)
