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

The full study is hours of the two cores (about 4 on this project's machine), more than
one working session, and a session's machine does not outlive it. So the study runs in
**blocks, one per seed**: in a block, bakeoff runs the seed's cells (one study with
``seeds: [s]``, its store in a temporary folder), then the plain script runs the same
cells; the block's wall and CPU times of each are written to ``--workdir`` with every
cell's test score once both halves are done. Both halves of a block run on the same
machine in the same sitting, so the ratio is fair however machines differ between
sittings; a block cut off midway is redone whole the next time (its partial work is
dropped, on both sides). The same command goes on with the next block; the figures
printed are sums over the finished blocks, with each block's own ratio beside them. Run
it on a machine with nothing else on its cores.

Run::

    python bench/va_study.py --workdir runs/va-bench   # the full study, block by block
    python bench/va_study.py --workdir runs/va-bench --blocks 1   # one more block, then stop
    python bench/va_study.py                        # the full study in one sitting
    python bench/va_study.py --models logistic_regression --trials 10 --seeds 2
    python bench/va_study.py --quick                # checks it runs (a minute)
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import tempfile
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
# The smallest sizes 5-fold inner CV allows on these sites (5 deaths of every cause in
# the smallest), doubling: small training sets, where tuning matters most, and a study
# that fits a few sittings of two cores.
BUDGETS: list[int | str] = [256, 400, 800]


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Ledger:
    """The finished blocks' times and test scores, kept in ``folder`` over sittings.

    ``ledger.json`` holds the settings and each finished block's wall and CPU seconds per
    contender; ``scores.csv`` every cell's test CSMF accuracy per contender. A block is
    written once both halves are done, so an interrupted sitting leaves what was whole.
    """

    def __init__(self, folder: Path, settings: dict[str, Any]) -> None:
        self.path, self.scores_path = folder / "ledger.json", folder / "scores.csv"
        self.data: dict[str, Any] = {"settings": settings, "blocks": {}}
        if self.path.exists():
            self.data = json.loads(self.path.read_text())
            if self.data["settings"] != settings:
                raise SystemExit(
                    f"{folder} holds a run with other settings ({self.data['settings']}); "
                    "use another --workdir, or the same settings to continue it"
                )

    def done(self, block: int) -> bool:
        return str(block) in self.data["blocks"]

    def record(self, block: int, times: dict[str, dict[str, float]], scores: pd.DataFrame) -> None:
        scores.assign(block=block).to_csv(
            self.scores_path, mode="a", header=not self.scores_path.exists(), index=False
        )
        self.data["blocks"][str(block)] = times
        # Which bakeoff each block timed: blocks of one ledger should share it.
        self.data.setdefault("code", {})[str(block)] = code_version()
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.data, indent=1))
        temporary.replace(self.path)

    def times(self) -> pd.DataFrame:
        rows = [
            {"block": int(block), "contender": contender, **spent}
            for block, halves in self.data["blocks"].items()
            for contender, spent in halves.items()
        ]
        return pd.DataFrame(rows, columns=["block", "contender", "wall", "cpu"])

    def scores(self) -> pd.DataFrame:
        if not self.scores_path.exists():
            return pd.DataFrame()
        finished = [int(b) for b in self.data["blocks"]]
        table = pd.read_csv(self.scores_path)
        return table[table["block"].isin(finished)]


def code_version() -> str:
    """The git commit of this checkout (with ``+changes`` if it differs), or bakeoff's version."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=here,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f"bakeoff {bakeoff.__version__}"
    return commit + ("+changes" if changed else "")


def timed(work: Any, *args: Any) -> tuple[Any, dict[str, float]]:
    """``work(*args)`` and the wall and CPU seconds it took (its finished children's too)."""
    clock, cpu = time.perf_counter(), cpu_seconds()
    result = work(*args)
    return result, {"wall": time.perf_counter() - clock, "cpu": cpu_seconds() - cpu}


def run_bakeoff(args: argparse.Namespace, seed: int, folder: Path) -> pd.DataFrame:
    """One block's cells through bakeoff; their test CSMF accuracy."""
    study = bakeoff.Study(
        study="va_bench",
        datasets=["va_bench_sites"],
        models=args.models,
        metrics=["csmf_accuracy", "cod_accuracy"],
        budgets=args.budgets,
        seeds=[seed],
        split={"kind": "leave_one_group_out", "group": "site"},
        tuning={"method": "tpe", "n_trials": args.trials, "cv": args.folds, "pruner": "median"},
        execution={"n_jobs": 2},
    )
    url = f"sqlite:///{folder / f'va-seed{seed}.db'}"
    summary = study.run(storage=url, progress=False)
    if summary.exit_code == 130:
        raise SystemExit("interrupted: run the same command again to go on")
    assert summary.exit_code == 0, summary.describe()
    results = bakeoff.results("va_bench", storage=url)
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


def run_plain(args: argparse.Namespace, data: pd.DataFrame, seed: int) -> pd.DataFrame:
    """One block's cells, one after the other; their test CSMF accuracy."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    labels = LabelEncoder().fit(data["cause"])
    y_all = labels.transform(data["cause"])
    k = len(labels.classes_)
    rows = []
    for name in args.models:
        for site in args.sites:
            train_all = np.flatnonzero(data["site"] != site)
            test = np.flatnonzero(data["site"] == site)
            for budget in args.budgets:
                train = train_all
                if budget != "full":
                    train, _ = train_test_split(
                        train_all,
                        train_size=int(budget),
                        random_state=seed,
                        stratify=y_all[train_all],
                    )
                score = plain_cell(name, data, y_all, k, train, test, seed, args)
                rows.append(
                    {
                        "model": name,
                        "site": site,
                        "budget": np.inf if budget == "full" else float(budget),
                        "seed": seed,
                        "test_csmf_accuracy": score,
                    }
                )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--budgets",
        nargs="+",
        help="training rows per cell, or full (default: 256 400 800)",
    )
    parser.add_argument("--quick", action="store_true", help="1 model, 2 sites, 4 trials")
    parser.add_argument(
        "--blocks",
        type=int,
        help="run at most this many more blocks in this sitting (0: print the finished "
        "blocks' figures only); default: every block left",
    )
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
        left = [seed for seed in range(args.seeds) if not ledger.done(seed)]
        for seed in left[: args.blocks]:
            print(f"block {seed + 1} of {args.seeds} (seed {seed}): bakeoff", flush=True)
            # Each attempt at a block starts from an empty store: a block is timed whole,
            # in one sitting, never partly on another machine.
            with tempfile.TemporaryDirectory() as stores:
                ours, ours_time = timed(run_bakeoff, args, seed, Path(stores))
            print(f"block {seed + 1} of {args.seeds} (seed {seed}): plain optuna", flush=True)
            plain, plain_time = timed(run_plain, args, data, seed)
            scores = pd.concat([ours.assign(contender="bakeoff"), plain.assign(contender="plain")])
            ledger.record(seed, {"bakeoff": ours_time, "plain": plain_time}, scores)
        report(args, n_sites, ledger)


def report(args: argparse.Namespace, n_sites: int, ledger: Ledger) -> None:
    """Print the times and the paired test CSMF accuracy over the finished blocks."""
    print(
        f"VA study: {len(args.models)} models × {n_sites} sites × {len(args.budgets)} budgets "
        f"× {args.seeds} seeds, TPE {args.trials} trials, {args.folds}-fold inner CV"
    )
    if not ledger.data["blocks"]:
        print("no block is finished yet: run without --blocks 0 to run one")
        return
    times = ledger.times().pivot(index="block", columns="contender", values=["wall", "cpu"])
    per_block = pd.DataFrame(
        {
            "bakeoff wall s": times["wall"]["bakeoff"],
            "plain wall s": times["wall"]["plain"],
            "ratio": times["wall"]["plain"] / times["wall"]["bakeoff"],
            "bakeoff CPU s": times["cpu"]["bakeoff"],
            "plain CPU s": times["cpu"]["plain"],
        }
    )
    print(per_block.round(2).to_string())
    codes = {int(block): code for block, code in ledger.data.get("code", {}).items()}
    for block in per_block.index:
        print(f"block {block} timed {codes.get(block, 'code not recorded')}")
    if len(set(codes.values())) > 1:
        print("note: the blocks timed different code; the sums mix them")
    ours_wall, plain_wall = per_block["bakeoff wall s"].sum(), per_block["plain wall s"].sum()
    timing = pd.DataFrame(
        [
            {"contender": "bakeoff (n_jobs 2, median pruner)", "wall s": ours_wall,
             "CPU s": per_block["bakeoff CPU s"].sum()},
            {"contender": "plain optuna (sequential, no pruning)", "wall s": plain_wall,
             "CPU s": per_block["plain CPU s"].sum()},
        ]
    ).round(1)  # fmt: skip
    print(timing.to_string(index=False))
    print(f"wall time: plain / bakeoff = {plain_wall / ours_wall:.2f}x")
    if len(per_block) < args.seeds:
        print(f"{len(per_block)} of {args.seeds} blocks done: run the same command to go on")
    scores = ledger.scores()
    # bakeoff names a held-out site's dataset after it (characters outside a name: _).
    scores["site"] = scores["site"].str.replace(r"[^A-Za-z0-9_.\-]+", "_", regex=True)
    keys = ["model", "site", "budget", "seed"]
    ours = scores[scores["contender"] == "bakeoff"].drop(columns=["contender", "block"])
    plain = scores[scores["contender"] == "plain"].drop(columns=["contender", "block"])
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
