// The entity keys the engine itself gives a meaning to. Loaders write them,
// the binder and the ownership arithmetic read them; one list, so the two
// sides cannot drift apart.
#pragma once

namespace quipu {

// Labels are facts (x, rdf:type, Label) (docs/architecture.md, decision c).
inline constexpr char kLabelPredicate[] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
// Holdings: (owner, owns, owned) with the annotation share, a fraction.
inline constexpr char kOwnsPredicate[] = "owns";
inline constexpr char kShareKey[] = "share";

}  // namespace quipu
