// ReadRdf: N-Triples, N-Quads and Turtle through serd, as Quipu values.
//
// serd reads the bytes one at a time from a FileSource, so the reader knows
// the line and column serd has reached; serd's own errors carry serd's
// position, and errors found here (an undefined prefix, bad UTF-8) carry the
// position where serd handed over the statement. Every error reads
// "FILE:LINE:COLUMN: message".
//
// Strict mode (the default) stops at the first error. With skip_errors,
// serd recovers at the next line, the statements it could read are kept, and
// the errors are counted (the first few are kept with their positions).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "import/file_source.h"
#include "import/load_report.h"
#include "quipu/status.h"
#include "quipu/value.h"

namespace quipu::import {

enum class RdfSyntax : uint8_t { kNTriples, kNQuads, kTurtle };

struct RdfStatement {
  Value subject, predicate, object;
  std::optional<Value> graph;  // N-Quads: the graph name (an Entity)
};

struct RdfReadOptions {
  RdfSyntax syntax = RdfSyntax::kNTriples;
  // Relative IRIs (Turtle) resolve against this; empty: the file's URI.
  std::string base_iri;
  // Prepended to every blank node label; the value's key is "_:" + prefix + label.
  std::string blank_prefix;
};

// Returns an error status to stop reading (the read then fails with it).
// The sink may move the statement's values out.
using RdfSink = std::function<Status(RdfStatement&)>;

// Errors are recorded in `report`; its skip_errors decides whether reading
// stops at the first one (serd strict) or recovers at the next line (lax).
Status ReadRdf(FileSource* source, const RdfReadOptions& options, const RdfSink& sink,
               LoadReport* report);

}  // namespace quipu::import
