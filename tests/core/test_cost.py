import json

from evalcore.cost import CostEstimate, estimate_cost
from evalcore.dataset import validate_dataset


def test_cost_scales_with_prompts_and_metrics(live_suite):
    lines = [json.dumps({"prompt": "p" * 400})] * 10
    live = estimate_cost(live_suite, validate_dataset(lines, live_suite), prices=None)
    # judge (Claude Haiku 4.5 via the us. profile): 10 prompts x 3 metrics x tokens x price
    assert live.judge_usd == round(30 * (1500 * 0.001 + 200 * 0.005) / 1000, 4)
    # nova lite via the us. profile: 10 x 100 input tokens and 10 x 300 output tokens
    assert live.inference_usd == round((1000 * 0.00006 + 3000 * 0.00024) / 1000, 4)
    assert live.total_usd == round(live.judge_usd + live.inference_usd, 4)


def test_unknown_prices_are_explained(precomputed_suite):
    stats = validate_dataset([], precomputed_suite)
    estimate = estimate_cost(precomputed_suite, stats, prices={})
    assert estimate.total_usd is None
    assert "prices.json" in estimate.notes[0]


def test_the_estimate_round_trips_through_json():
    estimate = CostEstimate(judge_usd=1.25, inference_usd=0.0, notes=("a note",))
    assert CostEstimate.from_json(json.loads(json.dumps(estimate.to_json()))) == estimate
