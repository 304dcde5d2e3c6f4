"""Where things live in the pipeline bucket.

One module owns the key layout so the stack (IAM scoping, event pattern), the Lambdas and the
CLI can never disagree about a prefix.
"""

DATASETS_PREFIX = "datasets/"
RESULTS_PREFIX = "results/"
REPORTS_PREFIX = "reports/"
# Pipeline-owned copies of validated datasets; the only dataset prefix Bedrock may read.
STAGING_PREFIX = "staging/"
DATASET_SUFFIX = ".jsonl"
OUTPUT_SUFFIX = "_output.jsonl"
SUMMARY_FILE = "summary.json"
FAILURE_FILE = "failure.json"
LATEST_SUMMARY_FILE = "latest-summary.json"


def suite_name_from_dataset_key(key: str) -> str:
    """`datasets/<suite>/<file>.jsonl` names its suite by its first folder.

    Raises ValueError with the expected layout when the key does not follow it, because that
    error ends up in the failure record the uploader reads.
    """
    if not key.startswith(DATASETS_PREFIX):
        raise ValueError(f"dataset key {key!r} is not under {DATASETS_PREFIX!r}")
    parts = key[len(DATASETS_PREFIX) :].split("/")
    if len(parts) < 2 or not parts[0]:
        raise ValueError(
            f"dataset key {key!r} does not name a suite: upload it as "
            f"{DATASETS_PREFIX}<suite-name>/<dataset>{DATASET_SUFFIX}"
        )
    return parts[0]


def dataset_stem(key: str) -> str:
    """The file name without folders or the .jsonl suffix."""
    name = key.rsplit("/", 1)[-1]
    return name[: -len(DATASET_SUFFIX)] if name.endswith(DATASET_SUFFIX) else name


def results_prefix(suite: str, job_name: str) -> str:
    """The key prefix given to Bedrock as outputDataConfig; Bedrock nests its own folders below."""
    return f"{RESULTS_PREFIX}{suite}/{job_name}/"


def staged_dataset_key(suite: str, job_name: str, dataset_name: str) -> str:
    """Where submit stages the validated dataset version the job reads.

    Built only from the suite name, the job name and the dataset label, whose patterns admit
    nothing Bedrock's S3 URI pattern refuses, so the upload key itself may hold `=` or spaces.
    One folder per job name, which is unique per uploaded version: a re-upload never lands on
    a copy a queued job is about to read.
    """
    return f"{STAGING_PREFIX}{suite}/{job_name}/{dataset_name}{DATASET_SUFFIX}"


def report_prefix(suite: str, job_name: str) -> str:
    return f"{REPORTS_PREFIX}{suite}/{job_name}/"


def latest_summary_key(suite: str, dataset_key: str) -> str:
    """The latest run of one dataset of a suite: the run a new upload of it is compared with.

    Each dataset of a suite has its own history (`reports/<suite>/<dataset>/`), so two
    datasets of one suite are never compared with each other. The folder is the dataset's
    path below its suite folder without `.jsonl` (`datasets/s/eu/faq.jsonl` -> `eu/faq`).
    """
    return f"{REPORTS_PREFIX}{suite}/{dataset_path(dataset_key)}/{LATEST_SUMMARY_FILE}"


def dataset_path(key: str) -> str:
    """The dataset's path below its suite's folder, without the .jsonl suffix."""
    below_suite = key[len(DATASETS_PREFIX) :].split("/", 1)[-1]
    return (
        below_suite[: -len(DATASET_SUFFIX)] if below_suite.endswith(DATASET_SUFFIX) else below_suite
    )


def shard_key(suite: str, run_name: str, index: int) -> str:
    """One shard of a dataset too large for one job, staged beside the run's validated copy."""
    return f"{STAGING_PREFIX}{suite}/{run_name}/shards/shard-{index + 1:03d}{DATASET_SUFFIX}"
