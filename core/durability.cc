// The names of DatabaseOptions::durability, for the shell's --durability,
// the C API and the Python module.
#include <cctype>
#include <string>

#include "quipu/options.h"

namespace quipu {

Result<Durability> ParseDurability(std::string_view text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "synced") return Durability::kSynced;
  if (lower == "relaxed") return Durability::kRelaxed;
  return Status::InvalidArgument("durability is 'synced' or 'relaxed', not '" + std::string(text) +
                                 "'");
}

const char* DurabilityName(Durability durability) {
  return durability == Durability::kRelaxed ? "relaxed" : "synced";
}

}  // namespace quipu
