// The words of Quipu's language, for shells and editors that highlight or
// complete statements. They are read off the parser's own grammar, so they
// are exactly the words it reads.
#pragma once

#include <string>
#include <vector>

#include "quipu/export.h"

namespace quipu {

struct LanguageWords {
  // Keywords of every statement, lower case, sorted: "match", "return", …
  // (the parser takes them in any case).
  std::vector<std::string> keywords;
  // Words that are keywords only inside `load` and `backup` statements
  // ("csv", "nodes", "key", "to", …); elsewhere they are ordinary names.
  std::vector<std::string> load_words;
};

QUIPU_EXPORT const LanguageWords& GetLanguageWords();

}  // namespace quipu
