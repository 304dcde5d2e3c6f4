"""Bedrock's errors become the error types the workflow retries, each with its own wait."""

import pytest
from botocore.exceptions import ClientError

from handlers.runtime import (
    BedrockQuotaExceeded,
    BedrockThrottled,
    BedrockUnavailable,
    call_bedrock,
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
