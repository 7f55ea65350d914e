// `load csv 'F' as rows r [where CONDITION] insert PATTERNS`: a CSV file
// mapped to entities and the facts between them, written in Quipu.
//
// The patterns are those of `insert`, written once for each row the
// condition keeps. `r.Column` (or `r."Column name"`) is the row's field: a
// string, or a typed value when the header hints a type (`founded:int`); an
// empty field is null. Node keys may be computed, `@(part, …)`, and values in
// maps may be any expression over `r`. Per row:
//  - a node whose key is null (or empty text) is left out, with its labels,
//    its properties and the relationships that touch it;
//  - a property or annotation whose value is null or empty text is left out;
//  - an error (a failed conversion, a list to store) makes the row bad:
//    "FILE:LINE:1: what", and nothing of the row is written.
// The header is checked against the mapping before any row is read: a
// column the mapping names but the header lacks is an error naming the
// columns.
#pragma once

//
// It lives in the engine, not in import/, because it evaluates the language's
// expressions (query/) over each record; import/ supplies the file, the CSV
// table and the writer (import::RecordReader).
#include "grammar/ast.h"
#include "import/fact_writer.h"
#include "import/file_source.h"
#include "import/load_report.h"
#include "quipu/query_result.h"

namespace quipu::engine {

Status LoadCsvRows(const ast::LoadStatement& load, const Params& params, import::FileSource* source,
                   import::FactWriter* writer, import::LoadReport* report);

}  // namespace quipu::engine
