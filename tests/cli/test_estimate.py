"""`evalctl estimate` against the repository's price table, checked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evalcore.suite import DEFAULT_SUITES_DIR as SUITES_DIR
from evalctl.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "datasets" / "support-assistant.jsonl"  # 12 prompts
SONNET_V2 = "anthropic.claude-3-5-sonnet-20241022-v2:0"  # $0.003 in, $0.015 out per 1k tokens

# support-assistant: judge Claude Haiku 4.5 ($0.001 / $0.005), 5 metrics, pre-computed.
# One judge call = (1500 x 0.001 + 200 x 0.005) / 1000 = $0.0025.
JUDGE_CALL_USD = 0.0025


def _estimate(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["estimate", *argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.fixture
def scenario_files(tmp_path) -> tuple[Path, Path]:
    """One two-turn scenario of 400-character turns and an 800-character system prompt."""
    scenarios = tmp_path / "s.jsonl"
    scenarios.write_text(json.dumps({"turns": ["a" * 400, "b" * 400]}) + "\n")
    system = tmp_path / "system.txt"
    system.write_text("s" * 800)
    return scenarios, system


def test_judging_cost_of_the_example_is_hand_computed(capsys):
    code, estimate = _estimate(capsys, str(EXAMPLE), "--suite", "support-assistant")
    assert code == 0
    assert estimate["records"] == 12
    assert estimate["judging"]["judgeUsd"] == pytest.approx(12 * 5 * JUDGE_CALL_USD)  # 0.15
    assert estimate["totalUsd"] == pytest.approx(0.15)
    assert estimate["collection"] is None


def test_collection_cost_is_hand_computed(capsys, scenario_files):
    scenarios, system = scenario_files
    code, estimate = _estimate(
        capsys,
        str(EXAMPLE),
        "--suite",
        "support-assistant",
        "--collect-scenarios",
        str(scenarios),
        "--collect-model",
        f"us.{SONNET_V2}",
        "--system-prompt-file",
        str(system),
    )
    # Turn 1 reads 800 + 400 chars = 300 tokens; turn 2 reads 800 + 400 + 1200 (assumed
    # answer: 300 tokens x 4 chars) + 400 = 700 tokens. 1000 input x 0.003 = $0.003;
    # 2 answers x 300 tokens x 0.015 = $0.009. Collection = $0.012.
    assert code == 0
    assert estimate["collection"]["totalUsd"] == pytest.approx(0.012)
    assert estimate["totalUsd"] == pytest.approx(0.162)


def test_without_a_dataset_judging_is_estimated_from_the_scenarios(capsys, scenario_files):
    scenarios, _ = scenario_files
    code, estimate = _estimate(
        capsys,
        "--suite",
        "support-assistant",
        "--collect-scenarios",
        str(scenarios),
        "--collect-model",
        SONNET_V2,
    )
    assert code == 0
    assert estimate["records"] == 1
    assert estimate["judging"]["judgeUsd"] == pytest.approx(5 * JUDGE_CALL_USD)
    # no system prompt: (400 + 2000) / 4 = 600 input tokens -> 0.0018; 600 output -> 0.009
    assert estimate["collection"]["totalUsd"] == pytest.approx(0.0108)


def test_above_the_budget_exits_1_unless_forced(capsys):
    argv = ["estimate", str(EXAMPLE), "--suite", "support-assistant", "--budget", "0.10"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "the estimate is $0.0500 above the budget of $0.10" in err
    assert main([*argv, "--force"]) == 0
    assert "going on (--force)" in capsys.readouterr().err
    assert main([*argv[:-1], "0.15"]) == 0


def test_suite_budget_applies_when_the_suite_has_one(capsys, tmp_path):
    suite = json.loads((SUITES_DIR / "support-assistant.json").read_text())
    suite_file = tmp_path / "support-assistant.json"
    suite_file.write_text(json.dumps({**suite, "budgetUsd": 0.10}))
    assert main(["estimate", str(EXAMPLE), "--suite", str(suite_file)]) == 1
    assert "above the budget of $0.10" in capsys.readouterr().err
    assert main(["estimate", str(EXAMPLE), "--suite", str(suite_file), "--budget", "1"]) == 0


def test_unknown_collection_model_price_cannot_pass_a_budget(capsys, scenario_files):
    scenarios, _ = scenario_files
    code = main(
        [
            "estimate",
            "--suite",
            "support-assistant",
            "--collect-scenarios",
            str(scenarios),
            "--collect-model",
            "acme.unpriced-v1",
            "--budget",
            "5",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "no price for acme.unpriced-v1: add it to prices.json" in err
    assert "cannot be checked: a price is unknown" in err


def test_nothing_to_estimate_is_a_usage_error(capsys):
    assert main(["estimate", "--suite", "support-assistant"]) == 2


def test_the_shipped_example_scenarios_estimate(capsys):
    scenarios = REPO / "examples" / "scenarios" / "support-assistant.jsonl"
    code, estimate = _estimate(
        capsys,
        "--suite",
        "support-assistant",
        "--collect-scenarios",
        str(scenarios),
        "--collect-model",
        "us.amazon.nova-lite-v1:0",
    )
    assert code == 0
    assert estimate["records"] == 3
    assert estimate["judging"]["judgeUsd"] == pytest.approx(3 * 5 * JUDGE_CALL_USD)
    assert estimate["collection"]["totalUsd"] is not None
