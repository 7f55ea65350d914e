// BlockingOperator: an operator that must read all its input before its
// first row (sort, aggregate). Subclasses fill one chunk with every output
// row; this class hands it out kChunkRows at a time.
#pragma once

#include "query/operators.h"

namespace quipu::query {

class BlockingOperator : public Operator {
 protected:
  // Called once, at the first Next: fills `out` (width set by the callee).
  virtual void Materialize(Chunk* out) = 0;

  bool Next(Chunk* out) final {
    out->Clear();
    if (!materialized_) {
      Materialize(&rows_);
      materialized_ = true;
    }
    out->width = rows_.width;
    out->TakeFrom(rows_, &emitted_, kChunkRows);
    return out->rows() > 0;
  }

 private:
  bool materialized_ = false;
  Chunk rows_;
  size_t emitted_ = 0;
};

}  // namespace quipu::query
