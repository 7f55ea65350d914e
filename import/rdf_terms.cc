#include "import/rdf_terms.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace quipu::import {
namespace {

bool IsIntegerType(std::string_view local) {
  static constexpr std::string_view kTypes[] = {"integer",
                                                "long",
                                                "int",
                                                "short",
                                                "byte",
                                                "nonNegativeInteger",
                                                "positiveInteger",
                                                "negativeInteger",
                                                "nonPositiveInteger",
                                                "unsignedLong",
                                                "unsignedInt",
                                                "unsignedShort",
                                                "unsignedByte"};
  for (std::string_view t : kTypes) {
    if (local == t) return true;
  }
  return false;
}

bool ParseInteger(std::string_view text, int64_t* out) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool ParseDouble(std::string_view text, bool allow_special, double* out) {
  if (allow_special) {
    if (text == "INF" || text == "+INF")
      return *out = std::numeric_limits<double>::infinity(), true;
    if (text == "-INF") return *out = -std::numeric_limits<double>::infinity(), true;
    if (text == "NaN") return *out = std::numeric_limits<double>::quiet_NaN(), true;
  }
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  // from_chars also accepts "inf", "nan" and hex forms; XSD does not.
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
      return false;
    }
  }
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

Value LiteralValue(std::string_view text, std::string_view datatype, std::string_view lang) {
  if (!lang.empty()) return Value(LangString{std::string(text), std::string(lang)});
  if (datatype.size() <= kXsd.size() || datatype.substr(0, kXsd.size()) != kXsd) {
    return Value(std::string(text));
  }
  const std::string_view local = datatype.substr(kXsd.size());
  if (IsIntegerType(local)) {
    int64_t v = 0;
    if (ParseInteger(text, &v)) return Value(v);
  } else if (local == "decimal" || local == "double" || local == "float") {
    double d = 0;
    if (ParseDouble(text, local != "decimal", &d)) return Value(d);
  } else if (local == "boolean") {
    if (text == "true" || text == "1") return Value(true);
    if (text == "false" || text == "0") return Value(false);
  } else if (local == "date") {
    Date date;
    if (text.size() >= 10 && ParseDate(std::string(text), &date)) return Value(date);
  } else if (local == "dateTime") {
    DateTime t;
    if (text.find('T') != std::string_view::npos && ParseDateTime(std::string(text), &t)) {
      return Value(t);
    }
  }
  return Value(std::string(text));
}

std::string RemoveDotSegments(const std::string& iri) {
  // scheme ":" ["//" authority] path ["?" query] ["#" fragment]
  size_t start = iri.find(':');
  if (start == std::string::npos) return iri;
  ++start;
  if (iri.compare(start, 2, "//") == 0) start = iri.find_first_of("/?#", start + 2);
  if (start == std::string::npos) return iri;
  const size_t end = std::min(iri.find_first_of("?#", start), iri.size());
  std::string in = iri.substr(start, end - start), out;
  while (!in.empty()) {
    if (in.rfind("../", 0) == 0) {
      in.erase(0, 3);
    } else if (in.rfind("./", 0) == 0) {
      in.erase(0, 2);
    } else if (in.rfind("/./", 0) == 0) {
      in.erase(0, 2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.rfind("/../", 0) == 0 || in == "/..") {
      in = in == "/.." ? "/" : in.substr(3);
      const size_t last = out.rfind('/');
      out.erase(last == std::string::npos ? 0 : last);
    } else if (in == "." || in == "..") {
      in.clear();
    } else {
      const size_t next = in.find('/', 1);
      out += in.substr(0, next);
      in.erase(0, next == std::string::npos ? in.size() : next);
    }
  }
  return iri.substr(0, start) + out + iri.substr(end);
}

}  // namespace quipu::import
