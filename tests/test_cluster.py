"""`nudge grade --cluster local:N` on a real Dask LocalCluster: the process pool's scores, real re-grades, a lost
worker that costs only its submission, a worker's memory capped as a pool worker's is, and tasks that need no course
folder."""

import concurrent.futures
import contextlib
import functools
import io
import mmap
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import cloudpickle
import pytest
from conftest import TEST_SECRET, copy_course, free_port, nudge
from nbgrader.api import Gradebook
from submissions import load_cases, solution_sources, submission, write_submission

from autograder import plan_shelf, sandbox
from autograder.cluster import ClusterChoice, RunPlans, connect, grade_on_cluster, put_on_workers
from autograder.course_dir import CourseError, tool_environment
from autograder.grade import WORKER_MEMORY, SubmissionResult, grade_task, submission_task
from autograder.plan import plan_for
from autograder.sandbox import DEFAULT_LIMITS

pytestmark = pytest.mark.slow  # a LocalCluster and the sandbox: seconds each

ASSIGNMENT = "01-slope"
CASES = [(student, case) for assignment, student, case in load_cases() if assignment == ASSIGNMENT][:2]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("cluster"))
    write_submission(course, "solver", ASSIGNMENT, submission(ASSIGNMENT, solution_sources(ASSIGNMENT)))
    write_submission(course, "blank", ASSIGNMENT, submission(ASSIGNMENT))
    for student, case in CASES:
        write_submission(course, student, ASSIGNMENT, case.notebook(ASSIGNMENT))
    return course


def scores(url):
    """{(student, grade id): automatic score} of the gradebook at `url`."""
    with Gradebook(url) as gradebook:
        return {(submitted.student.id, grade.name): grade.auto_score
                for submitted in gradebook.find_assignment(ASSIGNMENT).submissions
                for notebook in submitted.notebooks for grade in notebook.grades}


def test_the_cluster_gives_the_process_pools_scores_and_a_regrade_grades_again(course):
    pool_db, cluster_db = f"sqlite:///{course / 'pool.db'}", f"sqlite:///{course / 'cluster.db'}"
    pool = nudge("--course", str(course), "grade", "--workers", "2", "--db", pool_db)
    assert pool.returncode == 0, pool.stderr[-2000:]
    on_cluster = nudge("--course", str(course), "grade", "--cluster", "local:2", "--db", cluster_db)
    assert on_cluster.returncode == 0, on_cluster.stderr[-2000:]
    assert "grading:" in on_cluster.stderr and "Graded 4 submissions" in on_cluster.stdout  # the same bar, summary
    assert scores(cluster_db) == scores(pool_db)
    assert {score for (student, _), score in scores(cluster_db).items() if student == "solver"} != {0.0}
    assert {score for (student, _), score in scores(cluster_db).items() if student == "blank"} == {0.0}

    # The blank student hands in the solution: a re-grade on the cluster grades it again, nothing is reused.
    shutil.copy(course / "submitted" / "solver" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                course / "submitted" / "blank" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    again = nudge("--course", str(course), "grade", "--cluster", "local:2", "--db", cluster_db, "--student", "blank")
    assert again.returncode == 0, again.stderr[-2000:]
    regraded = scores(cluster_db)
    assert {key[1]: value for key, value in regraded.items() if key[0] == "blank"} == \
        {key[1]: value for key, value in regraded.items() if key[0] == "solver"}


def kill_the_first_worker_and_name_each_workers_parent(notes, plan, task):
    """What the workers run in the next test: each notes its process and its parent in the folder `notes`, and the
    first worker ends itself at its first task."""
    first = not any(notes.iterdir())
    (notes / str(os.getpid())).write_text(str(os.getppid()))
    if first:
        os._exit(1)
    return grade_task(plan, task)


def status_of(pid: int, field: str) -> int:
    """A number of /proc/PID/status: Threads, PPid, ..."""
    return int(re.search(rf"^{field}:\s+(\d+)", Path(f"/proc/{pid}/status").read_text(), re.M).group(1))


def test_local_workers_and_a_lost_ones_replacement_are_forked_from_a_server_of_one_thread(course, tmp_path):
    """Not from this process, which has threads (Dask's event loop, logging as the workers start): a child forked
    while another thread holds a lock, stderr's say, can wait for it forever. The plans come by the plugin, and go
    when the run ends."""
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    notes = tmp_path / "notes"
    notes.mkdir()
    results: dict[tuple[str, str], SubmissionResult] = {}
    with connect(ClusterChoice(workers=1)) as client:
        assert threading.active_count() > 1  # this process is not one a worker could safely be forked from
        grade_on_cluster(client, course, [(ASSIGNMENT, "solver")], DEFAULT_LIMITS,
                         lambda key, result: results.update({key: result}),
                         grade=functools.partial(kill_the_first_worker_and_name_each_workers_parent, notes))
        assert list(client.run(lambda: sorted(plan_shelf.SHELF)).values()) == [[]]  # taken off at the end
    solved = results[ASSIGNMENT, "solver"]
    assert solved.failure is None and solved.score == solved.max_score > 0
    parents = {int(note.read_text()) for note in notes.iterdir()}
    assert len(list(notes.iterdir())) == 2 and len(parents) == 1  # the lost worker, and its replacement
    server = parents.pop()
    assert server != os.getpid() and status_of(server, "Threads") == 1 and status_of(server, "PPid") == os.getpid()


def test_a_local_worker_that_does_not_start_in_time_stops_the_run_with_the_reason(tmp_path, monkeypatch):
    from autograder import cluster

    stall = tmp_path / "stall.py"  # a worker preload that outlasts the limit
    stall.write_text("import time\n\ndef dask_setup(worker):\n    time.sleep(60)\n")
    monkeypatch.setattr(cluster, "WORKER_PRELOAD", [str(stall)])
    monkeypatch.setattr(cluster, "WORKER_START_LIMIT", 3)
    started = time.monotonic()
    with pytest.raises(CourseError, match=r"the local Dask cluster's workers did not start .*each has 3 s"):
        with connect(ClusterChoice(workers=1)):
            pass
    assert time.monotonic() - started < 60


def test_a_cluster_of_ones_own_dask_scheduler_and_dask_worker_as_the_readme_starts_them(tmp_path):
    """The README's real cluster: `dask scheduler` with its two settings, a `dask worker` started in a folder with
    nothing of the course, and `nudge grade --scheduler`: the plans reach the worker by the plugin."""
    course = copy_course(tmp_path / "course")
    write_submission(course, "solver", ASSIGNMENT, submission(ASSIGNMENT, solution_sources(ASSIGNMENT)))
    write_submission(course, "blank", ASSIGNMENT, submission(ASSIGNMENT))
    elsewhere = tmp_path / "worker"
    elsewhere.mkdir()
    dask = str(Path(sys.executable).parent / "dask")
    address = f"tcp://127.0.0.1:{free_port()}"
    settings = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0",
                "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "2.0"}
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                                  "--no-dashboard"], env=settings, cwd=elsewhere, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                               "--preload", "autograder.plan_shelf"], cwd=elsewhere, stderr=subprocess.DEVNULL)
    try:
        db = f"sqlite:///{tmp_path / 'gradebook.db'}"
        graded = nudge("--course", str(course), "grade", "--scheduler", address, "--db", db, timeout=600)
        assert graded.returncode == 0, graded.stderr[-2000:]
        assert "Graded 2 submissions" in graded.stdout
        with Gradebook(db) as gradebook:
            assert gradebook.find_submission(ASSIGNMENT, "solver").score == \
                gradebook.find_submission(ASSIGNMENT, "solver").max_score > 0
            assert gradebook.find_submission(ASSIGNMENT, "blank").score == 0
    finally:
        for process in (worker, scheduler):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def kill_the_worker_for_mallory(plan, task):
    """What the workers run in the next test: mallory's submission kills its worker outright."""
    if task.student == "mallory":
        os._exit(1)
    return grade_task(plan, task)


def test_a_lost_worker_costs_only_the_submission_it_was_grading(tmp_path):
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    course = copy_course(tmp_path)  # a copy of its own: the other tests' course keeps its four submissions
    write_submission(course, "solver", ASSIGNMENT, submission(ASSIGNMENT, solution_sources(ASSIGNMENT)))
    write_submission(course, "blank", ASSIGNMENT, submission(ASSIGNMENT))
    # Mallory's among eight: every other submission, whichever worker it was sent to, is graded as usual.
    others = [f"honest{number}" for number in range(6)]
    for student in ["mallory", *others]:
        shutil.copytree(course / "submitted" / "solver", course / "submitted" / student, dirs_exist_ok=True)
    chosen = [(ASSIGNMENT, "solver"), (ASSIGNMENT, "mallory"), (ASSIGNMENT, "blank"),
              *[(ASSIGNMENT, student) for student in others]]
    results: dict[tuple[str, str], SubmissionResult] = {}
    with connect(ClusterChoice(workers=2)) as client:
        grade_on_cluster(client, course, chosen, DEFAULT_LIMITS, lambda key, result: results.update({key: result}),
                         grade=kill_the_worker_for_mallory)
    assert set(results) == set(chosen)
    lost = results[ASSIGNMENT, "mallory"]
    assert lost.failure and "the cluster's worker grading it died or was lost" in lost.failure
    assert all(part.score == 0 for part in lost.parts)
    for student in ["solver", *others]:
        assert results[ASSIGNMENT, student].failure is None, results[ASSIGNMENT, student].failure
        assert results[ASSIGNMENT, student].score == results[ASSIGNMENT, student].max_score > 0
    assert results[ASSIGNMENT, "blank"].failure is None


def kill_the_worker_for_the_mallories(plan, task):
    """What the workers run in the next test: every mallory's submission kills its worker outright, every time."""
    if task.student.startswith("mallory"):
        os._exit(1)
    return grade_task(plan, task)


def test_workers_lost_again_and_again_cost_only_the_submissions_that_took_them_down(tmp_path):
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    course = copy_course(tmp_path)
    write_submission(course, "solver", ASSIGNMENT, submission(ASSIGNMENT, solution_sources(ASSIGNMENT)))
    # Two killers on two workers: both first workers are lost, and their replacements, with everything in flight
    # beside the killers each time; the plans are on every replacement too, and the others are graded again.
    students = ["mallory1", "honest0", "mallory2", "honest1", "honest2", "honest3"]
    for student in students:
        shutil.copytree(course / "submitted" / "solver", course / "submitted" / student)
    chosen = [(ASSIGNMENT, student) for student in students]
    results: dict[tuple[str, str], SubmissionResult] = {}
    with connect(ClusterChoice(workers=2)) as client:
        grade_on_cluster(client, course, chosen, DEFAULT_LIMITS, lambda key, result: results.update({key: result}),
                         grade=kill_the_worker_for_the_mallories)
    assert set(results) == set(chosen)
    for student in ("mallory1", "mallory2"):
        assert "the cluster's worker grading it died or was lost" in results[ASSIGNMENT, student].failure
    for student in ("honest0", "honest1", "honest2", "honest3"):
        assert results[ASSIGNMENT, student].failure is None, results[ASSIGNMENT, student].failure
        assert results[ASSIGNMENT, student].score == results[ASSIGNMENT, student].max_score > 0


@pytest.fixture(scope="module")
def one_worker():
    """A client on a LocalCluster of one worker, which runs this module's functions (shipped by value)."""
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    with connect(ClusterChoice(workers=1)) as client:
        yield client


def reserve_more_than_a_worker_may(plan, task):
    """What the workers run in the next test: address space beyond a worker's cap, reserved but never touched, so
    that it takes no memory even where nothing caps it."""
    with mmap.mmap(-1, WORKER_MEMORY + (1 << 30)):
        return SubmissionResult(task.student, plan.assignment)


def test_a_local_cluster_lets_in_only_this_process_and_its_workers(one_worker):
    """Another user of the machine can reach its ports on 127.0.0.1: without the cluster's own credentials, neither
    plainly nor with credentials of their own making, they get nowhere, at the scheduler or at a worker."""
    from distributed import Client
    from distributed.security import Security

    scheduler = one_worker.scheduler_info()["address"]  # what its workers reach it at
    worker, = one_worker.nthreads()
    assert scheduler.startswith("tls://") and worker.startswith("tls://")
    assert one_worker.scheduler.address.startswith("inproc://")  # this process's client: in-process, no port
    for address in (scheduler, worker):
        for security in (None, Security.temporary()):
            with pytest.raises(Exception) as refused:  # noqa: PT011 - Dask says no in several ways
                with Client(address.replace("tls://", "tcp://") if security is None else address,
                            security=security, timeout="3s"):
                    pass
            assert isinstance(refused.value, (OSError, TimeoutError)), repr(refused.value)
    # Nor do its web servers show anything of the run (health, worker lists, logs, metrics).
    ports = [one_worker.run_on_scheduler(lambda dask_scheduler: dask_scheduler.http_server.port),
             *one_worker.run(lambda dask_worker: dask_worker.http_server.port).values()]
    for port in ports:
        for page in ("health", "info/main/workers.html", "metrics"):
            with pytest.raises(urllib.error.HTTPError, match="404"):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/{page}", timeout=10)
    assert one_worker.submit(lambda: 1, pure=False).result(timeout=60) == 1  # and the cluster goes on


def test_a_cluster_worker_is_capped_as_a_pool_worker_is(course, one_worker):
    results: dict[tuple[str, str], SubmissionResult] = {}
    grade_on_cluster(one_worker, course, [(ASSIGNMENT, "solver")], DEFAULT_LIMITS,
                     lambda key, result: results.update({key: result}), grade=reserve_more_than_a_worker_may)
    refused = results[ASSIGNMENT, "solver"]
    assert refused.failure and "the grader failed on it" in refused.failure
    assert "Cannot allocate memory" in refused.failure and refused.score == 0


def nothing_to_grade(plan, task):
    """What the workers run in the next test: a result at once, so that the test is about the scheduling."""
    return SubmissionResult(task.student, plan.assignment)


def test_the_scheduler_is_asked_for_its_worker_threads_once_not_per_submission(course, one_worker, monkeypatch):
    asked = []
    nthreads = one_worker.nthreads
    monkeypatch.setattr(one_worker, "nthreads", lambda *args, **kwargs: asked.append(1) or nthreads(*args, **kwargs))
    chosen = [(ASSIGNMENT, student) for student in ("solver", "blank", *(student for student, _ in CASES))]
    results: dict[tuple[str, str], SubmissionResult] = {}
    grade_on_cluster(one_worker, course, chosen, DEFAULT_LIMITS, lambda key, result: results.update({key: result}),
                     grade=nothing_to_grade)
    assert set(results) == set(chosen) and [result.failure for result in results.values()] == [None] * len(chosen)
    assert len(asked) == 1  # no worker joined or left


def test_a_run_that_fails_after_putting_its_plans_on_the_workers_takes_them_off(course, one_worker, monkeypatch):
    def refused(*args, **kwargs):
        raise OSError("the scheduler went away")

    monkeypatch.setattr(one_worker, "subscribe_topic", refused)
    with pytest.raises(OSError, match="went away"):
        grade_on_cluster(one_worker, course, [(ASSIGNMENT, "solver")], DEFAULT_LIMITS, lambda key, result: None)
    plugins = one_worker.run(lambda dask_worker: [name for name in dask_worker.plugins if "nudge-plans" in name])
    assert list(plugins.values()) == [[]]


def test_a_task_needs_no_course_folder(course, tmp_path):
    """A worker gets the plan and the notebook's bytes: graded in a process that has neither the course nor its
    files, the solution still gets full marks."""
    copy = copy_course(tmp_path / "copy")
    write_submission(copy, "solver", ASSIGNMENT, submission(ASSIGNMENT, solution_sources(ASSIGNMENT)))
    shipped = tmp_path / "task.pickle"
    shipped.write_bytes(cloudpickle.dumps((plan_for(copy, ASSIGNMENT), submission_task(copy, ASSIGNMENT, "solver"))))
    assert TEST_SECRET.encode() not in shipped.read_bytes()  # the course's secret stays with nudge grade
    shutil.rmtree(copy)
    elsewhere = tmp_path / "empty"
    elsewhere.mkdir()
    worker = subprocess.run(
        [sys.executable, "-c", "import pickle, sys; from autograder.grade import grade_task; "
         "plan, task = pickle.loads(open(sys.argv[1], 'rb').read()); result = grade_task(plan, task); "
         "print(result.score, result.max_score, result.failure)", str(shipped)],
        cwd=elsewhere, capture_output=True, text=True, timeout=300)
    assert worker.returncode == 0, worker.stderr[-2000:]
    score, maximum, failure = worker.stdout.split()
    assert score == maximum and float(maximum) > 0 and failure == "None"


@pytest.mark.parametrize("local, scheduler, said", [
    ("local:0", None, "--cluster 'local:0' is not local or local:N"),
    ("remote", None, "is not local or local:N"),
    ("local", "tcp://127.0.0.1:1", "give --cluster or --scheduler, not both"),
])
def test_a_cluster_option_that_makes_no_sense_is_refused(local, scheduler, said):
    with pytest.raises(CourseError, match=said):
        ClusterChoice.parse(local, scheduler)


def test_local_without_a_number_takes_a_worker_per_core():
    assert ClusterChoice.parse("local", None) == ClusterChoice(workers=os.cpu_count())
    assert ClusterChoice.parse(None, None) is None
    assert ClusterChoice.parse(None, "tcp://h:8786") == ClusterChoice(address="tcp://h:8786")


def test_a_task_waits_for_its_plan_and_a_plan_that_never_comes_is_a_clear_failure(course, monkeypatch):
    plan = plan_for(course, ASSIGNMENT)
    shelf = plan_shelf.PlanShelf({"run/a": plan})
    monkeypatch.setattr(plan_shelf, "SHELF", {})
    arrived = []
    waiting = threading.Thread(target=lambda: arrived.append(plan_shelf.shelved("run/a")), daemon=True)
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive() and not arrived  # no plan yet: the task waits
    shelf.setup(worker=None)
    waiting.join(10)
    assert [found.assignment for found in arrived] == [ASSIGNMENT]
    shelf.teardown(worker=None)
    assert plan_shelf.SHELF == {}
    monkeypatch.setattr(plan_shelf, "PLAN_WAIT", 0.2)
    with pytest.raises(plan_shelf.PlanMissing, match="run/a did not reach a worker within 0.2 s"):
        plan_shelf.shelved("run/a")


def refuse(*args, **kwargs):
    raise OSError("the scheduler refused the plugin")


@pytest.mark.parametrize(("registration", "stops_with"), [
    (refuse, "OSError: the scheduler refused the plugin"),
    (lambda *args, **kwargs: None, "CourseError: the grading plan .* did not reach a worker within 2 s: the plans "
                                   "could not be put on the cluster's workers"),
], ids=["refused", "never-arrives"])
def test_a_run_whose_plans_do_not_reach_the_workers_stops_and_records_nothing(course, one_worker, monkeypatch,
                                                                                registration, stops_with):
    one_worker.run(lambda: setattr(plan_shelf, "PLAN_WAIT", 2))  # its task, planless, gives up after 2 s
    monkeypatch.setattr(one_worker, "register_plugin", registration)
    results: dict[tuple[str, str], SubmissionResult] = {}
    started = time.monotonic()
    try:
        with pytest.raises(Exception) as stopped:
            grade_on_cluster(one_worker, course, [(ASSIGNMENT, "solver")], DEFAULT_LIMITS,
                             lambda key, result: results.update({key: result}))
        assert re.match(stops_with, f"{stopped.type.__name__}: {stopped.value}"), stopped.value
        assert results == {} and time.monotonic() - started < 60  # no grade recorded; no waiting for the plans
    finally:
        # The worker's one thread runs this only once the planless task has given up: it is free for the next test.
        assert one_worker.submit(lambda: 1, pure=False).result(timeout=60) == 1
        one_worker.run(lambda: setattr(plan_shelf, "PLAN_WAIT", 120))


def test_a_worker_lost_while_the_plans_go_out_does_not_stop_the_run(course, one_worker, monkeypatch):
    register = one_worker.register_plugin

    def registered_but_a_worker_was_lost(plugin, name):
        register(plugin, name=name)
        raise OSError("a worker was lost during the broadcast")

    monkeypatch.setattr(one_worker, "register_plugin", registered_but_a_worker_was_lost)
    results: dict[tuple[str, str], SubmissionResult] = {}
    grade_on_cluster(one_worker, course, [(ASSIGNMENT, "solver")], DEFAULT_LIMITS,
                     lambda key, result: results.update({key: result}))
    solved = results[ASSIGNMENT, "solver"]
    assert solved.failure is None and solved.score == solved.max_score > 0
    plugins = one_worker.run(lambda dask_worker: [name for name in dask_worker.plugins if "nudge-plans" in name])
    assert list(plugins.values()) == [[]]  # taken off at the end all the same


def warm_sandboxes_for(limits):
    """On a worker: the pid 1 of each of its warm sandboxes with `limits`, and whether it is still one started
    ahead, waiting for the first thread that grades."""
    return sorted((warm.process.pid, limits in sandbox._ahead) for warm in sandbox._warm_sandboxes
                  if warm.limits == limits)


@pytest.mark.skipif(os.geteuid() != 0, reason="only a grader running as root grades in warm sandboxes")
def test_a_local_worker_has_its_warm_sandbox_before_the_plans_and_the_plans_before_its_first_task(course):
    """The sandboxes' plugin goes to the scheduler before the workers start, so each worker starts its warm sandbox
    as it joins, while `nudge grade` works out the plans: the first task grades in it, rather than wait a second
    for one of its own. The plans follow, and are on the worker before its first task."""
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    limits = sandbox.Limits(cell_seconds=43)  # these limits only: a sandbox with them is this run's
    results: dict[tuple[str, str], SubmissionResult] = {}
    with connect(ClusterChoice(workers=1), limits) as client:
        (before,) = client.run(warm_sandboxes_for, limits).values()  # joined: no plans yet, its sandbox started
        assert list(client.run(lambda: sorted(plan_shelf.SHELF)).values()) == [[]]
        plans = RunPlans.of(course, [ASSIGNMENT])
        plans.put_on(client).result(timeout=60)  # registered, and so set up on every worker there is
        (shelf,) = client.run(lambda: sorted(plan_shelf.SHELF)).values()
        assert shelf == sorted(plans.by_key)
        grade_on_cluster(client, course, [(ASSIGNMENT, "solver")], limits,
                         lambda key, result: results.update({key: result}), plans=plans)
        (after,) = client.run(warm_sandboxes_for, limits).values()
    solved = results[ASSIGNMENT, "solver"]
    assert solved.failure is None and solved.score == solved.max_score > 0
    assert len(before) == 1 and before[0][1]  # started ahead, before any task
    assert after == [(before[0][0], False)]  # the same pid 1, now the grading thread's own


@pytest.mark.skipif(os.geteuid() != 0, reason="only a grader running as root grades in warm sandboxes")
def test_nudge_grade_reaches_the_cluster_first_and_its_workers_start_their_sandboxes_while_the_plans_are_made(
        course, monkeypatch):
    """The plans take seconds to work out: the cluster is reached before them, so its workers join and start their
    warm sandboxes meanwhile, rather than after them, one step at a time."""
    from autograder import batch, cluster

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    limits = sandbox.Limits(cell_seconds=41)  # these limits only: a sandbox with them is this run's
    real_connect, real_plan_for = cluster.connect, batch.plan_for
    clients, seen_by_the_plans = [], []

    @functools.wraps(real_connect)
    def connect_noting_the_client(*arguments, **options):
        with real_connect(*arguments, **options) as client:
            clients.append(client)
            yield client

    def plan_for_noting_the_cluster(root, assignment):
        if clients and not seen_by_the_plans:  # the workers, as the first plan is worked out
            clients[0].wait_for_workers(1, timeout=60)
            seen_by_the_plans.append(list(clients[0].run(warm_sandboxes_for, limits).values()))
        return real_plan_for(root, assignment)

    monkeypatch.setenv("PATH", tool_environment()["PATH"])  # nbgrader runs `alembic` by name, as `nudge` arranges
    monkeypatch.setattr(cluster, "connect", contextlib.contextmanager(connect_noting_the_client))
    monkeypatch.setattr(batch, "plan_for", plan_for_noting_the_cluster)
    graded, _ = batch.grade_all(course, [(ASSIGNMENT, "solver")], f"sqlite:///{course / 'first.db'}", limits=limits,
                                progress=io.StringIO(), cluster=ClusterChoice(workers=1))
    (on_the_worker,), = seen_by_the_plans
    assert [ahead for _, ahead in on_the_worker] == [True]  # its sandbox, started ahead of any plan and any task
    assert graded[0].failure is None and graded[0].score == graded[0].max_score > 0


def test_each_plan_travels_in_a_plugin_of_its_own_in_the_order_the_assignments_are_graded(course):
    """The first tasks then wait on their workers for the first plan alone, not for all of them (module 08's takes
    a quarter of a second to pickle): the later ones go out while the first are graded."""
    plans = RunPlans.of(course, ["08-autograd", ASSIGNMENT])  # as `nudge grade 08-autograd 01-slope` grades them
    shelves = {name: plugin.result(timeout=60) for name, plugin in plans.plugins.items()}
    assert [shelf.keys for shelf in shelves.values()] == [[plans.key("08-autograd")], [plans.key(ASSIGNMENT)]]
    assert list(shelves) == [plans.shelf("08-autograd"), plans.shelf(ASSIGNMENT)]


class RefusedOnTheWorkers(plan_shelf.PlanShelf):
    """A plan's plugin that a worker cannot take, as one with another version of nudge-course cannot unpickle it."""

    def setup(self, worker):
        raise ModuleNotFoundError("No module named 'autograder.plan_v2'")


def test_a_worker_that_cannot_take_the_plans_stops_the_run_with_the_reason(course, one_worker):
    """Not a task after task waiting two minutes for a plan that never comes, with the worker's log alone saying
    why."""
    plans = RunPlans.of(course, [ASSIGNMENT])
    refused = concurrent.futures.Future()
    refused.set_result(RefusedOnTheWorkers({plans.key(ASSIGNMENT): plan_for(course, ASSIGNMENT)}))
    plans.plugins = {plans.shelf(ASSIGNMENT): refused}
    try:
        with pytest.raises(CourseError, match=r"could not take the grading plans .*autograder\.plan_v2.*nudge-course"):
            put_on_workers(one_worker, plans)
    finally:
        one_worker.unregister_worker_plugin(plans.shelf(ASSIGNMENT))


def test_a_run_stopped_before_grading_takes_its_plans_off_the_cluster(course, monkeypatch):
    """A scheduler of one's own outlives the run: plans left on it would go to every worker that joins it later.
    Here the gradebook cannot be opened (another run holds it, say) once the plans are on their way."""
    from autograder import batch, cluster

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    real_connect = cluster.connect
    left_at_the_end = []

    def connect_noting_what_is_left(*arguments, **options):
        with real_connect(*arguments, **options) as client:
            try:
                yield client
            finally:  # what the scheduler still holds as the client is about to close
                left_at_the_end.extend(client.run_on_scheduler(
                    lambda dask_scheduler: [name for name in dask_scheduler.worker_plugins if "nudge-plans" in name]))
                left_at_the_end.append("checked")

    def busy(*arguments, **options):
        time.sleep(1)  # the plans are registered meanwhile
        raise CourseError("the gradebook is in use by another nudge grade")

    monkeypatch.setattr(cluster, "connect", contextlib.contextmanager(connect_noting_what_is_left))
    monkeypatch.setattr(batch, "GradebookWriter", busy)
    with pytest.raises(CourseError, match="in use"):
        batch.grade_all(course, [(ASSIGNMENT, "solver")], f"sqlite:///{course / 'busy.db'}", progress=io.StringIO(),
                        cluster=ClusterChoice(workers=1))
    assert left_at_the_end == ["checked"]
