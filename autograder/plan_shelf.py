"""Plans on a Dask cluster's workers: each worker keeps the plans of a run, from its start to its end.

A worker plugin rather than scattered data: the scheduler installs it on every worker there is, and on every
worker that joins later (a lost worker's replacement too), so no worker ever lacks a plan, however many are lost,
and a task carries only the key of its plan. Imported only where Dask is installed (autograder.cluster, workers).
"""

import pickle
import threading
from typing import Any

import cloudpickle
from distributed.diagnostics.plugin import WorkerPlugin

from autograder.plan import Plan
from autograder.sandbox import DEFAULT_LIMITS, Limits, start_warm_sandbox

SHELF: dict[str, Plan] = {}  # {plan key: plan}, on this worker
ARRIVED = threading.Condition()  # told each time plans are put on the shelf
PLAN_WAIT = 120  # seconds a task waits for its plan on a worker that has not got it yet


class SandboxStarter(WorkerPlugin):
    """Starts a warm sandbox for a run's limits on each worker as it joins, and on each there is (start_warm_sandbox:
    without waiting for its imports), so that its second passes while `nudge grade` works out the plans rather than
    in the worker's first task. Registered as the cluster is reached, before the plans exist."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits

    def setup(self, worker: Any) -> None:  # on the worker's event loop, which lives as long as the worker
        start_warm_sandbox(self.limits)  # never fails: a sandbox that cannot start is the first task's to report


class PlanShelf(WorkerPlugin):
    """Puts a run's plans on each worker's shelf, and takes them off when the run ends. The plans travel pickled
    (unpickling the course's takes a worker ~0.2 s)."""

    def __init__(self, plans: dict[str, Plan]) -> None:
        self.keys = sorted(plans)
        self.pickled = cloudpickle.dumps(plans)  # by value: a worker cannot import the course's reference modules

    def setup(self, worker: Any) -> None:
        plans = pickle.loads(self.pickled)
        with ARRIVED:
            SHELF.update(plans)
            ARRIVED.notify_all()

    def teardown(self, worker: Any) -> None:
        for key in self.keys:
            SHELF.pop(key, None)


def dask_setup(worker: Any) -> None:
    """Run by Dask in each worker that preloads this module (`dask worker --preload autograder.plan_shelf`, or a
    LocalCluster of `nudge grade`'s): the worker warms up as it starts, while `nudge grade` works out its plans,
    rather than when the first plans and tasks arrive. (A LocalCluster's worker is forked warm: autograder.warm.)"""
    warm_up()


def warm_up() -> None:
    """The grader's imports and matplotlib's font list (a second of a core), done once in this process."""
    import sympy  # noqa: F401 - what the plans' exercises use

    from autograder import grade, sandbox  # noqa: F401 - the worker's own code

    sandbox.matplotlib_cache()


class PlanMissing(LookupError):
    """A task's plan did not reach its worker in time: nothing of the submission's, so never recorded as its grade."""


def shelved(key: str) -> Plan:
    """The plan `key` on this worker's shelf, once it is there: `nudge grade` sends its first tasks while the plugin
    is still on its way."""
    with ARRIVED:
        if not ARRIVED.wait_for(lambda: key in SHELF, timeout=PLAN_WAIT):
            raise PlanMissing(f"the grading plan {key} did not reach a worker within {PLAN_WAIT} s")
        return SHELF[key]
