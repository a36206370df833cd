"""What grading a large class costs: `nudge grade` with the process pool and on Dask LocalClusters of 1 and 2
workers, into SQLite and into PostgreSQL.

`--students` synthetic students each hand in every module: in turn the reference solutions, the first
typical-mistake case of tests/cases, or the blank release (benchmarks/grading.py's kinds); every third student's
01-slope is instead one of a few quick attacks of tests/attacks.py. Each run grades every notebook into a fresh
gradebook (its assignments added beforehand, as the first grading into it does), as `nudge grade` does
(autograder.cli), in a process of its own, and reports:
- the time to the first result (a LocalCluster's start, its workers forked from the fork server the grading
  process started first, joining while the plans are worked out; the gradebook, one notebook), then
  notebooks/s from there to the last commit, and the grading process's own CPU time a notebook meanwhile;
- the gradebook's writes/s: submissions recorded per second spent in `GradebookWriter.record`;
- the CPU time of all the run's processes (the grading process, its workers, their sandboxes; not the database
  server's), where the machine has a cgroup v1 `cpuacct` hierarchy apart from the `cpu` one the sandboxes join (as
  the machine of the README's figures has): the work a run costs, so that Dask's extra time can be told apart as work
  or as waiting (on that machine it moves with the wall time from round to round: its slow spells are slower cores);
- the peak memory (RSS) of the grading process itself (pool workers and Dask workers are other processes; a
  LocalCluster's scheduler runs inside it), and the same for twice the students, to show it stays flat.
Then the speed-up from 1 to 2 Dask workers, Dask's cost over the process pool, and a projection of 2,000 students
× 8 modules, the class of issue 13 (how it is projected is printed with it). PostgreSQL is a throwaway server
(tests/postgres.py).

On a shared machine one run can be 10–30 % slower than the next, all of its processes alike. `--repeat N` runs every
configuration N times, round by round (each configuration once a round, so that the machine's changes of pace fall on
all of them alike; the runs compared with each other side by side, 2 Dask workers between the pool and 1 worker, in the
opposite order every other round, so that a steady change of pace favours none), and reports each configuration's
median run, the spread of its wall times, and the speed-up and Dask's cost as the median of the rounds' own (each from
runs of the same round).

Run from anywhere:  .venv/bin/python benchmarks/scale.py [--students 3] [--repeat 1] [--quick]
(about 8 minutes a round on 2 cores, most of it each run's fixed start-up; --quick: the process pool into SQLite and
a 2-worker cluster into PostgreSQL only, no 1-worker run and no run of twice the class, about 4 minutes.)
"""

import argparse
import contextlib
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from queue import Empty

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # this checkout's autograder; the tests' generators and server

from attacks import attacks  # noqa: E402
from conftest import copy_course  # noqa: E402
from grading import submission_kinds  # noqa: E402
from postgres import postgres_server  # noqa: E402
from submissions import write_submission  # noqa: E402

from autograder.course_dir import assignments  # noqa: E402

KINDS = ("correct", "wrong", "empty")  # in turn, shifted by one per student; "empty" where a module has no wrong case
QUICK_ATTACKS = ("a06-patched", "a07-dishonest", "a19-bad-json", "a15-os-exit", "a03-duplicated", "a14-sys-exit")
CLASS = 2_000 * 8  # notebooks of the class the projection is for
CORES = (2, 64)


@dataclass
class Run:
    """One `nudge grade` run, as measured in its own process."""

    label: str
    database: str
    notebooks: int
    seconds: float  # wall time of the command
    start_seconds: float  # until the first result is back: plans, gradebook, cluster, shipping plans, one notebook
    cluster_seconds: float  # of start_seconds: the Dask cluster's start, and the wait for its workers after the plans
    grading_seconds: float  # from then to the last gradebook commit
    peak_mib: float  # the grading process's peak RSS
    cpu_per_notebook: float  # the grading process's own CPU seconds a notebook after the first (not its workers')
    writes: list  # (submissions, seconds) of each GradebookWriter.record
    cpu_seconds: float | None  # of all the run's processes (None: this machine cannot tell)

    @property
    def per_second(self) -> float:
        """Notebooks a second once results flow: the first one's start-up left out."""
        return (self.notebooks - 1) / self.grading_seconds

    @property
    def writes_per_second(self) -> float:
        """Submissions recorded a second of the writer's time; the first commit, which also backs the gradebook up
        and opens its connection, left out."""
        later = self.writes[1:]
        seconds = sum(seconds for _, seconds in later)
        return sum(written for written, _ in later) / seconds if seconds else float("nan")

    @property
    def batch(self) -> float:
        return sum(written for written, _ in self.writes) / len(self.writes)


def make_course(folder, students):
    """A course copy with `students` synthetic students × every module."""
    course = copy_course(folder)
    kinds = submission_kinds(assignments(course))
    hostile = attacks(course)
    for index in range(students):
        student = f"student{index:04d}"
        for number, (assignment, made) in enumerate(kinds.items()):
            write_submission(course, student, assignment, made.get(KINDS[(index + number) % 3], made["empty"]))
        if index % 3 == 2:  # every third student's 01-slope: an attack instead
            attack = hostile[QUICK_ATTACKS[index // 3 % len(QUICK_ATTACKS)]]
            folder = course / "submitted" / student / attack.assignment
            shutil.rmtree(folder)
            folder.mkdir()
            for name, data in attack.files.items():
                (folder / name).write_bytes(data)
    return course


def prepare(course, url, queue):
    """In a process of its own (its connections end with it): the course's assignments added to the gradebook at
    `url`, as the first `nudge grade` into it does, so that the runs copied from it time grading alone."""
    from autograder.course_dir import tool_environment
    from autograder.gradebook import GradebookWriter

    os.environ["PATH"] = tool_environment()["PATH"]  # nbgrader runs `alembic` by name
    with GradebookWriter(course, url) as writer:
        writer.ensure_assignments(assignments(course))
    queue.put(None)


def work_out_plans(course, cache_home, queue):
    """In a process of its own: the course's plans worked out, with autograder.cache's folder under `cache_home`
    (None: the user's own); puts the seconds it took on `queue`."""
    if cache_home is not None:
        os.environ["XDG_CACHE_HOME"] = str(cache_home)
    from autograder.plan import plan_for

    started = time.perf_counter()
    for assignment in assignments(course):
        plan_for(course, assignment)
    queue.put(time.perf_counter() - started)


CPUACCT = Path("/sys/fs/cgroup/cpuacct")  # cgroup v1's CPU accounting, where it is mounted apart from `cpu`


@contextlib.contextmanager
def cpu_account():
    """A cpuacct cgroup for one run, removed at the end (every process started in it stays in it: a sandbox joins
    `cpu`, `memory` and `pids` groups of its own, not this one); None where this machine has none (cgroup v2, `cpu`
    and `cpuacct` in one hierarchy, not root)."""
    group = CPUACCT / f"nudge-scale-{os.getpid()}-{time.monotonic_ns()}"
    try:
        if not (CPUACCT / "cpuacct.usage").exists() or CPUACCT.resolve() != CPUACCT:
            raise OSError("no cpuacct hierarchy, or one with cpu's: the sandboxes would leave the group")
        group.mkdir()
    except OSError:
        yield None
        return
    try:
        yield group
    finally:
        wait_until_empty(group)
        with contextlib.suppress(OSError):  # a process still in it after 10 s: the empty group stays behind
            group.rmdir()


def wait_until_empty(group):
    """Until the processes of cgroup `group` have all ended (the last, a warm sandbox's, may take a moment), at most
    10 s."""
    for _ in range(100):
        if not (group / "cgroup.procs").read_text().strip():
            return
        time.sleep(0.1)


def used_seconds(group):
    """The CPU seconds the processes of cgroup `group` have used, once they have all ended."""
    wait_until_empty(group)
    return int((group / "cpuacct.usage").read_text()) / 1e9


def measure(course, url, students, cluster, log, group, queue):
    """In a process of its own (in cpuacct cgroup `group`, unless None): run `nudge grade` as the command does, and
    put what it cost on `queue`."""
    import resource

    if group is not None:  # first of all: whatever it starts is counted with it
        (group / "cgroup.procs").write_text(str(os.getpid()))

    from autograder import batch, cli, gradebook

    # This process was spawned, and would spawn its pool's workers too (each then working the plans out again):
    # `nudge grade` forks them from a process that has its plans.
    multiprocessing.set_start_method("fork", force=True)
    from autograder import cluster as dask

    spent = {"writes": [], "cluster": 0.0, "first": None, "last": (0.0, 0.0)}
    record, connect, add = gradebook.GradebookWriter.record, dask.connect, batch.Recorder.add
    wait_for_workers = dask.wait_for_workers

    def timed_record(self, entries):
        started = time.perf_counter()
        outcomes = record(self, entries)
        written = sum(1 for outcome in outcomes if not isinstance(outcome, Exception))
        spent["writes"].append((written, time.perf_counter() - started))
        spent["last"] = (time.perf_counter(), time.process_time())  # the process's CPU, all its threads
        return outcomes

    @contextlib.contextmanager
    def timed_connect(*arguments, **options):  # the cluster's start (its workers join while the plans are worked out)
        begun = time.perf_counter()
        with connect(*arguments, **options) as client:
            spent["cluster"] += time.perf_counter() - begun
            yield client

    def timed_wait(*arguments):  # and the wait for its workers, once the plans are worked out
        begun = time.perf_counter()
        wait_for_workers(*arguments)
        spent["cluster"] += time.perf_counter() - begun

    def first_result(self, *arguments):
        spent["first"] = spent["first"] or (time.perf_counter(), time.process_time())
        add(self, *arguments)

    gradebook.GradebookWriter.record, dask.connect, batch.Recorder.add = timed_record, timed_connect, first_result
    dask.wait_for_workers = timed_wait
    with open(log, "w") as output:  # the summary and the progress bar, kept for a failed run's message
        os.dup2(output.fileno(), 1)
        os.dup2(output.fileno(), 2)
    chosen = [argument for student in students for argument in ("--student", student)]
    started = time.perf_counter()
    code = cli.main(["--course", str(course), "grade", "--db", url, *chosen, *cluster])
    seconds = time.perf_counter() - started
    (grading, grading_cpu), (last, last_cpu) = spent["first"], spent["last"]
    queue.put((code, {"seconds": seconds, "start_seconds": grading - started, "cluster_seconds": spent["cluster"],
                      "grading_seconds": last - grading, "cpu": last_cpu - grading_cpu, "writes": spent["writes"],
                      "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def in_process(target, *arguments):
    """target(*arguments, queue) in a fresh interpreter, whose peak memory is its own; returns what it put on queue."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*arguments, queue))
    process.start()
    while True:
        try:
            answer = queue.get(timeout=1)
            break
        except Empty:
            if not process.is_alive():  # it died before it answered: its log (a run's) says why
                raise SystemExit(f"{target.__name__} ended without an answer (exit code {process.exitcode})") from None
    process.join()
    return answer


def grade(course, url, students, label, database, cluster=()):
    """Run `nudge grade` on `students` into the gradebook at `url`; returns its `Run`."""
    log = course.parent / f"{label}-{database}.log".replace(" ", "-").replace(":", "").replace(",", "")
    with cpu_account() as group:
        try:
            code, figures = in_process(measure, course, url, students, list(cluster), log, group)
        except SystemExit as error:
            raise SystemExit(f"{label} into {database}: {error}:\n{log.read_text()[-3000:]}") from None
        cpu_seconds = used_seconds(group) if group is not None else None
    if code != 0:
        raise SystemExit(f"{label} into {database} failed:\n{log.read_text()[-3000:]}")
    notebooks = sum(len(list((course / "submitted" / student).iterdir())) for student in students)
    cpu = figures.pop("cpu") / (notebooks - 1)
    return Run(label, database, notebooks, **figures, cpu_per_notebook=cpu, cpu_seconds=cpu_seconds)


def copy_gradebook(url, name):
    """A copy of the gradebook at `url` (an SQLite file, or a PostgreSQL database on the same server) named `name`;
    returns its URL."""
    import sqlalchemy

    parsed = sqlalchemy.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        copy = Path(parsed.database).with_name(f"{name}.db")
        shutil.copy(parsed.database, copy)
        return f"sqlite:///{copy}"
    engine = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"'))
    engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def median_run(runs):
    """Of one configuration's runs, the one of median wall time (the lower of the two middle ones for an even
    number)."""
    return sorted(runs, key=lambda run: run.seconds)[(len(runs) - 1) // 2]


def each_round(rounds, label, database):
    """The run of `label` into `database` of each round (None in each where it was not run)."""
    return [next((run for run in round_ if (run.label, run.database) == (label, database)), None) for round_ in rounds]


def report(rounds, twice, students, quick):
    """rounds: a list of runs for each round, each configuration once a round (in any order); twice: the run of
    twice the class (None: not run)."""
    configurations = [each_round(rounds, run.label, run.database) for run in rounds[0]]  # each one's of every round
    runs = [median_run(same) for same in configurations]
    attacked = sum(1 for index in range(students) if index % 3 == 2)
    modules = runs[0].notebooks // students
    print(f"\n{students} students × {modules} modules = {runs[0].notebooks} notebooks (correct, wrong and blank in "
          f"turn; attacks: {attacked}), {os.cpu_count()} cores. First result: seconds until it is back (plans, "
          "cluster (in brackets: its start, and the wait for its workers after the plans), gradebook, one notebook); "
          "notebooks/s: the others, from then to the last "
          "commit; own ms: the grading process's CPU a notebook meanwhile; CPU s: all the run's processes', the "
          "database server's apart (- : this machine cannot tell); writes/s: submissions a second of the "
          "writer's time, in batches of the size shown (a batch commits within 0.5 s, so a slow trickle of results "
          "makes small ones; benchmarks/gradebook_writes.py measures what the writer can take).")
    if len(rounds) > 1:
        print(f"{len(rounds)} rounds: each configuration's median run, and its wall times from the fastest to the "
              "slowest.")
    print(f"{'run':<30}{'database':<12}{'wall s':>8}{'first result':>14}{'(cluster)':>10}{'notebooks/s':>13}"
          f"{'own ms':>8}{'CPU s':>7}{'peak MiB':>10}{'writes/s':>10}{'batch':>7}"
          + ("  wall s of each round" * (len(rounds) > 1)))
    for run, same in [*zip(runs, configurations, strict=True), *([(twice, [twice])] if twice else [])]:
        cluster = f"{run.cluster_seconds:.1f}" if run.cluster_seconds else "-"
        cpu = f"{run.cpu_seconds:.0f}" if run.cpu_seconds is not None else "-"
        spread = "  " + " ".join(f"{other.seconds:.1f}" for other in sorted(same, key=lambda other: other.seconds))
        print(f"{run.label:<30}{run.database:<12}{run.seconds:>8.1f}{run.start_seconds:>14.1f}{cluster:>10}"
              f"{run.per_second:>13.2f}{run.cpu_per_notebook * 1000:>8.0f}{cpu:>7}{run.peak_mib:>10.0f}"
              f"{run.writes_per_second:>10.0f}{run.batch:>7.1f}" + spread * (len(same) > 1))
    by = {(run.label, run.database): run for run in runs}
    print()
    for database in ("SQLite", "PostgreSQL"):
        ones, twos, pools = (each_round(rounds, label, database)
                             for label in ("Dask local:1", "Dask local:2", "process pool"))
        if ones[0] and twos[0]:
            speed_ups = [two.per_second / one.per_second for one, two in zip(ones, twos, strict=True)]
            print(f"{database}: Dask from 1 to 2 workers, {statistics.median(speed_ups):.2f}× the notebooks/s"
                  f"{in_rounds(speed_ups, '{:.2f}×')} (target: at least 1.8×)")
        if twos[0] and pools[0]:
            walls = [100 * (two.seconds / pool.seconds - 1) for pool, two in zip(pools, twos, strict=True)]
            flowing = [100 * (pool.per_second / two.per_second - 1) for pool, two in zip(pools, twos, strict=True)]
            print(f"{database}: Dask local:2 against the process pool, {statistics.median(walls):+.0f} % wall time"
                  f"{in_rounds(walls, '{:+.0f} %')}, {statistics.median(flowing):+.0f} % once results flow"
                  f"{in_rounds(flowing, '{:+.0f} %')} (target: at most +10 %)")
            if all(run.cpu_seconds is not None for run in [*pools, *twos]):
                work = [100 * (two.cpu_seconds / pool.cpu_seconds - 1) for pool, two in zip(pools, twos, strict=True)]
                print(f"{database}: Dask local:2 against the process pool, {statistics.median(work):+.0f} % CPU time "
                      f"of all the run's processes{in_rounds(work, '{:+.0f} %')}")
    if twice:
        single = by["process pool", "SQLite"]
        print(f"Peak memory of the grading process: {single.peak_mib:.0f} MiB for {single.notebooks} notebooks, "
              f"{twice.peak_mib:.0f} MiB for {twice.notebooks} ({twice.peak_mib - single.peak_mib:+.0f} MiB)")
    basis = by["Dask local:2", "PostgreSQL"]
    workers = 2 / basis.per_second  # core-seconds a notebook once results flow, the grading process's included
    own = basis.cpu_per_notebook  # what the one grading process spends on each: no number of workers spreads it
    print(f"\nProjected wall time of 2,000 students × 8 modules = {CLASS:,} notebooks, from the run of Dask local:2 "
          f"into PostgreSQL and the same mix of kinds: its time to the first result ({basis.start_seconds:.1f} s), "
          f"then the longer of {CLASS:,} × {workers:.2f} core-s a notebook (2 workers / its notebooks/s) spread over "
          f"the cores, and {CLASS:,} × {own * 1000:.0f} ms, the grading process's own CPU time a notebook (reading "
          "submissions, sending tasks, writing graded notebooks and the gradebook), which stays on one core. A small "
          "class overstates both: each worker also warms up once per module, which 2,000 students amortise.")
    for cores in CORES:
        seconds = basis.start_seconds + max(CLASS * workers / cores, CLASS * own)
        print(f"  {cores:>3} cores: {seconds / 60:6.1f} min")
    if quick:
        print("(--quick: no 1-worker run and no run of twice the class)")


def in_rounds(figures, form):
    """' (rounds: a, b, c)' for more than one round, else nothing: the median printed before it is of these."""
    return f" (rounds: {', '.join(form.format(figure) for figure in figures)})" if len(figures) > 1 else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=3, help="synthetic students (default 3: 24 notebooks)")
    parser.add_argument("--quick", action="store_true", help="only the pool into SQLite and local:2 into PostgreSQL")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of every configuration (default 1); the "
                        "report gives each configuration's median run and the median of the rounds' ratios")
    options = parser.parse_args()
    executors = [("process pool", ()), ("Dask local:2", ("--cluster", "local:2")),
                 ("Dask local:1", ("--cluster", "local:1"))]
    wanted = [(database, executor) for database in ("SQLite", "PostgreSQL") for executor in executors
              if not options.quick or (executor[0], database) in (("process pool", "SQLite"),
                                                                  ("Dask local:2", "PostgreSQL"))]
    names = [f"student{index:04d}" for index in range(2 * options.students)]
    if options.repeat < 1:
        parser.error(f"--repeat {options.repeat}: give 1 or more rounds")
    rounds, twice = [], None
    with tempfile.TemporaryDirectory(prefix="nudge-scale-") as scratch, postgres_server() as server:
        course = make_course(Path(scratch), len(names) if not options.quick else options.students)
        empty = {"SQLite": f"sqlite:///{course / 'empty.db'}", "PostgreSQL": server}
        for url in empty.values():
            in_process(prepare, course, url)
        # Once with nothing kept (the first grading after a change to source/ or the grader); then into the user's
        # cache (filling it, if it is empty), which every run below reads, as every grading after the first does:
        # the last, from the cache, is the one reported.
        plans = [in_process(work_out_plans, course, cache_home)
                 for cache_home in (Path(scratch) / "cold", None, None)]
        for round_ in range(options.repeat):
            rounds.append([])
            for number, (database, (label, cluster)) in enumerate(wanted if round_ % 2 == 0 else wanted[::-1]):
                url = copy_gradebook(empty[database], f"run{round_}x{number}")
                print(f"grading: {label} into {database} (round {round_ + 1} of {options.repeat})", file=sys.stderr)
                rounds[-1].append(grade(course, url, names[:options.students], label, database, cluster))
        if not options.quick:  # once: it is there for the peak memory, which does not change from run to run
            print("grading: the process pool into SQLite, twice the class", file=sys.stderr)
            twice = grade(course, copy_gradebook(empty["SQLite"], "twice"), names, "process pool, twice the class",
                          "SQLite")
    report(rounds, twice, options.students, options.quick)
    print(f"The plans, worked out before the runs: {plans[0]:.1f} s with nothing kept (once after each change to "
          f"source/ or the grader), {plans[2]:.1f} s from what autograder.cache keeps (every run above).")


if __name__ == "__main__":
    main()
