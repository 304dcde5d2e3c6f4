"""How many Bedrock evaluation jobs the pipeline keeps in progress at once, across all runs.

Bedrock limits concurrent evaluation jobs per account and Region (Service Quotas, service
`bedrock`: L-557C8C47 concurrent automatic model evaluation jobs; L-24CCD302 evaluation jobs
in total) and answers a job over the quota with ServiceQuotaExceededException. The pipeline
takes a slot of a DynamoDB semaphore before it creates a job and gives it back when the job
ends, so it never asks for more than MAX_CONCURRENT_JOBS; a run that finds every slot taken
waits SLOT_WAIT_SECONDS and asks again, until its run limit (evalcore.run_limit).

Human evaluation jobs take no slot (`takes_job_slot`). Bedrock counts them against their own
quota (L-973C31D1, concurrent human model evaluation jobs), not the automatic-job one the
semaphore guards; their work is done by people, not by the models the automated jobs share;
and they run for days, so a human job holding one of MAX_CONCURRENT_JOBS slots would queue
every automated run behind a review team. A human job over its own quota is refused with
ServiceQuotaExceededException, which the workflow retries for hours (infra.workflow
QUOTA_RETRY) before the run fails with the quota named.
"""

from __future__ import annotations

from evalcore.job_kinds import JobKind
from evalcore.run_limit import paced_by_people

# Kept under the account's quota so jobs started by hand still fit beside the pipeline's.
MAX_CONCURRENT_JOBS = 5
# Evaluation jobs take tens of minutes to hours, so a slot rarely frees sooner.
SLOT_WAIT_SECONDS = 300
MAX_JOBS_ENV = "MAX_CONCURRENT_JOBS"
SLOT_WAIT_ENV = "SLOT_WAIT_SECONDS"
# The DynamoDB table that holds the semaphore (and the parse markers, latest pointers).
LEDGER_TABLE_ENV = "LEDGER_TABLE"


def takes_job_slot(kind: JobKind) -> bool:
    """Whether a job of this kind holds a semaphore slot while it runs (see the module note)."""
    return not paced_by_people(kind)
