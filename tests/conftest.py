"""Test-wide settings: no real AWS is ever reachable, and Powertools stays local."""

from __future__ import annotations

import functools
import gc
import os

import pytest

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_SERVICE_NAME": "bedrock-eval-pipeline",
        "POWERTOOLS_METRICS_NAMESPACE": "BedrockEvaluation",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
)

# The project's modules are imported inside the fixtures below, never at the top: this file is
# loaded by the xdist controller and by every worker before its first test, so whatever it
# imports delays the whole run, even when no test that needs it is scheduled there.


@pytest.fixture
def precomputed_suite():
    from evalcore.suite import load_suite

    return load_suite("support-assistant")


@pytest.fixture
def live_suite():
    from evalcore.suite import load_suite

    return load_suite("live-nova")


@pytest.fixture(scope="session")
def simulation_template() -> dict:
    """The stack exactly as `evalctl simulate` synthesizes it (1-second poll waits), for the
    end-to-end, load and `evalctl run` tests: synthesized once for all xdist workers and kept
    under build/ until an input changes (evalctl.simulation.template.cached_template)."""
    from evalctl.simulate import POLL_WAIT_SECONDS, simulation_settings
    from evalctl.simulation.template import cached_template
    from evalctl.stack import DEFAULT_STACK_NAME

    return cached_template(simulation_settings(POLL_WAIT_SECONDS), stack_name=DEFAULT_STACK_NAME)


class DurationTotals:
    """Adds up every test's set-up, call and tear-down time across all xdist workers.

    Wall time depends on what else the machine runs; the sum is the suite's CPU-bound cost
    (plus its deliberate waits), so the README's figures quote both. Printed in the summary.
    """

    def __init__(self) -> None:
        self.seconds = {"setup": 0.0, "call": 0.0, "teardown": 0.0}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[report.when] += report.duration

    def pytest_terminal_summary(self, terminalreporter) -> None:
        parts = ", ".join(f"{when} {seconds:.1f} s" for when, seconds in self.seconds.items())
        total = sum(self.seconds.values())
        terminalreporter.write_line(f"sum of test durations: {total:.1f} s ({parts})")


def share_one_botocore_loader() -> None:
    """Every botocore session of a test process reads the service models through one loader.

    moto starts each mock with a new default boto3 session, and each new session's loader
    lists botocore's 400-odd service folders and reads the models again: 20,000 directory
    reads and about a second of each run. The models are the installed botocore's files,
    unchanged while the tests run; a loader only caches what it has read, and nothing edits
    what it returns (botocore registers no handler for `service-data-loaded`)."""
    import botocore.loaders
    import botocore.session

    botocore.session.create_loader = functools.cache(botocore.loaders.create_loader)


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist) only
        config.pluginmanager.register(DurationTotals(), "duration-totals")
    if hasattr(config, "workerinput") or config.getoption("numprocesses", None) in (None, 0):
        share_one_botocore_loader()  # in the processes that run tests


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked `cdk_app` first, then those marked `slow`, then the rest in order.

    xdist's work-stealing scheduler hands each worker a contiguous half of this list and a
    worker out of work steals from the end of the other's queue, so the front of the list
    runs first, on the first worker:
    - building a construct imports aws_cdk and starts jsii's Node.js runtime in the process,
      about a second: with every such test there, the other worker never starts it (the
      infrastructure tests read the synthesized templates from the cache without it);
    - the longest tests (a few seconds each) start early, and the last seconds of both
      workers are short tests, split between them as they run out of work, instead of one
      worker finishing a long test alone.
    """
    items.sort(
        key=lambda item: (
            item.get_closest_marker("cdk_app") is None,
            item.get_closest_marker("slow") is None,
        )
    )


# Allocations between young-generation collections while the tests run (CPython's default
# is 700). The simulation makes and drops millions of short-lived objects (requests, parsed
# responses, state data): at 700 each worker ran about 2,400 collections, 13 of them over its
# whole heap, for cycles that are rare here; about a tenth of the suite's CPU time. Now about
# 400, 4 over the heap (whose long-lived part is frozen). Cycles are still collected, in
# larger batches: a worker's peak memory is about half a gigabyte (430-505 MB measured).
YOUNG_GENERATION_THRESHOLD = 50_000


def pytest_collection_finish(session: pytest.Session) -> None:
    """Collected: what exists now (modules, the service models and test items loaded so far)
    lives until the process ends, so it is frozen out of every later collection's scan, and
    the young generation is collected in larger batches from here on."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, 50, 100)


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Every test has run and reported: freeze the heap before the session's last collections.

    A worker ends holding moto's backends, botocore's service models and jsii's proxies. After
    the last test, pytest's unraisable-exception plugin collects garbage twice, looking for
    finalizers that raise, and the interpreter once more at exit: each pass scanned all of it,
    about half a second apiece per xdist worker, and the controller waits for both. Frozen
    objects are still freed at exit, only not scanned for cycles; a finalizer that would have
    raised in those last passes goes unreported (each test's own are reported with it).
    """
    gc.freeze()
