// The 2-species diurnal kinetics advection-diffusion problem of SUNDIALS' cvDiurnal_kry.c (CVODE examples,
// serial; Hindmarsh & Serban), semi-discretised by central differences on an MX x MY mesh. Stiff (kinetics
// rates ~6 /s against a day of 86400 s) with fast transients at sunrise and sunset, where the rates q3(t), q4(t)
// switch on and off as exp(-a / sin(omega t)): the problem behind issue 14 (KenCarp4's saveat values).
//
//   dc_i/dt = Kh d2c_i/dx2 + V dc_i/dx + d/dy (Kv(y) dc_i/dy) + R_i(c1, c2, t),  i = 1, 2
//   R1 = -q1 c1 c3 - q2 c1 c2 + 2 q3(t) c3 + q4(t) c2,   R2 = q1 c1 c3 - q2 c1 c2 - q4(t) c2
//   Kv(y) = Kv0 exp(y / 5),  q_j(t) = exp(-a_j / sin(omega t)) while sin(omega t) > 0, else 0 (j = 3, 4)
// on 0 <= x <= 20, 30 <= y <= 50 (km), homogeneous Neumann boundaries (the ghost point mirrors the interior
// neighbour), t in [0, 86400] s. Constants (the example's, facts only): Kh = 4e-6, V = 1e-3, Kv0 = 1e-8,
// q1 = 1.63e-16, q2 = 4.66e-16, c3 = 3.7e16, a3 = 22.62, a4 = 7.601, omega = pi / 43200 (the example's pi is
// the literal 3.1415926535898), initial profiles c1 = 1e6 a(x) b(y), c2 = 1e12 a(x) b(y) with
// a(x) = 1 - (0.1(x - 10))^2 + (0.1(x - 10))^4 / 2 and b(y) likewise about y = 40. The example uses a 10 x 10
// mesh (200 states), reltol 1e-5, abstol 1e-3 (c below ~100 is noise) and outputs every 2 hours.
// Reference values (diurnal_reference): RadauIIA5 and Rodas5P stepping onto the output times at reltol 1e-11,
// abstol 1e-7; on the 5 x 5 mesh they agree to 1.8e-8 in |a - b| / (1 + |a|) (1.5e-9 at 1e-12 / 1e-8), in
// 0.4 s and 1.1 s (Release). Errors are measured as the example's tolerances mean them (diurnal_error): relative,
// with values below FLOOR = 100 counting as 100. The tests use the 5 x 5 mesh: on 10 x 10 the central
// advection (cell Peclet number ~550) makes c2 oscillate in space and cross zero at a few mesh points (e.g.
// -1.6e8 next to 1e11 at t = 57600), where every method's error is hundreds of times the tolerance.
// State layout as the example: u[(jx + MX jy) * 2 + species] (species 0 = c1, 1 = c2). In place, generic over
// the scalar of u and of t (double, sciml::Dual): Rosenbrock methods differentiate f in t, and without df/dt
// their steps through sunrise are wrong (Rodas5P at reltol 1e-10 then crawls at dt ~ 0.02 s).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <vector>
#include <sciml/ode.hpp>

namespace sciml::problems {

struct DiurnalParams {
  std::size_t mx = 10, my = 10;
  double dx = 0, dy = 0;
  double hdco = 0, haco = 0, vdco = 0;  // Kh / dx^2, V / (2 dx), Kv0 / dy^2
};

inline constexpr double diurnal_kh = 4.0e-6, diurnal_vel = 1.0e-3, diurnal_kv0 = 1.0e-8;
inline constexpr double diurnal_q1 = 1.63e-16, diurnal_q2 = 4.66e-16, diurnal_c3 = 3.7e16;
inline constexpr double diurnal_a3 = 22.62, diurnal_a4 = 7.601;
inline constexpr double diurnal_omega = 3.1415926535898 / 4.32e4;
inline constexpr double diurnal_xmin = 0.0, diurnal_xmax = 20.0, diurnal_ymin = 30.0, diurnal_ymax = 50.0;
inline constexpr double diurnal_tf = 86400.0;

inline DiurnalParams diurnal_params(std::size_t mx = 10, std::size_t my = 10) {
  DiurnalParams p;
  p.mx = mx;
  p.my = my;
  p.dx = (diurnal_xmax - diurnal_xmin) / double(mx - 1);
  p.dy = (diurnal_ymax - diurnal_ymin) / double(my - 1);
  p.hdco = diurnal_kh / (p.dx * p.dx);
  p.haco = diurnal_vel / (2.0 * p.dx);
  p.vdco = diurnal_kv0 / (p.dy * p.dy);
  return p;
}

inline std::vector<double> diurnal_u0(const DiurnalParams& p) {
  std::vector<double> u(2 * p.mx * p.my);
  auto profile = [](double z) {
    const double s = (0.1 * z) * (0.1 * z);
    return 1.0 - s + 0.5 * s * s;
  };
  for (std::size_t jy = 0; jy < p.my; ++jy)
    for (std::size_t jx = 0; jx < p.mx; ++jx) {
      const double cxy = profile(diurnal_xmin + double(jx) * p.dx - 10.0) *
                         profile(diurnal_ymin + double(jy) * p.dy - 40.0);
      u[2 * (jx + p.mx * jy)] = 1.0e6 * cxy;
      u[2 * (jx + p.mx * jy) + 1] = 1.0e12 * cxy;
    }
  return u;
}

inline constexpr auto diurnal = [](auto& du, const auto& u, const DiurnalParams& p, auto t) {
  using S = std::remove_cvref_t<decltype(u[0])>;
  using Tm = std::remove_cvref_t<decltype(t)>;
  using std::exp, std::sin;
  const Tm s = sin(diurnal_omega * t);
  const Tm q3 = s > Tm(0.0) ? Tm(exp(-diurnal_a3 / s)) : Tm(0.0);
  const Tm q4 = s > Tm(0.0) ? Tm(exp(-diurnal_a4 / s)) : Tm(0.0);
  const std::size_t mx = p.mx, my = p.my;
  auto at = [mx](std::size_t jx, std::size_t jy, int sp) { return 2 * (jx + mx * jy) + std::size_t(sp); };
  for (std::size_t jy = 0; jy < my; ++jy) {
    const double ydn = diurnal_ymin + (double(jy) - 0.5) * p.dy, yup = ydn + p.dy;
    const double cydn = p.vdco * std::exp(0.2 * ydn), cyup = p.vdco * std::exp(0.2 * yup);
    const std::size_t jdn = jy == 0 ? 1 : jy - 1, jup = jy == my - 1 ? my - 2 : jy + 1;  // Neumann: mirror
    for (std::size_t jx = 0; jx < mx; ++jx) {
      const std::size_t jlt = jx == 0 ? 1 : jx - 1, jrt = jx == mx - 1 ? mx - 2 : jx + 1;
      const S c1 = u[at(jx, jy, 0)], c2 = u[at(jx, jy, 1)];
      const S qq1 = diurnal_q1 * diurnal_c3 * c1, qq2 = diurnal_q2 * c1 * c2, qq4 = q4 * c2;
      const S rkin1 = -qq1 - qq2 + 2.0 * q3 * diurnal_c3 + qq4;
      const S rkin2 = qq1 - qq2 - qq4;
      for (int sp = 0; sp < 2; ++sp) {
        const S c = u[at(jx, jy, sp)];
        const S vert = cyup * (u[at(jx, jup, sp)] - c) - cydn * (c - u[at(jx, jdn, sp)]);
        const S hord = p.hdco * (u[at(jrt, jy, sp)] - 2.0 * c + u[at(jlt, jy, sp)]);
        const S horad = p.haco * (u[at(jrt, jy, sp)] - u[at(jlt, jy, sp)]);
        du[at(jx, jy, sp)] = vert + hord + horad + (sp == 0 ? rkin1 : rkin2);
      }
    }
  }
};

// The state at each of `times` (increasing, in (0, 86400]) by RadauIIA5, and in `agreement` the largest
// |radau - rodas5p| / (1 + |radau|) over all entries, Rodas5P solving the same way.
struct DiurnalReference {
  std::vector<std::vector<double>> u;
  double agreement = 0;
};
inline DiurnalReference diurnal_reference(const DiurnalParams& p, const std::vector<double>& times) {
  auto prob = sciml::ODEProblem(diurnal, diurnal_u0(p), {0.0, diurnal_tf}, p);
  sciml::SolveOptions o;
  o.reltol = 1e-11;
  o.abstol = 1e-7;
  o.saveat = times;
  o.tstops = times;
  o.maxiters = 1000000;
  auto a = sciml::solve(prob, sciml::RadauIIA5{}, o);
  auto b = sciml::solve(prob, sciml::Rodas5P{}, o);
  DiurnalReference r;
  r.u = a.u;
  if (!a.success() || !b.success() || a.u.size() != times.size() || b.u.size() != times.size()) {
    r.agreement = INFINITY;
    return r;
  }
  for (std::size_t i = 0; i < times.size(); ++i)
    for (std::size_t m = 0; m < a.u[i].size(); ++m)
      r.agreement = std::max(r.agreement, std::abs(a.u[i][m] - b.u[i][m]) / (1.0 + std::abs(a.u[i][m])));
  return r;
}

// max over entries of |u - ref| / (reltol (FLOOR + |ref|)), FLOOR = 100: the example's error measure (its abstol
// is reltol * FLOOR; concentrations below ~100 are noise next to daytime values of 1e4..1e7).
inline double diurnal_error(const std::vector<double>& u, const std::vector<double>& ref, double reltol) {
  double e = 0;
  for (std::size_t m = 0; m < ref.size(); ++m) e = std::max(e, std::abs(u[m] - ref[m]) / (reltol * (100.0 + std::abs(ref[m]))));
  return e;
}

}  // namespace sciml::problems
