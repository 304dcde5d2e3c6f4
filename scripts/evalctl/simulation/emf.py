"""Read the CloudWatch embedded-metric-format records a handler printed, as CloudWatch would."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class EmfRecord:
    namespace: str
    dimensions: dict[str, str]
    values: dict[str, float]
    units: dict[str, str]


def emf_records(output: str) -> list[EmfRecord]:
    records = []
    for line in output.splitlines():
        if '"_aws"' not in line:
            continue
        document = json.loads(line)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            (dimension_names,) = directive["Dimensions"]  # one dimension set per record
            values = {}
            for metric in directive["Metrics"]:
                (value,) = document[metric["Name"]]  # one value per run
                values[metric["Name"]] = value
            records.append(
                EmfRecord(
                    namespace=directive["Namespace"],
                    dimensions={name: document[name] for name in dimension_names},
                    values=values,
                    units={m["Name"]: m["Unit"] for m in directive["Metrics"]},
                )
            )
    return records


def datapoints(output: str, namespace: str = "BedrockEvaluation") -> dict[tuple, float]:
    """(metric name, sorted dimension pairs) -> value; a metric published twice fails here."""
    found: dict[tuple, float] = {}
    for record in emf_records(output):
        assert record.namespace == namespace, record
        for name, value in record.values.items():
            key = (name, tuple(sorted(record.dimensions.items())))
            assert key not in found, f"{key} published twice"
            found[key] = value
    return found
