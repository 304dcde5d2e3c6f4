"""Where things live in the pipeline bucket.

One module owns the key layout so the stack (IAM scoping, event pattern), the Lambdas and the
CLI can never disagree about a prefix.
"""

DATASETS_PREFIX = "datasets/"
RESULTS_PREFIX = "results/"
REPORTS_PREFIX = "reports/"
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


def report_prefix(suite: str, job_name: str) -> str:
    return f"{REPORTS_PREFIX}{suite}/{job_name}/"


def latest_summary_key(suite: str) -> str:
    """The previous run a new run is compared with."""
    return f"{REPORTS_PREFIX}{suite}/{LATEST_SUMMARY_FILE}"
