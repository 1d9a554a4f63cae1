// Large stiff test problems with sparse Jacobians, shared by the tests and the benchmarks: the 2D Brusselator
// (SciMLBenchmarks "Bruss" / DiffEqProblemLibrary `brusselator_2d_loop`, from Hairer & Wanner, Solving ODEs II,
// p. 152) on an N x N grid, and k independent copies of ROBER stacked into one system ("scaled Robertson").
// The right-hand sides are in place, f(du, u, p, t), generic over the scalar (double, sciml::Dual, the sparsity
// tracer sciml::detail::Tracer); t may be a double or a Dual (only its value is used). Each problem comes with
// its analytic Jacobian as a CSR pattern (sciml::SparsityPattern, columns sorted within a row) and a values
// function filling the nonzeros in that order (for CVODE + KLU, SciPy, and to check detect_sparsity / AD).
//
// Reference `brusselator8_ref` = u(11.5) for N = 8 (128 values, 17 significant digits), computed twice with
// the right-hand side and analytic Jacobian above: by SciPy 1.10.1 solve_ivp Radau (rtol 3e-14, atol 1e-16,
// integrated in two pieces [0, 1.1] and [1.1, 11.5]; the values below) and by SUNDIALS CVODE 6.4.1 BDF (dense
// direct solver, rtol 1e-15, atol 1e-17, tstop 1.1 then stop time 11.5). Max over the components of
// |a - b| / |b|: CVODE vs Radau 3.0e-12; Radau at rtol 3e-14 vs 1e-13 (and 1e-13 vs 1e-12) 1.4e-14 (5.2e-14);
// CVODE converging towards Radau (5.8e-11, 8.4e-12, 3.0e-12 at rtol 1e-13, 1e-14, 1e-15). The two codes
// agree to 3.0e-12; Radau's own convergence suggests ~1e-13. Components lie in [0.52, 5.23].
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <vector>
#include <sciml/core/state.hpp>
#include <sciml/linalg/sparsity.hpp>
#include "problems.hpp"

namespace sciml::problems {

// ---- 2D Brusselator -------------------------------------------------------------------------------------
// N x N periodic grid, xyd = linspace(0, 1, N), dx = xyd[1] - xyd[0] = 1/(N-1), A = 3.4, B = 1,
// alpha = 10 / dx^2. State u[i, j, c] (c = 0: u, c = 1: v) at flat index i + N*j + N*N*c (i: x, j: y).
//   u' = alpha (u[i-1,j] + u[i+1,j] + u[i,j+1] + u[i,j-1] - 4 u[i,j]) + B + u^2 v - (A + 1) u + f(x_i, y_j, t)
//   v' = alpha (the same Laplacian of v) + A u - u^2 v
// with periodic neighbours (i+1 wraps N-1 -> 0, i-1 wraps 0 -> N-1, same in j), the forcing f = 5 where
// (x-0.3)^2 + (y-0.6)^2 <= 0.1^2 and t >= 1.1 (else 0), u(0) = 22 (y(1-y))^{3/2}, v(0) = 27 (x(1-x))^{3/2},
// t in [0, 11.5]. The forcing switches on at t = 1.1: give it to the solver as a tstop.
struct BrusselatorParams {
  std::size_t N = 0;
  double A = 3.4, B = 1.0;
  double dx = 0;     // 1 / (N - 1)
  double alpha = 0;  // 10 / dx^2
  std::vector<double> xyd;
};
inline constexpr double brusselator_tf = 11.5;
inline constexpr double brusselator_tstop = 1.1;

inline BrusselatorParams brusselator_params(std::size_t N) {
  BrusselatorParams p;
  p.N = N;
  p.xyd.resize(N);
  for (std::size_t i = 0; i < N; ++i) p.xyd[i] = double(i) / double(N - 1);
  p.dx = p.xyd[1] - p.xyd[0];
  p.alpha = 10.0 / (p.dx * p.dx);
  return p;
}

inline std::vector<double> brusselator_u0(std::size_t N) {
  const BrusselatorParams p = brusselator_params(N);
  std::vector<double> u(2 * N * N);
  for (std::size_t j = 0; j < N; ++j)
    for (std::size_t i = 0; i < N; ++i) {
      const double x = p.xyd[i], y = p.xyd[j];
      u[i + N * j] = 22.0 * std::pow(y * (1.0 - y), 1.5);
      u[i + N * j + N * N] = 27.0 * std::pow(x * (1.0 - x), 1.5);
    }
  return u;
}

inline double brusselator_forcing(double x, double y, double t) {
  return ((x - 0.3) * (x - 0.3) + (y - 0.6) * (y - 0.6) <= 0.1 * 0.1 && t >= 1.1) ? 5.0 : 0.0;
}

inline constexpr auto brusselator_2d = [](auto& du, const auto& u, const BrusselatorParams& p, auto t) {
  using S = std::remove_cvref_t<decltype(u[0])>;
  const double tv = sciml::value_of(t);
  const std::size_t N = p.N, NN = N * N;
  for (std::size_t j = 0; j < N; ++j) {
    const std::size_t jp = j + 1 == N ? 0 : j + 1, jm = j == 0 ? N - 1 : j - 1;
    for (std::size_t i = 0; i < N; ++i) {
      const std::size_t ip = i + 1 == N ? 0 : i + 1, im = i == 0 ? N - 1 : i - 1;
      const std::size_t k = i + N * j;
      const S uu = u[k], vv = u[k + NN];
      const S uuv = uu * uu * vv;
      du[k] = p.alpha * (u[im + N * j] + u[ip + N * j] + u[i + N * jp] + u[i + N * jm] - 4.0 * uu) + p.B + uuv -
              (p.A + 1.0) * uu + brusselator_forcing(p.xyd[i], p.xyd[j], tv);
      du[k + NN] = p.alpha * (u[im + N * j + NN] + u[ip + N * j + NN] + u[i + N * jp + NN] + u[i + N * jm + NN] -
                              4.0 * vv) +
                   p.A * uu - uuv;
    }
  }
};

// The Jacobian's pattern: row (i, j, u) holds u at the point and its 4 neighbours and v at the point; row
// (i, j, v) holds u at the point, v at the point and its 4 neighbours (12 N^2 nonzeros; N >= 3).
inline SparsityPattern brusselator_jac_pattern(std::size_t N) {
  const std::size_t NN = N * N;
  SparsityPattern s;
  s.n = 2 * NN;
  s.col.reserve(12 * NN);
  for (std::size_t c = 0; c < 2; ++c)
    for (std::size_t j = 0; j < N; ++j)
      for (std::size_t i = 0; i < N; ++i) {
        const std::size_t ip = i + 1 == N ? 0 : i + 1, im = i == 0 ? N - 1 : i - 1;
        const std::size_t jp = j + 1 == N ? 0 : j + 1, jm = j == 0 ? N - 1 : j - 1;
        const std::size_t k = i + N * j, off = c * NN;
        std::array<std::size_t, 6> cols{im + N * j + off, ip + N * j + off, i + N * jp + off, i + N * jm + off, k + off,
                                        c == 0 ? k + NN : k};
        std::sort(cols.begin(), cols.end());
        for (std::size_t col : cols) s.col.push_back(col);
        s.row_ptr.push_back(s.col.size());
      }
  return s;
}

// The nonzeros of df/du at u, in the CSR order of brusselator_jac_pattern(p.N): vals[0 .. 12 N^2).
template <class U, class Out>
void brusselator_jac_values(const U& u, const BrusselatorParams& p, const SparsityPattern& s, Out&& vals) {
  const std::size_t NN = p.N * p.N;
  for (std::size_t r = 0; r < s.n; ++r) {
    const std::size_t k = r < NN ? r : r - NN;
    const double uu = u[k], vv = u[k + NN];
    for (std::size_t e = s.row_ptr[r]; e < s.row_ptr[r + 1]; ++e) {
      const std::size_t c = s.col[e];
      double v;
      if (r < NN) v = c == r ? -4.0 * p.alpha + 2.0 * uu * vv - (p.A + 1.0) : c == k + NN ? uu * uu : p.alpha;
      else v = c == r ? -4.0 * p.alpha - uu * uu : c == k ? p.A - 2.0 * uu * vv : p.alpha;
      vals[e] = v;
    }
  }
}

// ---- scaled Robertson -----------------------------------------------------------------------------------
// k independent copies of ROBER (rober, rober_k of problems.hpp) stacked as [copy 0 (3 states), copy 1, ...];
// y0 = (1, 0, 0) for each, t in [0, 1e5]; the reference is rober_ref repeated. p: the rate constants (rober_k).
inline constexpr auto rober_scaled = [](auto& du, const auto& u, const auto& k, auto) {
  const std::size_t copies = std::size_t(u.size()) / 3;
  for (std::size_t c = 0; c < copies; ++c) {
    const std::size_t o = 3 * c;
    du[o] = -k[0] * u[o] + k[1] * u[o + 1] * u[o + 2];
    du[o + 1] = k[0] * u[o] - k[1] * u[o + 1] * u[o + 2] - k[2] * u[o + 1] * u[o + 1];
    du[o + 2] = k[2] * u[o + 1] * u[o + 1];
  }
};
inline constexpr double rober_tf = 1e5;

inline std::vector<double> rober_scaled_u0(std::size_t copies) {
  std::vector<double> u(3 * copies, 0.0);
  for (std::size_t c = 0; c < copies; ++c) u[3 * c] = 1.0;
  return u;
}
inline std::vector<double> rober_scaled_ref(std::size_t copies) {
  std::vector<double> u(3 * copies);
  for (std::size_t c = 0; c < copies; ++c)
    for (std::size_t i = 0; i < 3; ++i) u[3 * c + i] = rober_ref[i];
  return u;
}

// Pattern: per copy, rows 0 and 1 depend on all three states, row 2 on y2 only (7 nonzeros per copy).
inline SparsityPattern rober_scaled_jac_pattern(std::size_t copies) {
  SparsityPattern s;
  s.n = 3 * copies;
  s.col.reserve(7 * copies);
  for (std::size_t c = 0; c < copies; ++c) {
    const std::size_t o = 3 * c;
    for (std::size_t r = 0; r < 2; ++r) {
      for (std::size_t j = 0; j < 3; ++j) s.col.push_back(o + j);
      s.row_ptr.push_back(s.col.size());
    }
    s.col.push_back(o + 1);
    s.row_ptr.push_back(s.col.size());
  }
  return s;
}

// The nonzeros of df/du at u in the order of rober_scaled_jac_pattern (7 per copy).
template <class U, class K, class Out>
void rober_scaled_jac_values(const U& u, const K& k, Out&& vals) {
  const std::size_t copies = std::size_t(u.size()) / 3;
  for (std::size_t c = 0; c < copies; ++c) {
    const std::size_t o = 3 * c, e = 7 * c;
    const double y2 = u[o + 1], y3 = u[o + 2];
    vals[e + 0] = -k[0];
    vals[e + 1] = k[1] * y3;
    vals[e + 2] = k[1] * y2;
    vals[e + 3] = k[0];
    vals[e + 4] = -k[1] * y3 - 2.0 * k[2] * y2;
    vals[e + 5] = -k[1] * y2;
    vals[e + 6] = 2.0 * k[2] * y2;
  }
}

// ---- reference: Brusselator N = 8 at t = 11.5 -----------------------------------------------------------
// u(11.5) for N = 8, in the state order (u at i + 8 j, then v); see the head of this file.
inline constexpr std::array<double, 128> brusselator8_ref{
    0.52334106964248051, 0.52345858746812113, 0.52351556633683338, 0.52345858746812113,
    0.52334106964248051, 0.52323721990012606, 0.52319704151763702, 0.52323721990012606,
    0.5234144392820459, 0.52356893535660087, 0.5236525627149502, 0.52356893535660087,
    0.5234144392820459, 0.52328569832672289, 0.52323721990012606, 0.52328569832672289,
    0.52362230439152346, 0.52391007208158025, 0.52411655435587579, 0.52391007208158025,
    0.52362230439152346, 0.52341443928204578, 0.52334106964248039, 0.52341443928204578,
    0.52391007208158025, 0.52449167956381104, 0.52515224838022834, 0.52449167956381104,
    0.52391007208158025, 0.52356893535660065, 0.52345858746812113, 0.52356893535660065,
    0.5241165543558759, 0.52515224838022834, 0.52766555375542423, 0.52515224838022834,
    0.5241165543558759, 0.5236525627149502, 0.52351556633683338, 0.5236525627149502,
    0.52391007208158025, 0.52449167956381104, 0.52515224838022834, 0.52449167956381104,
    0.52391007208158025, 0.52356893535660076, 0.52345858746812113, 0.52356893535660076,
    0.52362230439152357, 0.52391007208158025, 0.52411655435587579, 0.52391007208158025,
    0.52362230439152357, 0.5234144392820459, 0.52334106964248051, 0.5234144392820459,
    0.5234144392820459, 0.52356893535660087, 0.5236525627149502, 0.52356893535660087,
    0.5234144392820459, 0.52328569832672289, 0.52323721990012606, 0.52328569832672289,
    5.2211183765640428, 5.2211167388774546, 5.2211160165864037, 5.2211167388774546,
    5.2211183765640428, 5.2211199243367252, 5.2211205448468982, 5.2211199243367252,
    5.221117480539105, 5.2211155853758413, 5.2211147175298827, 5.2211155853758413,
    5.221117480539105, 5.2211192306007232, 5.2211199243367243, 5.2211192306007232,
    5.2211151541501142, 5.2211124748381588, 5.221111103296372, 5.2211124748381588,
    5.2211151541501142, 5.221117480539105, 5.2211183765640428, 5.221117480539105,
    5.2211124748381588, 5.2211085577610916, 5.2211061160985208, 5.2211085577610916,
    5.2211124748381588, 5.2211155853758404, 5.2211167388774538, 5.2211155853758404,
    5.221111103296372, 5.2211061160985208, 5.2211019934409526, 5.2211061160985208,
    5.221111103296372, 5.2211147175298827, 5.2211160165864037, 5.2211147175298827,
    5.2211124748381588, 5.2211085577610925, 5.2211061160985208, 5.2211085577610925,
    5.2211124748381588, 5.2211155853758404, 5.2211167388774546, 5.2211155853758404,
    5.2211151541501142, 5.2211124748381597, 5.2211111032963728, 5.2211124748381597,
    5.2211151541501142, 5.221117480539105, 5.2211183765640428, 5.221117480539105,
    5.221117480539105, 5.2211155853758404, 5.2211147175298835, 5.2211155853758404,
    5.221117480539105, 5.2211192306007241, 5.2211199243367252, 5.2211192306007241,
};

}  // namespace sciml::problems
