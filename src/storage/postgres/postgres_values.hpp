#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage::postgres::detail {

using Oid = unsigned int;

// The type a parameter is declared with when its statement is prepared: int8 for integers and
// float8 for doubles, so that `SELECT $1` returns what was bound and arithmetic on parameters
// resolves; 0 ("unknown", inferred by the server from context) for text and NULL, so a string
// can feed any column type. Consequence for SQL authors: an integer parameter passed to a
// function that takes int4 needs CAST($1 AS INTEGER), which SQLite accepts too.
Oid ParamType(const Value& v);

// The text form of a parameter; nullopt for NULL.
std::optional<std::string> FormatParam(const Value& v);

// Converts a text-format cell by its column type: int2/int4/int8/oid to int64, float4/float8/
// numeric to double, bool to 0/1, anything else stays text.
Value ParseCell(Oid type, std::string_view text);

// Maps a SQLSTATE to our Error: class 23 (integrity) is kConflict; serialization failure,
// deadlock, connection (08), operator intervention (57P), insufficient resources (53) and lock
// unavailable are kUnavailable (retryable); a cancelled statement is kTimeout; the rest kInternal.
Error ErrorFromSqlState(std::string_view sqlstate, std::string message);

}  // namespace hudhud::storage::postgres::detail
