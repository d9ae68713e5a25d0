#!/usr/bin/python3
"""Trains the 4-16-16-3 iris classifier of mlp_forward.dl in PyTorch and
writes its weights, by DL parameter name, to mlp_forward.npz.

Run with Debian's Python (it has torch and numpy): /usr/bin/python3
examples/make_mlp_forward_weights.py. The committed .npz is its output (and
test/Examples/Inputs/mlp_forward.expected.npz, what the example must print);
the script is here so that anyone can check where the numbers come from.

DL's Dense stores w as in x out (y = x @ w + b), so torch's Linear.weight
(out x in) is transposed.
"""
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
IRIS = "/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv"

data = np.loadtxt(IRIS, delimiter=",", skiprows=1)
# Every fifth flower is held out; mlp_forward.dl classifies some of them.
held_out = np.arange(len(data)) % 5 == 0
train, test = data[~held_out], data[held_out]
x = torch.tensor(train[:, :4], dtype=torch.float32)
y = torch.tensor(train[:, 4], dtype=torch.int64)

torch.manual_seed(0)
net = torch.nn.Sequential(
    torch.nn.Linear(4, 16), torch.nn.ReLU(),
    torch.nn.Linear(16, 16), torch.nn.ReLU(),
    torch.nn.Linear(16, 3))
optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
for step in range(500):
    optimizer.zero_grad()
    loss = torch.nn.functional.cross_entropy(net(x), y)
    loss.backward()
    optimizer.step()

with torch.no_grad():
    xt = torch.tensor(test[:, :4], dtype=torch.float32)
    yt = torch.tensor(test[:, 4], dtype=torch.int64)
    accuracy = (net(xt).argmax(1) == yt).float().mean().item()
    print(f"final loss {loss.item():.4f}, held-out accuracy {accuracy:.3f}")
    rows = [0, 5, 10, 17, 20, 25]  # held-out flowers used by the example
    print("example flowers:", test[rows].tolist())
    print("labels:", test[rows, 4].astype(int).tolist())
    probabilities = torch.softmax(net(xt[rows]), 1).numpy()
    print("probabilities:", probabilities.round(4).tolist())

linear = [net[0], net[2], net[4]]
names = ["net.layers.0", "net.layers.1", "net.layers.2"]
arrays = {}
for name, layer in zip(names, linear):
    arrays[name + ".w"] = layer.weight.detach().numpy().T.copy()
    arrays[name + ".b"] = layer.bias.detach().numpy().copy()
np.savez(os.path.join(HERE, "mlp_forward.npz"), **arrays)

# What examples/mlp_forward.dl's main must return, for the test of the
# example (test/Examples): PyTorch's probabilities and predicted labels.
np.savez(os.path.join(HERE, "..", "test", "Examples", "Inputs",
                      "mlp_forward.expected.npz"),
         arr_0=probabilities.astype(np.float32),
         arr_1=probabilities.argmax(1).astype(np.int64))
