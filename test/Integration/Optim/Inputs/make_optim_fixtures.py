#!/usr/bin/python3
"""Expected values for optimizers.dl: torch.optim (PyTorch 1.13) run for
five steps on a 2x3 parameter with fixed gradients, in float64.

Run from this folder with Debian's /usr/bin/python3 (it has torch):
    /usr/bin/python3 make_optim_fixtures.py
"""
import numpy as np
import torch

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(7)
p0 = rng.uniform(-1, 1, (2, 3))
grads = rng.uniform(-1, 1, (5, 2, 3))
np.savez("optim.in.npz", p=p0.astype(np.float32), g=grads.astype(np.float32))

# name -> (constructor, state keys in the order of the DL optimizer's slots)
configs = {
    "sgd": (lambda ps: torch.optim.SGD(ps, lr=0.1), []),
    "sgd_momentum": (lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.05), ["momentum_buffer"]),
    "sgd_nesterov": (lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True), ["momentum_buffer"]),
    "adagrad": (lambda ps: torch.optim.Adagrad(ps, lr=0.1, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.1), ["sum"]),
    "adadelta": (lambda ps: torch.optim.Adadelta(ps, lr=1.0, rho=0.9, weight_decay=0.05), ["square_avg", "acc_delta"]),
    "rmsprop": (lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9), ["square_avg"]),
    "rmsprop_centered": (lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.05), ["square_avg", "grad_avg", "momentum_buffer"]),
    "adam": (lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.05), ["exp_avg", "exp_avg_sq"]),
    "adam_amsgrad": (lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.8, 0.95), amsgrad=True), ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]),
    "adamw": (lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.1), ["exp_avg", "exp_avg_sq"]),
}

for name, (make, keys) in configs.items():
    p = torch.tensor(p0, requires_grad=True)
    opt = make([p])
    for g in grads:
        p.grad = torch.tensor(g)
        opt.step()
    state = opt.state[p]
    # The DL entry returns the parameter and its slots stacked.
    values = [p.detach().numpy()]
    for key in keys:
        value = state[key].numpy()
        if name == "adagrad" and key == "sum":
            value = value - 0.1  # the DL slot starts at zero
        values.append(value)
    np.savez("%s.expected.npz" % name, arr_0=np.stack(values).astype(np.float32))

# Learning-rate schedules: the learning rate of epochs 0..11, stepping the
# scheduler once per epoch.
def lrs(make_scheduler, base=0.1):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base)
    sched = make_scheduler(opt)
    out = []
    for epoch in range(12):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(out, dtype=np.float32)

np.savez("schedules.in.npz", epoch=np.arange(12, dtype=np.int64))
np.savez("schedules.expected.npz",
         arr_0=lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
         arr_1=lrs(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)),
         arr_2=lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001)))
