"""The C++ tests' problems (tests/common/problems.hpp) written for the Python package, with the same
reference values."""
import numpy as np

HIRES_REF = np.array([0.7371312573325668e-3, 0.1442485726316185e-3, 0.5888729740967575e-4,
                      0.1175651343283149e-2, 0.2386356198831331e-2, 0.6238968252742796e-2,
                      0.2849998395185769e-2, 0.2850001604814231e-2])  # y(321.8122), IVPtestset
ROBER_REF = np.array([1.786592114e-02, 7.274751468e-08, 9.821340061e-01])  # y(1e5)
ROBER_K = [0.04, 1e4, 3e7]
LORENZ_P = [10.0, 28.0, 8.0 / 3.0]
ARENSTORF_MU = 0.012277471
ARENSTORF_T = 17.0652165601579625588917206249
ARENSTORF_U0 = [0.994, 0.0, 0.0, -2.00158510637908252240537862224]
PLEIADES_U0 = [3, 3, -1, -3, 2, -2, 2, 3, -3, 2, 0, 0, -4, 4, 0, 0, 0, 0, 0, 1.75, -1.5, 0, 0, 0, -1.25, 1, 0, 0]
PLEIADES_REF_XY = np.array([
    0.37061391439700136, 3.237284092057234, -3.2225590324183266, 0.6597091455775334, 0.34255817071566688,
    1.5621721014006322, -0.70030929222125011, -3.9434375855174284, -3.2713809739725494, 5.2250818434565087,
    -2.5906124349774713, 1.1982136933922843, -0.24296823449358297, 1.0914492404289946])  # positions at t = 3


def lorenz(u, p, t):
    x, y, z = u
    s, r, b = p
    return [s * (y - x), x * (r - z) - y, x * y - b * z]


def rober(u, k, t):
    y1, y2, y3 = u
    return [-k[0] * y1 + k[1] * y2 * y3, k[0] * y1 - k[1] * y2 * y3 - k[2] * y2 * y2, k[2] * y2 * y2]


def rober_inplace(du, u, k, t):
    du[0] = -k[0] * u[0] + k[1] * u[1] * u[2]
    du[1] = k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1]
    du[2] = k[2] * u[1] * u[1]


def hires(y, p, t):
    return [-1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007, 1.71 * y[0] - 8.75 * y[1],
            -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4], 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3],
            -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6],
            -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6],
            280.0 * y[5] * y[7] - 1.81 * y[6], -280.0 * y[5] * y[7] + 1.81 * y[6]]


HIRES_U0 = [1.0, 0, 0, 0, 0, 0, 0, 0.0057]


def arenstorf(u, p, t):
    mu = ARENSTORF_MU
    mup = 1 - mu
    r1 = (u[0] + mu) ** 2 + u[1] ** 2
    r2 = (u[0] - mup) ** 2 + u[1] ** 2
    d1 = r1 * np.sqrt(r1)
    d2 = r2 * np.sqrt(r2)
    return [u[2], u[3], u[0] + 2 * u[3] - mup * (u[0] + mu) / d1 - mu * (u[0] - mup) / d2,
            u[1] - 2 * u[2] - mup * u[1] / d1 - mu * u[1] / d2]


def pleiades(u, p, t):
    du = [None] * 28
    for i in range(14):
        du[i] = u[14 + i]
    for i in range(7):
        ax = ay = 0.0
        for j in range(7):
            if j == i:
                continue
            dx = u[j] - u[i]
            dy = u[7 + j] - u[7 + i]
            r2 = dx * dx + dy * dy
            r3 = r2 * np.sqrt(r2)
            ax = ax + (j + 1) * dx / r3
            ay = ay + (j + 1) * dy / r3
        du[14 + i] = ax
        du[21 + i] = ay
    return du
