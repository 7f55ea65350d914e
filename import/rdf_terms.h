// How RDF terms become Quipu values.
//
//   IRI                      → Entity{iri}
//   blank node _:x           → Entity{"_:" + reader prefix + "x"}; the reader's
//                              prefix is unique per load, so blank nodes of
//                              two loads never merge
//   "text"                   → string            (also ^^xsd:string)
//   "text"@tag               → LangString{text, tag}
//   xsd:integer and its derived types (long, int, short, byte, the
//                   (non)negative/positive and unsigned ones)
//                            → integer when the lexical form is an integer
//                              that fits in 64 bits
//   xsd:decimal, double, float → decimal (double) when the form parses
//   xsd:boolean              → boolean for true, false, 1, 0
//   xsd:date                 → date for YYYY-MM-DD (no time zone)
//   xsd:dateTime             → datetime (UTC; no zone means UTC)
//   anything else, and any ill-formed or out-of-range lexical form
//                            → string of the lexical form, so nothing read
//                              is lost, though its datatype is (until Quipu
//                              has a typed-literal term)
#pragma once

#include <string>
#include <string_view>

#include "quipu/value.h"

namespace quipu::import {

inline constexpr std::string_view kXsd = "http://www.w3.org/2001/XMLSchema#";

// The value of a literal with lexical form `text`, datatype IRI `datatype`
// (empty when none) and language tag `lang` (empty when none).
Value LiteralValue(std::string_view text, std::string_view datatype, std::string_view lang);

// `iri` with the dot segments of its path removed (RFC 3986 5.2.4), as the
// resolution of a relative reference requires; serd 0.30 leaves the ones
// inside the reference ("g/./h", "g/../h", "..?q") in place.
std::string RemoveDotSegments(const std::string& iri);

}  // namespace quipu::import
