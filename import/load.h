// RunLoad: one file into the store, through one write transaction (or, for
// a large file, one bulk load), so a load happens completely or not at all:
// a bad record (without skip_errors), a missing or unreadable file, a cancel
// or a storage failure leaves the database exactly as it was.
//
// Formats turn into facts here and nothing else: import knows files and the
// store, never the language. The `load` statement is turned into a
// LoadRequest by the engine (engine/load_statement.cc), which also supplies
// the reader of a CSV row mapping, since that one evaluates expressions.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/interrupt.h"
#include "import/fact_writer.h"
#include "import/file_source.h"
#include "import/load_report.h"
#include "quipu/progress.h"
#include "quipu/status.h"
#include "storage/store.h"

namespace quipu::import {

struct LoadRequest {
  enum class Source : uint8_t { kRdf, kCsvNodes, kCsvEdges, kCsvRows, kJsonl };
  Source source = Source::kRdf;
  // Relative paths are taken from the process's working directory.
  std::string path;
  std::string format;  // ntriples, nquads, turtle, ftm; empty: by the file's extension
  bool skip_errors = false;
  std::string label;        // csv nodes: the label of every row
  std::string key_column;   // csv nodes: the column holding the entity key
  std::string predicate;    // csv edges: the predicate's key
  std::string from_column;  // csv edges: the column of the subject's key
  std::string to_column;    // csv edges: the column of the object's key
  // csv: a column of percentages, stored as fractions (`share in percent`)
  std::string percent_column;
};

// Reads a file's records into facts: what a format the caller supplies
// does (Source::kCsvRows).
using RecordReader = std::function<Status(FileSource*, FactWriter*, LoadReport*)>;

struct LoadOptions {
  // Cancel (loads have no time limit).
  Interrupt interrupt;
  // Called about every thousand facts; may be null.
  const std::function<void(const LoadProgress&)>* progress = nullptr;
  // When not empty, the only directories loads may read (resolved paths).
  std::vector<std::string> allowed_directories;
  // Facts with this predicate (an entity key) have their objects reported
  // in LoadOutcome::watched_objects; empty: none.
  std::string watch_predicate;
  // Also report the watched facts' subjects and shares
  // (LoadOutcome::watched_shares).
  bool record_watched_shares = false;
  // The reader of Source::kCsvRows; required for it.
  RecordReader rows;
};

struct LoadOutcome {
  uint64_t facts_inserted = 0;  // new fact instances
  uint64_t entities = 0;        // distinct entities met as subject or object
  double seconds = 0;
  uint64_t skipped = 0;                   // bad records skipped (skip_errors)
  std::vector<std::string> first_errors;  // the first few, "FILE:LINE:COLUMN: message"
  std::vector<uint64_t> watched_objects;  // sorted term ids (LoadOptions::watch_predicate)
  // With LoadOptions::record_watched_shares (FactWriter::watched_shares).
  std::vector<FactWriter::WatchedShare> watched_shares;
  std::vector<Value> watched_values;
  // Without "warning: ": a node load whose keys named entities with another
  // label (import/label_check.h).
  std::vector<std::string> warnings;
};

Result<LoadOutcome> RunLoad(const LoadRequest& request, storage::Store* store,
                            const LoadOptions& options);

// "loaded N facts (M entities) from 'FILE' in S s", followed, when records
// were skipped, by how many and the first few errors.
std::string LoadSummary(const LoadRequest& request, const LoadOutcome& outcome);

}  // namespace quipu::import
