"""A stateful stand-in for Bedrock's evaluation-job API, attached at the botocore layer.

AWS cannot exist here and moto has no evaluation-job API, so this is the one test double for
Bedrock. It is a botocore Stubber: the client still validates every request against the real
service model before the stub answers (a wrong field name fails), every answer is validated
against the model's output shape, and the patterns botocore leaves to the service (job name,
S3 URIs, job ARN) are enforced here from the same model. When a job completes it writes its
output to (moto's) S3 in the nested layout the AWS user guide documents.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

from evalctl.simulation.bedrock_output import human_row, live_model_row, model_row, score
from evalctl.simulation.bedrock_rules import service_violations

ACCOUNT = "123456789012"
REGION = "us-east-1"
Scorer = Callable[[dict, str], "float | str | None"]
# Lifecycle states the fake answers per model id; NOT_FOUND is what an end-of-life model gets.
ACTIVE, LEGACY, NOT_FOUND = "ACTIVE", "LEGACY", "NOT_FOUND"
# The Regions a system inference profile of each geography routes to (enough for the tests).
PROFILE_REGIONS = {
    "us": ("us-east-1", "us-east-2", "us-west-2"),
    "eu": ("eu-central-1", "eu-west-1"),
}

# The judge's reasoning for one record and metric (the default names the metric and prompt).
Explainer = Callable[[dict, str], str]


def default_explanation(record: dict, metric: str) -> str:
    return f"{metric} reasoning for: {record['prompt']}"


def _pattern(client, operation: str, *path: str) -> re.Pattern:
    shape = client.meta.service_model.operation_model(operation).input_shape
    for name in path:
        shape = shape.member if name == "[]" else shape.members[name]
    return re.compile(f"^(?:{shape.metadata['pattern']})$")


@dataclass
class FakeJob:
    request: dict
    arn: str
    polls_left: int
    outcome: str
    failure_messages: list[str] = field(default_factory=list)
    status: str = "InProgress"
    created: datetime = field(default_factory=lambda: datetime.now(UTC))


RUNNING_STATUSES = ("InProgress", "Stopping")


def _job_config(request: dict) -> dict:
    """The `automated` or `human` half of a request's evaluationConfig."""
    config = request["evaluationConfig"]
    return config.get("automated") or config["human"]


def _job_type(request: dict) -> str:
    return "Human" if "human" in request["evaluationConfig"] else "Automated"


class FakeBedrockEvaluations(Stubber):
    """Answers the evaluation-job operations from its own state, and GetFoundationModel /
    GetInferenceProfile from a per-model lifecycle table (ACTIVE unless the test says otherwise).

    `drop_prompts` / `duplicate_prompts` make a completed job write a short or padded output:
    the rows of those prompts are left out, or written twice; `drop_for_models` limits that to
    the jobs of those target models (a model comparison where one model's job comes back
    short). `model_scorers` judges a target model's answers with its own scorer (a model
    comparison's models differ), `scorer` judges every other job.

    `concurrent_job_quota` is enforced like the account quota: a CreateEvaluationJob while
    that many jobs are InProgress or Stopping is refused with ServiceQuotaExceededException.
    `peak_running` and `created` let tests check the pipeline never reached the quota and
    never created a job twice.
    """

    def __init__(
        self,
        client,
        s3_client,
        *,
        scorer: Scorer,
        polls_until_done: int = 1,
        outcome: str = "Completed",
        failure_messages: list[str] | None = None,
        output_files: int = 2,
        throttle_first_create: bool = False,
        concurrent_job_quota: int | None = None,
        lifecycles: dict[str, str] | None = None,
        drop_prompts: frozenset[str] = frozenset(),
        duplicate_prompts: frozenset[str] = frozenset(),
        explainer: Explainer = default_explanation,
        model_scorers: Mapping[str, Scorer] | None = None,
        drop_for_models: frozenset[str] = frozenset(),
        reported_age: timedelta = timedelta(0),
    ) -> None:
        super().__init__(client)
        self.s3 = s3_client
        self.scorer = scorer
        self.polls_until_done = polls_until_done
        self.outcome = outcome
        self.failure_messages = failure_messages or []
        self.output_files = output_files
        self.throttle_first_create = throttle_first_create
        self.concurrent_job_quota = concurrent_job_quota
        self.lifecycles = dict(lifecycles or {})
        self.drop_prompts = drop_prompts
        self.duplicate_prompts = duplicate_prompts
        self.explainer = explainer
        self.model_scorers = dict(model_scorers or {})
        self.drop_for_models = drop_for_models
        # Every job reports a creationTime this much before it was created: a run that has
        # waited days for reviewers, without waiting days.
        self.reported_age = reported_age
        self.jobs: dict[str, FakeJob] = {}
        self.calls: list[tuple[str, dict]] = []
        self.created: list[str] = []  # job names, in creation order
        self.peak_running = 0
        self.quota_refusals = 0
        # Executions run in moto's threads at the same time: each thread's call is its own,
        # and the jobs table changes under one lock.
        self._current = threading.local()
        self._lock = threading.RLock()
        self._job_name = _pattern(client, "CreateEvaluationJob", "jobName")
        self._s3_uri = _pattern(client, "CreateEvaluationJob", "outputDataConfig", "s3Uri")
        self._job_arn = _pattern(client, "GetEvaluationJob", "jobIdentifier")

    # Stubber hooks -------------------------------------------------------------------------
    def _assert_expected_params(self, model, params, context, **kwargs):
        # The API-level parameters; by before-call they are already serialized to HTTP.
        call = (model.name, copy.deepcopy(params))
        with self._lock:
            self.calls.append(call)
        self._current.call = call

    def _get_response_handler(self, model, params, context, **kwargs):
        handler = getattr(self, f"_op_{model.name}", None)
        if handler is None:
            raise AssertionError(f"FakeBedrockEvaluations does not implement {model.name}")
        operation, api_params = self._current.call
        assert operation == model.name
        with self._lock:
            result = handler(api_params)
        if isinstance(result, tuple):
            return result
        self._validate_operation_response(model.name, result)
        return AWSResponse(None, 200, {}, None), {**result, "ResponseMetadata": {}}

    # Operations ----------------------------------------------------------------------------
    def _error(self, code: str, message: str, status: int = 400):
        parsed = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {}}
        return AWSResponse(None, status, {}, None), parsed

    def _op_CreateEvaluationJob(self, params: dict):
        if self.throttle_first_create:
            self.throttle_first_create = False
            return self._error("ThrottlingException", "Rate exceeded", 429)
        if not self._job_name.match(params["jobName"]):
            return self._error("ValidationException", f"bad jobName {params['jobName']!r}")
        if violations := service_violations(self.client, params):
            return self._error("ValidationException", "; ".join(violations))
        uris = [params["outputDataConfig"]["s3Uri"]] + [
            c["dataset"]["datasetLocation"]["s3Uri"]
            for c in _job_config(params)["datasetMetricConfigs"]
        ]
        for uri in uris:
            if not self._s3_uri.match(uri):
                return self._error("ValidationException", f"bad S3 URI {uri!r}")
        for job in self.jobs.values():
            if job.request["jobName"] == params["jobName"]:
                if job.request.get("clientRequestToken") == params.get("clientRequestToken"):
                    return {"jobArn": job.arn}
                return self._error("ConflictException", "job name already exists", 409)
        if self.concurrent_job_quota is not None and self.running >= self.concurrent_job_quota:
            self.quota_refusals += 1
            return self._error(
                "ServiceQuotaExceededException",
                f"{self.running} evaluation jobs are in progress; the quota is "
                f"{self.concurrent_job_quota}",
            )
        arn = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:evaluation-job/{uuid.uuid4().hex[:12]}"
        self.jobs[arn] = FakeJob(
            request=params,
            arn=arn,
            polls_left=self.polls_until_done,
            outcome=self.outcome,
            failure_messages=list(self.failure_messages),
        )
        self.created.append(params["jobName"])
        self.peak_running = max(self.peak_running, self.running)
        return {"jobArn": arn}

    def _settle_stops(self) -> None:
        """A stop has taken effect by the time another job is asked for."""
        for job in self.jobs.values():
            if job.status == "Stopping":
                job.status = "Stopped"

    @property
    def running(self) -> int:
        return sum(job.status in RUNNING_STATUSES for job in self.jobs.values())

    def _op_StopEvaluationJob(self, params: dict):
        arn = params["jobIdentifier"]
        if not self._job_arn.match(arn) or arn not in self.jobs:
            return self._error("ResourceNotFoundException", f"no job {arn}", 404)
        job = self.jobs[arn]
        if job.status != "InProgress":
            return self._error("ConflictException", f"the job is {job.status}", 409)
        job.status = "Stopping"
        return {}

    def _op_GetFoundationModel(self, params: dict):
        model_id = params["modelIdentifier"].rsplit("/", 1)[-1]
        status = self.lifecycles.get(model_id, ACTIVE)
        if status == NOT_FOUND:
            return self._error("ResourceNotFoundException", f"Model {model_id} not found", 404)
        lifecycle: dict = {"status": status}
        if status == LEGACY:
            lifecycle["legacyTime"] = datetime(2025, 8, 1, tzinfo=UTC)
            lifecycle["endOfLifeTime"] = datetime(2099, 1, 1, tzinfo=UTC)
        return {
            "modelDetails": {
                "modelArn": f"arn:aws:bedrock:{REGION}::foundation-model/{model_id}",
                "modelId": model_id,
                "modelLifecycle": lifecycle,
            }
        }

    def _op_GetInferenceProfile(self, params: dict):
        profile_id = params["inferenceProfileIdentifier"].rsplit("/", 1)[-1]
        geography, _, model_id = profile_id.partition(".")
        if self.lifecycles.get(profile_id) == NOT_FOUND or geography not in PROFILE_REGIONS:
            return self._error("ResourceNotFoundException", f"no profile {profile_id}", 404)
        return {
            "inferenceProfileName": profile_id,
            "inferenceProfileArn": (
                f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/{profile_id}"
            ),
            "inferenceProfileId": profile_id,
            "models": [
                {"modelArn": f"arn:aws:bedrock:{region}::foundation-model/{model_id}"}
                for region in PROFILE_REGIONS[geography]
            ],
            "status": "ACTIVE",
            "type": "SYSTEM_DEFINED",
        }

    def creates(self) -> list[dict]:
        """The CreateEvaluationJob requests the client sent, in order."""
        return [params for operation, params in self.calls if operation == "CreateEvaluationJob"]

    def _op_GetEvaluationJob(self, params: dict):
        arn = params["jobIdentifier"]
        if not self._job_arn.match(arn) or arn not in self.jobs:
            return self._error("ResourceNotFoundException", f"no job {arn}", 404)
        job = self.jobs[arn]
        if job.status == "Stopping":
            job.status = "Stopped"
        elif job.status == "InProgress":
            if job.polls_left > 0:
                job.polls_left -= 1
            else:
                job.status = job.outcome
                if job.status == "Completed":
                    self._write_outputs(job)
        request = job.request
        response = {
            "jobName": request["jobName"],
            "status": job.status,
            "jobArn": arn,
            "roleArn": request["roleArn"],
            "jobType": _job_type(request),
            "applicationType": request.get("applicationType", "ModelEvaluation"),
            "evaluationConfig": request["evaluationConfig"],
            "inferenceConfig": request["inferenceConfig"],
            "outputDataConfig": request["outputDataConfig"],
            "creationTime": job.created - self.reported_age,
            "lastModifiedTime": datetime.now(UTC),
        }
        if job.status == "Failed":
            response["failureMessages"] = job.failure_messages
        return response

    def _op_ListEvaluationJobs(self, params: dict):
        needle = params.get("nameContains", "")
        summaries = [
            {
                "jobArn": job.arn,
                "jobName": job.request["jobName"],
                "status": job.status,
                "creationTime": job.created - self.reported_age,
                "jobType": _job_type(job.request),
                "evaluationTaskTypes": ["General"],
                "modelIdentifiers": [],
            }
            for job in self.jobs.values()
            if needle in job.request["jobName"]
        ]
        # The model gives jobSummaries a minimum length of 1: no match is no key at all.
        return {"jobSummaries": summaries} if summaries else {}

    # Output --------------------------------------------------------------------------------
    def _model_row(self, record: dict, metrics: list[str], live_model: str | None) -> dict:
        scorer = self.model_scorers.get(live_model or "", self.scorer)
        scores = {metric: scorer(record, metric) for metric in metrics}
        explanations = {m: self.explainer(record, m) for m in metrics}
        if live_model is None:
            return model_row(
                record["prompt"],
                scores,
                category=record.get("category"),
                response=(record.get("modelResponses") or [{}])[0].get("response", ""),
                explanations=explanations,
                input_record=record,
            )
        row = live_model_row(record["prompt"], scores, f"{live_model} answers {record['prompt']}")
        row["inputRecord"] = record
        return row

    def _rag_row(self, record: dict, metrics: list[str]) -> dict:
        """Each turn's input, its output (the dataset's pre-computed one, or what the knowledge
        base would have returned) and the results; the scorer sees the turn's prompt text."""
        turns = []
        for turn in record["conversationTurns"]:
            prompt = turn["prompt"]["content"][0]["text"]
            flat = {"prompt": prompt, "category": record.get("category")}
            output = turn.get("output") or {
                "text": f"generated answer to {prompt}",
                "knowledgeBaseIdentifier": "KB12345678",
                "retrievedPassages": {"retrievalResults": [{"content": {"text": "passage"}}]},
            }
            turns.append(
                {
                    "inputRecord": {k: v for k, v in turn.items() if k != "output"},
                    "output": output,
                    "results": [
                        score(m, self.scorer(flat, m), self.explainer(flat, m)) for m in metrics
                    ],
                }
            )
        return {"conversationTurns": turns}

    def _human_row(self, record: dict, request: dict) -> dict:
        """The reviewers' answers: thumbs up where the scorer's quality is at least 0.5, and
        the first model preferred then; Likert ratings 1-5 from the quality."""
        models = {
            str(index): model.get("bedrockModel", {}).get("modelIdentifier")
            or model["precomputedInferenceSource"]["inferenceSourceIdentifier"]
            for index, model in enumerate(request["inferenceConfig"]["models"])
        }
        answers: dict[str, list[dict]] = {}
        for metric in request["evaluationConfig"]["human"]["customMetrics"]:
            name, method = metric["name"], metric["ratingMethod"]
            quality = self.scorer(record, name)
            good = isinstance(quality, float | int) and quality >= 0.5
            method_key = method[0].lower() + method[1:]
            if method == "ComparisonChoice":
                results = [{"metricName": name, "result": "0" if good else str(len(models) - 1)}]
            elif method == "ThumbsUpDown":
                results = [
                    {"metricName": name, "modelResponseId": i, "result": good} for i in models
                ]
            else:
                rating = 1 + round(4 * quality) if isinstance(quality, float | int) else None
                results = [
                    {"metricName": name, "modelResponseId": i, "result": rating} for i in models
                ]
            answers.setdefault(method_key, []).extend(results)
        row = human_row(record["prompt"], answers, models, category=record.get("category"))
        # Bedrock echoes the dataset record's own reference (the results are matched on it).
        reference = record.get("referenceResponse")
        if reference is None:
            row["inputRecord"].pop("referenceResponse")
        else:
            row["inputRecord"]["referenceResponse"] = {"text": reference}
        return row

    def _write_outputs(self, job: FakeJob) -> None:
        """The documented output of the job's kind: model evaluation under
        `models/<id>/taskTypes/<type>/datasets/<name>/`, RAG under `inference_configs/0/...`,
        with the responses where the output-format pages put them."""
        request = job.request
        config = _job_config(request)["datasetMetricConfigs"][0]
        bucket, _, key = config["dataset"]["datasetLocation"]["s3Uri"][5:].partition("/")
        body = self.s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        records = [json.loads(line) for line in body.splitlines() if line.strip()]
        metrics = config["metricNames"]
        out_bucket, _, prefix = request["outputDataConfig"]["s3Uri"][5:].partition("/")
        job_folder = f"{prefix}{request['jobName']}/{job.arn.rsplit('/', 1)[-1]}/"
        if _job_type(request) == "Human":
            rows = [self._human_row(record, request) for record in records]
            data_folder = f"{job_folder}datasets/{config['dataset']['name']}/"
        elif "ragConfigs" in request["inferenceConfig"]:
            rows = [self._rag_row(record, metrics) for record in records]
            data_folder = f"{job_folder}inference_configs/0/datasets/{config['dataset']['name']}/"
        else:
            model = request["inferenceConfig"]["models"][0]
            live = "bedrockModel" in model
            source = (
                model["bedrockModel"]["modelIdentifier"]
                if live
                else model["precomputedInferenceSource"]["inferenceSourceIdentifier"]
            )
            # Bedrock sometimes skips or repeats a record: the matching step must notice.
            if not self.drop_for_models or source in self.drop_for_models:
                records = [r for r in records if r["prompt"] not in self.drop_prompts] + [
                    r for r in records if r["prompt"] in self.duplicate_prompts
                ]
            rows = [
                self._model_row(record, metrics, source if live else None) for record in records
            ]
            data_folder = (
                f"{job_folder}models/{source}/taskTypes/{config['taskType']}/"
                f"datasets/{config['dataset']['name']}/"
            )
        self.s3.put_object(
            Bucket=out_bucket, Key=f"{prefix}amazon-bedrock-evaluations-permission-check", Body=b""
        )
        self.s3.put_object(
            Bucket=out_bucket,
            Key=f"{job_folder}custom_metrics/definitions_output.jsonl",
            Body=b'{"not": "a result"}\n',
        )
        chunk = max(1, -(-len(rows) // self.output_files))
        for start in range(0, len(rows), chunk):
            text = "".join(json.dumps(row) + "\n" for row in rows[start : start + chunk])
            self.s3.put_object(
                Bucket=out_bucket,
                Key=f"{data_folder}{uuid.uuid4()}_output.jsonl",
                Body=text.encode(),
            )
