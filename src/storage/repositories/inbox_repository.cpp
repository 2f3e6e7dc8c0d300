#include "storage/repositories/inbox_repository.hpp"

#include "storage/repositories/row.hpp"

namespace hudhud::storage {
namespace {

using detail::OptValue;
using detail::RowReader;
using detail::TimeValue;

constexpr const char* kInboxCols =
    "id, workspace_id, name, channel_kind, settings, credentials_enc, status, webhook_key, "
    "external_account_id, created_at, updated_at, disconnected_at";

Inbox ReadInbox(RowReader r) {
    Inbox i;
    i.id = r.IdOf<InboxId>();
    i.workspace_id = r.IdOf<WorkspaceId>();
    i.name = r.Text();
    i.channel_kind = ParseChannelKind(r.Text()).value_or(ChannelKind::kApi);
    i.settings_json = r.Text();
    i.credentials_enc = r.OptText();
    i.status = ParseInboxStatus(r.Text()).value_or(InboxStatus::kActive);
    i.webhook_key = r.Text();
    i.external_account_id = r.OptText();
    i.created_at = r.Time();
    i.updated_at = r.Time();
    i.disconnected_at = r.OptTime();
    return i;
}

Status ExpectOneRow(Result<std::int64_t> changed) {
    return detail::ExpectOneRow(std::move(changed), "inbox");
}

}  // namespace

Result<Inbox> InboxRepository::Create(Session& s, WorkspaceId ws, const NewInbox& in,
                                      Timestamp now) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query(std::string("INSERT INTO inboxes (workspace_id, name, channel_kind, settings, "
                            "credentials_enc, webhook_key, external_account_id, created_at, "
                            "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ") +
                    kInboxCols,
                {ws.value(), in.name, std::string(ChannelKindName(in.channel_kind)),
                 in.settings_json, OptValue(in.credentials_enc), in.webhook_key,
                 OptValue(in.external_account_id), TimeValue(now)}));
    return ReadInbox(RowReader(rows.rows.at(0)));
}

Result<Inbox> InboxRepository::Get(Session& s, WorkspaceId ws, InboxId id) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kInboxCols +
                                               " FROM inboxes WHERE workspace_id = $1 AND id = $2",
                                           {ws.value(), id.value()}));
    if (rows.empty()) return Error::NotFound("inbox not found");
    return ReadInbox(RowReader(rows.rows[0]));
}

Result<std::vector<Inbox>> InboxRepository::List(Session& s, WorkspaceId ws) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kInboxCols +
                                               " FROM inboxes WHERE workspace_id = $1 ORDER BY id",
                                           {ws.value()}));
    std::vector<Inbox> out;
    for (const auto& row : rows.rows) out.push_back(ReadInbox(RowReader(row)));
    return out;
}

Result<std::optional<Inbox>> InboxRepository::FindByWebhookKey(Session& s,
                                                               const std::string& key) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kInboxCols +
                                               " FROM inboxes WHERE webhook_key = $1",
                                           {key}));
    if (rows.empty()) return std::optional<Inbox>();
    return std::optional<Inbox>(ReadInbox(RowReader(rows.rows[0])));
}

Status InboxRepository::Update(Session& s, WorkspaceId ws, InboxId id, const InboxUpdate& u,
                               Timestamp now) {
    std::optional<std::string> status;
    if (u.status) status = std::string(InboxStatusName(*u.status));
    return ExpectOneRow(s.Exec(
        "UPDATE inboxes SET name = COALESCE($3, name), settings = COALESCE($4, settings), "
        "credentials_enc = COALESCE($5, credentials_enc), status = COALESCE($6, status), "
        "external_account_id = COALESCE($8, external_account_id), updated_at = $7 WHERE "
        "workspace_id = $1 AND id = $2",
        {ws.value(), id.value(), OptValue(u.name), OptValue(u.settings_json),
         OptValue(u.credentials_enc), OptValue(status), TimeValue(now),
         OptValue(u.external_account_id)}));
}

Status InboxRepository::Disconnect(Session& s, WorkspaceId ws, InboxId id, Timestamp now) {
    return ExpectOneRow(s.Exec(
        "UPDATE inboxes SET status = 'disconnected', credentials_enc = NULL, disconnected_at = "
        "$3, updated_at = $3 WHERE workspace_id = $1 AND id = $2",
        {ws.value(), id.value(), TimeValue(now)}));
}

Status InboxRepository::Delete(Session& s, WorkspaceId ws, InboxId id) {
    return ExpectOneRow(s.Exec("DELETE FROM inboxes WHERE workspace_id = $1 AND id = $2",
                               {ws.value(), id.value()}));
}

Result<std::vector<std::pair<InboxId, std::string>>> InboxRepository::ListEncryptedCredentials(
    Session& s) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query("SELECT id, credentials_enc FROM inboxes WHERE credentials_enc IS NOT NULL"));
    std::vector<std::pair<InboxId, std::string>> out;
    for (const auto& row : rows.rows) {
        out.emplace_back(InboxId(AsInt(row[0])), AsText(row[1]));
    }
    return out;
}

}  // namespace hudhud::storage
