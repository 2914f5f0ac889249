#pragma once
// A latency histogram in the manner of HdrHistogram: values below 128 have a bucket
// each, and every power of two above that is split into 64 equal buckets, so any
// recorded value is reported within 1/64 (1.6 %) of itself. Recording is an index
// computation and an increment; histograms of several processes merge by adding counts.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace gadehold::load {

class Histogram {
 public:
  static constexpr int kLinear = 128;  // values 0..127 are exact
  static constexpr int kSub = 64;      // buckets per power of two above that

  void record(std::uint64_t value) {
    const auto i = index_of(value);
    if (i >= counts_.size()) counts_.resize(i + 1, 0);
    ++counts_[i];
    ++total_;
    max_ = std::max(max_, value);
    min_ = total_ == 1 ? value : std::min(min_, value);
  }

  std::uint64_t count() const { return total_; }
  std::uint64_t max() const { return max_; }
  std::uint64_t min() const { return total_ == 0 ? 0 : min_; }

  // The value at percentile p (0 < p <= 100): the highest value equivalent to the
  // bucket holding the ceil(p% of count)-th smallest sample, capped at the maximum.
  std::uint64_t percentile(double p) const {
    if (total_ == 0) return 0;
    auto rank = static_cast<std::uint64_t>(p / 100.0 * static_cast<double>(total_) + 0.999999);
    rank = std::clamp<std::uint64_t>(rank, 1, total_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(highest_in(i), max_);
    }
    return max_;
  }

  void merge(const Histogram& other) {
    if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
    for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
    if (other.total_ > 0) {
      min_ = total_ == 0 ? other.min_ : std::min(min_, other.min_);
      max_ = std::max(max_, other.max_);
    }
    total_ += other.total_;
  }

  // "max index:count index:count ..." with only the buckets that hold samples.
  std::string serialize() const {
    std::ostringstream out;
    out << min() << ' ' << max_;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      if (counts_[i] != 0) out << ' ' << i << ':' << counts_[i];
    }
    return out.str();
  }

  static Histogram parse(const std::string& text) {
    Histogram h;
    std::istringstream in(text);
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
    in >> lo >> hi;
    std::string cell;
    while (in >> cell) {
      const auto colon = cell.find(':');
      if (colon == std::string::npos) continue;
      const auto i = std::stoull(cell.substr(0, colon));
      const auto n = std::stoull(cell.substr(colon + 1));
      if (i >= h.counts_.size()) h.counts_.resize(i + 1, 0);
      h.counts_[i] += n;
      h.total_ += n;
    }
    h.min_ = lo;
    h.max_ = hi;
    return h;
  }

  static std::size_t index_of(std::uint64_t value) {
    if (value < kLinear) return value;
    const int msb = 63 - std::countl_zero(value);  // >= 7
    const int shift = msb - 6;                      // value >> shift is 64..127
    return kLinear + static_cast<std::size_t>(shift - 1) * kSub + ((value >> shift) - kSub);
  }

  // The largest value that lands in bucket i.
  static std::uint64_t highest_in(std::size_t i) {
    if (i < kLinear) return i;
    const auto shift = (i - kLinear) / kSub + 1;
    const auto mantissa = (i - kLinear) % kSub + kSub;
    return ((mantissa + 1) << shift) - 1;
  }

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
  std::uint64_t max_ = 0;
  std::uint64_t min_ = 0;
};

}  // namespace gadehold::load
