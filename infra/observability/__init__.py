"""Everything a team watches: the alarm topic, dashboards, alarms and saved log queries."""

from infra.observability.construct import PipelineObservability
from infra.observability.settings import ObservabilitySettings

__all__ = ["ObservabilitySettings", "PipelineObservability"]
