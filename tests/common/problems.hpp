// Standard test problems with reference solutions, shared by the tests and the benchmarks.
// Sources: Hairer, Nørsett & Wanner, Solving ODEs I (Arenstorf orbit, Pleiades); the Pleiades reference u(3)
// was computed here in long double by Boost.Odeint's bulirsch_stoer and fehlberg78 at tolerance 1e-18, which
// agree to 1.1e-14 relative (and match the IVPtestset values); Kepler is solved exactly.
#pragma once
#include <array>
#include <cmath>
#include <sciml/core/svector.hpp>

namespace sciml::problems {

// Lotka–Volterra, SciMLBenchmarks set-up p = (1.5, 1, 3, 1), u0 = (1, 1), t in [0, 10].
inline constexpr auto lotka_volterra = [](const auto& u, const auto& p, auto) {
  using S = std::remove_cvref_t<decltype(u[0])>;
  return SVector<S, 2>{p[0] * u[0] - p[1] * u[0] * u[1], -p[2] * u[1] + p[3] * u[0] * u[1]};
};

// Lorenz, sigma = 10, rho = 28, beta = 8/3, u0 = (1, 0, 0).
inline constexpr auto lorenz = [](const auto& u, const auto& p, auto) {
  using S = std::remove_cvref_t<decltype(u[0])>;
  return SVector<S, 3>{p[0] * (u[1] - u[0]), u[0] * (p[1] - u[2]) - u[1], u[0] * u[1] - p[2] * u[2]};
};
inline constexpr std::array<double, 3> lorenz_p{10.0, 28.0, 8.0 / 3.0};

// Arenstorf orbit (restricted three-body problem); u(T) = u0 exactly.
inline constexpr double arenstorf_mu = 0.012277471;
inline constexpr double arenstorf_T = 17.0652165601579625588917206249;
inline constexpr SVector<double, 4> arenstorf_u0{0.994, 0.0, 0.0, -2.00158510637908252240537862224};
inline constexpr auto arenstorf = [](const auto& u, const auto&, auto) {
  using S = std::remove_cvref_t<decltype(u[0])>;
  const S mu = S(arenstorf_mu), mup = S(1) - mu;
  const S r1 = (u[0] + mu) * (u[0] + mu) + u[1] * u[1];
  const S r2 = (u[0] - mup) * (u[0] - mup) + u[1] * u[1];
  using std::sqrt;
  const S d1 = r1 * sqrt(r1), d2 = r2 * sqrt(r2);
  return SVector<S, 4>{u[2], u[3], u[0] + S(2) * u[3] - mup * (u[0] + mu) / d1 - mu * (u[0] - mup) / d2,
                       u[1] - S(2) * u[2] - mup * u[1] / d1 - mu * u[1] / d2};
};

// Pleiades: seven bodies, masses j, planar gravity G = 1; state (x1..7, y1..7, x'1..7, y'1..7), t in [0, 3].
inline constexpr SVector<double, 28> pleiades_u0{3, 3, -1, -3, 2, -2, 2, 3, -3, 2, 0, 0, -4, 4,
                                                 0, 0, 0, 0, 0, 1.75, -1.5, 0, 0, 0, -1.25, 1, 0, 0};
inline constexpr std::array<double, 14> pleiades_ref_xy{
    0.37061391439700136, 3.237284092057234, -3.2225590324183266, 0.6597091455775334, 0.34255817071566688,
    1.5621721014006322,  -0.70030929222125011,
    -3.9434375855174284, -3.2713809739725494, 5.2250818434565087, -2.5906124349774713, 1.1982136933922843,
    -0.24296823449358297, 1.0914492404289946};
inline constexpr auto pleiades = [](const auto& u, const auto&, auto) {
  using S = std::remove_cvref_t<decltype(u[0])>;
  SVector<S, 28> du{};
  for (int i = 0; i < 14; ++i) du[i] = u[14 + i];
  for (int i = 0; i < 7; ++i) {
    S ax = 0, ay = 0;
    for (int j = 0; j < 7; ++j) {
      if (j == i) continue;
      const S dx = u[j] - u[i], dy = u[7 + j] - u[7 + i];
      const S r2 = dx * dx + dy * dy;
      using std::sqrt;
      const S r3 = r2 * sqrt(r2);
      ax += S(j + 1) * dx / r3;
      ay += S(j + 1) * dy / r3;
    }
    du[14 + i] = ax;
    du[21 + i] = ay;
  }
  return du;
};

// Kepler two-body problem with eccentricity e: q'' = -q/|q|^3, q0 = (1-e, 0), p0 = (0, sqrt((1+e)/(1-e))).
// Nonlinear, smooth, with an exact solution from Kepler's equation E - e sin E = t.
inline constexpr auto kepler = [](const auto& u, const auto&, auto) {
  using S = std::remove_cvref_t<decltype(u[0])>;
  using std::sqrt;
  const S r2 = u[0] * u[0] + u[1] * u[1];
  const S r3 = r2 * sqrt(r2);
  return SVector<S, 4>{u[2], u[3], -u[0] / r3, -u[1] / r3};
};
template <class T = double>
inline SVector<T, 4> kepler_exact(T e, T t) {
  using std::abs, std::cos, std::sin, std::sqrt;
  T E = t;
  for (int i = 0; i < 100; ++i) {
    const T dE = (E - e * sin(E) - t) / (1 - e * cos(E));
    E -= dE;
    if (abs(dE) < T(1e-19)) break;
  }
  const T s = sqrt(1 - e * e), den = 1 - e * cos(E);
  return {cos(E) - e, s * sin(E), -sin(E) / den, s * cos(E) / den};
}

// Robertson chemical kinetics (stiff), k = (0.04, 1e4, 3e7), y0 = (1, 0, 0); reference y(1e5) computed at
// tolerance 1e-12..1e-13 by two codes agreeing to ~1e-10 relative. HIRES (IVPtestset), reference y(321.8122).
inline constexpr auto rober = [](const auto& u, const auto& k, auto) {
  using S = std::remove_cvref_t<decltype(u[0])>;
  return sciml::SVector<S, 3>{-k[0] * u[0] + k[1] * u[1] * u[2], k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1],
                              k[2] * u[1] * u[1]};
};
constexpr std::array<double, 3> rober_k{0.04, 1e4, 3e7};
// The same in place, for dynamic states (std::vector).
inline constexpr auto rober_inplace = [](auto& du, const auto& u, const auto& k, auto) {
  du[0] = -k[0] * u[0] + k[1] * u[1] * u[2];
  du[1] = k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1];
  du[2] = k[2] * u[1] * u[1];
};
constexpr std::array<double, 3> rober_ref{1.786592114e-02, 7.274751468e-08, 9.821340061e-01};  // y(1e5)

inline constexpr auto hires = [](const auto& y, const auto&, auto) {
  using S = std::remove_cvref_t<decltype(y[0])>;
  return sciml::SVector<S, 8>{
      -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007, 1.71 * y[0] - 8.75 * y[1],
      -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4], 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3],
      -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6], -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6],
      280.0 * y[5] * y[7] - 1.81 * y[6], -280.0 * y[5] * y[7] + 1.81 * y[6]};
};
constexpr std::array<double, 8> hires_ref{0.7371312573325668e-3, 0.1442485726316185e-3, 0.5888729740967575e-4,
                                          0.1175651343283149e-2, 0.2386356198831331e-2, 0.6238968252742796e-2,
                                          0.2849998395185769e-2, 0.2850001604814231e-2};

}  // namespace sciml::problems
