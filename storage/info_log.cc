#include "storage/info_log.h"

#include <cstdarg>
#include <ctime>

namespace quipu::storage {

InfoLog::InfoLog(const std::string& path, rocksdb::InfoLogLevel level)
    : rocksdb::Logger(level), file_(std::fopen(path.c_str(), "a")) {}

InfoLog::~InfoLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void InfoLog::Logv(const char* format, va_list ap) {
  if (file_ == nullptr) return;
  char when[32];
  const std::time_t now = std::time(nullptr);
  std::tm utc;
  gmtime_r(&now, &utc);
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ ", &utc);
  std::lock_guard<std::mutex> lock(mutex_);
  // Failures (a full disk) are dropped: stdio keeps no error state that a
  // later line could trip on, and the log is for people, not for recovery.
  std::fputs(when, file_);
  std::vfprintf(file_, format, ap);
  std::fputc('\n', file_);
  std::fflush(file_);
}

}  // namespace quipu::storage
