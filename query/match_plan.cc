#include "query/match_plan.h"

#include <algorithm>
#include <utility>

#include "query/binder.h"
#include "query/estimator.h"
#include "query/expression.h"

namespace quipu::query {

std::shared_ptr<const MatchPlan> MakeMatchPlan(const ast::MatchStatement& match,
                                               storage::ReadView* view, const Params& params,
                                               JoinChoice joins) {
  auto plan = std::make_shared<MatchPlan>();
  plan->query = ValueOrThrow(BindMatchTemplate(match, view, params));
  plan->width = std::max<uint32_t>(1, plan->query.num_slots);
  if (!plan->query.impossible) {
    const Estimator est(view, &plan->query.filters, &plan->query.facts);
    plan->logical = Optimize(plan->query, est, plan->width, joins);
  }
  return plan;
}

std::shared_ptr<const MatchPlan> PlanCache::Find(size_t part, uint64_t version,
                                                 const Params& params) {
  std::shared_ptr<const MatchPlan> found;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (version != version_ || part >= parts_.size()) return nullptr;
    for (const std::shared_ptr<const MatchPlan>& plan : parts_[part]) {
      if (!plan->query.reads_params || FitsParams(plan->query, params)) {
        found = plan;
        break;
      }
    }
  }
  if (found != nullptr && counters_ != nullptr) counters_->reused.fetch_add(1);
  return found;
}

void PlanCache::Add(size_t part, uint64_t version, std::shared_ptr<const MatchPlan> plan) {
  if (counters_ != nullptr) counters_->made.fetch_add(1);
  std::lock_guard<std::mutex> lock(mutex_);
  if (version < version_) return;
  if (version > version_) {
    parts_.clear();
    version_ = version;
  }
  if (part >= parts_.size()) parts_.resize(part + 1);
  std::vector<std::shared_ptr<const MatchPlan>>& shapes = parts_[part];
  if (shapes.size() >= kMaxShapes) shapes.erase(shapes.begin());
  shapes.push_back(std::move(plan));
}

}  // namespace quipu::query
