"""Sweeps on a Dask cluster: an embedded one (``--workers N``) or an existing one
(``--scheduler ADDRESS``).

Every block is one task, keyed by its grid point and block
(``summitsim-block-POINT-BLOCK-TOKEN``, the token naming the plan), and runs the serial
kernel in a worker (one thread per worker, numba's included). Each grid point's compiled
arrays reach the cluster once, as a small task of their own, which the blocks of that point
depend on: unlike scattered data, a task is recomputed by the scheduler if the worker
holding its result dies. Results come back to the client as they finish
(``as_completed``) and go to ``done(task, counts)`` there, exactly once per block, whatever
workers die or rejoin meanwhile; the counts do not depend on which worker ran a block. At
most a few tasks per worker thread are in flight, so a sweep of any size keeps the client
and the scheduler small.
"""

from __future__ import annotations

import functools
import itertools
import logging
import signal
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import AbstractContextManager, contextmanager

import dask
import numpy as np
from dask.base import tokenize
from dask.typing import Key
from distributed import Client, Future, LocalCluster, as_completed
from distributed.comm import CommClosedError

from summitsim.arrays import ScenarioArrays
from summitsim.scenario import ScenarioError
from summitsim.sweep import Backend, BlockTask, ClusterLost, SweepPlan, run_block

#: Seconds to wait for ``--scheduler ADDRESS`` to answer before giving up.
CONNECT_TIMEOUT_S = 10.0
#: Tasks kept in flight per worker thread (and at least :data:`MIN_IN_FLIGHT`).
IN_FLIGHT_PER_THREAD = 4
MIN_IN_FLIGHT = 16
#: Grid points whose arrays the client keeps on the cluster: blocks come point by point,
#: so only the last few are still asked for (queued blocks keep theirs alive meanwhile).
POINTS_KEPT = 8
#: Dask setting that puts a variable in a worker's environment before the worker process
#: starts (and so before numba is imported there).
NUMBA_THREADS_SETTING = "distributed.nanny.pre-spawn-environ.NUMBA_NUM_THREADS"

Done = Callable[[BlockTask, np.ndarray], None]


def dask_backend(workers: int | None, scheduler: str | None) -> tuple[Backend, str]:
    """A backend on ``workers`` local worker processes, or on the cluster whose scheduler
    is at ``scheduler`` (exactly one of the two), and its name. Nothing starts or connects
    until the backend runs; it closes what it opened when it returns or fails."""
    if scheduler is not None and workers is None:
        return functools.partial(run_on_dask, lambda: attached_client(scheduler)), (
            f"dask {scheduler}"
        )
    if workers is not None and scheduler is None:
        local_workers = workers
        return functools.partial(run_on_dask, lambda: embedded_client(local_workers)), (
            f"dask, {workers} local worker{'s' * (workers != 1)}"
        )
    raise ValueError("give exactly one of workers and scheduler")


@contextmanager
def embedded_client(workers: int) -> Iterator[Client]:
    """A client of a new cluster of ``workers`` single-threaded worker processes on this
    machine (loopback only, no dashboard), closed on exit."""
    # the setting is read when the nannies are made; Ctrl-C is left to this process, which
    # then closes the cluster, instead of every worker stopping on its own with a traceback.
    # The cluster's logs are silenced: what matters reaches this process through the
    # client (a failed block raises here, a lost worker's blocks are recomputed), while
    # distributed's own shutdown races (a heartbeat cut off as a worker closes, dask
    # distributed issue 7192) would print tracebacks after a run that went well.
    with dask.config.set({NUMBA_THREADS_SETTING: "1"}), _children_ignore_ctrl_c():
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.CRITICAL,
        )
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


@contextmanager
def _children_ignore_ctrl_c() -> Iterator[None]:
    """Processes started inside ignore SIGINT (an ignored signal stays ignored across exec;
    Python then keeps it ignored). A Ctrl-C meanwhile, in the main thread, is lost."""
    with _ctrl_c_handled_by(signal.SIG_IGN):
        yield


@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """A Ctrl-C inside is held and raised as :class:`KeyboardInterrupt` once the block has
    finished. Blocking calls of distributed's client (``Future.result``) go through
    ``distributed.utils.sync``, which logs tracebacks when a KeyboardInterrupt lands in
    it; a block result is already computed, so holding the signal costs milliseconds."""
    held: list[int] = []
    with _ctrl_c_handled_by(lambda signum, frame: held.append(signum)):
        yield
    if held:
        raise KeyboardInterrupt


@contextmanager
def _ctrl_c_handled_by(handler: Callable | int) -> Iterator[None]:
    """SIGINT goes to ``handler`` inside (signals are only for the main thread: elsewhere
    nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def attached_client(address: str) -> Iterator[Client]:
    """A client of the running cluster whose scheduler is at ``address``, closed on exit;
    a :class:`ScenarioError` (bad input) if it does not answer within
    :data:`CONNECT_TIMEOUT_S`."""
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as error:
        raise ScenarioError(
            field="--scheduler",
            message=f"no Dask scheduler answered at {address} within {CONNECT_TIMEOUT_S:g} s "
            f"({type(error).__name__}); allowed: the address of a running scheduler, "
            "e.g. tcp://HOST:8786",
        ) from None
    try:
        if not client.nthreads():
            print(f"Waiting for Dask workers to join {address} ...", file=sys.stderr)
        yield client
    finally:
        client.close()


def run_on_dask(
    connect: Callable[[], AbstractContextManager[Client]],
    plan: SweepPlan,
    arrays: Sequence[ScenarioArrays],
    tasks: Iterable[BlockTask],
    done: Done,
) -> None:
    """The :data:`~summitsim.sweep.Backend` contract on a Dask client from ``connect()``:
    run ``tasks`` and call ``done`` once per distinct (point, block), in the calling
    process, as results arrive. :class:`~summitsim.sweep.ClusterLost` if the scheduler
    goes away meanwhile."""
    queue = iter(tasks)
    first = next(queue, None)
    if first is None:
        return
    # While the client runs, distributed's own informational lines are held back: what
    # matters reaches this process through the client (a failed block raises here), and
    # when a scheduler goes away its background sender logs "Batched Comm Closed" with a
    # traceback before the client's error arrives, racing the one line of ClusterLost.
    with _logs_at_least("distributed", logging.ERROR), connect() as client:
        token = plan_token(plan)
        points: OrderedDict[int, Future] = OrderedDict()

        def submit(task: BlockTask) -> Future:
            if task.point not in points:
                points[task.point] = client.submit(
                    _given, arrays[task.point], key=f"summitsim-point-{task.point}-{token}"
                )
                if len(points) > POINTS_KEPT:
                    points.popitem(last=False)
            return client.submit(
                run_block, points[task.point], task, plan.seed, False, key=block_key(task, token)
            )

        limit = max(MIN_IN_FLIGHT, IN_FLIGHT_PER_THREAD * sum(client.nthreads().values()))
        try:
            reduce_as_completed(itertools.chain([first], queue), submit, limit, done)
        except (CancelledError, CommClosedError) as error:
            # a future is cancelled, or a result cannot be fetched, only when the client
            # has lost its scheduler (a lost worker's blocks are recomputed, a failing block
            # raises its own error). What the client logs on its way down (a reconnection
            # cut short) says nothing the one line of ClusterLost does not.
            _silence("distributed")
            raise ClusterLost(
                f"lost the connection to the Dask scheduler ({type(error).__name__})"
            ) from None


@contextmanager
def _logs_at_least(library: str, level: int) -> Iterator[None]:
    """Inside, ``library``'s loggers pass only records of ``level`` or above. On exit each
    gets its own level back, unless it was changed meanwhile (:func:`_silence` lasts)."""
    loggers = _loggers_of(library)
    previous = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(level, logger.getEffectiveLevel()))
    raised = [logger.level for logger in loggers]
    try:
        yield
    finally:
        for logger, old, new in zip(loggers, previous, raised, strict=True):
            if logger.level == new:
                logger.setLevel(old)


def _loggers_of(library: str) -> list[logging.Logger]:
    """The loggers made so far whose names are ``library`` or below it."""
    names = [library, *logging.root.manager.loggerDict]
    return [
        logging.getLogger(name)
        for name in dict.fromkeys(names)
        if name == library or name.startswith(library + ".")
    ]


def _silence(library: str) -> None:
    """No more log lines from ``library``'s loggers (each may have a level of its own)."""
    for logger in _loggers_of(library):
        logger.setLevel(logging.CRITICAL + 1)


def reduce_as_completed(
    tasks: Iterable[BlockTask], submit: Callable[[BlockTask], Future], limit: int, done: Done
) -> None:
    """Keep at most ``limit`` of ``tasks`` in flight via ``submit(task) -> future``; hand
    each result to ``done`` as it finishes, ignoring a second result for a block already
    done (a task submitted twice, or a result that arrives again)."""
    queue = iter(tasks)
    in_flight: dict[Key, BlockTask] = {}
    finished: set[tuple[int, int]] = set()

    def start(task: BlockTask) -> Future:
        future = submit(task)
        in_flight[future.key] = task
        return future

    running = as_completed([start(task) for task in itertools.islice(queue, limit)])
    for future in running:
        task = in_flight.pop(future.key, None)
        with _ctrl_c_held():
            counts = future.result()
        future.release()
        if task is not None and (task.point, task.block) not in finished:
            finished.add((task.point, task.block))
            done(task, counts)
        following = next(queue, None)
        if following is not None:
            running.add(start(following))


def plan_token(plan: SweepPlan) -> str:
    """A short name of what the plan computes (scenario, seed, grid, trials, block size):
    tasks of two different sweeps sharing a scheduler never share a key."""
    return tokenize(plan.identity())[:16]


def block_key(task: BlockTask, token: str) -> str:
    """The Dask key of a block: the same for the same block of the same plan."""
    return f"summitsim-block-{task.point}-{task.block}-{token}"


def _given(value: ScenarioArrays) -> ScenarioArrays:
    """The identity: a task whose result is a grid point's arrays, recomputable from its
    own definition if the worker holding it dies."""
    return value
