// String functions: case, trimming, substrings, replace, split, and the
// length and reverse of a string (or of a list or path, which they take too).
#include <algorithm>
#include <cctype>
#include <limits>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "query/functions/registry.h"

namespace quipu::query {
namespace {

// ASCII letters only: other code points keep their case.
Value ChangeCase(const FunctionArgs& args, bool lower) {
  std::string s = args.Text(0);
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x80) {
      c = static_cast<char>(lower ? std::tolower(c) : std::toupper(c));
    }
  }
  return Value(std::move(s));
}

Value Lower(const FunctionArgs& args) { return ChangeCase(args, true); }
Value Upper(const FunctionArgs& args) { return ChangeCase(args, false); }

Value Length(const FunctionArgs& args) {
  const Value& a = args[0];
  if (a.type() == Value::Type::kList) return Value(static_cast<int64_t>(a.as_list().size()));
  if (a.type() == Value::Type::kPath) return Value(static_cast<int64_t>(a.as_path().hops.size()));
  return Value(static_cast<int64_t>(CodePointStarts(args.Text(0)).size() - 1));
}

// The code points [start, start + length) of s, clipped to its end.
Value Slice(const FunctionArgs& args, const std::string& s, int64_t start, int64_t length) {
  if (start < 0) args.Bad("the start must not be negative");
  if (length < 0) args.Bad("the length must not be negative");
  const std::vector<size_t> cps = CodePointStarts(s);
  const size_t count = cps.size() - 1;
  const size_t from = std::min<size_t>(static_cast<size_t>(start), count);
  const size_t to = std::min<size_t>(count, from + static_cast<size_t>(length));
  return Value(s.substr(cps[from], cps[to] - cps[from]));
}

Value Substring(const FunctionArgs& args) {
  const std::string& s = args.Text(0);
  return Slice(args, s, args.Integer(1),
               args.size() > 2 ? args.Integer(2) : std::numeric_limits<int64_t>::max());
}

Value Left(const FunctionArgs& args) { return Slice(args, args.Text(0), 0, args.Integer(1)); }

Value Right(const FunctionArgs& args) {
  const std::string& s = args.Text(0);
  const int64_t n = args.Integer(1);
  if (n < 0) args.Bad("the length must not be negative");
  const int64_t count = static_cast<int64_t>(CodePointStarts(s).size() - 1);
  return Slice(args, s, std::max<int64_t>(0, count - n), n);
}

std::string Trim(const std::string& s, bool left, bool right) {
  size_t b = 0, e = s.size();
  while (left && b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (right && e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

Value TrimBoth(const FunctionArgs& args) { return Value(Trim(args.Text(0), true, true)); }
Value TrimLeft(const FunctionArgs& args) { return Value(Trim(args.Text(0), true, false)); }
Value TrimRight(const FunctionArgs& args) { return Value(Trim(args.Text(0), false, true)); }

Value Replace(const FunctionArgs& args) {
  std::string s = args.Text(0);
  const std::string& from = args.Text(1);
  const std::string& to = args.Text(2);
  if (from.empty()) return Value(s);
  std::string out;
  size_t at = 0, hit;
  while ((hit = s.find(from, at)) != std::string::npos) {
    out += s.substr(at, hit - at) + to;
    at = hit + from.size();
  }
  return Value(out + s.substr(at));
}

Value Split(const FunctionArgs& args) {
  const std::string& s = args.Text(0);
  const std::string& delim = args.Text(1);
  ValueList parts;
  if (delim.empty()) args.Bad("the delimiter must not be empty");
  size_t at = 0, hit;
  while ((hit = s.find(delim, at)) != std::string::npos) {
    parts.emplace_back(s.substr(at, hit - at));
    at = hit + delim.size();
  }
  parts.emplace_back(s.substr(at));
  return Value(std::move(parts));
}

Value Reverse(const FunctionArgs& args) {
  const Value& a = args[0];
  if (a.type() == Value::Type::kList) {
    ValueList items(a.as_list().rbegin(), a.as_list().rend());
    return Value(std::move(items));
  }
  const std::string& s = args.Text(0);
  const std::vector<size_t> cps = CodePointStarts(s);
  std::string out;
  for (size_t i = cps.size() - 1; i > 0; --i) out += s.substr(cps[i - 1], cps[i] - cps[i - 1]);
  return Value(out);
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry* registry) {
  registry->Add({
      FunctionDef{"lower", 1, 1, Lower},
      FunctionDef{"tolower", 1, 1, Lower},
      FunctionDef{"upper", 1, 1, Upper},
      FunctionDef{"toupper", 1, 1, Upper},
      FunctionDef{"length", 1, 1, Length},
      FunctionDef{"size", 1, 1, Length},
      FunctionDef{"substring", 2, 3, Substring},
      FunctionDef{"left", 2, 2, Left},
      FunctionDef{"right", 2, 2, Right},
      FunctionDef{"trim", 1, 1, TrimBoth},
      FunctionDef{"ltrim", 1, 1, TrimLeft},
      FunctionDef{"rtrim", 1, 1, TrimRight},
      FunctionDef{"replace", 3, 3, Replace},
      FunctionDef{"split", 2, 2, Split},
      FunctionDef{"reverse", 1, 1, Reverse},
  });
}

}  // namespace quipu::query
