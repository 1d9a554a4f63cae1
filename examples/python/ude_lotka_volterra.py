"""The universal differential equation workflow of the UDE paper (Rackauckas et al. 2020), Lotka-Volterra
scenario, from Python; the same set-up as examples/ude_lotka_volterra.cpp. The truth is
    x' = 1.3 x - 0.9 x y,   y' = 0.8 x y - 1.8 y,   u0 = (0.44249296, 4.6280594),
sampled at 31 points on [0, 3] with Gaussian noise of 0.5% of each state's mean. The linear terms are known; a
neural network (2 -> 5 -> 5 -> 5 -> 2, rbf activations) stands in for the interaction:
    x' = 1.3 x + NN_1(x, y),   y' = -1.8 y + NN_2(x, y).
It is traced into the right-hand side, trained with adjoint gradients (sciml.gradient, InterpolatingAdjoint):
Adam(0.1) for 200 iterations, then L-BFGS; SINDy (polynomials in x, y up to degree 2 without a constant; AICc
over the STLSQ threshold path with normalised columns and every support of at most 3 terms) then turns the
network's output along the trained model's trajectory back into equations, which should be -0.9 x y and 0.8 x y.
The recovered model is extrapolated to t = 50 against the truth and against a pure neural ODE (2 -> 16 -> 16 -> 2,
tanh) trained on the same data.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/ude_lotka_volterra.py [--seed N] [--noise F]
        [--lbfgs-iters N] [--plot FILE.png] [--quiet]
The last line printed is one JSON object with the recovered terms (as the C++ example prints)."""
import argparse
import json
import time

import numpy as np

import sciml

ALPHA, BETA, GAMMA, DELTA = 1.3, 0.9, 0.8, 1.8
U0 = [0.44249296, 4.6280594]


def lotka(u, p, t):
    x, y = u
    return [ALPHA * x - BETA * x * y, GAMMA * x * y - DELTA * y]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--noise", type=float, default=0.005, help="noise as a fraction of each state's mean")
    ap.add_argument("--lbfgs-iters", type=int, default=10000, help="L-BFGS iterations at most (as in C++: 10000)")
    ap.add_argument("--plot", help="save a plot of the extrapolation (matplotlib) to this file")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    say = (lambda *a: None) if args.quiet else print
    t_start = time.perf_counter()

    # data: 31 points on [0, 3]
    ts = np.linspace(0.0, 3.0, 31)
    truth = sciml.solve(sciml.ODEProblem(lotka, U0, (0.0, 3.0)), sciml.Vern9(), reltol=1e-12, abstol=1e-12, saveat=ts)
    rng = np.random.default_rng(args.seed)
    data = truth.u + args.noise * truth.u.mean(axis=0) * rng.standard_normal(truth.u.shape)
    x0 = data[0]  # the model starts from the first (noisy) point

    # the UDE: known linear terms + a network for the rest; theta (the network's parameters) is p
    net = sciml.nn.MLP([2, 5, 5, 5, 2], activation="rbf")
    theta0 = net.init(seed=args.seed)

    def ude(u, p, t):
        x, y = u
        nn = net(u, p)
        return [ALPHA * x + nn[0], -DELTA * y + nn[1]]

    t0 = time.perf_counter()
    prob = sciml.ODEProblem(ude, x0, (0.0, 3.0), theta0)
    sciml.jit(prob)  # native code for f and its Jacobian (bytecode is used if there is no C compiler)
    say(f"traced and compiled the UDE ({net.num_params} parameters) in {time.perf_counter() - t0:.2f} s")

    def loss_and_grad(theta):  # L = sum_i |u(t_i) - data_i|^2 and dL/dtheta by the adjoint method
        return sciml.gradient(prob.remake(p=theta), sciml.Tsit5(), ts=ts, data=data, reltol=1e-6, abstol=1e-6,
                              maxiters=20000)

    t_train = time.perf_counter()
    print_every = 0 if args.quiet else 50
    say("-- Adam(0.1), 200 iterations")
    r1 = sciml.train(loss_and_grad, theta0, optimizer=sciml.Adam(lr=0.1), maxiters=200, print_every=print_every)
    say(f"-- L-BFGS, up to {args.lbfgs_iters} iterations")
    r2 = sciml.train(loss_and_grad, r1.theta, optimizer=sciml.LBFGS(gtol=1e-10), maxiters=args.lbfgs_iters,
                     print_every=0 if args.quiet else 250)
    trained = r2 if np.isfinite(r2.loss) else r1
    train_seconds = time.perf_counter() - t_train
    say(f"UDE trained: loss {trained.loss:.4e} in {train_seconds:.2f} s ({r2.message})")

    # SINDy on what the network learned: its outputs along the trained model's trajectory (301 points)
    fine = np.linspace(0.0, 3.0, 301)
    traj = sciml.solve(prob.remake(p=trained.theta), sciml.Vern7(), reltol=1e-8, abstol=1e-8, saveat=fine)
    X = traj.u
    Y = net(X, trained.theta)  # the network on numbers: vectorised over the rows
    lib = sciml.sindy.polynomial(2, 2, names=["x", "y"], include_constant=False)
    found = sciml.sindy.threshold_sweep(X, Y, library=lib, normalize_columns=True, correlation_length=60.0,
                                        max_subset_terms=3, output_names=["dx", "dy"])
    model = found.best
    say("SINDy on the network's output:")
    say(model)

    # a pure neural ODE u' = NN(u) on the same data, for comparison (Adam then L-BFGS, 300 iterations each)
    node_net = sciml.nn.MLP([2, 16, 16, 2], activation="tanh")
    node = sciml.ODEProblem(lambda u, p, t: node_net(u, p), x0, (0.0, 3.0), node_net.init(seed=args.seed + 1))

    def node_loss(theta):
        return sciml.gradient(node.remake(p=theta), sciml.Tsit5(), ts=ts, data=data, reltol=1e-6, abstol=1e-6,
                              maxiters=20000)
    t0 = time.perf_counter()
    n1 = sciml.train(node_loss, node.p, optimizer=sciml.Adam(lr=0.1), maxiters=300)
    n2 = sciml.train(node_loss, n1.theta, optimizer="lbfgs", maxiters=300)
    node_theta = n2.theta if np.isfinite(n2.loss) else n1.theta
    say(f"pure neural ODE ({node_net.num_params} parameters) trained: loss {min(n1.loss, n2.loss):.4e} in "
        f"{time.perf_counter() - t0:.2f} s")

    # extrapolate to t = 50: the truth, the recovered model (known terms + identified ones, traced), the neural ODE
    far = np.linspace(0.0, 50.0, 1001)
    opts = dict(reltol=1e-8, abstol=1e-8, saveat=far, maxiters=1000000)
    s_true = sciml.solve(sciml.ODEProblem(lotka, U0, (0.0, 50.0)), sciml.Vern9(), **opts)
    recovered = sciml.ODEProblem(model.rhs(known=lambda u, p, t: [ALPHA * u[0], -DELTA * u[1]]), x0, (0.0, 50.0))
    s_rec = sciml.solve(recovered, sciml.Vern9(), **opts)
    s_node = sciml.solve(node.remake(tspan=(0.0, 50.0), p=node_theta), sciml.Tsit5(), **opts)

    def max_err(s):
        ok = s.success and len(s.t) == len(far)
        return float(np.max(np.abs(s.u - s_true.u))) if ok else float("inf")
    err_rec, err_node = max_err(s_rec), max_err(s_node)
    say(f"extrapolation to t = 50, max |error|: recovered model {err_rec:.3e}, pure neural ODE {err_node:.3e} "
        f"(total {time.perf_counter() - t_start:.2f} s)")
    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
        for k, v in enumerate("xy"):
            ax[k].plot(far, s_true.u[:, k], "k-", label="truth")
            ax[k].plot(s_rec.t, s_rec.u[:, k], "r--", label="UDE + SINDy")
            ax[k].plot(s_node.t, s_node.u[:, k], "b:", label="neural ODE")
            ax[k].plot(ts, data[:, k], "ko", ms=3, label="data")
            ax[k].set_ylabel(v)
        ax[0].legend()
        ax[1].set_xlabel("t")
        fig.savefig(args.plot, dpi=100)
        say(f"plot in {args.plot}")

    print(json.dumps({"seed": args.seed, "noise": args.noise, "recovered": model.equations,
                      "train_seconds": round(train_seconds, 3), "final_loss": trained.loss,
                      "lbfgs_iterations": r2.iterations,
                      "extrapolation_error": {"recovered": err_rec, "neural_ode": err_node}}))


if __name__ == "__main__":
    main()
