"""The verbal-autopsy study: bakeoff's defaults beside the plain Optuna script, in one run.

The study: XGBoost, random forest and logistic regression × 4 simulated sites held out
one at a time × 3 training budgets × 3 seeds, each cell tuned for CSMF accuracy with TPE
(30 trials, 5-fold inner CV) and refitted and tested on the held-out site.

- ``bakeoff``: one study file's worth of settings, run with bakeoff's defaults for such
  a study: cells in parallel (``n_jobs: 2``) and the median pruner on the inner folds
  (forests and boosting report their trees and rounds).
- ``plain optuna``: the straightforward script a user writes without bakeoff: for each
  cell, subsample the training sites, one ``optuna.create_study`` with a seeded
  ``TPESampler``, an objective that runs ``StratifiedKFold`` over scikit-learn pipelines
  (the same search spaces and estimators), ``study.optimize`` one trial at a time, no
  pruning, then refit the best and score the held-out site; one cell after the other.

Printed: wall and CPU seconds of each (CPU: this process and its finished children),
the wall-time ratio, and per model the mean test CSMF accuracy of each with the paired
difference (bakeoff − plain, pairs: model, site, budget, seed) and its 95 % t-interval,
beside the between-seed standard deviation (the noise the goal is measured against).
Goal: ≥ 3× less wall time at a CSMF accuracy not worse beyond seed noise.

The full study is hours of the two cores (about 5 for the plain script alone), so a run
may be kept in a folder and continued: ``--workdir DIR`` keeps bakeoff's store, each
sitting's wall and CPU time (written every few seconds, so a sitting that is killed
still counts up to its last seconds, the work lost with it included) and the plain
script's finished cells with their times; the same command goes on where the last
sitting stopped (bakeoff resumes its own study; the plain script skips the cells it
finished and redoes the one it was in, which is counted once). The times printed are
sums over the sittings. The CPU time of a sitting killed without notice counts its main
process only (its workers' time is known when they are waited for). Run it on a
machine with nothing else on its cores.

Run::

    python bench/va_study.py --workdir runs/va-bench   # the full study, over sittings
    python bench/va_study.py                        # the full study in one sitting
    python bench/va_study.py --models logistic_regression --trials 10 --seeds 2
    python bench/va_study.py --quick                # checks it runs (a minute)
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pandas as pd
from scipy import stats
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import LabelEncoder, OneHotEncoder, StandardScaler

import bakeoff
from bakeoff import models as model_registry
from bakeoff.packs.va import SITES, VASimulation, csmf_accuracy, simulate_va
from bakeoff.packs.va.simulator import register_simulation

MODELS = ["xgboost", "random_forest", "logistic_regression"]
BUDGETS: list[int | str] = [400, 1200, "full"]


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Ledger:
    """Wall and CPU seconds per contender over sittings, kept in ``folder/ledger.json``.

    A sitting's entry is rewritten every ``beat`` seconds while it runs, so a sitting
    killed without notice still counts up to its last beat.
    """

    def __init__(self, folder: Path, settings: dict[str, Any], beat: float = 5.0) -> None:
        self.path = folder / "ledger.json"
        self.beat = beat
        self.data: dict[str, Any] = {"settings": settings, "sittings": []}
        if self.path.exists():
            self.data = json.loads(self.path.read_text())
            if self.data["settings"] != settings:
                raise SystemExit(
                    f"{folder} holds a run with other settings ({self.data['settings']}); "
                    "use another --workdir, or the same settings to continue it"
                )
        self._lock = threading.Lock()

    def totals(self, contender: str) -> tuple[float, float, int]:
        rows = [s for s in self.data["sittings"] if s["contender"] == contender]
        return sum(r["wall"] for r in rows), sum(r["cpu"] for r in rows), len(rows)

    def done(self, contender: str) -> bool:
        return contender in self.data.get("finished", [])

    def finish(self, contender: str) -> None:
        self.data.setdefault("finished", []).append(contender)
        self._write()

    def sitting(self, contender: str) -> _Sitting:
        entry = {"contender": contender, "wall": 0.0, "cpu": 0.0}
        self.data["sittings"].append(entry)
        return _Sitting(self, entry)

    def _write(self) -> None:
        with self._lock:
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(self.data, indent=1))
            temporary.replace(self.path)


class _Sitting:
    def __init__(self, ledger: Ledger, entry: dict[str, Any]) -> None:
        self.ledger, self.entry = ledger, entry
        self._stop = threading.Event()

    def _update(self) -> None:
        self.entry["wall"] = time.perf_counter() - self._clock
        self.entry["cpu"] = cpu_seconds() - self._cpu
        self.ledger._write()

    def _beat(self) -> None:
        while not self._stop.wait(self.ledger.beat):
            self._update()

    def __enter__(self) -> _Sitting:
        self._clock, self._cpu = time.perf_counter(), cpu_seconds()
        self._thread = threading.Thread(target=self._beat, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._update()


def run_bakeoff(args: argparse.Namespace, folder: Path) -> None:
    study = bakeoff.Study(
        study="va_bench",
        datasets=["va_bench_sites"],
        models=args.models,
        metrics=["csmf_accuracy", "cod_accuracy"],
        budgets=args.budgets,
        seeds=args.seeds,
        split={"kind": "leave_one_group_out", "group": "site"},
        tuning={"method": "tpe", "n_trials": args.trials, "cv": args.folds, "pruner": "median"},
        execution={"n_jobs": 2},
    )
    summary = study.run(storage=f"sqlite:///{folder / 'va.db'}", progress=False)
    if summary.exit_code == 130:
        raise SystemExit("interrupted: run the same command again to go on")
    assert summary.exit_code == 0, summary.describe()


def read_bakeoff(folder: Path) -> pd.DataFrame:
    results = bakeoff.results("va_bench", storage=f"sqlite:///{folder / 'va.db'}")
    results["site"] = results["dataset"].str.split(".").str[-1]
    return results[["model", "site", "budget", "seed", "test_csmf_accuracy"]]


def plain_pipeline(estimator: Any, scale: bool) -> Pipeline:
    numeric = ["age", *[f"s{j + 1:02d}" for j in range(60)]]
    steps: list[tuple[str, Any]] = [("impute", SimpleImputer(strategy="median"))]
    if scale:
        steps.append(("scale", StandardScaler()))
    columns = ColumnTransformer(
        [
            ("numeric", Pipeline(steps), numeric),
            ("sex", OneHotEncoder(handle_unknown="ignore"), ["sex"]),
        ]
    )
    return Pipeline([("columns", columns), ("model", estimator)])


def plain_csmf(y_true: np.ndarray, y_pred: np.ndarray, k: int) -> float:
    """CSMF accuracy from cause counts (the formula of Murray et al. 2011)."""
    true = np.bincount(y_true, minlength=k) / len(y_true)
    predicted = np.bincount(np.asarray(y_pred, dtype=int), minlength=k) / len(y_pred)
    return csmf_accuracy(true, predicted)


def plain_cell(
    name: str,
    data: pd.DataFrame,
    y_all: np.ndarray,
    k: int,
    train: np.ndarray,
    test: np.ndarray,
    seed: int,
    args: argparse.Namespace,
) -> float:
    """One cell as a user writes it with Optuna alone; its test CSMF accuracy."""
    model = model_registry.get(name)
    fixed, space = model.default_params(), model.search_space()
    X, y = data.iloc[train], y_all[train]
    folds = list(StratifiedKFold(args.folds, shuffle=True, random_state=seed).split(X, y))

    def build(params: dict[str, Any]) -> Pipeline:
        estimator = model.build({**fixed, **params}, task="classification", random_state=seed)
        return plain_pipeline(estimator, model.needs_scaling)

    def objective(trial: optuna.Trial) -> float:
        params = space.suggest(trial)
        scores = []
        for fit, val in folds:
            pipeline = build(params).fit(X.iloc[fit], y[fit])
            scores.append(plain_csmf(y[val], pipeline.predict(X.iloc[val]), k))
        return float(np.mean(scores))

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, n_trials=args.trials)
    best = build(space.suggest(optuna.trial.FixedTrial(study.best_params))).fit(X, y)
    return plain_csmf(y_all[test], best.predict(data.iloc[test]), k)


def run_plain(args: argparse.Namespace, data: pd.DataFrame, kept: Path) -> pd.DataFrame:
    """Every cell, one after the other; each finished cell's row is appended to ``kept``
    (a CSV), and the cells already there are not run again."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    keys = ["model", "site", "budget", "seed"]
    finished = pd.read_csv(kept) if kept.exists() else pd.DataFrame(columns=keys)
    done = set(finished[keys].itertuples(index=False, name=None))
    labels = LabelEncoder().fit(data["cause"])
    y_all = labels.transform(data["cause"])
    k = len(labels.classes_)
    for name in args.models:
        for site in args.sites:
            train_all = np.flatnonzero(data["site"] != site)
            test = np.flatnonzero(data["site"] == site)
            for budget in args.budgets:
                for seed in range(args.seeds):
                    train = train_all
                    if budget != "full":
                        train, _ = train_test_split(
                            train_all,
                            train_size=int(budget),
                            random_state=seed,
                            stratify=y_all[train_all],
                        )
                    key = (name, site, np.inf if budget == "full" else float(budget), seed)
                    if key in done:
                        continue
                    clock, cpu = time.perf_counter(), cpu_seconds()
                    score = plain_cell(name, data, y_all, k, train, test, seed, args)
                    spent = [time.perf_counter() - clock, cpu_seconds() - cpu]
                    names = [*keys, "score", "wall", "cpu"]
                    row = pd.DataFrame([dict(zip(names, [*key, score, *spent], strict=True))])
                    row.to_csv(kept, mode="a", header=not kept.exists(), index=False)
    table = pd.read_csv(kept)
    return table.rename(columns={"score": "test_csmf_accuracy"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--budgets",
        nargs="+",
        help="training rows per cell, or full (default: 400 1200 full); smaller ones "
        "make the plain script's half fit one sitting",
    )
    parser.add_argument("--quick", action="store_true", help="1 model, 2 sites, 4 trials")
    parser.add_argument(
        "--workdir",
        type=Path,
        help="keep the run in this folder; the same command later goes on where it stopped",
    )
    args = parser.parse_args()
    n_sites = 4
    args.budgets = [b if b == "full" else int(b) for b in args.budgets] if args.budgets else BUDGETS
    if args.quick:
        args.models, args.trials, args.folds, args.seeds = ["logistic_regression"], 4, 2, 1
        n_sites, args.budgets = 2, ["full"]
    settings = VASimulation(sites=SITES[:n_sites])
    register_simulation("va_bench", settings, replace=True)
    args.sites = [s for s in SITES[:n_sites]]
    data = simulate_va(settings)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.workdir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        fixed = ["models", "trials", "folds", "seeds", "budgets", "sites"]
        ledger = Ledger(folder, {name: getattr(args, name) for name in fixed})
        if not ledger.done("bakeoff"):
            with ledger.sitting("bakeoff"):
                run_bakeoff(args, folder)
            ledger.finish("bakeoff")
        ours = read_bakeoff(folder)
        plain = run_plain(args, data, folder / "plain.csv")
        ours_wall, ours_cpu, ours_sittings = ledger.totals("bakeoff")
        # The plain script's time is its finished cells' (a cell cut off by the end of a
        # sitting is redone whole and counted once); bakeoff's counts its lost work too.
        plain_wall, plain_cpu = plain["wall"].sum(), plain["cpu"].sum()
    print(
        f"VA study: {len(args.models)} models × {n_sites} sites × {len(args.budgets)} budgets "
        f"× {args.seeds} seeds, TPE {args.trials} trials, {args.folds}-fold inner CV"
    )
    timing = pd.DataFrame(
        [
            {"contender": "bakeoff (n_jobs 2, median pruner)", "wall s": ours_wall,
             "CPU s": ours_cpu},
            {"contender": "plain optuna (sequential, no pruning)", "wall s": plain_wall,
             "CPU s": plain_cpu},
        ]
    ).round(1)  # fmt: skip
    print(timing.to_string(index=False))
    if ours_sittings > 1:
        print(f"(bakeoff's times: the sum over its {ours_sittings} sittings)")
    print(f"wall time: plain / bakeoff = {plain_wall / ours_wall:.2f}x")
    # bakeoff names a held-out site's dataset after it (characters outside a name: _).
    plain["site"] = plain["site"].str.replace(r"[^A-Za-z0-9_.\-]+", "_", regex=True)
    keys = ["model", "site", "budget", "seed"]
    both = ours.merge(plain, on=keys, suffixes=("_bakeoff", "_plain"))
    rows = []
    for model, part in both.groupby("model"):
        d = part["test_csmf_accuracy_bakeoff"] - part["test_csmf_accuracy_plain"]
        low, high = (
            stats.t.interval(0.95, len(d) - 1, d.mean(), stats.sem(d))
            if len(d) > 1 and d.std() > 0
            else (np.nan, np.nan)
        )
        seed_sd = part.groupby(["site", "budget"])["test_csmf_accuracy_plain"].std().mean()
        rows.append(
            {
                "model": model,
                "pairs": len(d),
                "bakeoff": part["test_csmf_accuracy_bakeoff"].mean(),
                "plain": part["test_csmf_accuracy_plain"].mean(),
                "difference": d.mean(),
                "ci95 low": low,
                "ci95 high": high,
                "between-seed SD": seed_sd,
            }
        )
    print("test CSMF accuracy (held-out site)")
    print(pd.DataFrame(rows).round(4).to_string(index=False))


if __name__ == "__main__":
    main()
