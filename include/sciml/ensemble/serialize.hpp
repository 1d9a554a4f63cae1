// Byte serialisation of ensemble outputs, so EnsembleDistributed can move them between MPI ranks. Supported:
// trivially copyable types (double, SVector, std::array, plain structs without pointers), std::string,
// std::vector and std::pair of supported types, ODESolution (everything, dense output included), and any class
// with members `void serialize(sciml::ByteWriter&) const` and `void deserialize(sciml::ByteReader&)`.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>
#include "../solution/ode_solution.hpp"

namespace sciml {

struct ByteWriter {
  std::vector<char> buf;
  void write(const void* p, std::size_t n) {
    if (n == 0) return;
    const std::size_t at = buf.size();
    buf.resize(at + n);
    std::memcpy(buf.data() + at, p, n);
  }
};

struct ByteReader {
  const char* p = nullptr;
  const char* end = nullptr;
  ByteReader(const char* begin, std::size_t n) : p(begin), end(begin + n) {}
  void read(void* out, std::size_t n) {
    if (n > std::size_t(end - p)) throw std::runtime_error("ByteReader: the message is shorter than its contents say");
    if (n > 0) std::memcpy(out, p, n);
    p += n;
  }
  std::size_t remaining() const { return std::size_t(end - p); }
};

template <class T>
concept bitwise_serializable =
    std::is_trivially_copyable_v<T> && !std::is_pointer_v<T> && !std::is_member_pointer_v<T>;

template <class T>
  requires bitwise_serializable<T>
void serialize(ByteWriter& w, const T& x) {
  w.write(&x, sizeof(T));
}
template <class T>
  requires bitwise_serializable<T>
void deserialize(ByteReader& r, T& x) {
  r.read(&x, sizeof(T));
}

template <class T>
  requires(!bitwise_serializable<T>) && requires(const T& c, T& m, ByteWriter& w, ByteReader& r) {
    c.serialize(w);
    m.deserialize(r);
  }
void serialize(ByteWriter& w, const T& x) {
  x.serialize(w);
}
template <class T>
  requires(!bitwise_serializable<T>) && requires(const T& c, T& m, ByteWriter& w, ByteReader& r) {
    c.serialize(w);
    m.deserialize(r);
  }
void deserialize(ByteReader& r, T& x) {
  x.deserialize(r);
}

namespace detail {
inline void write_size(ByteWriter& w, std::size_t n) {
  const std::uint64_t v = n;
  w.write(&v, sizeof v);
}
inline std::size_t read_size(ByteReader& r, std::size_t min_bytes_each) {
  std::uint64_t v = 0;
  r.read(&v, sizeof v);
  if (min_bytes_each > 0 && v > r.remaining() / min_bytes_each)
    throw std::runtime_error("ByteReader: a length exceeds the rest of the message");
  return static_cast<std::size_t>(v);
}
}  // namespace detail

inline void serialize(ByteWriter& w, const std::string& s) {
  detail::write_size(w, s.size());
  w.write(s.data(), s.size());
}
inline void deserialize(ByteReader& r, std::string& s) {
  s.resize(detail::read_size(r, 1));
  r.read(s.data(), s.size());
}

template <class T, class A>
void serialize(ByteWriter& w, const std::vector<T, A>& v);
template <class T, class A>
void deserialize(ByteReader& r, std::vector<T, A>& v);

template <class A, class B>
void serialize(ByteWriter& w, const std::pair<A, B>& x) {
  serialize(w, x.first);
  serialize(w, x.second);
}
template <class A, class B>
void deserialize(ByteReader& r, std::pair<A, B>& x) {
  deserialize(r, x.first);
  deserialize(r, x.second);
}

template <class T, class A>
void serialize(ByteWriter& w, const std::vector<T, A>& v) {
  detail::write_size(w, v.size());
  if constexpr (bitwise_serializable<T> && !std::is_same_v<T, bool>) {
    w.write(v.data(), v.size() * sizeof(T));
  } else {
    for (const auto& x : v) {
      if constexpr (std::is_same_v<T, bool>) {
        const bool e = x;  // std::vector<bool> hands out proxies
        serialize(w, e);
      } else {
        serialize(w, x);
      }
    }
  }
}
template <class T, class A>
void deserialize(ByteReader& r, std::vector<T, A>& v) {
  if constexpr (bitwise_serializable<T> && !std::is_same_v<T, bool>) {
    v.resize(detail::read_size(r, sizeof(T)));
    r.read(v.data(), v.size() * sizeof(T));
  } else {
    const std::size_t n = detail::read_size(r, 0);
    v.clear();
    for (std::size_t i = 0; i < n; ++i) {
      T e{};
      deserialize(r, e);
      v.push_back(std::move(e));
    }
  }
}

// Every field of an ODESolution, dense output included, so sol(t) works the same on every rank.
template <class State, class Alg>
void serialize(ByteWriter& w, const ODESolution<State, Alg>& s) {
  serialize(w, s.t);
  serialize(w, s.u);
  serialize(w, s.retcode);
  serialize(w, s.message);
  serialize(w, s.stats);
  serialize(w, s.dense);
  serialize(w, s.dense_t0);
  serialize(w, s.dense_h);
  serialize(w, s.dense_tend);
  serialize(w, s.dense_u0);
  serialize(w, s.dense_k);
  serialize(w, s.dense_tag);
}
template <class State, class Alg>
void deserialize(ByteReader& r, ODESolution<State, Alg>& s) {
  deserialize(r, s.t);
  deserialize(r, s.u);
  deserialize(r, s.retcode);
  deserialize(r, s.message);
  deserialize(r, s.stats);
  deserialize(r, s.dense);
  deserialize(r, s.dense_t0);
  deserialize(r, s.dense_h);
  deserialize(r, s.dense_tend);
  deserialize(r, s.dense_u0);
  deserialize(r, s.dense_k);
  deserialize(r, s.dense_tag);
}

// Whether T is one of the supported types (checked by EnsembleDistributed before it instantiates anything).
template <class T>
struct is_serializable
    : std::bool_constant<bitwise_serializable<T> || requires(const T& c, T& m, ByteWriter& w, ByteReader& r) {
        c.serialize(w);
        m.deserialize(r);
      }> {};
template <>
struct is_serializable<std::string> : std::true_type {};
template <class T, class A>
struct is_serializable<std::vector<T, A>> : is_serializable<T> {};
template <class A, class B>
struct is_serializable<std::pair<A, B>> : std::bool_constant<is_serializable<A>::value && is_serializable<B>::value> {};
template <class State, class Alg>
struct is_serializable<ODESolution<State, Alg>> : is_serializable<State> {};
template <class T>
inline constexpr bool is_serializable_v = is_serializable<T>::value;

}  // namespace sciml
