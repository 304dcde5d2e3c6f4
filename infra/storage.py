"""The pipeline bucket: datasets in, Bedrock results and reports out."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from evalcore.layout import DATASETS_PREFIX, REPORTS_PREFIX, RESULTS_PREFIX, STAGING_PREFIX
from infra.nag import acknowledge, acknowledge_scanner, logical_id

# Why each prefix is granted with a wildcard, quoted in the cdk-nag acknowledgement of the grant.
PREFIX_WILDCARD_REASONS = {
    DATASETS_PREFIX: "Datasets are uploaded under user-chosen suite folders and file names; "
    f"access is limited to the {DATASETS_PREFIX} prefix of the pipeline bucket.",
    RESULTS_PREFIX: "Bedrock names its output files below the job's output prefix; access is "
    f"limited to the {RESULTS_PREFIX} prefix of the pipeline bucket.",
    STAGING_PREFIX: "Validated datasets are staged per suite and job name, which are only known "
    f"at run time; access is limited to the {STAGING_PREFIX} prefix of the pipeline bucket.",
    REPORTS_PREFIX: "Reports are written per suite and job name, which are only known at run "
    f"time; access is limited to the {REPORTS_PREFIX} prefix of the pipeline bucket.",
}

NONCURRENT_VERSION_EXPIRATION = cdk.Duration.days(30)
ABORT_INCOMPLETE_UPLOADS_AFTER = cdk.Duration.days(7)
ACCESS_LOG_RETENTION = cdk.Duration.days(365)
# The rule Bedrock's "Required Cross Origin Resource Sharing (CORS) permissions on S3 buckets"
# page gives (https://docs.aws.amazon.com/bedrock/latest/userguide/model-evaluation-security-cors.html).
HUMAN_JOB_CORS_RULE = s3.CorsRule(
    allowed_methods=[
        s3.HttpMethods.GET,
        s3.HttpMethods.PUT,
        s3.HttpMethods.POST,
        s3.HttpMethods.DELETE,
    ],
    allowed_origins=["*"],
    allowed_headers=["*"],
    exposed_headers=["Access-Control-Allow-Origin"],
)


class PipelineBucket(Construct):
    """One versioned bucket laid out by `evalcore.layout`, plus its server access logs bucket.

    - Versioned, so the execution input's `versionId` pins the exact dataset that was
      evaluated even if someone uploads the same key again while the job runs.
    - EventBridge notifications on, because the trigger is an EventBridge rule on
      `Object Created`. They are set on the CloudFormation resource itself
      (`NotificationConfiguration.EventBridgeConfiguration`) rather than with the L2's
      `event_bridge_enabled`, which deploys a custom-resource Lambda to do the same call.
    - CORS only when asked for (`cors_for_human_jobs`): Bedrock documents it as required on
      the bucket of human evaluation jobs, whose workers and the console read the objects from
      a browser, and as not needed for automatic and judge jobs submitted through the API.
      Without it no browser origin may read the bucket cross-origin at all.
    - Results, reports and staged copies expire after `results_retention`; datasets are kept,
      they are the inputs people curate. Old versions go after 30 days so versioning does not
      grow forever.
    - Retained on stack deletion: it holds the evaluation history.

    The access-logs bucket needs no log bucket of its own: cdk-nag's S1 recognises a bucket
    that is another bucket's server access log destination.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        results_retention: cdk.Duration,
        cors_for_human_jobs: bool = False,
    ) -> None:
        super().__init__(scope, construct_id)
        # Grant the S3 logging service through the bucket policy, not the deprecated
        # LogDeliveryWrite ACL; set here so `cdk synth` and the tests build the same bucket.
        self.node.set_context("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", True)

        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireAccessLogs",
                    expiration=ACCESS_LOG_RETENTION,
                    abort_incomplete_multipart_upload_after=ABORT_INCOMPLETE_UPLOADS_AFTER,
                )
            ],
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )

        acknowledge_scanner(
            self.access_logs,
            checkov_id="CKV_AWS_18",
            reason="This is the access-log destination; logging it into itself would loop, and "
            "cdk-nag S1 accepts a bucket that is another bucket's log destination.",
        )
        acknowledge_scanner(
            self.access_logs,
            checkov_id="CKV_AWS_21",
            reason="The S3 logging service writes each log object once under a unique key and "
            "never overwrites it; versioning would only keep expired logs as noncurrent copies.",
        )

        expiring = [
            s3.LifecycleRule(
                id=f"Expire{prefix.strip('/').capitalize()}",
                prefix=prefix,
                expiration=results_retention,
            )
            for prefix in (RESULTS_PREFIX, REPORTS_PREFIX, STAGING_PREFIX)
        ]
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="pipeline-bucket/",
            cors=[HUMAN_JOB_CORS_RULE] if cors_for_human_jobs else None,
            lifecycle_rules=[
                *expiring,
                s3.LifecycleRule(
                    id="ExpireNoncurrentVersions",
                    noncurrent_version_expiration=NONCURRENT_VERSION_EXPIRATION,
                ),
                s3.LifecycleRule(
                    id="AbortIncompleteUploads",
                    abort_incomplete_multipart_upload_after=ABORT_INCOMPLETE_UPLOADS_AFTER,
                ),
            ],
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        cfn_bucket: s3.CfnBucket = self.bucket.node.default_child  # type: ignore[assignment]
        cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            event_bridge_configuration=s3.CfnBucket.EventBridgeConfigurationProperty(
                event_bridge_enabled=True
            )
        )

    # Grants: each adds its statement to the grantee's role and acknowledges, on that role's
    # policy, the prefix wildcard the statement needs, so a grant never lands without its reason.
    def grant_read_datasets(self, grantee: iam.IGrantable) -> None:
        """GetObjectVersion too: the dataset is read at the exact version the upload named."""
        self._grant_objects(
            grantee, "ReadDatasets", ["s3:GetObject", "s3:GetObjectVersion"], DATASETS_PREFIX
        )

    def grant_write_staging(self, grantee: iam.IGrantable) -> None:
        """Submit writes the validated copy of a dataset that the job reads."""
        self._grant_objects(grantee, "WriteStagedDatasets", ["s3:PutObject"], STAGING_PREFIX)

    def grant_read_staging(self, grantee: iam.IGrantable) -> None:
        """Parse matches result rows against the staged copy the job read."""
        self._grant_objects(grantee, "ReadStagedDatasets", ["s3:GetObject"], STAGING_PREFIX)

    def grant_read_results(self, grantee: iam.IGrantable) -> None:
        self._grant_objects(grantee, "ReadResults", ["s3:GetObject"], RESULTS_PREFIX)

    def grant_read_write_reports(self, grantee: iam.IGrantable) -> None:
        self._grant_objects(
            grantee, "ReadAndWriteReports", ["s3:GetObject", "s3:PutObject"], REPORTS_PREFIX
        )

    def grant_write_reports(self, grantee: iam.IGrantable) -> None:
        self._grant_objects(grantee, "WriteReports", ["s3:PutObject"], REPORTS_PREFIX)

    def grant_list(self, grantee: iam.IGrantable, prefixes: Sequence[str]) -> None:
        """ListBucket limited by `s3:prefix`; also makes S3 answer 404 rather than 403."""
        grantee.grant_principal.add_to_principal_policy(
            iam.PolicyStatement(
                sid="List" + "And".join(p.strip("/").capitalize() for p in prefixes),
                actions=["s3:ListBucket"],
                resources=[self.bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{prefix}*" for prefix in prefixes]}},
            )
        )

    def _grant_objects(
        self, grantee: iam.IGrantable, sid: str, actions: list[str], prefix: str
    ) -> None:
        grantee.grant_principal.add_to_principal_policy(
            iam.PolicyStatement(
                sid=sid, actions=actions, resources=[self.bucket.arn_for_objects(f"{prefix}*")]
            )
        )
        role = grantee.grant_principal
        if isinstance(role, iam.Role):
            acknowledge(
                role.node.find_child("DefaultPolicy"),
                f"AwsSolutions-IAM5[Resource::<{logical_id(self.bucket)}.Arn>/{prefix}*]",
                PREFIX_WILDCARD_REASONS[prefix],
            )
