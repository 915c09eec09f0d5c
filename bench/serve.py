"""The server under load: 50 concurrent clients against the leaderboard and the cell list
of a study with 100,000 trials, beside the plain alternative (computing each answer per
request from ``bakeoff.results`` and ``analyze``).

The store holds one study of 10 datasets × 5 models × 3 budgets × 10 seeds (1,500
complete cells) and 100,000 trials, written through bakeoff's own Store. ``bakeoff
serve`` runs in its own process (uvicorn, one worker); the load generator is httpx with
asyncio in this process: ``--clients`` tasks, each sending its next request as soon as
the last one is answered (closed loop, no pause), half to the leaderboard and half to a
page of 100 cells (random offset, a model filter on every other one), until
``--requests`` have been answered or ``--seconds`` have passed.

Run::

    python bench/serve.py            # the figures in docs/performance.md; about a minute
    python bench/serve.py --quick    # 10,000 trials, 10 clients: checks the script runs
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _synthetic import synthetic_store

DATASETS, MODELS, BUDGETS, SEEDS = 10, 5, [100, 400, 1600], 10


def build(folder: Path, n_trials: int) -> str:
    n_cells = DATASETS * MODELS * len(BUDGETS) * SEEDS
    return (
        synthetic_store(
            folder,
            datasets=DATASETS,
            models=MODELS,
            budgets=BUDGETS,
            seeds=SEEDS,
            trials_of=lambda i, n: n_trials // n + (1 if i < n_trials % n else 0),
            climb=0.05,
        )
        if n_cells
        else ""
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(url: str, folder: Path, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bakeoff",
            "serve",
            "--storage",
            url,
            "--port",
            str(port),
            "--results-dir",
            str(folder / "results"),
            "--workers",
            str(workers),
        ],
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2):
                return process, port
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("bakeoff serve did not start") from None
            time.sleep(0.2)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process and its children (``--workers``),
    from Linux ``/proc``; 0 elsewhere."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def cell_path(rng: random.Random, n_cells: int, i: int) -> str:
    offset = rng.randrange(0, n_cells - 100)
    page = "/api/v1/studies/bench/cells?limit=100"
    if i % 2:
        return f"{page}&offset={offset // MODELS}&model=model{i % MODELS}"
    return f"{page}&offset={offset}"


async def fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One GET over a kept-alive HTTP/1.1 connection; the status. (A few lines of
    asyncio instead of an HTTP client library, so that the load generator costs little
    of the CPU it shares with the server.)"""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(int(h.split(":", 1)[1]) for h in lines if h.lower().startswith("content-length"))
    body = await reader.readexactly(length)
    if status != 200:
        raise SystemExit(f"{path}: {status} {body[:200]!r}")
    return status


async def load(
    port: int, *, clients: int, requests: int, seconds: float, n_cells: int
) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {"leaderboard": [], "cells": []}
    sent = 0
    deadline = time.monotonic() + seconds

    async def one_client(number: int) -> None:
        nonlocal sent
        rng = random.Random(number)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while sent < requests and time.monotonic() < deadline:
                sent += 1
                if sent % 2:
                    kind, path = "leaderboard", "/api/v1/studies/bench/leaderboard"
                else:
                    kind, path = "cells", cell_path(rng, n_cells, sent)
                start = time.perf_counter()
                await fetch(reader, writer, path)
                latencies[kind].append(time.perf_counter() - start)
        finally:
            writer.close()

    await asyncio.gather(*(one_client(i) for i in range(clients)))
    return latencies


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 1000) - 1]


def plain(url: str, repeats: int) -> dict[str, float]:
    """Seconds per answer when each request computes it from the library's tables."""
    import bakeoff
    from bakeoff.analysis import Scores, analyze

    cells, board = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        table = bakeoff.results("bench", storage=url)
        table[table["model"] == "model1"].iloc[200:300].to_json(orient="records")
        cells.append(time.perf_counter() - start)
        start = time.perf_counter()
        analysis = analyze(Scores.from_store("bench", storage=url))
        analysis.models.groupby("model")["mean"].mean()
        board.append(time.perf_counter() - start)
    return {"cells": min(cells), "leaderboard": min(board)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the script runs")
    parser.add_argument("--trials", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=1, help="bakeoff serve --workers")
    args = parser.parse_args()
    if args.quick:
        args.trials, args.clients, args.requests, args.seconds = 10_000, 10, 400, 30.0
    n_cells = DATASETS * MODELS * len(BUDGETS) * SEEDS
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        url = build(folder, args.trials)
        print(
            f"store: {n_cells:,} cells, {args.trials:,} trials, written in "
            f"{time.perf_counter() - start:.1f} s "
            f"({os.path.getsize(folder / 'bench.db') / 2**20:.0f} MB)"
        )
        process, port = start_server(url, folder, args.workers)
        base = f"http://127.0.0.1:{port}"
        try:
            for kind, path in (
                ("leaderboard", "/api/v1/studies/bench/leaderboard"),
                ("cells", "/api/v1/studies/bench/cells?limit=100"),
            ):
                start = time.perf_counter()
                urllib.request.urlopen(base + path, timeout=600).read()
                took = time.perf_counter() - start
                print(f"first {kind} request (computes and caches): {took:.2f} s")
            cpu_before = cpu_seconds(process.pid)
            start = time.perf_counter()
            latencies = asyncio.run(
                load(
                    port,
                    clients=args.clients,
                    requests=args.requests,
                    seconds=args.seconds,
                    n_cells=n_cells,
                )
            )
            elapsed = time.perf_counter() - start
            cpu = cpu_seconds(process.pid) - cpu_before
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
        total = sum(len(v) for v in latencies.values())
        print(
            f"{args.clients} concurrent clients, {total:,} requests in {elapsed:.1f} s "
            f"({total / elapsed:,.0f} requests/s; load average now "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
        )
        if cpu:
            # What the server itself spent: the capacity of one free core, whatever else
            # the machine runs; with N closed-loop clients the latency is about N / it.
            per = cpu / total
            print(
                f"server CPU per request {1000 * per:.2f} ms: one free core answers "
                f"{1 / per:,.0f} requests/s, so {args.clients} clients would wait about "
                f"{1000 * args.clients * per:.0f} ms each"
            )
        served = {}
        for kind, values in latencies.items():
            p50, p95, p99 = (quantile(values, q) for q in (0.5, 0.95, 0.99))
            served[kind] = p50
            print(
                f"  {kind:<12} n={len(values):>6,}  p50 {1000 * p50:6.1f} ms  "
                f"p95 {1000 * p95:6.1f} ms  p99 {1000 * p99:6.1f} ms  "
                f"max {1000 * max(values):6.1f} ms  "
                f"{'under' if p99 < 0.1 else 'OVER'} 100 ms at p99"
            )
        naive = plain(url, 1 if args.quick else 3)
        print("plain alternative (each answer computed per request, one client):")
        for kind, seconds in naive.items():
            print(
                f"  {kind:<12} {1000 * seconds:8.1f} ms per request  "
                f"({seconds / served[kind]:,.0f}x the server's median under load)"
            )


if __name__ == "__main__":
    main()
