"""Saved Logs Insights queries: the pipeline's own logs and, if enabled, Bedrock invocation logs.

Each run ends with one JSON log line (`evalcore.run_metrics.RUN_FINISHED_MESSAGE`) carrying the
suite, the outcome and, for failures, the reason; the pipeline queries read those fields and
Lambda's own REPORT lines. The Bedrock queries read model invocation logs, an account-wide
setting outside this stack: pass the log group name as the `bedrockInvocationLogGroup` context
value to get them.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_logs as logs
from constructs import Construct

from evalcore.run_metrics import (
    LOG_OUTCOME,
    LOG_REASON,
    LOG_SUITE,
    RUN_FINISHED_MESSAGE,
    RunOutcome,
)

FINISHED = f'message = "{RUN_FINISHED_MESSAGE}"'
SUCCESSFUL = f'{LOG_OUTCOME} in ["{RunOutcome.PASSED.value}", "{RunOutcome.FAILED_CHECKS.value}"]'

PIPELINE_QUERIES: dict[str, logs.QueryString] = {
    "RunsBySuite": logs.QueryString(
        filter_statements=[FINISHED],
        stats_statements=[f"count(*) as runs by {LOG_SUITE}, {LOG_OUTCOME}"],
        sort="runs desc",
    ),
    "FailuresByReason": logs.QueryString(
        filter_statements=[FINISHED, f"not ({SUCCESSFUL})"],
        stats_statements=[
            f"count(*) as failures, latest(@timestamp) as last by {LOG_OUTCOME}, {LOG_REASON}"
        ],
        sort="failures desc",
    ),
    "SlowestSteps": logs.QueryString(
        filter_statements=['@type = "REPORT"'],
        stats_statements=[
            "max(@duration) as maxMs, pct(@duration, 90) as p90Ms, count(*) as invocations by @log"
        ],
        sort="maxMs desc",
    ),
}

BEDROCK_QUERIES: dict[str, logs.QueryString] = {
    # Converse responses carry their latency; InvokeModel responses do not.
    "BedrockSlowInvocations": logs.QueryString(
        fields=[
            "@timestamp",
            "modelId",
            "operation",
            "output.outputBodyJson.metrics.latencyMs as latencyMs",
            "requestId",
        ],
        filter_statements=["ispresent(latencyMs)"],
        sort="latencyMs desc",
        limit=50,
    ),
    "BedrockErrorsByModel": logs.QueryString(
        filter_statements=["ispresent(errorCode)"],
        stats_statements=["count(*) as errors by modelId, errorCode"],
        sort="errors desc",
    ),
    "BedrockTokensByModel": logs.QueryString(
        stats_statements=[
            "count(*) as invocations, sum(input.inputTokenCount) as inputTokens, "
            "sum(output.outputTokenCount) as outputTokens by modelId"
        ],
        sort="inputTokens desc",
    ),
}


class LogQueries(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        pipeline_log_groups: Sequence[logs.ILogGroup],
        bedrock_log_group_name: str | None,
        name_prefix: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.definitions: dict[str, logs.QueryDefinition] = {}
        for name, query in PIPELINE_QUERIES.items():
            self._define(name, query, list(pipeline_log_groups), name_prefix)
        if bedrock_log_group_name:
            bedrock_logs = logs.LogGroup.from_log_group_name(
                self, "BedrockInvocationLogs", bedrock_log_group_name
            )
            for name, query in BEDROCK_QUERIES.items():
                self._define(name, query, [bedrock_logs], name_prefix)

    def _define(
        self,
        name: str,
        query: logs.QueryString,
        log_groups: list[logs.ILogGroup],
        name_prefix: str,
    ) -> None:
        self.definitions[name] = logs.QueryDefinition(
            self,
            name,
            query_definition_name=f"{name_prefix}/{name}",
            query_string=query,
            log_groups=log_groups,
        )
