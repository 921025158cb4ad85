"""Vectorised NumPy version of one Jarzynski-weighted Langevin step on a Gaussian mixture.

Written for the side-by-side timing of the TypeScript step (bench/jarzynski/numpy-bridge.ts); it
is not part of the suite's results. Protocol on stdin/stdout, one JSON object per line:

  request  {"dim": d, "walkers": N, "means": [...M*d...], "logits": [...M...], "stepSize": h, "seed": s}
  response {"ready": true, "numpy": "<version>"}
  request  {"steps": k}
  response {"seconds": [t_1, ..., t_k]}   (time.perf_counter per step)

Each step draws the noise, moves the walkers with the cached gradients, evaluates the energy and
its input gradient at the new positions, and adds the weight increment
  alpha_k(X, X') - alpha_{k+1}(X', X),  alpha(x, y) = U(x) + (y - x).grad U(x) / 2 + (h/4) |grad U(x)|^2
to the log-weights, all in float64, as the TypeScript step does.
"""

import json
import sys
import time

import numpy as np


def evaluate(x, means, logits):
    """Return U(x) and grad_x U(x) for every row of x, with the log-sum-exp shift."""
    diff = x[:, None, :] - means[None, :, :]
    squared = np.einsum("nmd,nmd->nm", diff, diff)
    log_terms = -0.5 * squared - logits[None, :]
    top = log_terms.max(axis=1, keepdims=True)
    shifted = np.exp(log_terms - top)
    total = shifted.sum(axis=1, keepdims=True)
    energies = -(top[:, 0] + np.log(total[:, 0]))
    responsibilities = shifted / total
    gradients = x - responsibilities @ means
    return energies, gradients


def main():
    config = json.loads(sys.stdin.readline())
    dim = int(config["dim"])
    count = int(config["walkers"])
    means = np.asarray(config["means"], dtype=np.float64).reshape(-1, dim)
    logits = np.asarray(config["logits"], dtype=np.float64)
    step_size = float(config["stepSize"])
    rng = np.random.default_rng(int(config["seed"]))

    # Exact samples of the mixture, as the TypeScript benchmark starts from.
    masses = np.exp(-logits - np.max(-logits))
    masses /= masses.sum()
    modes = rng.choice(len(masses), size=count, p=masses)
    positions = means[modes] + rng.standard_normal((count, dim))
    energies, gradients = evaluate(positions, means, logits)
    log_weights = np.zeros(count)
    scale = np.sqrt(2.0 * step_size)
    quarter = 0.25 * step_size

    print(json.dumps({"ready": True, "numpy": np.__version__}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        seconds = []
        for _ in range(int(request["steps"])):
            started = time.perf_counter()
            noise = rng.standard_normal((count, dim))
            moved = positions - step_size * gradients + scale * noise
            new_energies, new_gradients = evaluate(moved, means, logits)
            step = moved - positions
            alpha_old = energies + 0.5 * np.einsum("nd,nd->n", step, gradients) + quarter * np.einsum("nd,nd->n", gradients, gradients)
            alpha_new = new_energies - 0.5 * np.einsum("nd,nd->n", step, new_gradients) + quarter * np.einsum("nd,nd->n", new_gradients, new_gradients)
            log_weights += alpha_old - alpha_new
            positions, energies, gradients = moved, new_energies, new_gradients
            seconds.append(time.perf_counter() - started)
        print(json.dumps({"seconds": seconds}), flush=True)


if __name__ == "__main__":
    main()
