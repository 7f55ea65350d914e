#include "import/ftm_load.h"

#include <simdjson.h>

#include <charconv>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "core/vocabulary.h"
#include "import/csv_table.h"

namespace quipu::import {
namespace {

struct EdgeSchema {
  std::string_view schema, source, target, predicate;
};

// From the `edge:` sections of the FtM schema (followthemoney/schema/*.yaml).
constexpr EdgeSchema kEdges[] = {
    {"Associate", "person", "associate", "associated_with"},
    {"ContractAward", "contract", "supplier", "awarded_to"},
    {"CourtCaseParty", "party", "case", "involved_in"},
    {"Debt", "debtor", "creditor", "owes"},
    {"Directorship", "director", "organization", "directs"},
    {"Employment", "employee", "employer", "works_for"},
    {"Family", "person", "relative", "related_to"},
    {"Membership", "member", "organization", "belongs_to"},
    {"Occupancy", "holder", "post", "holds"},
    {"Ownership", "owner", "asset", "owns"},
    {"Payment", "payer", "beneficiary", "paid"},
    {"ProjectParticipant", "participant", "project", "participates_in"},
    {"Representation", "agent", "client", "represents"},
    {"Succession", "predecessor", "successor", "precedes"},
    {"UnknownLink", "subject", "object", "linked_to"},
};

// Property names by FtM type (type: entity / date / number in the schema).
const std::unordered_set<std::string_view>& EntityProperties() {
  static const std::unordered_set<std::string_view> kSet = {"addressEntity",
                                                            "ancestors",
                                                            "asset",
                                                            "associate",
                                                            "author",
                                                            "authority",
                                                            "bank",
                                                            "bankAccount",
                                                            "bankForeign",
                                                            "bankRub",
                                                            "beneficiary",
                                                            "beneficiaryAccount",
                                                            "callForTenders",
                                                            "caller",
                                                            "candidate",
                                                            "case",
                                                            "client",
                                                            "contract",
                                                            "contractHolder",
                                                            "creditor",
                                                            "debtor",
                                                            "declarant",
                                                            "director",
                                                            "document",
                                                            "emitters",
                                                            "employee",
                                                            "employer",
                                                            "endLocation",
                                                            "entity",
                                                            "holder",
                                                            "inReplyToEmail",
                                                            "inReplyToMessage",
                                                            "involved",
                                                            "issuer",
                                                            "match",
                                                            "member",
                                                            "object",
                                                            "onBehalfOf",
                                                            "operator",
                                                            "organization",
                                                            "organizer",
                                                            "owner",
                                                            "parent",
                                                            "participant",
                                                            "party",
                                                            "payer",
                                                            "payerAccount",
                                                            "person",
                                                            "pictured",
                                                            "post",
                                                            "predecessor",
                                                            "project",
                                                            "proof",
                                                            "receiver",
                                                            "recipientAccount",
                                                            "recipients",
                                                            "relative",
                                                            "resolved",
                                                            "sender",
                                                            "senderAccount",
                                                            "startLocation",
                                                            "subject",
                                                            "successor",
                                                            "supplier",
                                                            "taxee",
                                                            "tenderers",
                                                            "transport",
                                                            "vehicle"};
  return kSet;
}

bool IsDateProperty(std::string_view name) {
  return name == "date" || (name.size() > 4 && (name.substr(name.size() - 4) == "Date" ||
                                                name.substr(name.size() - 2) == "At"));
}

bool IsNumberProperty(std::string_view name) {
  static const std::unordered_set<std::string_view> kSet = {
      "amount",       "amountEur",     "amountUsd",
      "area",         "balance",       "confidenceScore",
      "duration",     "fileSize",      "grossRegisteredTonnage",
      "height",       "index",         "latitude",
      "longitude",    "maxBalance",    "maximumNumberOfLots",
      "numberOfLots", "numberOfSeats", "rowCount",
      "samplingRate", "tonnage",       "weight",
      "percentage",   "sharesCount",   "sharesValue"};
  return kSet.count(name) > 0;
}

Value PropertyValue(std::string_view name, std::string_view text) {
  if (EntityProperties().count(name) > 0) return Value(Entity{std::string(text)});
  if (IsDateProperty(name) && text.size() == 10) {
    Date d;
    if (ParseDate(std::string(text), &d)) return Value(d);
  }
  if (IsNumberProperty(name)) {
    double v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && ptr == text.data() + text.size()) return Value(v);
  }
  return Value(std::string(text));
}

// Reads a file line by line.
class LineReader {
 public:
  explicit LineReader(FileSource* source) : source_(source) {}
  bool Next(std::string* line) {
    line->clear();
    for (;;) {
      if (pos_ == end_) {
        end_ = source_->Read(buffer_, sizeof(buffer_));
        pos_ = 0;
        // A read error ends the lines; the caller reports the source's status.
        if (end_ == 0) return !line->empty() && source_->status().ok();
      }
      const char* start = buffer_ + pos_;
      const void* nl = std::memchr(start, '\n', end_ - pos_);
      if (nl == nullptr) {
        line->append(start, end_ - pos_);
        pos_ = end_;
        continue;
      }
      const size_t n = static_cast<const char*>(nl) - start;
      line->append(start, n);
      pos_ += n + 1;
      ++number_;
      return true;
    }
  }
  uint64_t number() const { return number_; }

 private:
  FileSource* source_;
  char buffer_[1 << 16];
  size_t pos_ = 0, end_ = 0;
  uint64_t number_ = 0;
};

class FtmLoad {
 public:
  FtmLoad(FileSource* source, FactWriter* writer, LoadReport* report)
      : source_(source), lines_(source), writer_(writer), report_(report) {
    default_source_ = std::filesystem::path(source->path()).filename().string();
    default_source_ = default_source_.substr(0, default_source_.find('.'));
  }

  Status Run() {
    std::string line;
    uint64_t number = 0;
    while (lines_.Next(&line)) {
      ++number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      if (Status s = Entity(line, number); !s.ok()) return s;
    }
    return source_->status();
  }

 private:
  Status Fail(uint64_t line, const std::string& message) {
    return report_->Fail(Position(source_->path(), line, 1) + message);
  }

  Status Entity(const std::string& line, uint64_t number) {
    simdjson::dom::element doc;
    if (auto error = parser_.parse(line).get(doc)) {
      return Fail(number, std::string("invalid JSON: ") + simdjson::error_message(error));
    }
    std::string_view id, schema;
    if (doc["id"].get(id) || doc["schema"].get(schema) || id.empty() || schema.empty()) {
      return Fail(number, "an entity needs a string \"id\" and \"schema\"");
    }
    simdjson::dom::object properties;
    const bool has_properties = !doc["properties"].get(properties);
    std::vector<std::string> sources;
    simdjson::dom::array datasets;
    if (!doc["datasets"].get(datasets)) {
      for (simdjson::dom::element d : datasets) {
        std::string_view name;
        if (!d.get(name)) sources.emplace_back(name);
      }
    }
    if (sources.empty()) sources.push_back(default_source_);

    const Value node(quipu::Entity{std::string(id)});
    if (Status s = writer_->AddLabel(node, std::string(schema)); !s.ok()) return s;
    if (!has_properties) return Status::Ok();
    for (auto [key, values] : properties) {
      simdjson::dom::array list;
      if (values.get(list))
        return Fail(number, "property '" + std::string(key) + "' is not a list");
      for (simdjson::dom::element v : list) {
        std::string_view text;
        if (v.get(text)) continue;  // FtM values are strings; skip anything else
        Status s =
            writer_->Add(node, Value(quipu::Entity{std::string(key)}), PropertyValue(key, text));
        if (!s.ok()) return s;
      }
    }
    for (const EdgeSchema& edge : kEdges) {
      if (edge.schema == schema) return Edge(edge, properties, sources, number);
    }
    return Status::Ok();
  }

  static std::string_view First(simdjson::dom::object properties, std::string_view key) {
    simdjson::dom::array list;
    std::string_view text;
    if (properties[key].get(list) || list.size() == 0 || list.at(0).get(text)) return {};
    return text;
  }

  Status Edge(const EdgeSchema& edge, simdjson::dom::object properties,
              const std::vector<std::string>& sources, uint64_t number) {
    const std::string_view from = First(properties, edge.source);
    const std::string_view to = First(properties, edge.target);
    if (from.empty() || to.empty()) return Status::Ok();  // an edge without both ends
    (void)number;
    NamedAnnotations annotations;
    for (auto [key, values] : properties) {
      if (key == edge.source || key == edge.target || key == "source" ||
          EntityProperties().count(key) > 0) {
        continue;
      }
      const std::string_view text = First(properties, key);
      if (text.empty()) continue;
      if (edge.schema == "Ownership" && key == "percentage") {
        if (std::optional<Value> share = PercentAsFraction(std::string(text))) {
          annotations.emplace_back(kShareKey, std::move(*share));
          continue;
        }
      }
      annotations.emplace_back(std::string(key), PropertyValue(key, text));
    }
    annotations.emplace_back("source", Value(std::string()));
    for (const std::string& source : sources) {
      annotations.back().second = Value(source);
      Status s = writer_->Add(Value(quipu::Entity{std::string(from)}),
                              Value(quipu::Entity{std::string(edge.predicate)}),
                              Value(quipu::Entity{std::string(to)}), annotations);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  FileSource* source_;
  LineReader lines_;
  FactWriter* writer_;
  LoadReport* report_;
  simdjson::dom::parser parser_;
  std::string default_source_;
};

}  // namespace

Status LoadFtm(FileSource* source, FactWriter* writer, LoadReport* report) {
  return FtmLoad(source, writer, report).Run();
}

}  // namespace quipu::import
