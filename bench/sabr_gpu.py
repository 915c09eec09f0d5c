"""SABR surrogates: training time per epoch on the CPU and on a CUDA GPU, and the data's cost.

For each of the four models (direct MLP, residual MLP, CNN-only, MDA-CNN) this trains
a few epochs on the same rows from the same initial weights on the CPU and, where
PyTorch sees a CUDA GPU, on it; prints the seconds per epoch on each, the speed-up, and
the largest relative difference between the two devices' training losses (kernels differ,
so the losses agree to a tolerance, not bit for bit: stated below). Without a GPU it
prints the CPU figures and says so. It also times the generation of the default
study's data (`examples/sabr.yaml`: 200 surfaces, 30,000 paths; goal < 5 minutes on a
2-core machine), which --quick shrinks.

Run::

    python bench/sabr_gpu.py             # 1,000 HF points (the largest budget), 5 epochs
    python bench/sabr_gpu.py --quick     # 200 points, 2 epochs, 8 surfaces
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import torch

from bakeoff.packs.sabr import SABRDataConfig, generate_surfaces
from bakeoff.packs.sabr._networks import ARCHITECTURES, SurfaceRegressor

#: Losses on the two devices may differ by this much (relative): float32 kernels sum in
#: another order and the differences grow over the epochs; TF32 is switched off below.
#: Bigger differences mean the GPU path computes something else.
TOLERANCE = 1e-3


def losses(architecture: str, X: np.ndarray, y: np.ndarray, epochs: int, device: str) -> tuple:
    network = SurfaceRegressor(
        architecture=architecture,
        epochs=epochs,
        patience=epochs + 1,
        validation_fraction=0.0,
        cnn_filters="32,64,128",
        mlp_widths="128,64",
        device=device,
        random_state=0,
    )
    recorded: list[float] = []

    def training_loss() -> float:
        predicted = network.predict(X)
        return float(np.mean((predicted - y) ** 2))

    clock = time.perf_counter()
    network.fit(X, y, checkpoints=epochs, on_checkpoint=lambda: recorded.append(training_loss()))
    seconds = time.perf_counter() - clock
    return np.array(recorded), float(np.mean(network.epoch_seconds_)), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    points, epochs = (200, 2) if args.quick else (1000, 5)
    data_config = (
        SABRDataConfig(n_parameter_sets=8, mc_paths=2000) if args.quick else SABRDataConfig()
    )
    clock = time.perf_counter()
    frame = generate_surfaces(data_config, progress=False)
    generation = time.perf_counter() - clock
    print(
        f"data: {data_config.n_parameter_sets} surfaces × {data_config.mc_paths:,} paths → "
        f"{len(frame):,} HF points in {generation:.1f} s (goal for the default study: < 300 s)"
    )
    rows = frame.sample(min(points, len(frame)), random_state=0)
    X = rows.drop(columns=["surface", "hf_vol", "hf_error"]).to_numpy(dtype=float)
    y = rows["hf_vol"].to_numpy(dtype=float)
    cuda = torch.cuda.is_available()
    # Full float32 on the GPU too: TF32 (on by default for convolutions) would round the
    # products to 10 bits and make the comparison meaningless.
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    card = torch.cuda.get_device_name(0) if cuda else "none (PyTorch sees no CUDA GPU)"
    print(f"{len(X)} training points, {epochs} epochs; GPU: {card}; torch {torch.__version__}")
    table = []
    for architecture in ARCHITECTURES:
        cpu_losses, cpu_epoch, _ = losses(architecture, X, y, epochs, "cpu")
        row: dict[str, object] = {"model": architecture, "CPU s/epoch": cpu_epoch}
        if cuda:
            gpu_losses, gpu_epoch, _ = losses(architecture, X, y, epochs, "cuda")
            difference = float(np.max(np.abs(gpu_losses - cpu_losses) / np.abs(cpu_losses)))
            row |= {
                "GPU s/epoch": gpu_epoch,
                "speed-up": cpu_epoch / gpu_epoch,
                "max rel. loss difference": difference,
                f"within {TOLERANCE:g}": difference <= TOLERANCE,
            }
        table.append(row)
    print(pd.DataFrame(table).to_string(index=False, float_format=lambda v: f"{v:.4g}"))


if __name__ == "__main__":
    main()
