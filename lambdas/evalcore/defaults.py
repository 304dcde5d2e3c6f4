"""Defaults and labels shared by the Lambdas, the CLI and the stack: each fact has this one home."""

from __future__ import annotations

# A record whose score (oriented so that higher is better) is under this is listed with the
# judge's reasoning.
LOW_SCORE_THRESHOLD = 0.5
# How far a metric's mean may move the wrong way against the baseline run before it regresses.
REGRESSION_TOLERANCE = 0.05
# The category of a record that names none, in summaries and metric dimensions.
UNCATEGORIZED = "(none)"
# Categories published as a CloudWatch dimension when a suite does not list them: each costs a
# metric stream per metric, so the default is small.
MAX_CATEGORY_DIMENSIONS = 5
# CloudWatch namespace and Powertools service name of every function of the pipeline.
METRICS_NAMESPACE = "BedrockEvaluation"
SERVICE_NAME = "bedrock-eval-pipeline"
# Passages a knowledge base returns per query in a RAG evaluation when the suite names no number.
RAG_NUMBER_OF_RESULTS = 5
