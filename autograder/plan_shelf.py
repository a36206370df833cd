"""Plans on a Dask cluster's workers: each worker keeps the plans of a run, from its start to its end.

A worker plugin rather than scattered data: the scheduler installs it on every worker there is, and on every
worker that joins later (a lost worker's replacement too), so no worker ever lacks a plan, however many are lost,
and a task carries only the key of its plan. Imported only where Dask is installed (autograder.cluster, workers).
"""

from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from autograder.plan import Plan

SHELF: dict[str, Plan] = {}  # {plan key: plan}, on this worker


class PlanShelf(WorkerPlugin):
    """Puts a run's plans on each worker's shelf, and takes them off when the run ends."""

    def __init__(self, plans: dict[str, Plan]) -> None:
        self.plans = plans

    def setup(self, worker: Any) -> None:
        SHELF.update(self.plans)

    def teardown(self, worker: Any) -> None:
        for key in self.plans:
            SHELF.pop(key, None)


def dask_setup(worker: Any) -> None:
    """Run by Dask in each worker that preloads this module (a LocalCluster of `nudge grade`'s, or
    `dask worker --preload autograder.plan_shelf`): the grader's imports and matplotlib's font list are done as the
    worker starts, while `nudge grade` works out its plans, rather than when the first plans and tasks arrive."""
    import sympy  # noqa: F401 - what the plans' exercises use

    from autograder import grade, sandbox  # noqa: F401 - the worker's own code

    sandbox.matplotlib_cache()


def shelved(key: str) -> Plan:
    """The plan `key` on this worker's shelf."""
    return SHELF[key]
