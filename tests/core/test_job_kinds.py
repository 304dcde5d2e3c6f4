"""The table of what each kind of job accepts."""

import pytest

from evalcore.job_kinds import (
    JobKind,
    RagMode,
    TemplateVariable,
    application_type,
    judge_refusal,
    kinds_offering,
    scope_of,
)


def test_every_kind_and_rag_mode_has_one_row():
    for kind in JobKind:
        modes = list(RagMode) if kind is JobKind.KNOWLEDGE_BASE else [None]
        for mode in modes:
            assert scope_of(kind, mode).kind is kind


def test_rag_evaluation_is_the_only_rag_application_type():
    assert {kind: application_type(kind).value for kind in JobKind} == {
        JobKind.AUTOMATIC: "ModelEvaluation",
        JobKind.JUDGE: "ModelEvaluation",
        JobKind.KNOWLEDGE_BASE: "RagEvaluation",
        JobKind.HUMAN: "ModelEvaluation",
    }


def test_template_variables_per_kind():
    judge = scope_of(JobKind.JUDGE)
    assert judge.required_variables == {TemplateVariable.PREDICTION}
    assert TemplateVariable.CONTEXT not in judge.allowed_variables
    retrieve = scope_of(JobKind.KNOWLEDGE_BASE, RagMode.RETRIEVE)
    assert retrieve.required_variables == {TemplateVariable.CONTEXT}
    assert TemplateVariable.PREDICTION not in retrieve.allowed_variables
    assert not scope_of(JobKind.AUTOMATIC).takes_custom_metrics


def test_metrics_name_the_kinds_that_offer_them():
    assert kinds_offering("Builtin.Faithfulness") == (
        "judge",
        "knowledge-base (retrieve-and-generate)",
    )
    assert kinds_offering("Builtin.Coherence") == ("judge",)


@pytest.mark.parametrize(
    ("model", "refused"),
    [
        ("anthropic.claude-3-5-sonnet-20240620-v1:0", False),
        ("us.anthropic.claude-3-5-sonnet-20240620-v1:0", False),
        ("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123abc123", True),
        ("arn:aws:bedrock:us-east-1:123456789012:imported-model/abc123abc123", True),
    ],
)
def test_judge_refusals(model, refused):
    assert (judge_refusal(model) is not None) is refused
