"""Sweeps give the same numbers whatever runs their blocks, and write what section 4 says."""

import json

import numba
import numpy as np
import pytest
from repository import BUDAPEST_FILE
from sizes import trials as scaled

from summitsim import draws, kernel
from summitsim.arrays import compile_scenario
from summitsim.outcomes import COUNT_COLUMNS, OUTCOME_COLUMNS, Count, Outcome
from summitsim.outputs.sweep import write_outputs
from summitsim.scenario import ScenarioError, load_scenario
from summitsim.summary import summarise
from summitsim.sweep import Grid, SweepPlan, run_block, run_sweep

BUDAPEST = str(BUDAPEST_FILE)


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(BUDAPEST)


def small_plan(scenario, *over, trials=12_000, block=5_000):
    return SweepPlan(scenario, Grid.parse(scenario, list(over)), trials, seed=3, block_trials=block)


@pytest.mark.slow
def test_counts_do_not_depend_on_threads_or_the_parallel_path(scenario):
    arrays = compile_scenario(scenario)
    key = draws.block_key(4, 1, 2)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = kernel.count(arrays, 50_000, key)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = kernel.count(arrays, 50_000, key)
    finally:
        numba.set_num_threads(before)
    serial = kernel.count(arrays, 50_000, key, parallel=False)
    np.testing.assert_array_equal(one, two)
    np.testing.assert_array_equal(one, serial)
    assert one[list(OUTCOME_COLUMNS)].sum() == 50_000  # the outcomes partition the trials


def test_counts_equal_the_per_trial_results(scenario):
    """The counting kernel against the slow, obvious path: tally every trial's result."""
    arrays = compile_scenario(scenario)
    key = draws.block_key(0, 0, 0)
    n = scaled(20_000)
    trials = kernel.simulate(arrays, n, key)
    counts = kernel.count(arrays, n, key)
    assert counts[Count.SUMMIT] == np.sum(trials.outcome == Outcome.SUMMIT)
    cancelled_by_a = (trials.outcome == Outcome.CANCELLED) & (trials.side == 0)
    assert counts[Count.CANCELLED_A] == np.sum(cancelled_by_a)
    vetoed_by_b = (trials.outcome == Outcome.VETOED) & (trials.side == 1)
    assert counts[Count.VETOED_B] == np.sum(vetoed_by_b)
    assert counts[Count.DEADLINE] == np.sum(trials.outcome == Outcome.DEADLINE)
    assert counts[Count.SIDELINED_B] == np.sum(trials.sidelined >> 1 & 1)


@pytest.mark.slow
def test_block_order_does_not_matter(scenario):
    plan = small_plan(scenario, "putin.softness=0:1:3", "trump.patience=0.3:0.6:2")

    def reversed_backend(plan, arrays, tasks, done):
        for task in reversed(list(tasks)):
            done(task, run_block(arrays[task.point], task, plan.seed, parallel=False))

    forward = run_sweep(plan, progress=False).counts
    backward = run_sweep(plan, backend=reversed_backend, progress=False).counts
    np.testing.assert_array_equal(forward, backward)
    assert forward.shape == (6, len(COUNT_COLUMNS))


def test_blocks_cover_the_trials_exactly(scenario):
    plan = small_plan(scenario, "putin.softness=0:1:2", trials=12_000, block=5_000)
    tasks = list(plan.tasks())
    assert [t.trials for t in tasks] == [5000, 5000, 2000] * 2
    counts = run_sweep(plan, progress=False).counts
    assert (counts[:, :6].sum(axis=1) == 12_000).all()


@pytest.mark.slow
def test_outputs_follow_the_contract(scenario, tmp_path):
    plan = small_plan(scenario, "putin.softness=0:1:5")
    result = run_sweep(plan, tmp_path, progress=False)
    write_outputs(result, tmp_path, BUDAPEST)
    header = (tmp_path / "summary.csv").read_text().splitlines()[0].split(",")
    assert header[:6] == ["putin.softness", "trials", "summits", "p_summit", "ci_low", "ci_high"]
    assert {"p_cancelled", "p_vetoed", "p_deadline"} <= set(header)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    for key in (
        "scenario",
        "scenario_sha256",
        "seed",
        "grid",
        "trials",
        "version",
        "elapsed_s",
        "trials_per_second",
        "tipping_point",
    ):
        assert key in manifest
    assert manifest["grid"] == {"putin.softness": [0.0, 0.25, 0.5, 0.75, 1.0]}
    assert (tmp_path / "p_summit.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob(".*"))  # no temporary files left


@pytest.mark.slow
def test_summary_shares_add_up(scenario):
    summary = summarise(run_sweep(small_plan(scenario, "putin.softness=0:1:3"), progress=False))
    total = sum(
        summary.column(name)
        for name in ("p_summit", "p_cancelled", "p_vetoed", "p_deadline", "p_no_deal")
    )
    np.testing.assert_allclose(total, 1.0)


@pytest.mark.parametrize(
    "over, problem",
    [
        (["putin.ideal=0:1:3"], "scalar"),
        (["putin.softness=0:2:3"], "softness"),
        (["a=0:1:2", "b=0:1:2", "c=0:1:2"], "one or two"),
        (["putin.softness=0:1:3", "putin.softness=0:1:3"], "twice"),
    ],
)
def test_bad_grids_are_refused(scenario, over, problem):
    with pytest.raises(ScenarioError, match=problem):
        SweepPlan(scenario, Grid.parse(scenario, over), 10, 0).point_arrays()


def test_a_large_seed_does_not_replay_another_seeds_grid_point(scenario):
    """Seed 2^32 + 5 at its only point was seed 5 at the second point of the same value."""
    one = SweepPlan(scenario, Grid.parse(scenario, ["putin.softness=0.5:0.5:1"]), 4000, 2**32 + 5)
    two = SweepPlan(scenario, Grid.parse(scenario, ["putin.softness=0:0.5:2"]), 4000, 5)
    large = run_sweep(one, progress=False).counts[0]
    small = run_sweep(two, progress=False).counts[1]
    assert large.sum() > 0 and small.sum() > 0
    assert not np.array_equal(large, small)


def test_planning_a_large_sweep_takes_no_memory(scenario):
    """10,000 grid points of 10 blocks: nothing is made before it is run."""
    import tracemalloc

    grid = Grid.parse(scenario, ["putin.softness=0:1:100", "trump.patience=0.3:0.6:100"])
    tracemalloc.start()
    try:
        plan = SweepPlan(scenario, grid, 1_000_000, 0)
        arrays = plan.point_arrays()
        tasks = plan.tasks()
        first = [next(tasks) for _ in range(3)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000
    assert len(arrays) == 10_000 and [(t.point, t.block) for t in first] == [(0, 0), (0, 1), (0, 2)]
    assert sum(1 for _ in tasks) == 10 * 10_000 - 3


def test_lazy_point_arrays_are_the_points_values(scenario):
    """Point i of the lazily compiled arrays is the scenario at the i-th grid point."""
    from summitsim.scenario.overrides import with_values

    plan = small_plan(scenario, "putin.softness=0:1:3", "trump.patience=0.3:0.6:2")
    arrays = plan.point_arrays()
    for i, values in enumerate(plan.grid.points()):
        nominal = compile_scenario(
            with_values(scenario, dict(zip(plan.grid.paths, values)))
        ).nominal
        np.testing.assert_array_equal(arrays[i].nominal, nominal)
    with pytest.raises(IndexError):
        arrays[6]


@pytest.mark.parametrize(
    ("trials", "block", "message"),
    [
        (10**10, 100_000, "allowed: 1 to 100,000,000,000 trials in all"),
        (10**6, 1, "at most 1,000,000 blocks"),
    ],
)
def test_plans_beyond_the_limits_are_refused(scenario, trials, block, message):
    grid = Grid.parse(scenario, ["putin.softness=0:1:21"])
    with pytest.raises(ScenarioError, match=message):
        SweepPlan(scenario, grid, trials, 0, block_trials=block)
