"""The optimisation account beside Optuna's importance evaluators on the same searches.

Real Optuna studies (random sampler, five parameters: three floats, an int and a
categorical, and an objective that depends mostly on two of them) stand for the cells
of a study. Timed, best of 2:

- ``optuna``: ``optuna.importance.get_param_importances`` with fANOVA (seeded) and
  PED-ANOVA on each study, already in memory: the plain alternative, importance only;
- ``bakeoff``: ``bakeoff.analysis.optimization`` on the same trials as a table: it
  rebuilds each study from the rows, computes both importances, and adds the history,
  spread, convergence, pooled per-model figures and recommendations.

Run::

    python bench/optimization.py            # 40 cells x 50 trials (the docs' figures)
    python bench/optimization.py --quick    # 4 cells x 20 trials: checks the script runs
"""

from __future__ import annotations

import argparse
import time
import warnings
from typing import Any

import optuna
import pandas as pd

from bakeoff.analysis import optimization


def objective(trial: optuna.Trial) -> float:
    lr = trial.suggest_float("learning_rate", 1e-3, 0.5, log=True)
    depth = trial.suggest_int("max_depth", 2, 12)
    trial.suggest_float("subsample", 0.5, 1.0)
    trial.suggest_float("reg_lambda", 1e-3, 10.0, log=True)
    booster = trial.suggest_categorical("booster", ["gbtree", "dart", "gblinear"])
    return -((lr - 0.05) ** 2) * 100 - 0.01 * abs(depth - 6) + (0.01 if booster == "dart" else 0)


def studies(n_cells: int, n_trials: int) -> list[optuna.Study]:
    out = []
    for seed in range(n_cells):
        study = optuna.create_study(
            direction="maximize", sampler=optuna.samplers.RandomSampler(seed=seed)
        )
        study.optimize(objective, n_trials=n_trials)
        out.append(study)
    return out


def table(found: list[optuna.Study]) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for i, study in enumerate(found):
        rows += [
            {
                "model": f"model{i % 2}",
                "dataset": f"data{i // 2 % 4}",
                "budget": "full",
                "seed": i,
                "number": t.number,
                "state": t.state.name,
                "values": t.values,
                "params": t.params,
                "distributions": t.distributions,
                "objective": "score",
                "direction": "maximize",
            }
            for t in study.trials
        ]
    return pd.DataFrame(rows)


def plain(found: list[optuna.Study]) -> None:
    for study in found:
        for evaluator in (
            optuna.importance.FanovaImportanceEvaluator(seed=0),
            optuna.importance.PedAnovaImportanceEvaluator(target_quantile=0.1),
        ):
            optuna.importance.get_param_importances(study, evaluator=evaluator)


def best_of(repeats: int, run: Any) -> float:
    times = []
    for _ in range(repeats):
        clock = time.perf_counter()
        run()
        times.append(time.perf_counter() - clock)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, seconds")
    quick = parser.parse_args().quick
    n_cells, n_trials = (4, 20) if quick else (40, 50)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.simplefilter("ignore")  # PED-ANOVA is experimental in Optuna
    found = studies(n_cells, n_trials)
    trials = table(found)
    repeats = 1 if quick else 2
    optuna_s = best_of(repeats, lambda: plain(found))
    bakeoff_s = best_of(repeats, lambda: optimization(trials, seed=0))
    print(f"{n_cells} cells x {n_trials} trials, best of {repeats}")
    print(f"{'':38}{'s in all':>10}{'ms / cell':>11}{'ratio':>8}")
    for name, seconds in (
        ("Optuna importances (fANOVA+PED-ANOVA)", optuna_s),
        ("bakeoff optimization account", bakeoff_s),
    ):
        print(f"{name:38}{seconds:10.2f}{1000 * seconds / n_cells:11.1f}{seconds / optuna_s:7.2f}x")


if __name__ == "__main__":
    main()
