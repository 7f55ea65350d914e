// The sizes of QueryLimits::memory_bytes: the default, parsing, printing.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <string>

#include "quipu/options.h"

namespace quipu {
namespace {

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kGiB = kKiB * kKiB * kKiB;

// The first number in `path` (cgroup limit files); 0 when unreadable or
// "max" (no limit).
uint64_t ReadLimitFile(const char* path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) {
    return 0;
  }
  return std::strtoull(text.c_str(), nullptr, 10);
}

uint64_t ComputeDefault() {
  uint64_t memory = 0;
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page_size > 0) memory = static_cast<uint64_t>(pages) * page_size;
  // A container's limit is what the OOM killer enforces (cgroup v2, then v1;
  // v1 reports an absurd number when unlimited, which the min discards).
  for (const char* file :
       {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    const uint64_t limit = ReadLimitFile(file);
    if (limit > 0) memory = memory == 0 ? limit : std::min(memory, limit);
  }
  return memory == 0 ? 4 * kGiB : memory / 2;
}

}  // namespace

uint64_t DefaultMemoryBudget() {
  static const uint64_t budget = ComputeDefault();
  return budget;
}

Result<uint64_t> ParseMemorySize(std::string_view text) {
  auto invalid = [&] {
    return Status::InvalidArgument(
        "a memory size is a number with an optional unit, such as 512MB, 1.5GiB or 0 (no "
        "budget), not '" +
        std::string(text) + "'");
  };
  std::string s;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (s == "none") return uint64_t{0};
  size_t digits = 0;
  while (digits < s.size() &&
         (std::isdigit(static_cast<unsigned char>(s[digits])) || s[digits] == '.')) {
    ++digits;
  }
  const std::string number = s.substr(0, digits), unit = s.substr(digits);
  if (number.empty() || number == "." || std::count(number.begin(), number.end(), '.') > 1) {
    return invalid();
  }
  struct Unit {
    const char* name;
    double bytes;
  };
  static constexpr Unit kUnits[] = {
      {"", 1},
      {"b", 1},
      {"kb", 1e3},
      {"mb", 1e6},
      {"gb", 1e9},
      {"tb", 1e12},
      {"k", 1024.0},
      {"kib", 1024.0},
      {"m", 1048576.0},
      {"mib", 1048576.0},
      {"g", 1073741824.0},
      {"gib", 1073741824.0},
      {"t", 1099511627776.0},
      {"tib", 1099511627776.0},
  };
  for (const Unit& u : kUnits) {
    if (unit != u.name) continue;
    const double bytes = std::strtod(number.c_str(), nullptr) * u.bytes;
    if (!(bytes < 1.8e19)) {  // past uint64_t
      return Status::InvalidArgument("the memory size '" + std::string(text) +
                                     "' is more bytes than a 64-bit count holds");
    }
    // A fraction of a byte is a byte, not "no budget".
    return std::max<uint64_t>(bytes > 0 ? 1 : 0, static_cast<uint64_t>(std::round(bytes)));
  }
  return invalid();
}

std::string FormatMemorySize(uint64_t bytes) {
  if (bytes == 0) return "none";
  static constexpr const char* kNames[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < kKiB) return fmt::format("{} byte{}", bytes, bytes == 1 ? "" : "s");
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  value /= kKiB;
  while (value >= kKiB && unit + 1 < std::size(kNames)) {
    value /= kKiB;
    ++unit;
  }
  // One decimal at most, none when whole: "256 MiB", "7.8 GiB".
  std::string number = fmt::format("{:.1f}", value);
  if (number.size() > 2 && number.compare(number.size() - 2, 2, ".0") == 0) {
    number.resize(number.size() - 2);
  }
  return number + " " + kNames[unit];
}

}  // namespace quipu
