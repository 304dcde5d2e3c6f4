from evalcore.job_kinds import JobKind
from evalcore.job_slots import takes_job_slot


def test_only_jobs_paced_by_models_take_a_slot_of_the_automatic_job_quota():
    assert [kind for kind in JobKind if not takes_job_slot(kind)] == [JobKind.HUMAN]
