// Helpers of the import tests: files to load, a database to load them into,
// and dumps of everything a database holds.
#pragma once

#include <rocksdb/db.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "quipu/database.h"
#include "storage/fact_list.h"
#include "tests/test_util.h"

namespace quipu::testing {

// The shared data folder (../shared/data beside the source tree), or empty
// when it is absent: then the caller prints a WARN line and returns.
inline std::string SharedData(const std::string& sub) {
  const std::filesystem::path dir = std::filesystem::path(QUIPU_SHARED_DIR) / "data" / sub;
  if (std::filesystem::exists(dir)) return dir.string();
  WARN("SKIPPED: " << dir.string() << " is absent; this test needs ../shared beside the clone");
  return "";
}

inline void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

inline void WriteGzip(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) ==
          static_cast<int>(bytes.size()));
  gzclose(f);
}

// A database in a temp directory with a scratch folder for input files.
class LoadFixture {
 public:
  LoadFixture() : db_dir_("import-db"), files_("import-files") {
    std::filesystem::create_directories(files_.path());
    Open();
  }
  std::string File(const std::string& name, const std::string& bytes) {
    const std::string path = files_.path() + "/" + name;
    WriteFile(path, bytes);
    return path;
  }
  std::string Path(const std::string& name) const { return files_.path() + "/" + name; }
  Database& db() { return **db_; }
  const std::string& db_path() const { return db_dir_.path(); }

  Result<QueryResult> Run(const std::string& statement) { return db().Execute(statement); }
  // Runs a statement that must succeed; returns its result.
  QueryResult Ok(const std::string& statement) {
    Result<QueryResult> r = Run(statement);
    INFO(statement << "\n" << FormatError(r.status(), statement));
    REQUIRE(r.ok());
    return *r;
  }
  // Runs a statement that must fail; returns FormatError's text.
  std::string Error(const std::string& statement) {
    Result<QueryResult> r = Run(statement);
    INFO(statement);
    REQUIRE_FALSE(r.ok());
    return FormatError(r.status(), statement);
  }
  // The rows of a query, each rendered "a | b | c", in order.
  std::vector<std::string> Rows(const std::string& statement) {
    std::vector<std::string> out;
    for (const auto& row : Ok(statement).rows) {
      std::string line;
      for (size_t c = 0; c < row.size(); ++c) line += (c ? " | " : "") + row[c].ToString();
      out.push_back(line);
    }
    return out;
  }
  int64_t Count(const std::string& pattern) {
    return Ok("match " + pattern + " return count(*)").rows.at(0).at(0).as_int();
  }

  // Closes the database (so a test can open its store directly); RawDump()
  // opens it again.
  void Close() { db_.value().reset(); }

  // Every key and value of every column family, in order: facts (the
  // entries of each list), annotations, dictionary, statistics and meta.
  std::string RawDump() {
    db_.value().reset();
    std::vector<std::string> names;
    rocksdb::Options options;
    REQUIRE(rocksdb::DB::ListColumnFamilies(options, db_path(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const auto& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::OpenForReadOnly(options, db_path(), families, &handles, &raw).ok());
    std::string dump;
    for (size_t i = 0; i < handles.size(); ++i) {
      std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), handles[i]));
      const bool lists = names[i].size() > 6 && names[i].substr(names[i].size() - 6) == "_lists";
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        if (!lists) {
          dump +=
              names[i] + ":" + it->key().ToString(true) + "=" + it->value().ToString(true) + "\n";
          continue;
        }
        // A list's entries, one line each: where a list is cut into chunks
        // depends on the order its entries came in, what it holds does not.
        quipu::storage::ListEntries chunk;
        REQUIRE(quipu::storage::DecodeChunk(it->value().ToStringView(), &chunk));
        const std::string list = rocksdb::Slice(it->key().data(), 16).ToString(true);
        for (size_t k = 0; k < chunk.size(); ++k) {
          dump += names[i] + ":" + list + " " + std::to_string(chunk.ids[k]) +
                  (chunk.annotated[k] ? " annotated\n" : "\n");
        }
      }
    }
    for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
    delete raw;
    Open();
    return dump;
  }

 private:
  void Open() {
    db_ = Database::Open(db_dir_.path());
    REQUIRE(db_.ok());
  }
  TempDir db_dir_, files_;
  Result<std::unique_ptr<Database>> db_ = Status::Internal("not open");
};

}  // namespace quipu::testing
