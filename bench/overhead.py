"""Engine overhead per trial: bakeoff's durable trial loop beside Optuna alone.

Every contender runs the same trivial objective (a quadratic of a float, an int and a
categorical parameter, so the "model" costs microseconds) with the same random sampler,
all trials in one cell / one Optuna study. The model's own time is measured in a plain
loop that calls the objective with sampled parameters and is subtracted, leaving the
engine's overhead per trial:

- ``optuna in-memory``:  ``study.optimize`` with ``InMemoryStorage`` (not durable);
- ``optuna journal``:    ``study.optimize`` with Optuna's ``JournalStorage`` on a file
  (its fastest durable storage);
- ``optuna sqlite``:     ``study.optimize`` with Optuna's ``RDBStorage`` on a SQLite file;
- ``bakeoff sqlite``:    bakeoff's cell loop (``bakeoff.protocol.tune``: per-trial seeded
  sampler, replay-ready records) committing every trial to a bakeoff SQLite store as it
  ends, as ``bakeoff run`` does;
- ``bakeoff isolated``:  the same, each trial in a forked child process, as when
  ``tuning.trial_timeout`` or ``tuning.trial_memory`` is set (at most 300 trials).

Run::

    python bench/overhead.py                 # 1,000 and 5,000 trials
    python bench/overhead.py --trials 1000   # one size only
    python bench/overhead.py --quick         # 100 trials: checks the script still runs
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import optuna

from bakeoff.protocol import SearchSettings, tune
from bakeoff.protocol._isolation import TrialLimits, run_isolated
from bakeoff.store import CellDefinition, Store
from bakeoff.tuning import SearchSpace

SPACE = SearchSpace(
    {
        "x": {"type": "float", "low": -5.0, "high": 5.0},
        "n": {"type": "int", "low": 1, "high": 100},
        "kind": {"type": "categorical", "choices": ["a", "b", "c"]},
    }
)
SEED = 0


def model(params: dict[str, Any]) -> float:
    """The trivial model: what a trial's own work would be."""
    bonus = {"a": 0.0, "b": 0.5, "c": 1.0}[params["kind"]]
    return (params["x"] - 1.0) ** 2 + 0.01 * params["n"] + bonus


def optuna_objective(trial: optuna.Trial) -> float:
    return model(SPACE.suggest(trial))


def time_model_alone(n_trials: int) -> float:
    """Seconds per trial of the model itself (no sampler, no storage)."""
    sampler = optuna.samplers.RandomSampler(seed=SEED)
    study = optuna.create_study(sampler=sampler)
    configs = [SPACE.suggest(study.ask()) for _ in range(min(n_trials, 1000))]
    clock = time.perf_counter()
    for _ in range(max(1, n_trials // len(configs))):
        for params in configs:
            model(params)
    return (time.perf_counter() - clock) / (len(configs) * max(1, n_trials // len(configs)))


def time_optuna(n_trials: int, storage: Any) -> float:
    study = optuna.create_study(
        storage=storage, sampler=optuna.samplers.RandomSampler(seed=SEED), direction="minimize"
    )
    clock = time.perf_counter()
    study.optimize(optuna_objective, n_trials=n_trials)
    return (time.perf_counter() - clock) / n_trials


def time_bakeoff(n_trials: int, folder: Path, *, isolated: bool = False) -> float:
    folder.mkdir(exist_ok=True)
    store = Store(f"sqlite:///{folder / 'bakeoff.db'}")
    prepared = store.prepare_study(
        name="overhead",
        spec_json="{}",
        spec_hash="0" * 64,
        seed=SEED,
        bakeoff_version="bench",
        provenance={},
        datasets=[],
        cell_definitions=[CellDefinition("k" * 64, "trivial", "none", "full", 0, {})],
    )
    cell_id = prepared.cell_ids["k" * 64]
    store.claim_next([cell_id], "bench")
    replayed = store.start_cell(cell_id, "bench")
    writer = store.trial_writer(cell_id, "bench")
    limits = TrialLimits(seconds=60.0)

    def objective(params: dict[str, Any], trial: optuna.Trial) -> list[float]:
        if isolated:
            return [run_isolated(lambda p, t: model(p), params, trial, limits)]
        return [model(params)]

    clock = time.perf_counter()
    tune(
        space=SPACE,
        objective=objective,
        settings=SearchSettings(
            directions=("minimize",), method="random", n_trials=n_trials, cell_seed=SEED
        ),
        replayed=replayed,
        on_trials=writer.write_many,
    )
    writer.close()  # every trial committed: part of the measured time
    seconds = (time.perf_counter() - clock) / n_trials
    store.close()
    return seconds


def best_of(repeats: int, run: Any) -> float:
    return min(run() for _ in range(repeats))


def contenders(n_trials: int, folder: Path) -> dict[str, Any]:
    """What runs, by name: each returns seconds per trial."""
    journal = optuna.storages.journal.JournalFileBackend(str(folder / "optuna.journal"))
    return {
        "model alone": lambda: time_model_alone(n_trials),
        "optuna in-memory": lambda: time_optuna(n_trials, optuna.storages.InMemoryStorage()),
        "optuna journal": lambda: time_optuna(n_trials, optuna.storages.JournalStorage(journal)),
        "optuna sqlite": lambda: time_optuna(n_trials, f"sqlite:///{folder / 'optuna.db'}"),
        "bakeoff sqlite": lambda: time_bakeoff(n_trials, folder),
        # Each trial in a forked child, as with tuning.trial_timeout / trial_memory.
        "bakeoff isolated": lambda: time_bakeoff(
            min(n_trials, 300), folder / "isolated", isolated=True
        ),
    }


def measure(n_trials: int, repeats: int) -> dict[str, float]:
    """Best seconds per trial of each contender over ``repeats`` fresh folders."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    figures: dict[str, list[float]] = {}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            for name, run in contenders(n_trials, Path(tmp)).items():
                figures.setdefault(name, []).append(run())
    return {name: min(values) for name, values in figures.items()}


def report(n_trials: int, seconds: dict[str, float]) -> None:
    model_ms = seconds["model alone"] * 1e3
    print(f"\n{n_trials:,} trials in one cell (random sampler, best of the repeats)")
    print(f"  model's own time: {model_ms:.4f} ms/trial (subtracted below)")
    overhead = {name: seconds[name] * 1e3 - model_ms for name in seconds if name != "model alone"}
    base = overhead["optuna in-memory"]
    print(f"  {'engine':<18} {'ms/trial':>9} {'overhead':>9} {'÷ in-memory':>12}")
    for name, value in overhead.items():
        print(f"  {name:<18} {seconds[name] * 1e3:>9.3f} {value:>9.3f} {value / base:>11.2f}×")
    ratio_rdb = overhead["bakeoff sqlite"] / overhead["optuna sqlite"]
    print(f"  bakeoff sqlite ÷ optuna sqlite: {ratio_rdb:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, nargs="*", default=[1000, 5000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="100 trials, one repeat")
    args = parser.parse_args()
    if args.quick:
        args.trials, args.repeats = [100], 1
    for n_trials in args.trials:
        report(n_trials, measure(n_trials, args.repeats if n_trials <= 1000 else 1))


if __name__ == "__main__":
    main()
