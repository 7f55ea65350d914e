#include "quipu/language.h"

#include "engine/engine.h"

namespace quipu {

const LanguageWords& GetLanguageWords() { return engine::Words(); }

}  // namespace quipu
