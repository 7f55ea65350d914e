// Loading CSV files: `load csv 'F' as nodes Label key COLUMN` and
// `load csv 'F' as edges predicate from COLUMN to COLUMN`.
//
// The first record is the header. A header may carry a type hint after a
// colon, `founded:int`, naming the column `founded`; the hints are int,
// decimal, boolean, date, datetime and string (and the aliases integer,
// long, double, float, bool, str). Without a hint each value is typed by its
// form: an integer (no leading zero), a decimal, a date YYYY-MM-DD, a
// datetime, true or false; anything else is a string. Empty fields are
// absent: they add no fact.
//
// Nodes: each row is the entity @KEY (the key column's text) with the label,
// and every other column is a property fact (KEY, @column, value).
// Edges: each row is the fact (@FROM, @predicate, @TO); every other column is
// an annotation of it (share, since, until, source, …).
//
// `COLUMN in percent` after the mapping: the column's values are numbers in
// percent, stored as decimal fractions (38.85 → 0.3885, moving the decimal
// point, so the fraction is the exact decimal); anything else in it is a
// bad record.
#pragma once

#include "import/fact_writer.h"
#include "import/file_source.h"
#include "import/load.h"
#include "import/load_report.h"

namespace quipu::import {

Status LoadCsv(const LoadRequest& load, FileSource* source, FactWriter* writer, LoadReport* report);

}  // namespace quipu::import
