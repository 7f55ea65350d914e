// Loading FollowTheMoney entities from JSON lines: `load jsonl 'F' format ftm`.
//
// Each line is one entity {"id", "schema", "properties": {name: [values]},
// "datasets": [...]}. The entity becomes @id with the label schema, and every
// property value a fact (id, @property, value): entity-typed properties
// (owner, payer, addressEntity, …) point at the entity @value, date
// properties hold dates when the value is a full YYYY-MM-DD, number
// properties decimals when they parse; everything else is a string.
//
// An interval schema that is an edge in the FtM model (Ownership,
// Directorship, Employment, Membership, Family, Payment, …) also adds the
// fact between its two ends, e.g. (owner, @owns, asset), annotated with the
// edge entity's other scalar properties (startDate, endDate, percentage,
// amount, … first value each) and with `source`: each of the entity's
// datasets (one instance per dataset), or the file's name without
// extensions when it names none. An Ownership's `percentage` is the
// engine's `share` there, as a fraction (51 → 0.51), so ownership() and
// controllers read FtM holdings as they are; a percentage that is not a
// number stays the text annotation `percentage`.
#pragma once

#include <string>
#include <string_view>

#include "import/fact_writer.h"
#include "import/file_source.h"
#include "import/load_report.h"

namespace quipu::import {

// Why an FtM holding has no share, for the load's warning.
inline constexpr std::string_view kFtmMissingShare =
    "no number in the 'percentage' of the FtM Ownership";

Status LoadFtm(FileSource* source, FactWriter* writer, LoadReport* report);

}  // namespace quipu::import
