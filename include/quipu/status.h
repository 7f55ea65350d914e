// Status: the outcome of an operation at the storage and API boundaries.
// A Status is either OK or carries a code, a message and, for errors in
// statement text, the 1-based line and column where the problem is.
// Thread-safety: a Status is a value; distinct objects may be used freely.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "quipu/export.h"

namespace quipu {

class QUIPU_EXPORT Status {
 public:
  enum class Code : uint8_t {
    kOk = 0,
    kSyntaxError,    // the statement text does not parse
    kSemanticError,  // it parses but means nothing (unknown variable, ...)
    kInvalidArgument,
    kNotFound,
    kIoError,
    kCorruption,
    kNotSupported,
    kInternal,
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status SyntaxError(std::string msg, uint32_t line = 0, uint32_t column = 0) {
    return Status(Code::kSyntaxError, std::move(msg), line, column);
  }
  static Status SemanticError(std::string msg, uint32_t line = 0, uint32_t column = 0) {
    return Status(Code::kSemanticError, std::move(msg), line, column);
  }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status NotSupported(std::string msg) {
    return Status(Code::kNotSupported, std::move(msg));
  }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // 1-based position in the statement text; 0 when the error has no position.
  uint32_t line() const { return line_; }
  uint32_t column() const { return column_; }

  // Human-readable, e.g. "syntax error: expected ')' (line 1, column 14)".
  std::string ToString() const;

 private:
  Status(Code code, std::string msg, uint32_t line = 0, uint32_t column = 0)
      : code_(code), message_(std::move(msg)), line_(line), column_(column) {}

  Code code_ = Code::kOk;
  std::string message_;
  uint32_t line_ = 0;
  uint32_t column_ = 0;
};

// A value or an error; std::expected is not available in this toolchain.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  // REQUIRES: !status.ok(). A success without a value is a bug of the
  // caller's; it reads as an internal error rather than a default value.
  Result(Status status)  // NOLINT: implicit by design
      : status_(status.ok() ? Status::Internal("a result without its value") : std::move(status)) {}

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  // REQUIRES: ok()
  T& value() { return value_; }
  const T& value() const { return value_; }
  T& operator*() { return value_; }
  T* operator->() { return &value_; }

 private:
  Status status_;
  T value_{};
};

}  // namespace quipu
