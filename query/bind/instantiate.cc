// A template's parameters given their values (query/binder.h): what binding
// with the values would have done at once, done each time the statement
// runs, so one template and its plan serve every value.
#include <string>
#include <utility>
#include <vector>

#include "query/bind/binder.h"
#include "query/expression.h"

namespace quipu::query {
namespace {

// The value of a template's ParamValue under `params`.
Value ValueOf(const ParamValue& param, const Params& params) {
  BoundExpr e = param.value;
  SubstituteParams(params, &e);
  return EvaluateBound(e);
}

bool IsPropertyMapTerm(const ParamValue& param) {
  return param.use == ParamValue::Use::kTerm || param.use == ParamValue::Use::kNumber;
}

// The template's values resolved: a term id (0 when absent) and a literal
// for the label of each.
struct Resolved {
  std::vector<uint64_t> ids;
  std::vector<std::string> literals;
};

Resolved Resolve(const std::vector<ParamValue>& values, storage::ReadView* view,
                 const Params& params) {
  Resolved out;
  out.ids.resize(values.size());
  out.literals.resize(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const ParamValue& param = values[i];
    const Value v = ValueOf(param, params);
    if (param.use == ParamValue::Use::kKey) {
      if (!v.is_null()) out.ids[i] = ValueOrThrow(view->FindTerm(v));
      continue;
    }
    if (v.is_null()) FailAt("a property in a pattern cannot be null", param.value.pos);
    if (IsPropertyMapTerm(param) && v.is_numeric() != (param.use == ParamValue::Use::kNumber)) {
      throw QueryError(Status::Internal("a parameter's value does not fit the plan made for it"));
    }
    if (param.use == ParamValue::Use::kTerm) out.ids[i] = ValueOrThrow(view->FindTerm(v));
    out.literals[i] = v.ToLiteral();
  }
  return out;
}

void ResolveRef(const Resolved& resolved, Ref* ref) {
  if (ref->param < 0) return;
  ref->id = resolved.ids[static_cast<size_t>(ref->param)];
  ref->param = -1;
}

// The patterns of one scope (the query, an optional or an exists group): a
// node that does not exist makes the scope impossible, as Binder::Term does.
void ResolvePatterns(const Resolved& resolved, const std::vector<ParamValue>& values,
                     std::vector<BoundPattern>* patterns, bool* impossible) {
  for (BoundPattern& p : *patterns) {
    for (Ref* r : {&p.s, &p.p, &p.o}) {
      if (r->param < 0) continue;
      ResolveRef(resolved, r);
      if (r->id == 0) *impossible = true;
    }
    if (p.label_value >= 0) {
      const auto at = static_cast<size_t>(p.label_value);
      p.label = values[at].label_before + resolved.literals[at] + values[at].label_after;
      p.label_value = -1;
    }
  }
}

void SubstituteAll(const Params& params, std::vector<BoundExpr>* exprs) {
  for (BoundExpr& e : *exprs) SubstituteParams(params, &e);
}

}  // namespace

bool FitsParams(const BoundQuery& tmpl, const Params& params) {
  for (const ParamValue& param : tmpl.param_values) {
    if (!IsPropertyMapTerm(param)) continue;
    try {
      const Value v = ValueOf(param, params);
      if (!v.is_null() && v.is_numeric() != (param.use == ParamValue::Use::kNumber)) return false;
    } catch (const QueryError&) {
      // Any template gives the same error; Instantiate raises it.
    }
  }
  return true;
}

Result<BoundQuery> Instantiate(const BoundQuery& tmpl, storage::ReadView* view,
                               const Params& params) {
  try {
    BoundQuery q = tmpl;
    q.param_values.clear();
    q.param_fact_filters.clear();
    q.reads_params = false;
    const Resolved resolved = Resolve(tmpl.param_values, view, params);
    ResolvePatterns(resolved, tmpl.param_values, &q.patterns, &q.impossible);
    for (std::vector<BoundGroup>* groups : {&q.optionals, &q.exists_groups}) {
      for (BoundGroup& g : *groups) {
        ResolvePatterns(resolved, tmpl.param_values, &g.patterns, &g.impossible);
        SubstituteAll(params, &g.filters);
      }
    }
    for (FactVar& f : q.facts) {
      for (Ref* r : {&f.s, &f.p, &f.o}) ResolveRef(resolved, r);
    }
    for (BoundPathVar& path : q.paths) {
      for (PathSegment& segment : path.segments) {
        ResolveRef(resolved, &segment.from);
        ResolveRef(resolved, &segment.to);
      }
    }
    for (const ParamFactFilter& deferred : tmpl.param_fact_filters) {
      FactFilter& f = q.fact_filters.at(deferred.filter);
      if (deferred.valid_from) {
        BoundExpr from = *deferred.valid_from;
        SubstituteParams(params, &from);
        BoundExpr to;
        if (deferred.during) {
          to = *deferred.valid_to;
          SubstituteParams(params, &to);
        }
        SetValidity(from, deferred.during ? &to : nullptr, &f);
      }
      if (deferred.min_confidence) {
        BoundExpr confidence = *deferred.min_confidence;
        SubstituteParams(params, &confidence);
        SetConfidence(confidence, &f);
      }
    }
    SubstituteAll(params, &q.filters);
    AddObjectChoices(view, &q);
    SubstituteAll(params, &q.hop_filters);
    SubstituteAll(params, &q.items);
    if (tmpl.skip_param) q.skip = CountValue(*tmpl.skip_param, params, "skip");
    if (tmpl.limit_param) q.limit = CountValue(*tmpl.limit_param, params, "limit");
    q.skip_param.reset();
    q.limit_param.reset();
    return q;
  } catch (const QueryError& e) {
    return e.status();
  }
}

}  // namespace quipu::query
