"""The Step Functions workflow: validate, run one job per shard under the job semaphore, merge.

StampStart -> SubmitEvaluationJob (validate, stage, plan shards)
  -> RunShards (Map, one iteration per shard):
       AcquireJobSlot -> HasJobSlot? -- no --> WaitForJobSlot -> AcquireJobSlot
                                     -- overdue --> (end: no job started)
         -> SubmitShardJob -> WaitForEvaluationJob -> CheckEvaluationJob -> IsEvaluationJobDone?
              ended -> ReleaseJobSlot        overdue -> StopEvaluationJob -> Wait...
       any error -> ReleaseJobSlotAfterError (the error stays in the shard's outcome)
  -> CollectShards -> IsRunCompleted? -> ParseEvaluationResults | RecordFailure
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from evalcore import run_state as keys
from evalcore.run_state import JobStatus
from infra.functions import PipelineFunctions
from infra.nag import acknowledge, acknowledge_scanner, logical_id

# State names are an interface: the end-to-end test and operators' dashboards refer to them.
STAMP_START = "StampStart"
SUBMIT = "SubmitEvaluationJob"
RUN_SHARDS = "RunShards"
ACQUIRE_SLOT = "AcquireJobSlot"
HAS_SLOT = "HasJobSlot"
WAIT_FOR_SLOT = "WaitForJobSlot"
GAVE_UP_WAITING = "NoJobSlotWithinLimit"
SUBMIT_SHARD = "SubmitShardJob"
WAIT = "WaitForEvaluationJob"
CHECK = "CheckEvaluationJob"
IS_DONE = "IsEvaluationJobDone"
STOP = "StopEvaluationJob"
RELEASE_SLOT = "ReleaseJobSlot"
RELEASE_SLOT_AFTER_ERROR = "ReleaseJobSlotAfterError"
COLLECT = "CollectShards"
IS_COMPLETED = "IsRunCompleted"
PARSE = "ParseEvaluationResults"
RECORD_FAILURE = "RecordFailure"
SUCCEEDED = "EvaluationSucceeded"
FAILED = "EvaluationFailed"

# Error names the handlers raise (handlers.runtime), each retried with its own wait. Full
# jitter spreads the retries of many executions that hit the same limit at the same moment.
THROTTLED_ERROR = "BedrockThrottled"
QUOTA_ERROR = "BedrockQuotaExceeded"
UNAVAILABLE_ERROR = "BedrockUnavailable"
# Lambda's transient errors: the four CDK's retry_on_service_exceptions names, plus Lambda's
# own throttling (account concurrency), which that option does not cover.
LAMBDA_TRANSIENT_ERRORS = (
    "Lambda.ClientExecutionTimeoutException",
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
)


class RetryRule:
    """One Retry entry: which error, how long to wait first, how the wait grows, how often."""

    def __init__(
        self,
        errors: str | tuple[str, ...],
        interval: cdk.Duration,
        attempts: int,
        backoff: float = 2,
        max_delay: cdk.Duration | None = None,
    ) -> None:
        self.errors = (errors,) if isinstance(errors, str) else errors
        self.interval, self.attempts = interval, attempts
        self.backoff, self.max_delay = backoff, max_delay

    def apply(self, task: tasks.LambdaInvoke) -> None:
        task.add_retry(
            errors=list(self.errors),
            interval=self.interval,
            backoff_rate=self.backoff,
            max_attempts=self.attempts,
            max_delay=self.max_delay,
            jitter_strategy=sfn.JitterType.FULL,
        )


# Request-rate throttling clears in seconds to minutes: about 30 minutes in all.
THROTTLED_RETRY = RetryRule(THROTTLED_ERROR, cdk.Duration.seconds(30), attempts=6)
# A full evaluation-job quota clears only when some job ends: waits of 5 to 30 minutes,
# about 3 hours in all, before the run fails with the quota named.
QUOTA_RETRY = RetryRule(
    QUOTA_ERROR,
    cdk.Duration.minutes(5),
    attempts=8,
    backoff=1.5,
    max_delay=cdk.Duration.minutes(30),
)
# Bedrock's 500/503 on a status check: asking again is harmless.
UNAVAILABLE_RETRY = RetryRule(UNAVAILABLE_ERROR, cdk.Duration.seconds(10), attempts=5)
# Every Lambda invocation: AWS's recommended 2 s, x2, 6 attempts, with jitter.
LAMBDA_RETRY = RetryRule(LAMBDA_TRANSIENT_ERRORS, cdk.Duration.seconds(2), attempts=6)

FAILURE_CAUSE = (
    "The evaluation did not complete; see failure.json under reports/ in the pipeline bucket"
)


class EvaluationWorkflow(Construct):
    """A Standard state machine, because an evaluation job runs for hours.

    Each handler receives the whole run state (or, inside the Map, its shard's state) and
    returns it enriched (`output_path "$.Payload"`). Errors of the run's own steps go to
    RecordFailure, which writes failure.json before the execution fails. Inside the Map an
    error is caught into the shard's `$.error` and its job slot is given back, so the other
    shards finish and failure.json lists every shard's outcome. Only retryable errors are
    retried (see the RetryRule constants); everything else fails at once with its reason.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: PipelineFunctions,
        execution_timeout: cdk.Duration,
    ) -> None:
        super().__init__(scope, construct_id)
        self._functions = functions
        self._invoked: list[lambda_.IFunction] = []

        record = self._invoke(RECORD_FAILURE, functions.record_failure)
        record.next(sfn.Fail(self, FAILED, error=FAILED, cause=FAILURE_CAUSE))

        stamp = sfn.Pass(
            self,
            STAMP_START,
            comment="The run limit counts from the execution's start",
            parameters={
                keys.BUCKET: sfn.JsonPath.string_at(f"$.{keys.BUCKET}"),
                keys.KEY: sfn.JsonPath.string_at(f"$.{keys.KEY}"),
                keys.VERSION_ID: sfn.JsonPath.string_at(f"$.{keys.VERSION_ID}"),
                keys.STARTED_AT: sfn.JsonPath.string_at("$$.Execution.StartTime"),
            },
        )
        submit = self._invoke(SUBMIT, functions.submit, THROTTLED_RETRY)
        submit.add_catch(record, errors=["States.ALL"], result_path=f"$.{keys.ERROR}")

        run_shards = sfn.Map(
            self,
            RUN_SHARDS,
            comment="One Bedrock job per shard of the dataset (one shard up to 1,000 prompts)",
            items_path=f"$.{keys.SHARDS}",
            result_path=f"$.{keys.SHARD_OUTCOMES}",
            max_concurrency=0,
        )
        run_shards.item_processor(self._shard_loop())
        run_shards.add_catch(record, errors=["States.ALL"], result_path=f"$.{keys.ERROR}")

        collect = self._invoke(COLLECT, functions.collect_shards)
        collect.add_catch(record, errors=["States.ALL"], result_path=f"$.{keys.ERROR}")
        parse = self._invoke(PARSE, functions.parse)
        parse.add_catch(record, errors=["States.ALL"], result_path=f"$.{keys.ERROR}")
        parse.next(sfn.Succeed(self, SUCCEEDED))
        is_completed = (
            sfn.Choice(self, IS_COMPLETED)
            .when(_status_is(JobStatus.COMPLETED), parse)
            .otherwise(record)
        )
        definition = stamp.next(submit).next(run_shards).next(collect).next(is_completed)

        self.log_group = logs.LogGroup(
            self,
            "Logs",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_chainable(definition),
            timeout=execution_timeout,
            tracing_enabled=True,
            logs=sfn.LogOptions(
                destination=self.log_group, level=sfn.LogLevel.ALL, include_execution_data=True
            ),
            comment="Runs the Amazon Bedrock evaluation job(s) of each uploaded dataset",
        )
        self._acknowledge_role_findings(self._invoked)
        acknowledge_scanner(
            self.state_machine,
            cfn_lint_id="W3005",
            reason="CDK makes the state machine depend on its role and the role's DefaultPolicy "
            "so it never starts before its grants exist; the role entry repeats the GetAtt.",
        )
        acknowledge_scanner(
            self.log_group,
            checkov_id="CKV_AWS_158",
            reason="CloudWatch Logs encrypts every log group at rest; the execution history "
            "holds dataset keys, job names and ARNs and summary figures, which a "
            "customer-managed key ($1/month plus a key policy) would not protect further.",
        )

    def _shard_loop(self) -> sfn.IChainable:
        """One shard: wait for a job slot, run the job to its end (or stop it), give it back."""
        functions = self._functions
        release = self._invoke(RELEASE_SLOT, functions.release_slot)
        release_after_error = self._invoke(RELEASE_SLOT_AFTER_ERROR, functions.release_slot)

        acquire = self._invoke(ACQUIRE_SLOT, functions.acquire_slot)
        acquire.add_catch(release_after_error, errors=["States.ALL"], result_path="$.error")
        wait_for_slot = sfn.Wait(
            self, WAIT_FOR_SLOT, time=sfn.WaitTime.seconds_path(f"$.{keys.WAIT_SECONDS}")
        )
        wait_for_slot.next(acquire)

        submit_job = self._invoke(SUBMIT_SHARD, functions.submit_job, THROTTLED_RETRY, QUOTA_RETRY)
        check = self._invoke(CHECK, functions.poll, THROTTLED_RETRY, UNAVAILABLE_RETRY)
        stop = self._invoke(STOP, functions.stop_job, THROTTLED_RETRY, UNAVAILABLE_RETRY)
        for task in (submit_job, check, stop):
            task.add_catch(release_after_error, errors=["States.ALL"], result_path="$.error")

        # Submit and each status check set `waitSeconds`, growing with the job's age.
        wait = sfn.Wait(self, WAIT, time=sfn.WaitTime.seconds_path(f"$.{keys.WAIT_SECONDS}"))
        submit_job.next(wait)
        wait.next(check)
        stop.next(wait)
        ended = sfn.Condition.or_(
            _status_is(JobStatus.COMPLETED),
            _status_is(JobStatus.FAILED),
            _status_is(JobStatus.STOPPED),
        )
        overdue = sfn.Condition.boolean_equals(f"$.{keys.OVERDUE}", True)
        check.next(
            sfn.Choice(self, IS_DONE)
            .when(ended, release)
            .when(
                sfn.Condition.and_(overdue, sfn.Condition.not_(_status_is(JobStatus.STOPPING))),
                stop,
            )
            .otherwise(wait)
        )
        acquire.next(
            sfn.Choice(self, HAS_SLOT)
            .when(sfn.Condition.boolean_equals(f"$.{keys.SLOT_ACQUIRED}", True), submit_job)
            .when(overdue, sfn.Pass(self, GAVE_UP_WAITING))
            .otherwise(wait_for_slot)
        )
        return acquire

    def _invoke(
        self, name: str, function: lambda_.IFunction, *retries: RetryRule
    ) -> tasks.LambdaInvoke:
        """Invoke with the whole state; keep the handler's return value as the new state."""
        task = tasks.LambdaInvoke(
            self,
            name,
            lambda_function=function,
            payload=sfn.TaskInput.from_json_path_at("$"),
            output_path="$.Payload",
            # Replaced by LAMBDA_RETRY, which adds TooManyRequestsException and jitter.
            retry_on_service_exceptions=False,
        )
        for rule in (LAMBDA_RETRY, *retries):
            rule.apply(task)
        if function not in self._invoked:
            self._invoked.append(function)
        return task

    def _acknowledge_role_findings(self, functions: list[lambda_.IFunction]) -> None:
        policy = self.state_machine.role.node.find_child("DefaultPolicy")
        for function in functions:
            acknowledge(
                policy,
                f"AwsSolutions-IAM5[Resource::<{logical_id(function)}.Arn>:*]",
                "CDK's LambdaInvoke grants lambda:InvokeFunction on the function and its "
                "versions and aliases (':*'); the function itself is fixed.",
            )
        acknowledge(
            policy,
            "AwsSolutions-IAM5[Resource::*]",
            "X-Ray tracing (PutTraceSegments, PutTelemetryRecords, GetSampling*) and CloudWatch "
            "Logs vended log delivery (CreateLogDelivery and friends) do not support "
            "resource-level permissions.",
        )


def _status_is(status: JobStatus) -> sfn.Condition:
    return sfn.Condition.string_equals(f"$.{keys.STATUS}", status.value)
