#include "engine/load_statement.h"

#include <chrono>
#include <memory>

#include "core/vocabulary.h"
#include "engine/csv_rows_load.h"
#include "import/ftm_load.h"
#include "import/load.h"
#include "query/ownership_store.h"

namespace quipu::engine {
namespace {

import::LoadRequest::Source SourceOf(ast::LoadStatement::Source source){
    using From = ast::LoadStatement::Source;
using To = import::LoadRequest::Source;
switch (source) {
  case From::kRdf:
    return To::kRdf;
  case From::kCsvNodes:
    return To::kCsvNodes;
  case From::kCsvEdges:
    return To::kCsvEdges;
  case From::kCsvRows:
    return To::kCsvRows;
  case From::kJsonl:
    return To::kJsonl;
}
return To::kRdf;  // unreachable: the switch names every source
}  // namespace

import::LoadRequest RequestOf(const ast::LoadStatement& load){import::LoadRequest request;
request.source = SourceOf(load.source);
request.path = load.path;
request.format = load.format;
request.skip_errors = load.skip_errors;
request.label = load.label;
request.key_column = load.key_column;
request.predicate = load.predicate;
request.from_column = load.from_column;
request.to_column = load.to_column;
request.percent_column = load.percent_column;
return request;
}  // namespace quipu::engine

// Whether the store holds an `owns` fact (false when it cannot tell: the
// load then reads its holdings back to check them).
bool HasHoldings(storage::Store* store) {
  std::unique_ptr<storage::ReadView> view = store->BeginRead();
  Result<uint64_t> owns = view->FindTerm(Value(Entity{kOwnsPredicate}));
  if (!owns.ok()) return true;
  if (*owns == 0) return false;
  std::unique_ptr<storage::TripleCursor> cursor = view->Scan({0, *owns, 0});
  std::vector<storage::Triple> first;
  return cursor->Next(&first, 1) > 0 || !cursor->status().ok();
}

}  // namespace

Result<QueryResult> RunLoadStatement(const ast::LoadStatement& load, storage::Store* store,
                                     const query::StatementEnv& env, const LoadContext& context) {
  const auto start = std::chrono::steady_clock::now();
  const import::LoadRequest request = RequestOf(load);
  import::LoadOptions options;
  options.interrupt = env.interrupt;
  options.progress = context.progress;
  if (context.allowed_directories != nullptr) {
    options.allowed_directories = *context.allowed_directories;
  }
  options.watch_predicate = kOwnsPredicate;
  if (load.source == ast::LoadStatement::Source::kCsvRows) {
    const Params& params = *env.params;
    options.rows = [&load, &params](import::FileSource* source, import::FactWriter* writer,
                                    import::LoadReport* report) {
      return LoadCsvRows(load, params, source, writer, report);
    };
  }
  options.record_watched_shares = !HasHoldings(store);
  Result<import::LoadOutcome> outcome = import::RunLoad(request, store, options);
  if (!outcome.ok()) return outcome.status();
  QueryResult result;
  result.facts_inserted = outcome->facts_inserted;
  result.warnings = outcome->warnings;
  // Holdings added: check the shares of the companies they point at.
  if (!outcome->watched_objects.empty()) {
    std::unique_ptr<storage::ReadView> view = store->BeginRead();
    const std::string_view share_origin = load.source == ast::LoadStatement::Source::kJsonl
                                              ? import::kFtmMissingShare
                                              : query::kShareAnnotationOrigin;
    std::vector<std::string> warnings;
    if (options.record_watched_shares) {
      // The load's holdings are all the store has: checked as the load met
      // them, not read back.
      std::vector<query::AddedHolding> added;
      added.reserve(outcome->watched_shares.size());
      for (const import::FactWriter::WatchedShare& w : outcome->watched_shares) {
        added.push_back({w.object, w.subject, w.number, w.value, w.numeric, w.present});
      }
      outcome->watched_shares = {};
      warnings = query::AddedHoldingWarnings(view.get(), std::move(added), outcome->watched_values,
                                             share_origin);
    } else {
      warnings = query::HoldingWarnings(view.get(), outcome->watched_objects, share_origin);
    }
    for (std::string& w : warnings) result.warnings.push_back(std::move(w));
  }
  // One time for the whole statement, checks and freeing the load's buffers
  // included, so a shell showing run times has nothing to add.
  outcome->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.summary = import::LoadSummary(request, *outcome);
  result.summary_timed = true;
  return result;
}

}  // namespace quipu::engine
