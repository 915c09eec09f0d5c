"""How many trials a second one store takes from many writers at once.

Each writer is a process that claims cells of one study and commits trials one at a
time through bakeoff's ``TrialWriter`` (the cell's lease checked in the same
transaction), as a cell does when a trial ends. Beside it, the plain alternative: the
same rows inserted and committed one at a time on a raw DB-API connection, with no
lease check. Printed: trials per second summed over the writers, for 1, 2 and 4
writers, on SQLite and (with ``--postgres URL``, or ``BAKEOFF_TEST_POSTGRES_URL``) on
PostgreSQL. docs/scale-out.md uses these to reason about 8, 64 and 512 cores.

Run::

    python bench/store_writers.py --postgres postgresql://user@host/db   # 3,000 trials a writer
    python bench/store_writers.py --quick                                # 100 trials a writer
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid

import sqlalchemy as sa

from bakeoff.store import CellDefinition, Store

#: One writer: claims one cell of its own, writes N trials through bakeoff or plainly.
WRITER = textwrap.dedent(
    """
    import sys, time, json
    from datetime import datetime, timezone
    from bakeoff.store import Store, TrialRecord
    url, owner, cell, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    plain = sys.argv[5] == "1"
    store = Store(url, migrate_schema=False)
    assert store.claim_next([cell], owner, lease_seconds=600) == cell
    now = datetime.now(timezone.utc)
    sys.stdin.readline()  # every writer starts together
    clock = time.perf_counter()
    if plain:
        raw = store.engine.raw_connection()
        cursor = raw.cursor()
        marker = "%s" if store.engine.dialect.paramstyle in ("format", "pyformat") else "?"
        sql = ("insert into bakeoff_trials (cell_id, number, state, params_json, "
               "distributions_json, values_json, intermediate_json, user_attrs_json, "
               "system_attrs_json, started_at, finished_at, duration) values ("
               + ", ".join([marker] * 12) + ")")
        for i in range(n):
            cursor.execute(sql, (cell, i, "COMPLETE", json.dumps({"x": i}), "{}", "[0.5]",
                                 "{}", "{}", "{}", now, now, 0.1))
            raw.commit()
        raw.close()
    else:
        with store.trial_writer(cell, owner) as writer:
            for i in range(n):
                writer.write(TrialRecord(i, "COMPLETE", {"x": i}, {}, [0.5], now, now, 0.1))
    print(time.perf_counter() - clock)
    """
)


def rate(url: str, writers: int, n: int, *, plain: bool) -> float:
    """Trials a second, summed over ``writers`` processes writing ``n`` trials each."""
    store = Store(url)
    prepared = store.prepare_study(
        name=f"w{uuid.uuid4().hex[:8]}",
        spec_json="{}",
        spec_hash="0" * 64,
        seed=0,
        bakeoff_version="bench",
        provenance={},
        datasets=[],
        cell_definitions=[
            CellDefinition(uuid.uuid4().hex * 2, "m", "d", "full", i, {}) for i in range(writers)
        ],
    )
    store.close()
    cells = sorted(prepared.cell_ids.values())
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, url, f"o{i}", str(c), str(n), "1" if plain else "0"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i, c in enumerate(cells)
    ]
    time.sleep(2.0)  # let every writer import and claim
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    seconds = []
    for process in processes:
        stdout, _ = process.communicate(timeout=600)
        assert process.returncode == 0
        seconds.append(float(stdout))
    # Each writer's own clock, from the start signal to its last commit (not its exit).
    return writers * n / max(seconds)


def fresh_postgres(server: str) -> tuple[str, sa.Engine, str]:
    admin = sa.engine.make_url(server).set(drivername="postgresql+psycopg")
    name = f"bakeoff_bench_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return admin.set(database=name).render_as_string(hide_password=False), engine, name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=3000, help="trials per writer")
    parser.add_argument("--postgres", default=os.environ.get("BAKEOFF_TEST_POSTGRES_URL"))
    parser.add_argument("--quick", action="store_true", help="100 trials a writer")
    args = parser.parse_args()
    if args.quick:
        args.trials = 100
    print(
        f"trials/s summed over writer processes, {args.trials} trials each, committed "
        f"one at a time ({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f})"
    )
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("sqlite", f"sqlite:///{tmp}/writers.db", None)]
        if args.postgres:
            url, engine, name = fresh_postgres(args.postgres)
            targets.append(("postgresql", url, (engine, name)))
        for label, url, cleanup in targets:
            for writers in (1, 2, 4):
                ours = rate(url, writers, args.trials, plain=False)
                plain = rate(url, writers, args.trials, plain=True)
                print(
                    f"  {label:10s} {writers} writers: bakeoff {ours:8.0f}/s   plain INSERT+COMMIT "
                    f"{plain:8.0f}/s   bakeoff ÷ plain {ours / plain:5.2f}"
                )
            if cleanup is not None:
                engine, name = cleanup
                with engine.connect() as connection:
                    connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
                engine.dispose()


if __name__ == "__main__":
    main()
