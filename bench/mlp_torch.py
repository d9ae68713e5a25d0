"""The PyTorch side of bench/run.sh: the training step of bench/mlp.dl (MLP
784-512-512-10, ReLU, cross-entropy, Adam lr 1e-3, batch 128) on the same
data, timed the way `dlc train` times an epoch (wall time of its steps).

Usage: mlp_torch.py X.npy Y.npy EPOCHS THREADS [adam|sgd]
Prints one line per epoch: `epoch E seconds S steps N`.
"""
import sys
import time

import numpy as np
import torch


def main():
    x_path, y_path, epochs, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    optimizer_name = sys.argv[5] if len(sys.argv) > 5 else "adam"
    torch.set_num_threads(threads)
    x = torch.from_numpy(np.load(x_path))
    y = torch.from_numpy(np.load(y_path))
    batch = 128
    steps = x.shape[0] // batch
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 10))
    if optimizer_name == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        total = 0.0
        for step in range(steps):
            xb = x[step * batch:(step + 1) * batch]
            yb = y[step * batch:(step + 1) * batch]
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item()
        seconds = time.perf_counter() - start
        print(f"epoch {epoch} seconds {seconds:.6f} steps {steps} loss {total / steps:.4f}", flush=True)


if __name__ == "__main__":
    main()
