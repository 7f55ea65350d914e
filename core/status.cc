#include "quipu/status.h"

namespace quipu {

std::string Status::ToString() const {
  const char* kind = "error";
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kSyntaxError:
      kind = "syntax error";
      break;
    case Code::kSemanticError:
      kind = "semantic error";
      break;
    case Code::kInvalidArgument:
      kind = "invalid argument";
      break;
    case Code::kNotFound:
      kind = "not found";
      break;
    case Code::kIoError:
      kind = "I/O error";
      break;
    case Code::kCorruption:
      kind = "corruption";
      break;
    case Code::kNotSupported:
      kind = "not supported";
      break;
    case Code::kInternal:
      kind = "internal error";
      break;
  }
  std::string out = std::string(kind) + ": " + message_;
  if (line_ != 0)
    out += " (line " + std::to_string(line_) + ", column " + std::to_string(column_) + ")";
  return out;
}

}  // namespace quipu
