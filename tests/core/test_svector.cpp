#include <gtest/gtest.h>
#include <sciml/core/state.hpp>
#include <sciml/core/svector.hpp>

using sciml::SVector;

TEST(SVector, DeductionAndArithmetic) {
  constexpr auto a = SVector{1.0, 2.0, 3.0};
  static_assert(std::is_same_v<std::remove_cv_t<decltype(a)>, SVector<double, 3>>);
  static_assert(a.size() == 3);
  const auto b = 2.0 * a - a / 2.0 + SVector<double, 3>::filled(1.0);
  EXPECT_DOUBLE_EQ(b[0], 2.5);
  EXPECT_DOUBLE_EQ(b[2], 5.5);
  EXPECT_TRUE((-a == SVector{-1.0, -2.0, -3.0}));
}

TEST(State, Traits) {
  static_assert(std::is_same_v<sciml::scalar_t<SVector<float, 2>>, float>);
  static_assert(std::is_same_v<sciml::scalar_t<std::vector<double>>, double>);
  static_assert(sciml::is_resizable_v<std::vector<double>>);
  static_assert(!sciml::is_resizable_v<SVector<double, 2>>);
  static_assert(std::is_same_v<sciml::state_storage_t<std::span<const double>>, std::vector<double>>);
  EXPECT_TRUE(sciml::all_finite(SVector{1.0, 2.0}));
  EXPECT_FALSE(sciml::all_finite(SVector{1.0, std::nan("")}));
}
