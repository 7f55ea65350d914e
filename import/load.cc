#include "import/load.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "import/batch_queue.h"
#include "import/csv_load.h"
#include "import/ftm_load.h"
#include "import/label_check.h"
#include "import/rdf_reader.h"

namespace quipu::import {
namespace {

// Files from this size on (on disk, so compressed for .gz) take the bulk path.
constexpr uint64_t kBulkLoadBytes = uint64_t{256} << 10;

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The RDF syntax named by `format`, or else by the file's extension.
Result<RdfSyntax> SyntaxOf(const LoadRequest& load) {
  std::string name = load.format;
  if (name.empty()) {
    std::string path = load.path;
    for (char& c : path) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (EndsWith(path, ".gz")) path.resize(path.size() - 3);
    if (EndsWith(path, ".nt")) name = "ntriples";
    if (EndsWith(path, ".nq")) name = "nquads";
    if (EndsWith(path, ".ttl")) name = "turtle";
  }
  if (name == "ntriples") return RdfSyntax::kNTriples;
  if (name == "nquads") return RdfSyntax::kNQuads;
  if (name == "turtle") return RdfSyntax::kTurtle;
  return Status::InvalidArgument(
      "cannot load '" + load.path +
      "': unknown file type (name it .nt, .nq or .ttl, optionally .gz, or add "
      "format ntriples, nquads or turtle)");
}

// A prefix for blank node labels unique to this load, so that _:a of two
// loads (or two files) stays two entities.
std::string BlankPrefix() {
  static std::mt19937_64 rng(std::random_device{}());
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  return fmt::format("b{:012x}_", rng() & 0xffffffffffffULL);
}

Status LoadRdf(RdfSyntax syntax, FileSource* source, FactWriter* writer, LoadReport* report) {
  RdfReadOptions options;
  options.syntax = syntax;
  options.blank_prefix = BlankPrefix();
  // serd parses on a second thread while this one interns and writes; the
  // order of the statements, and so every id, is the same as in one thread.
  constexpr size_t kBatch = 4096;
  const NamedAnnotations none;
  NamedAnnotations graph{{"source", Value()}};
  return RunPipeline<RdfStatement>(
      [&](BatchQueue<RdfStatement>* queue) {
        std::vector<RdfStatement> batch;
        batch.reserve(kBatch);
        Status parsed = ReadRdf(
            source, options,
            [&](RdfStatement& st) {
              batch.push_back(std::move(st));
              if (batch.size() < kBatch) return Status::Ok();
              if (!queue->Push(std::move(batch))) return Status::Internal("the load stopped");
              batch = std::vector<RdfStatement>();
              batch.reserve(kBatch);
              return Status::Ok();
            },
            report);
        if (parsed.ok() && !batch.empty()) queue->Push(std::move(batch));
        return parsed;
      },
      [&](const std::vector<RdfStatement>& batch) {
        for (const RdfStatement& st : batch) {
          Status written;
          if (!st.graph) {
            written = writer->Add(st.subject, st.predicate, st.object, none);
          } else {
            // The graph name is the fact's source, as text so queries can compare it.
            graph[0].second = Value(st.graph->as_entity().key);
            written = writer->Add(st.subject, st.predicate, st.object, graph);
          }
          if (!written.ok()) return written;
        }
        return Status::Ok();
      });
}

// `path` made absolute with `..` and every symbolic link of its existing
// part resolved.
std::string ResolvedPath(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path resolved =
      std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
  return ec ? std::string() : resolved.string();
}

// Refuses a load of `path`, resolved to `resolved`, outside `allowed` (when
// there are allowed directories).
Status CheckConfined(const std::string& path, const std::string& resolved,
                     const std::vector<std::string>& allowed) {
  if (allowed.empty()) return Status::Ok();
  for (const std::string& dir : allowed) {
    if (resolved.empty()) break;
    if (resolved.size() > dir.size() && resolved.compare(0, dir.size(), dir) == 0 &&
        (dir.back() == '/' || resolved[dir.size()] == '/')) {
      return Status::Ok();
    }
  }
  std::string dirs;
  for (const std::string& dir : allowed) dirs += (dirs.empty() ? "" : ", ") + dir;
  return Status::InvalidArgument("cannot load '" + path +
                                 "': it is outside the directories loads may read (" + dirs + ")");
}

std::string Plural(uint64_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

}  // namespace

Result<LoadOutcome> RunLoad(const LoadRequest& load, storage::Store* store,
                            const LoadOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  RdfSyntax syntax = RdfSyntax::kNTriples;
  if (load.source == LoadRequest::Source::kRdf) {
    Result<RdfSyntax> s = SyntaxOf(load);
    if (!s.ok()) return s.status();
    syntax = *s;
  }
  const std::vector<std::string>& allowed = options.allowed_directories;
  // Judged before the file is touched, so a refused path tells nothing of
  // what lies there, and again on the file opened, in case a link changed.
  if (Status s = CheckConfined(load.path, ResolvedPath(load.path), allowed); !s.ok()) return s;
  Result<std::unique_ptr<FileSource>> source = FileSource::Open(load.path);
  if (!source.ok()) return source.status();
  if (Status s = CheckConfined(load.path, (*source)->RealPath(), allowed); !s.ok()) return s;
  (*source)->set_interrupt(&options.interrupt);
  // A large file skips the write batch: its facts are sorted into SST files
  // and ingested at once.
  // A node load's keys are checked against the labels from before the load.
  std::unique_ptr<storage::ReadView> before;
  if (load.source == LoadRequest::Source::kCsvNodes) before = store->BeginRead();
  std::unique_ptr<storage::WriteTxn> txn;
  std::unique_ptr<storage::BulkLoad> bulk;
  if ((*source)->file_size() >= kBulkLoadBytes) {
    Result<std::unique_ptr<storage::BulkLoad>> b = store->BeginBulkLoad();
    if (!b.ok() && b.status().code() != Status::Code::kNotSupported) return b.status();
    if (b.ok()) bulk = std::move(*b);
  }
  if (bulk == nullptr) {
    Result<std::unique_ptr<storage::WriteTxn>> t = store->BeginWrite();
    if (!t.ok()) return t.status();
    txn = std::move(*t);
  }
  FactWriter writer =
      bulk ? FactWriter(bulk.get(), &options.interrupt) : FactWriter(txn.get(), &options.interrupt);
  if (options.progress != nullptr) {
    FileSource* file = source->get();
    const auto& progress = *options.progress;
    auto report = [&progress, file, start](uint64_t facts, LoadPhase phase) {
      LoadProgress p;
      p.bytes_read = file->bytes_consumed();
      p.total_bytes = file->file_size();
      p.facts = facts;
      p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      p.phase = phase;
      progress(p);
    };
    writer.set_on_tick([report](uint64_t facts) { report(facts, LoadPhase::kParse); });
    FactWriter* w = &writer;
    writer.set_on_phase([report, w](LoadPhase phase) { report(w->facts_added(), phase); });
  }
  writer.WatchPredicate(options.watch_predicate);
  if (options.record_watched_shares) writer.RecordWatchedShares();
  if (load.source == LoadRequest::Source::kCsvNodes) writer.RecordLabelled();
  LoadReport report;
  report.skip_errors = load.skip_errors;
  Status status;
  switch (load.source) {
    case LoadRequest::Source::kRdf:
      status = LoadRdf(syntax, source->get(), &writer, &report);
      break;
    case LoadRequest::Source::kCsvNodes:
    case LoadRequest::Source::kCsvEdges:
      status = LoadCsv(load, source->get(), &writer, &report);
      break;
    case LoadRequest::Source::kCsvRows:
      status = options.rows ? options.rows(source->get(), &writer, &report)
                            : Status::Internal("a row mapping load without its reader");
      break;
    case LoadRequest::Source::kJsonl:
      status = LoadFtm(source->get(), &writer, &report);
      break;
  }
  if (!status.ok()) return status;  // the transaction is dropped: nothing is kept
  if (Status s = writer.Commit(); !s.ok()) return s;

  LoadOutcome outcome;
  outcome.facts_inserted = writer.facts_inserted();
  outcome.entities = writer.entities();
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  outcome.skipped = report.skipped;
  outcome.first_errors = std::move(report.first_errors);
  outcome.watched_objects = writer.watched_objects();
  outcome.watched_shares = std::move(writer.watched_shares());
  outcome.watched_values = std::move(writer.watched_values());
  if (before != nullptr) {
    // The load is committed: a failed check costs the warning, not the load.
    Result<std::string> merged = SecondLabelWarning(before.get(), load.label, writer.labelled());
    if (!merged.ok()) {
      outcome.warnings.push_back("the labels of the nodes could not be checked: " +
                                 merged.status().message());
    } else if (!merged->empty()) {
      outcome.warnings.push_back(std::move(*merged));
    }
  }
  return outcome;
}

std::string LoadSummary(const LoadRequest& request, const LoadOutcome& outcome) {
  std::string summary =
      fmt::format("loaded {} ({}) from '{}' in {:.2f} s", Plural(outcome.facts_inserted, "fact"),
                  outcome.entities == 1 ? std::string("1 entity")
                                        : fmt::format("{} entities", outcome.entities),
                  request.path, outcome.seconds);
  if (outcome.skipped > 0) {
    summary += fmt::format("; skipped {}:", Plural(outcome.skipped, "bad record"));
    for (const std::string& e : outcome.first_errors) summary += "\n  " + e;
  }
  return summary;
}

}  // namespace quipu::import
