"""The stand-in judge of `evalctl simulate`: deterministic scores that are plainly not Bedrock's.

A simulation must run offline and give the same numbers every time, yet the numbers should
move the way a judge's would when answers get better or worse, so a newcomer sees thresholds
hold or break for a reason. The rule, per record and metric:

1. overlap: the share of the reference answer's words (lower-cased letters and digits, words
   of three or more characters) that the response also uses; 0.5 when there is no reference
2. a nudge of -0.25, 0 or +0.25 taken from SHA-256 of "prompt|metric", so metrics of one
   record differ the way a judge's do, reproducibly
3. quality = BASE_QUALITY + overlap + nudge, clamped to [0, 1] and rounded to a quarter
   (Bedrock's built-in metrics are normalized Likert scales); BASE_QUALITY credits a
   paraphrase, which shares only about half of the reference's words
4. the score is that quality oriented by the metric's direction (a good answer scores 0 on a
   lower-is-better metric such as Builtin.Harmfulness)

Every explanation starts with SIMULATED_LABEL, so the low-score reasoning in the summary and
the message says where the score came from.
"""

from __future__ import annotations

import hashlib
import re

from evalctl.simulation.bedrock_output import oriented

SIMULATED_LABEL = "SIMULATED"
NO_REFERENCE_OVERLAP = 0.5
BASE_QUALITY = 0.35
NUDGES = (-0.25, 0.0, 0.25)
_WORD = re.compile(r"[a-z0-9]{3,}")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _response(record: dict) -> str:
    responses = record.get("modelResponses") or [{}]
    return str(responses[0].get("response", ""))


def overlap(response: str, reference: str | None) -> float:
    """The share of the reference's words the response uses."""
    expected = _words(reference or "")
    if not expected:
        return NO_REFERENCE_OVERLAP
    return len(expected & _words(response)) / len(expected)


def nudge(prompt: str, metric: str) -> float:
    digest = hashlib.sha256(f"{prompt}|{metric}".encode()).digest()
    return NUDGES[digest[0] % len(NUDGES)]


def quality(record: dict, metric: str) -> float:
    raw = (
        BASE_QUALITY
        + overlap(_response(record), record.get("referenceResponse"))
        + nudge(str(record.get("prompt", "")), metric)
    )
    return round(min(1.0, max(0.0, raw)) * 4) / 4


def simulated_score(record: dict, metric: str) -> float | None:
    """The score the stand-in judge gives one dataset record for one metric."""
    return oriented(metric, quality(record, metric))


def simulated_explanation(record: dict, metric: str) -> str:
    words = overlap(_response(record), record.get("referenceResponse"))
    return (
        f"{SIMULATED_LABEL} judge, not Bedrock: {metric} from word overlap with the reference "
        f"({words:.0%}) and a fixed per-metric nudge ({nudge(str(record['prompt']), metric):+})."
    )
