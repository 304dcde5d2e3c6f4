"""Which tests share an xdist worker, and the scheduler that keeps them together.

Some tests start an expensive runtime that every test after them on the same worker reuses:
aws_cdk (a jsii node process, its import, and the stack tests/infra/conftest.py synthesizes once
per worker) and moto's Step Functions interpreter running the synthesized state machine (with
module-scoped templates and deployments). Spread test by test over both workers, each worker
pays for each of them; kept together, one worker does. Every other test is its own unit.

xdist's own `--dist loadgroup` would do this from `xdist_group` marks, but it passes the group
to the controller by renaming each test's node id, which pytest 9.2 no longer honours
(pytest-xdist issue 1386): the groups are silently ignored. This scheduler reads the group from
the test's path instead, so nothing is renamed and `-k`, `--lf` and the reports see the real ids.

Units go out longest first, by the durations the previous run left in pytest's cache (the
classic longest-processing-time rule: a long test started last is what leaves one worker idle
at the end). Without a cache (a fresh clone) the order is xdist's: most tests first.
"""

from __future__ import annotations

from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

# Path prefix (relative to the repository) -> group. The first match wins.
WORKER_GROUPS = {
    "tests/infra/": "aws-cdk",
    "tests/e2e/": "step-functions",
    "tests/cli/test_run.py": "step-functions",
    "tests/cli/test_execution.py": "step-functions",
    "tests/cli/test_simulate.py": "step-functions",
}
DURATIONS_KEY = "bedrock-eval/test-seconds"


def worker_group(nodeid: str) -> str | None:
    path = nodeid.split("::", 1)[0]
    return next((group for prefix, group in WORKER_GROUPS.items() if path.startswith(prefix)), None)


class GroupScheduling(LoadScopeScheduling):
    """xdist's load-scope scheduling where a scope is a test's group, or else the test itself,
    and the scopes are handed out longest first."""

    def __init__(self, config: pytest.Config, log: Any = None) -> None:
        super().__init__(config, log)
        cache = getattr(config, "cache", None)  # None under -p no:cacheprovider
        self.seconds: dict[str, float] = cache.get(DURATIONS_KEY, {}) if cache else {}
        self.ordered = False

    def _split_scope(self, nodeid: str) -> str:
        return worker_group(nodeid) or nodeid

    def _assign_work_unit(self, node: Any) -> None:
        # The first assignment comes right after xdist filled the queue (most tests first).
        if not self.ordered and self.seconds:
            units = sorted(self.workqueue.items(), key=lambda unit: -self.expected(unit[1]))
            self.workqueue.clear()
            self.workqueue.update(units)
        self.ordered = True
        super()._assign_work_unit(node)

    def expected(self, unit: dict[str, bool]) -> float:
        return sum(self.seconds.get(nodeid, 0.0) for nodeid in unit)


class DurationRecorder:
    """Keeps each test's set-up, call and tear-down time in pytest's cache for the next run's
    order (merged, so that running part of the suite forgets nothing about the rest)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[report.nodeid] = self.seconds.get(report.nodeid, 0.0) + report.duration

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        cache = getattr(session.config, "cache", None)
        if cache is not None and self.seconds:
            known = cache.get(DURATIONS_KEY, {})
            cache.set(DURATIONS_KEY, known | {k: round(v, 3) for k, v in self.seconds.items()})
