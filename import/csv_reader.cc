#include "import/csv_reader.h"

#include "core/utf8.h"
#include "import/load_report.h"

namespace quipu::import {

int CsvReader::Peek() {
  if (pos_ == end_) {
    end_ = source_->Read(buffer_, sizeof(buffer_));
    pos_ = 0;
    if (end_ == 0) return -1;
  }
  return static_cast<unsigned char>(buffer_[pos_]);
}

int CsvReader::Get() {
  const int c = Peek();
  if (c < 0) return c;
  ++pos_;
  if (c == '\n') {
    ++line_;
    column_ = 0;
  } else {
    ++column_;
  }
  return c;
}

Status CsvReader::Error(uint64_t line, uint64_t column, const std::string& message) {
  // Resynchronise at the next line break outside quotes we know of.
  for (int c = Peek(); c >= 0 && c != '\n'; c = Peek()) Get();
  Get();
  return Status::InvalidArgument(Position(source_->path(), line, column) + message);
}

Result<bool> CsvReader::Next(std::vector<std::string>* fields) {
  fields->clear();
  if (!started_) {
    started_ = true;
    if (Peek() == 0xEF) {  // a UTF-8 byte order mark
      const size_t at = pos_;
      if (end_ - at >= 3 && static_cast<unsigned char>(buffer_[at + 1]) == 0xBB &&
          static_cast<unsigned char>(buffer_[at + 2]) == 0xBF) {
        pos_ += 3;
      }
    }
  }
  // Skip blank lines.
  for (int c = Peek(); c == '\n' || c == '\r'; c = Peek()) Get();
  if (Peek() < 0) {
    if (!source_->status().ok()) return source_->status();
    return false;
  }
  record_line_ = line_;
  std::string field;
  for (;;) {
    int c = Peek();
    if (c == '"') {
      const uint64_t open_line = line_, open_column = column_ + 1;
      Get();
      for (;;) {
        c = Get();
        if (c < 0) {
          if (!source_->status().ok()) return source_->status();
          return Error(open_line, open_column,
                       "a quoted field is not closed before the end of the file");
        }
        if (c == '"') {
          if (Peek() != '"') break;
          Get();
        }
        field.push_back(static_cast<char>(c));
      }
      c = Peek();
      if (c != ',' && c != '\n' && c != '\r' && c >= 0) {
        return Error(line_, column_ + 1,
                     "expected ',' or the end of the line after a closing quote");
      }
    } else {
      while (c >= 0 && c != ',' && c != '\n' && c != '\r') {
        field.push_back(static_cast<char>(Get()));
        c = Peek();
      }
    }
    // A read error (a line past the limit) cut the field: it is the error,
    // not what the cut field holds.
    if (c < 0 && !source_->status().ok()) return source_->status();
    if (!IsValidUtf8(field)) {
      return Error(line_, column_, "the field is not valid UTF-8");
    }
    // As the language refuses "\u0000": one rule for text from anywhere.
    if (field.find('\0') != std::string::npos) {
      return Error(line_, column_, "the field holds a NUL byte: text cannot contain NUL bytes");
    }
    fields->push_back(std::move(field));
    field.clear();
    c = Get();
    if (c == ',' && fields->size() == kMaxFields) {
      return Error(line_, column_,
                   "a record has more than " + std::to_string(kMaxFields) +
                       " fields, the limit (a CSV file for Quipu has at most that many columns)");
    }
    if (c == ',') continue;
    if (c == '\r' && Peek() == '\n') Get();
    if (c < 0 && !source_->status().ok()) return source_->status();
    return true;
  }
}

}  // namespace quipu::import
