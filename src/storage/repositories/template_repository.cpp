#include "storage/repositories/template_repository.hpp"

#include <set>
#include <utility>

#include "storage/repositories/row.hpp"

namespace hudhud::storage {
namespace {

using detail::ExpectOneRow;
using detail::RowReader;
using detail::TimeValue;

constexpr const char* kCols =
    "id, inbox_id, external_id, name, language, category, status, components, synced_at";

MessageTemplate ReadTemplate(RowReader r) {
    MessageTemplate t;
    t.id = r.Int();
    t.inbox_id = r.IdOf<InboxId>();
    t.external_id = r.Text();
    t.name = r.Text();
    t.language = r.Text();
    t.category = r.Text();
    t.status = r.Text();
    t.components_json = r.Text();
    t.synced_at = r.Time();
    return t;
}

}  // namespace

Status TemplateRepository::ReplaceAll(Session& s, WorkspaceId ws, InboxId inbox,
                                      const std::vector<MessageTemplate>& templates,
                                      Timestamp now) {
    // The inbox must be this workspace's before anything is written under its id.
    HH_RETURN_IF_ERROR(ExpectOneRow(s.Exec("UPDATE inboxes SET templates_synced_at = $3, "
                                           "templates_sync_error = NULL WHERE workspace_id = $1 "
                                           "AND id = $2",
                                           {ws.value(), inbox.value(), TimeValue(now)}),
                                    "inbox"));
    std::set<std::pair<std::string, std::string>> keep;
    for (const auto& t : templates) {
        keep.emplace(t.name, t.language);
        HH_RETURN_IF_ERROR(s.Exec(
            "INSERT INTO message_templates (workspace_id, inbox_id, external_id, name, language, "
            "category, status, components, synced_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
            "ON CONFLICT (inbox_id, name, language) DO UPDATE SET external_id = excluded.external_id, "
            "category = excluded.category, status = excluded.status, components = "
            "excluded.components, synced_at = excluded.synced_at",
            {ws.value(), inbox.value(), t.external_id, t.name, t.language, t.category, t.status,
             t.components_json, TimeValue(now)}));
    }
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT id, name, language FROM message_templates "
                                           "WHERE workspace_id = $1 AND inbox_id = $2",
                                           {ws.value(), inbox.value()}));
    for (const auto& row : rows.rows) {
        if (keep.count({AsText(row[1]), AsText(row[2])}) != 0) continue;
        HH_RETURN_IF_ERROR(s.Exec("DELETE FROM message_templates WHERE id = $1", {row[0]}));
    }
    return Ok();
}

Status TemplateRepository::RecordSyncError(Session& s, WorkspaceId ws, InboxId inbox,
                                           const std::string& error) {
    return ExpectOneRow(s.Exec("UPDATE inboxes SET templates_sync_error = $3 WHERE workspace_id "
                               "= $1 AND id = $2",
                               {ws.value(), inbox.value(), error}),
                        "inbox");
}

Result<std::vector<MessageTemplate>> TemplateRepository::List(Session& s, WorkspaceId ws,
                                                              InboxId inbox) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kCols +
                                               " FROM message_templates WHERE workspace_id = $1 "
                                               "AND inbox_id = $2 ORDER BY name, language",
                                           {ws.value(), inbox.value()}));
    std::vector<MessageTemplate> out;
    for (const auto& row : rows.rows) out.push_back(ReadTemplate(RowReader(row)));
    return out;
}

Result<std::optional<MessageTemplate>> TemplateRepository::Find(Session& s, WorkspaceId ws,
                                                                InboxId inbox,
                                                                const std::string& name,
                                                                const std::string& language) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kCols +
                                               " FROM message_templates WHERE workspace_id = $1 "
                                               "AND inbox_id = $2 AND name = $3 AND language = $4",
                                           {ws.value(), inbox.value(), name, language}));
    if (rows.empty()) return std::optional<MessageTemplate>();
    return std::optional<MessageTemplate>(ReadTemplate(RowReader(rows.rows[0])));
}

Result<TemplateRepository::SyncState> TemplateRepository::GetSyncState(Session& s, WorkspaceId ws,
                                                                       InboxId inbox) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT templates_synced_at, templates_sync_error FROM "
                                           "inboxes WHERE workspace_id = $1 AND id = $2",
                                           {ws.value(), inbox.value()}));
    if (rows.empty()) return Error::NotFound("inbox not found");
    RowReader r(rows.rows[0]);
    SyncState st;
    st.synced_at = r.OptTime();
    st.error = r.OptText();
    return st;
}

}  // namespace hudhud::storage
