// Philox4x64-10 and the ziggurat's fast path for many runs at once (structure of arrays over
// runs), with SIMD instructions chosen at run time (Google Highway's dynamic dispatch: one
// binary uses AVX-512, AVX2, SSE4 or portable code, whichever the CPU has). Every target gives
// the same bits as the scalar Random123 Philox and ziggurat_normal(): the generator is integer
// arithmetic, and the ziggurat's fast path is one exact conversion and one multiplication.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace plancast {

/// Words of Philox4x64-10 keyed (key[0], key[1]) for the n counters (c0 + j, c1, c2, c3),
/// j = 0 ... n-1: word l of counter j goes to out[l * stride + j] (stride >= n).
void philox_words_lanes(const std::uint64_t key[2], std::uint64_t c0, std::size_t n,
                        std::uint64_t c1, std::uint64_t c2, std::uint64_t c3, std::uint64_t* out,
                        std::size_t stride) noexcept;

/// The same for the counters ctr + j·e_vary: counter word `vary` (0-3) is ctr[vary] + j, the
/// others as given (e.g. vary = 2: the firms of one run, keyed by their group of four).
void philox_words_lanes_along(const std::uint64_t key[2], const std::uint64_t ctr[4],
                              std::size_t vary, std::size_t n, std::uint64_t* out,
                              std::size_t stride) noexcept;

/// Words of the n counters (c0[j], c1, c2[j], c3), j < n (the firms' groups of many runs at
/// once): word l of counter j goes to out[l * stride + j] (stride >= n), or with stride 0 to
/// out[4j + l] (each counter's four words side by side). c0 and c2 must be readable to index
/// round_up(n, kListPad) − 1 (their values there do not matter).
inline constexpr std::size_t kListPad = 32;
void philox_words_list(const std::uint64_t key[2], const std::uint64_t* c0, std::uint64_t c1,
                       const std::uint64_t* c2, std::uint64_t c3, std::size_t n, std::uint64_t* out,
                       std::size_t stride) noexcept;

/// Words of the n counters (c0[j], c1[j], c2, c3), j < n (the firms' slow normals' first
/// extra words): counter j's four words to out[4j + l]. c0 and c1 must be readable to index
/// round_up(n, kListPad) − 1 (their values there do not matter).
void philox_words_pairs(const std::uint64_t key[2], const std::uint64_t* c0,
                        const std::uint64_t* c1, std::uint64_t c2, std::uint64_t c3, std::size_t n,
                        std::uint64_t* out) noexcept;

/// The ziggurat's fast path for n words: out[i] = ziggurat_normal(r[i], ...) wherever r[i]
/// falls inside its layer's rectangle (about 99.3% of words). The indices i where it does not
/// are written, ascending, to slow[0 ... k-1] and k is returned; out[i] is then unspecified
/// and the caller finishes it with ziggurat_normal_slow(r[i], next). slow holds n entries.
std::size_t ziggurat_normals_lanes(const std::uint64_t* r, std::size_t n, double* out,
                                   std::uint32_t* slow) noexcept;

/// The instruction set the kernels above run with on this CPU (Highway's target name:
/// "AVX3" is AVX-512, "EMU128" portable C++).
const char* random_lanes_target() noexcept;

/// Every instruction set compiled into this binary that this CPU can run, best first (the
/// Highway target bits). For tests: force_random_lanes_target(t) makes the kernels use t
/// (0: back to the best); not thread-safe, call it with no simulation running.
std::vector<std::int64_t> random_lanes_targets();
void force_random_lanes_target(std::int64_t target) noexcept;
const char* random_lanes_target_name(std::int64_t target) noexcept;

}  // namespace plancast
