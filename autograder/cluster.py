"""Grading on a Dask cluster: `nudge grade --cluster local[:N]` or `nudge grade --scheduler tcp://HOST:8786`.

A task is one submission: the key of its assignment's plan (the plans are put on every worker once, and on every
worker that joins later, by a worker plugin: autograder.plan_shelf) and a `SubmissionTask` holding the notebook's
bytes, read here under the course's rules. A worker needs the nudge-course package and bubblewrap, nothing else: no
course folder, no shared file system, no gradebook. What comes back is a `SubmissionResult`; this process alone
records it, as with the process pool. Each task gets a key of its own, so a re-grade is graded again rather than
taken from an earlier run. A worker that dies or is lost while grading a submission costs that submission alone, as
a process pool's does: each worker thread has two tasks in flight (so it never waits for its next), the scheduler
gives up on every task of a lost worker at once (allowed-failures 0), and those are graded again; one caught in a
lost worker twice is then graded alone, with nothing else in flight, and only if it takes that worker down too is it
recorded as failed, with the reason. A task caps its worker's memory as a process pool's worker is capped
(`limit_worker_memory`).
"""

import collections
import concurrent.futures
import contextlib
import itertools
import os
import queue
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograder import sandbox
from autograder.course_dir import CourseError
from autograder.grade import SubmissionResult, SubmissionTask, grade_task, limit_worker_memory, submission_task
from autograder.plan import Plan, plan_for

if TYPE_CHECKING:  # Dask is an optional dependency: pip install 'nudge-course[cluster]'
    from distributed import Client

    from autograder.plan_shelf import PlanShelf

# The scheduler's settings a batch relies on; a LocalCluster gets them here, a scheduler of your own from
# its environment (README: DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=0 and ..._WORKER_SATURATION=2.0).
# Each worker thread holds both its tasks in flight, the next beside the one it grades (worker-saturation 2.0): it
# starts the next as the last ends, where one held back by the scheduler (1.0) reached it only after the last one's
# result had crossed to the scheduler, in the grading process, and the next had crossed back (~7 ms a task,
# measured, against ~2 ms).
TASKS_PER_THREAD = 2  # in flight on the cluster, as in the process pool (see grade_on_cluster)
SCHEDULER_SETTINGS = {"distributed.scheduler.allowed-failures": 0,
                      "distributed.scheduler.worker-saturation": float(TASKS_PER_THREAD)}
# What a LocalCluster of nudge's own goes without, each costing CPU on every worker the whole run (the CPU it grades
# with, on a machine of few cores): the profiler that samples each worker's stack 100 times a second for a dashboard
# it does not have; a check 50 times a second in the scheduler, each nanny and each worker that its event loop is not
# blocked (once a second is enough to warn of that); work stealing, which could only move a task that waits behind
# one other on its worker (TASKS_PER_THREAD), at most one notebook's time limit. And its web pages (worker lists,
# logs, call stacks, metrics), which no one here reads and any user of the machine could: its HTTP servers serve
# nothing. Its workers are forked from a fork server (start_worker_server).
LOCAL_SETTINGS = {"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "1s",
                  "distributed.scheduler.work-stealing": False,
                  "distributed.scheduler.http.routes": [], "distributed.worker.http.routes": [],
                  "distributed.worker.multiprocessing-method": "forkserver"}
WORKER_PRELOAD = ["autograder.plan_shelf"]  # run by each worker as it starts (plan_shelf.dask_setup)
WORKER_START_LIMIT = 120  # seconds a LocalCluster's worker may take to start, on a busy machine, before the run stops


@dataclass(frozen=True)
class ClusterChoice:
    """Where to grade: a LocalCluster of `workers` single-threaded workers, or the scheduler at `address`."""

    workers: int | None = None
    address: str | None = None

    @classmethod
    def parse(cls, local: str | None, scheduler: str | None) -> "ClusterChoice | None":
        """From --cluster (local or local:N) and --scheduler (an address); None when neither is given."""
        if local is not None and scheduler is not None:
            raise CourseError("give --cluster or --scheduler, not both")
        if scheduler is not None:
            return cls(address=scheduler)
        if local is None:
            return None
        match = re.fullmatch(r"local(?::([1-9][0-9]{0,3}))?", local)
        if match is None:
            raise CourseError(f"--cluster {local!r} is not local or local:N (N workers, 1 to 9999)")
        return cls(workers=int(match.group(1)) if match.group(1) else os.cpu_count() or 1)


@dataclass
class RunPlans:
    """The plans of one run on a cluster, by the keys its tasks name them with: each key carries the run's own id,
    so that no other run's plan (another course's, or an earlier version's) is ever taken for one of them. A plugin
    an assignment brings them to the workers, each pickled in a thread of its own (a second of this process for the
    course) and registered with the cluster as soon as it is (`put_on`), in the order the assignments are graded:
    the first tasks wait for the first plan alone (a few milliseconds to pickle), not for the last (module 08's, a
    quarter of a second), which goes out while they are graded."""

    run: str
    by_assignment: dict[str, Plan]
    plugins: "dict[str, concurrent.futures.Future[PlanShelf]]" = field(init=False, repr=False, compare=False)
    registered: "concurrent.futures.Future[None] | None" = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        from autograder.plan_shelf import PlanShelf

        pickling = concurrent.futures.ThreadPoolExecutor(1, "nudge-pickling")
        self.plugins = {self.shelf(assignment): pickling.submit(PlanShelf, {self.key(assignment): plan})
                        for assignment, plan in self.by_assignment.items()}
        pickling.shutdown(wait=False)  # the thread ends once the plugins are made

    @classmethod
    def of(cls, root: Path, assignments: Iterable[str]) -> "RunPlans":
        """The plans of `assignments`, in the order given: the order of the submissions they grade."""
        return cls(uuid.uuid4().hex[:12], {assignment: plan_for(root, assignment) for assignment in assignments})

    def key(self, assignment: str) -> str:
        return f"{self.run}/{assignment}"

    def shelf(self, assignment: str) -> str:
        """The name of the plugin of `assignment`'s plan on the cluster."""
        return f"nudge-plans-{self.key(assignment)}"

    def put_on(self, client: "Client") -> "concurrent.futures.Future[None]":
        """Register the plugins with the cluster of `client` (put_on_workers), in a thread of its own, the first time
        this is called; returns the registration, done or under way. A worker that joins after it gets the plans
        as it joins, one there already as each reaches the scheduler."""
        if self.registered is None:
            registering = concurrent.futures.ThreadPoolExecutor(1, "nudge-plans")
            self.registered = registering.submit(put_on_workers, client, self)
            registering.shutdown(wait=False)  # the thread ends once the plugins are registered
        return self.registered

    @property
    def by_key(self) -> dict[str, Plan]:
        """{key: plan}, as a worker's shelf holds them."""
        return {self.key(assignment): plan for assignment, plan in self.by_assignment.items()}


def start_worker_server() -> None:
    """Start, in the background, the process a LocalCluster's workers are forked from (multiprocessing's fork
    server), and have it warm up once (autograder.warm: the grader's imports and matplotlib's font list): `connect`
    calls this first, so that the server warms up on another core while the cluster starts, and each worker then
    starts in a tenth of a second, where a spawned one spends seconds of a core warming up. Never a
    fork of this process: it has threads by then (Dask's event loop, which logs as the workers start), and a child
    forked while one of them holds a lock (stderr's, mid-line) waits for it forever. The fork server has one
    thread, and none of this process's state: no gradebook connection, no plans. Its workers see the environment
    this process had when it started the server. Safe to call again."""
    from multiprocessing import forkserver

    forkserver.set_forkserver_preload(["autograder.warm"])
    forkserver.ensure_running()


@contextlib.contextmanager
def connect(choice: ClusterChoice, limits: sandbox.Limits = sandbox.DEFAULT_LIMITS,
            wait: bool = True) -> Iterator["Client"]:
    """A Dask client on the chosen cluster, closed (and a LocalCluster stopped) at the end. Each worker starts a warm
    sandbox for `limits` as it joins (plan_shelf.SandboxStarter). A LocalCluster's workers are waited for (at most
    WORKER_START_LIMIT each) unless `wait` is False: then they start while the caller goes on (`nudge grade` works
    out the plans meanwhile), and the caller calls `wait_for_workers` before it needs them."""
    if choice.workers is not None:
        start_worker_server()  # first: it warms up on another core while Dask is imported and the cluster starts
    try:
        import dask
        from distributed import Client, LocalCluster
    except ModuleNotFoundError:
        raise CourseError("--cluster and --scheduler need Dask: pip install 'nudge-course[cluster]'") from None
    if choice.address is not None:
        try:
            client = Client(choice.address, timeout="10s")
        except (OSError, TimeoutError) as error:
            raise CourseError(f"no Dask scheduler answers at {choice.address} ({error}): start one with "
                              "`dask scheduler`, and workers with `dask worker ADDRESS`") from None
        with client:
            starter = start_sandboxes(client, limits)
            try:
                yield client
            finally:  # a cluster of one's own outlives the run: its later workers start no sandbox for it
                with contextlib.suppress(Exception):
                    client.unregister_worker_plugin(starter)
        return
    # Processes, not threads: each worker grades one submission at a time, as a process pool's would. Each, and a
    # lost one's replacement too, is forked from the fork server (start_worker_server), which is why the settings
    # stay set while the cluster runs (the scheduler reads its own when it starts, a worker its own when it starts).
    # The scheduler starts first, then the sandboxes' plugin goes to it, then the workers: each starts its warm
    # sandbox as it joins. A worker that does not start in time (death_timeout) stops the run, rather than leaving
    # it waiting. The cluster talks TLS with credentials made for it alone (security=True), which only this process
    # and its workers hold: on a machine others log in to, whoever could reach its ports on 127.0.0.1 could
    # otherwise run code on its workers or send results of their own making. This process's client talks to the
    # scheduler, which runs in this process too, in-process (an inproc:// address no other process can reach),
    # rather than through TLS twice over. Its HTTP server (with no pages, see LOCAL_SETTINGS) takes a free port on
    # 127.0.0.1, not Dask's 8787, which another cluster may have.
    with dask.config.set({**SCHEDULER_SETTINGS, **LOCAL_SETTINGS}):
        try:
            cluster = LocalCluster(n_workers=0, threads_per_worker=1, processes=True, dashboard_address=None,
                                   scheduler_kwargs={"dashboard_address": "127.0.0.1:0",
                                                     "protocol": ["tls://", "inproc://"],
                                                     "host": ["127.0.0.1", None]},
                                   memory_limit=0, preload=WORKER_PRELOAD,
                                   death_timeout=WORKER_START_LIMIT, security=True)
        except Exception as error:  # Dask's own, of several kinds
            raise CourseError(f"the local Dask cluster did not start (Dask said {error!r}). Look above for what "
                              "stopped it, or grade in the process pool (leave out --cluster)") from None
        in_process = next(listener.contact_address for listener in cluster.scheduler.listeners
                          if listener.contact_address.startswith("inproc://"))
        # A result is fetched from its worker directly: through the scheduler it would cross TLS twice.
        with cluster, Client(in_process, loop=cluster.loop, security=cluster.security,
                             direct_to_workers=True) as client:
            start_sandboxes(client, limits)
            cluster.scale(choice.workers)
            if wait:
                wait_for_workers(client, choice)
            yield client


def start_sandboxes(client: "Client", limits: sandbox.Limits) -> str:
    """Have every worker of the cluster, and every one that joins, start a warm sandbox for `limits`
    (plan_shelf.SandboxStarter); returns the plugin's name. Only ever a head start: where it fails, a worker's first
    task starts its sandbox (and a worker that cannot take nudge's plugins at all is told by the plans' own)."""
    from autograder.plan_shelf import SandboxStarter

    name = f"nudge-sandboxes-{uuid.uuid4().hex[:12]}"
    with contextlib.suppress(Exception):
        client.register_plugin(SandboxStarter(limits), name=name)
    return name


def wait_for_workers(client: "Client", choice: ClusterChoice) -> None:
    """Until every worker of a LocalCluster has joined (a scheduler of one's own: at once); a CourseError if one has
    not within WORKER_START_LIMIT."""
    if choice.workers is None:
        return
    try:
        client.wait_for_workers(choice.workers, timeout=WORKER_START_LIMIT)
    except TimeoutError:
        raise CourseError(f"the local Dask cluster's workers did not start (each has {WORKER_START_LIMIT} s). Look "
                          "above for what stopped them, or grade in the process pool (leave out --cluster)") from None


def grade_on_cluster(client: "Client", root: Path, submissions: list[tuple[str, str]], limits: sandbox.Limits,
                     done: Callable[[tuple[str, str], SubmissionResult], None],
                     grade: Callable[..., SubmissionResult] = grade_task,
                     tick: Callable[[], float | None] = lambda: None, plans: RunPlans | None = None) -> None:
    """Grade `submissions` [(assignment, student)] on the cluster; `done((assignment, student), result)` is called
    here once for each, as soon as it is back: a lost worker or the grader's own error is a failed result.
    `tick()` is called after each wait for results, and says how long the next may last at most (None: no limit).
    `grade` is what the workers run (a test passes one that kills its worker). `plans`: the plans of `submissions`
    under a run's keys, made by the caller to have them pickled while the cluster starts (by default, made here)."""
    from autograder.batch import failed
    from autograder.plan_shelf import PlanMissing

    # keys no earlier run used: a re-grade is graded again, beside another run too
    plans = plans or RunPlans.of(root, dict.fromkeys(assignment for assignment, _ in submissions))
    run = plans.run
    waiting = collections.deque(submissions)
    alone: list[tuple[str, str]] = []  # caught in a lost worker twice: each graded with nothing beside it
    lost: collections.Counter[tuple[str, str]] = collections.Counter()  # how often each was on a lost worker
    tasks: dict[tuple[str, str], SubmissionTask] = {}  # read once, kept only while it may be graded again
    running: dict[Any, tuple[str, str]] = {}
    # Each future puts itself here when it is done (from Dask's callback thread): waiting for the next costs nothing
    # per future in flight, as asking Dask to wait on all of them each time did (a few ms a notebook).
    back: queue.SimpleQueue[Any] = queue.SimpleQueue()
    numbers = itertools.count()  # a task key no other task of this run has: a submission graded again gets another

    # The cluster's worker threads, asked of the scheduler once, and again only after a worker joined or left.
    workers_changed = threading.Event()

    def on_event(event: tuple[float, Any]) -> None:
        if isinstance(event[1], dict) and event[1].get("action") in ("add-worker", "remove-worker"):
            workers_changed.set()

    threads = 0

    def submit(key: tuple[str, str]) -> None:
        assignment, student = key
        if key not in tasks:
            try:
                tasks[key] = submission_task(root, assignment, student, limits)
            except Exception as error:  # a folder this process cannot read costs that submission alone
                done(key, failed(root, assignment, student, f"it could not be read: {error!r}"))
                return
        future = client.submit(grade_within_memory_cap, grade, plans.key(assignment), tasks[key],
                               key=f"grade-{assignment}-{run}-{next(numbers)}", pure=False)
        running[future] = key
        future.add_done_callback(back.put)

    def fill() -> None:
        """Two tasks a worker thread in flight, so no worker waits for its next; a submission to grade alone only
        once nothing else is in flight, and then nothing beside it."""
        nonlocal threads
        if workers_changed.is_set():
            workers_changed.clear()
            threads = sum(client.nthreads().values())
        if any(lost[key] >= 2 for key in running.values()):
            return
        while waiting and len(running) < TASKS_PER_THREAD * max(1, threads):
            submit(waiting.popleft())
        if alone and not running:
            submit(alone.pop(0))

    with contextlib.ExitStack() as undo:  # what is set up here is undone at the end, whatever fails on the way
        # The plugin is registered (unless `nudge grade` has done it already) while the first tasks are sent: a worker
        # that has no plans yet holds a task until they come (plan_shelf.shelved). Taken off after it is on.
        registered = plans.put_on(client)
        undo.callback(take_off_workers, client, plans)
        registered.add_done_callback(back.put)  # its failure wakes the wait below
        client.subscribe_topic("all", on_event)
        undo.callback(client.unsubscribe_topic, "all")
        threads = sum(client.nthreads().values())
        fill()
        pause = None
        while running:
            try:
                finished = [back.get(timeout=pause)]
            except queue.Empty:  # nothing came back in time: `tick` has something due
                finished = []
            while not back.empty():
                finished.append(back.get())
            if registered in finished:
                finished.remove(registered)
                if registered.exception() is not None:  # no plans on the workers: nothing can be graded
                    raise registered.exception()  # type: ignore[misc]
            keys = [running.pop(future) for future in finished]
            results = []
            for future, key in zip(finished, keys, strict=True):
                try:
                    results.append((key, future.result()))
                except PlanMissing as error:  # nothing of the submission's: no grade is recorded, the run stops
                    raise CourseError(f"{error}: the plans could not be put on the cluster's workers. Check that "
                                      "they run this machine's nudge-course, and grade again") from None
                except Exception as error:  # the worker was lost (KilledWorker), or the grader failed on it
                    killed = type(error).__name__ == "KilledWorker"
                    if killed and lost[key] < 2:
                        lost[key] += 1  # perhaps it was only beside the one that took the worker down: again
                        (waiting if lost[key] == 1 else alone).insert(0, key)
                        continue
                    why = (f"the cluster's worker grading it died or was lost ({error})" if killed
                           else f"the grader failed on it: {error!r}")
                    results.append((key, failed(root, *key, why)))
                finally:
                    future.release()
            for key, _ in results:
                del tasks[key]  # graded for good: its notebook's bytes go, so memory stays flat as the class grows
            fill()  # the next tasks first: no worker waits while this process records what came back
            for key, result in results:
                done(key, result)
            pause = tick()


def put_on_workers(client: "Client", plans: RunPlans) -> None:
    """Register the worker plugins of `plans`, each as soon as it is pickled, for every worker there is and will be.
    A CourseError if a worker cannot take one (a worker with another version of nudge-course, say)."""
    for name, plugin in plans.plugins.items():
        try:
            client.register_plugin(plugin.result(), name=name)
        except OSError:
            # A worker lost while the plugin went out (one that a submission took down, say) fails the broadcast, not
            # the registration: the scheduler keeps the plugin and gives it to every worker that joins, its
            # replacement too.
            if not client.run_on_scheduler(lambda dask_scheduler, name=name: name in dask_scheduler.worker_plugins):
                raise
        except Exception as error:  # what a worker said as it failed to take it
            raise CourseError(f"a worker of the cluster could not take the grading plans ({error!r}): check that "
                              "every worker runs this machine's nudge-course, and grade again") from None


def take_off_workers(client: "Client", plans: RunPlans) -> None:
    """Unregister the plugins of `plans` once their registration (`put_on`) has ended, even one that failed part of
    the way (the scheduler may hold them all the same, and would give a cluster's every later worker the plans)."""
    if plans.registered is None:
        return
    concurrent.futures.wait([plans.registered])
    for name in plans.plugins:
        # The scheduler drops the plugin before it tells the workers: one lost meanwhile (an OSError here) has it no
        # more either. Nor did one that never reached the scheduler (a ValueError), or that a second call took off.
        with contextlib.suppress(Exception):
            client.unregister_worker_plugin(name)


def grade_within_memory_cap(grade: Callable[..., SubmissionResult], plan: str,
                            task: SubmissionTask) -> SubmissionResult:
    """What a worker runs for one task: `grade` by the plan `plan` names on the worker's shelf, with the worker's
    address space capped first, as a process pool's worker is, so that a hostile notebook is a MemoryError rather
    than a machine out of memory. Each task sets the cap afresh (a worker that joined late or was restarted gets it
    too), WORKER_MEMORY above what the worker holds."""
    from autograder.plan_shelf import shelved

    limit_worker_memory()
    return grade(shelved(plan), task)
