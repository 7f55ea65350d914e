// The language's keywords, read off the grammar (rules.h): every
// keyword<…> rule reachable from a statement. The shell highlights and
// completes with them (through the API), so the two cannot drift apart.
#pragma once

#include "quipu/language.h"

namespace quipu::grammar {

// Computed once; thread-safe.
const LanguageWords& GrammarWords();

}  // namespace quipu::grammar
