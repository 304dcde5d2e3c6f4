"""Start one execution per uploaded dataset version, however often S3's event is delivered.

S3 and EventBridge deliver events at least once, and an EventBridge rule that targets a
state machine cannot name the execution, so a redelivered event would start a second run.
The rule targets this function instead: it starts the execution under a name derived from
the bucket, key and version (evalcore.naming.execution_name). For 90 days Step Functions
starts no second Standard execution of a name: while the first runs, the same name and input
return the running execution; once it has ended, ExecutionAlreadyExists. Either way a
redelivery ends here, logged, and the dataset runs once.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from evalcore import naming
from evalcore.run_state import RunState
from handlers.runtime import logger, setting, stepfunctions_client, tracer


@logger.inject_lambda_context(log_event=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """`event` is the rule's input: `{"bucket", "key", "versionId"}`."""
    dataset = RunState.from_json(event).dataset
    name = naming.execution_name(dataset.bucket, dataset.key, dataset.version_id)
    client = stepfunctions_client()
    try:
        arn = client.start_execution(
            stateMachineArn=setting(naming.STATE_MACHINE_ENV),
            name=name,
            input=json.dumps(dataset.to_json()),
        )["executionArn"]
    except client.exceptions.ExecutionAlreadyExists:
        logger.info("This dataset version already had its run", extra={"execution": name})
        return {"executionName": name, "executionArn": None, "alreadyRan": True}
    logger.info("The run is started", extra={"execution": name, "executionArn": arn})
    return {"executionName": name, "executionArn": arn, "alreadyRan": False}
