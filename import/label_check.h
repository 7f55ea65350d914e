// The check after a node load (`load csv … as nodes Label key COLUMN`):
// nodes whose key already named an entity with another label. Such a load
// adds its label to that entity rather than making a new one, which is right
// when the files share their ids on purpose and a silent merge of different
// things when they do not (KEK's media and companies share numeric ids).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/store.h"

namespace quipu::import {

// The warning (without "warning: ") when the load gave some of `nodes` (its
// subjects, sorted term ids) a second label: in `before`, a view taken
// before the load, they carry a label other than `label` and not `label`
// itself (a file loaded again adds no label and gets no warning). Empty when
// there are none. One seek per node, from one cursor, once the load is
// written.
Result<std::string> SecondLabelWarning(storage::ReadView* before, const std::string& label,
                                       const std::vector<uint64_t>& nodes);

}  // namespace quipu::import
