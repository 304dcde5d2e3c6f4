"""What the stack reads from the suite files at synth time: the models, kinds of job and KMS
keys its IAM grants and bucket rules follow. Plain functions over the suites, with no
aws_cdk import, so what a stack would grant is known without starting the CDK."""

from __future__ import annotations

from pathlib import Path

from evalcore.suite import Suite, load_all_suites
from infra.bedrock_permissions import JobKind


def _suites(suites_dir: Path) -> list[Suite]:
    suites = load_all_suites(suites_dir)
    if not suites:
        raise ValueError(f"no suites in {suites_dir}: add one before deploying the pipeline")
    return suites


def suite_model_identifiers(suites_dir: Path) -> frozenset[str]:
    """Every model any suite may invoke; IAM on the models is scoped to exactly these."""
    return frozenset().union(*(suite.model_identifiers for suite in _suites(suites_dir)))


def suite_job_kinds(suites_dir: Path) -> frozenset[JobKind]:
    """The kinds of job the suites submit: the service role's grants and the bucket's CORS rule
    (human jobs only) follow from this set, so a new kind of suite is a `cdk deploy`."""
    return frozenset(suite.kind for suite in _suites(suites_dir))


def suite_output_keys(suites_dir: Path) -> frozenset[str]:
    """The customer-managed KMS keys suites encrypt their job output with."""
    return frozenset(s.output_kms_key_id for s in _suites(suites_dir) if s.output_kms_key_id)
