#include "storage/repositories/canned_response_repository.hpp"

#include "storage/repositories/row.hpp"

namespace hudhud::storage {
namespace {

using detail::ExpectOneRow;
using detail::OptValue;
using detail::RowReader;
using detail::TimeValue;

constexpr const char* kCols = "id, workspace_id, short_code, content, created_at, updated_at";

CannedResponse Read(RowReader r) {
    CannedResponse c;
    c.id = r.Int();
    c.workspace_id = r.IdOf<WorkspaceId>();
    c.short_code = r.Text();
    c.content = r.Text();
    c.created_at = r.Time();
    c.updated_at = r.Time();
    return c;
}

// LIKE pattern for "starts with", with the pattern characters of the prefix escaped.
std::string PrefixPattern(const std::string& prefix) {
    std::string out;
    for (char ch : prefix) {
        if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
        out += ch;
    }
    return out + "%";
}

}  // namespace

Result<CannedResponse> CannedResponseRepository::Create(Session& s, WorkspaceId ws,
                                                        const std::string& short_code,
                                                        const std::string& content,
                                                        Timestamp now) {
    HH_ASSIGN_OR_RETURN(auto rows,
                        s.Query(std::string("INSERT INTO canned_responses (workspace_id, "
                                            "short_code, content, created_at, updated_at) VALUES "
                                            "($1, $2, $3, $4, $4) RETURNING ") +
                                    kCols,
                                {ws.value(), short_code, content, TimeValue(now)}));
    return Read(RowReader(rows.rows.at(0)));
}

Result<CannedResponse> CannedResponseRepository::Get(Session& s, WorkspaceId ws,
                                                     std::int64_t id) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kCols +
                                               " FROM canned_responses WHERE workspace_id = $1 "
                                               "AND id = $2",
                                           {ws.value(), id}));
    if (rows.empty()) return Error::NotFound("canned response not found");
    return Read(RowReader(rows.rows[0]));
}

Result<std::vector<CannedResponse>> CannedResponseRepository::List(
    Session& s, WorkspaceId ws, const std::optional<std::string>& prefix, int limit) {
    Params params{ws.value(), static_cast<std::int64_t>(limit)};
    std::string where = "workspace_id = $1";
    if (prefix) {
        params.push_back(PrefixPattern(*prefix));
        where += " AND short_code LIKE $3 ESCAPE '\\'";
    }
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kCols +
                                               " FROM canned_responses WHERE " + where +
                                               " ORDER BY short_code LIMIT $2",
                                           params));
    std::vector<CannedResponse> out;
    for (const auto& row : rows.rows) out.push_back(Read(RowReader(row)));
    return out;
}

Status CannedResponseRepository::Update(Session& s, WorkspaceId ws, std::int64_t id,
                                        const std::optional<std::string>& short_code,
                                        const std::optional<std::string>& content,
                                        Timestamp now) {
    return ExpectOneRow(s.Exec("UPDATE canned_responses SET short_code = COALESCE($3, "
                               "short_code), content = COALESCE($4, content), updated_at = $5 "
                               "WHERE workspace_id = $1 AND id = $2",
                               {ws.value(), id, OptValue(short_code), OptValue(content),
                                TimeValue(now)}),
                        "canned response");
}

Status CannedResponseRepository::Delete(Session& s, WorkspaceId ws, std::int64_t id) {
    return ExpectOneRow(s.Exec("DELETE FROM canned_responses WHERE workspace_id = $1 AND id = $2",
                               {ws.value(), id}),
                        "canned response");
}

}  // namespace hudhud::storage
