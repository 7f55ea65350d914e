// CsvReader: records of an RFC 4180 CSV file. Fields are separated by ',',
// records by LF or CRLF; a field in double quotes may hold ',', line breaks
// and "" for one quote. A UTF-8 byte order mark at the start is dropped, and
// blank lines are skipped. Text must be UTF-8.
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "import/file_source.h"
#include "quipu/status.h"

namespace quipu::import {

class CsvReader {
 public:
  // The most fields a record may have (Excel's column limit); a longer
  // record, such as a header of a million columns, is an error.
  static constexpr size_t kMaxFields = 16384;

  explicit CsvReader(FileSource* source) : source_(source) {}

  // Reads the next record into *fields. Returns false at the end of the file.
  // Errors read "FILE:LINE:COLUMN: message"; after one, the reader has
  // skipped to the next line so the caller may go on (on error skip).
  Result<bool> Next(std::vector<std::string>* fields);
  // The line where the last record returned began (1-based).
  uint64_t record_line() const { return record_line_; }

 private:
  // The next byte, or -1 at the end (or on a read error: see source status).
  int Get();
  int Peek();
  Status Error(uint64_t line, uint64_t column, const std::string& message);

  FileSource* source_;
  char buffer_[1 << 16];
  size_t pos_ = 0, end_ = 0;
  bool started_ = false;
  uint64_t line_ = 1, column_ = 0;
  uint64_t record_line_ = 0;
};

}  // namespace quipu::import
