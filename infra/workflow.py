"""The Step Functions workflow: submit the job, poll until it ends, parse or record failure."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from evalcore.run_state import JobStatus
from infra.nag import acknowledge, acknowledge_scanner, logical_id

# State names are an interface: the end-to-end test and operators' dashboards refer to them.
SUBMIT = "SubmitEvaluationJob"
WAIT = "WaitForEvaluationJob"
CHECK = "CheckEvaluationJob"
IS_DONE = "IsEvaluationJobDone"
PARSE = "ParseEvaluationResults"
RECORD_FAILURE = "RecordFailure"
SUCCEEDED = "EvaluationSucceeded"
FAILED = "EvaluationFailed"

THROTTLED_ERROR = "BedrockThrottled"  # the exception class handlers.runtime raises
THROTTLE_RETRY_INTERVAL = cdk.Duration.seconds(30)
THROTTLE_RETRY_BACKOFF = 2
THROTTLE_RETRY_ATTEMPTS = 6
FAILURE_CAUSE = (
    "The evaluation did not complete; see failure.json under reports/ in the pipeline bucket"
)


class EvaluationWorkflow(Construct):
    """A Standard state machine, because an evaluation job runs for hours.

    Each handler receives the whole run state and returns it enriched (`output_path
    "$.Payload"`), so the state is one document from the upload event to the summary. Any
    error of submit, check or parse is caught into `$.error` and sent to RecordFailure, which
    writes failure.json for the uploader before the execution fails. Bedrock throttling is
    retried with backoff for up to ~30 minutes rather than failing the run.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        submit: lambda_.IFunction,
        poll: lambda_.IFunction,
        parse: lambda_.IFunction,
        record_failure: lambda_.IFunction,
        execution_timeout: cdk.Duration,
    ) -> None:
        super().__init__(scope, construct_id)

        record = self._invoke(RECORD_FAILURE, record_failure)
        record.next(sfn.Fail(self, FAILED, error=FAILED, cause=FAILURE_CAUSE))

        submit_job = self._invoke(SUBMIT, submit, catch=record)
        check = self._invoke(CHECK, poll, catch=record)
        parse_results = self._invoke(PARSE, parse, catch=record)
        parse_results.next(sfn.Succeed(self, SUCCEEDED))

        # Submit and each status check set `waitSeconds`, growing with the job's age.
        wait = sfn.Wait(self, WAIT, time=sfn.WaitTime.seconds_path("$.waitSeconds"))
        is_done = (
            sfn.Choice(self, IS_DONE)
            .when(sfn.Condition.string_equals("$.status", JobStatus.COMPLETED.value), parse_results)
            .when(
                sfn.Condition.or_(
                    sfn.Condition.string_equals("$.status", JobStatus.FAILED.value),
                    sfn.Condition.string_equals("$.status", JobStatus.STOPPED.value),
                ),
                record,
            )
            .otherwise(wait)
        )
        definition = submit_job.next(wait).next(check).next(is_done)

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
            comment="Runs one Amazon Bedrock evaluation job per uploaded dataset",
        )
        self._acknowledge_role_findings((submit, poll, parse, record_failure))
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

    def _invoke(
        self,
        name: str,
        function: lambda_.IFunction,
        *,
        catch: sfn.IChainable | None = None,
    ) -> tasks.LambdaInvoke:
        """Invoke with the whole state; keep the handler's return value as the new state."""
        task = tasks.LambdaInvoke(
            self,
            name,
            lambda_function=function,
            payload=sfn.TaskInput.from_json_path_at("$"),
            output_path="$.Payload",
            retry_on_service_exceptions=True,
        )
        if catch is not None:
            task.add_retry(
                errors=[THROTTLED_ERROR],
                interval=THROTTLE_RETRY_INTERVAL,
                backoff_rate=THROTTLE_RETRY_BACKOFF,
                max_attempts=THROTTLE_RETRY_ATTEMPTS,
            )
            task.add_catch(catch, errors=["States.ALL"], result_path="$.error")
        return task

    def _acknowledge_role_findings(self, functions: tuple[lambda_.IFunction, ...]) -> None:
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
