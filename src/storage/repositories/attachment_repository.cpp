#include "storage/repositories/attachment_repository.hpp"

#include "storage/repositories/row.hpp"

namespace hudhud::storage {
namespace {

using detail::OptValue;
using detail::RowReader;
using detail::TimeValue;

// The inbox comes from the message; an unsent upload has neither.
constexpr const char* kSelect =
    "SELECT a.id, a.workspace_id, a.message_id, m.inbox_id, a.kind, a.mime_type, a.file_name, "
    "a.size_bytes, a.sha256, a.storage_key, a.remote_url, a.external_media_id, a.status, a.error, "
    "a.uploaded_by, a.created_at, a.updated_at FROM attachments a LEFT JOIN messages m ON m.id = "
    "a.message_id AND m.workspace_id = a.workspace_id ";

AttachmentStatus ParseStatus(const std::string& s) {
    if (s == "stored") return AttachmentStatus::kStored;
    if (s == "failed") return AttachmentStatus::kFailed;
    return AttachmentStatus::kPending;
}

Attachment ReadAttachment(RowReader r) {
    Attachment a;
    a.id = r.IdOf<AttachmentId>();
    a.workspace_id = r.IdOf<WorkspaceId>();
    a.message_id = r.OptIdOf<MessageId>();
    a.inbox_id = r.OptIdOf<InboxId>();
    a.kind = r.Text();
    a.mime_type = r.Text();
    a.file_name = r.Text();
    a.size_bytes = static_cast<std::uint64_t>(r.Int());
    a.sha256 = r.OptText();
    a.storage_key = r.OptText();
    a.remote_url = r.OptText();
    a.external_media_id = r.OptText();
    a.status = ParseStatus(r.Text());
    a.error = r.OptText();
    a.uploaded_by = r.OptIdOf<UserId>();
    a.created_at = r.Time();
    a.updated_at = r.Time();
    return a;
}

Value OptId(const std::optional<std::int64_t>& v) { return OptValue(v); }

}  // namespace

std::string_view AttachmentStatusName(AttachmentStatus s) {
    switch (s) {
        case AttachmentStatus::kPending:
            return "pending";
        case AttachmentStatus::kStored:
            return "stored";
        case AttachmentStatus::kFailed:
            return "failed";
    }
    return "pending";
}

Result<Attachment> AttachmentRepository::Create(Session& s, WorkspaceId ws, const NewAttachment& a,
                                                Timestamp now) {
    const bool stored = a.storage_key.has_value();
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query("INSERT INTO attachments (workspace_id, message_id, kind, mime_type, file_name, "
                "size_bytes, sha256, storage_key, remote_url, external_media_id, status, "
                "uploaded_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                "$10, $11, $12, $13, $13) RETURNING id",
                {ws.value(),
                 OptId(a.message_id ? std::optional<std::int64_t>(a.message_id->value())
                                    : std::nullopt),
                 a.kind, a.mime_type, a.file_name, static_cast<std::int64_t>(a.size_bytes),
                 OptValue(a.sha256), OptValue(a.storage_key), OptValue(a.remote_url),
                 OptValue(a.external_media_id),
                 std::string(AttachmentStatusName(stored ? AttachmentStatus::kStored
                                                         : AttachmentStatus::kPending)),
                 OptId(a.uploaded_by ? std::optional<std::int64_t>(a.uploaded_by->value())
                                     : std::nullopt),
                 TimeValue(now)}));
    return Get(s, ws, AttachmentId(AsInt(rows.rows.at(0).at(0))));
}

Result<Attachment> AttachmentRepository::Get(Session& s, WorkspaceId ws, AttachmentId id) {
    HH_ASSIGN_OR_RETURN(auto rows,
                        s.Query(std::string(kSelect) + "WHERE a.workspace_id = $1 AND a.id = $2",
                                {ws.value(), id.value()}));
    if (rows.empty()) return Error::NotFound("attachment not found");
    return ReadAttachment(RowReader(rows.rows[0]));
}

Result<std::vector<Attachment>> AttachmentRepository::ListForMessage(Session& s, WorkspaceId ws,
                                                                     MessageId message) {
    HH_ASSIGN_OR_RETURN(auto rows,
                        s.Query(std::string(kSelect) +
                                    "WHERE a.workspace_id = $1 AND a.message_id = $2 ORDER BY a.id",
                                {ws.value(), message.value()}));
    std::vector<Attachment> out;
    for (const auto& row : rows.rows) out.push_back(ReadAttachment(RowReader(row)));
    return out;
}

Status AttachmentRepository::MarkStored(Session& s, WorkspaceId ws, AttachmentId id,
                                        const std::string& storage_key, std::uint64_t size_bytes,
                                        const std::string& mime_type, Timestamp now) {
    return detail::ExpectOneRow(
        s.Exec("UPDATE attachments SET status = 'stored', storage_key = $3, sha256 = $3, "
               "size_bytes = $4, mime_type = $5, error = NULL, updated_at = $6 WHERE "
               "workspace_id = $1 AND id = $2",
               {ws.value(), id.value(), storage_key, static_cast<std::int64_t>(size_bytes),
                mime_type, TimeValue(now)}),
        "attachment");
}

Result<bool> AttachmentRepository::MarkFailed(Session& s, WorkspaceId ws, AttachmentId id,
                                              const std::string& reason, Timestamp now) {
    HH_ASSIGN_OR_RETURN(auto changed,
                        s.Exec("UPDATE attachments SET status = 'failed', error = $3, updated_at "
                               "= $4 WHERE workspace_id = $1 AND id = $2 AND status <> 'stored'",
                               {ws.value(), id.value(), reason, TimeValue(now)}));
    return changed > 0;
}

Status AttachmentRepository::BindToMessage(Session& s, WorkspaceId ws, AttachmentId id,
                                           MessageId message, Timestamp now) {
    HH_ASSIGN_OR_RETURN(auto changed,
                        s.Exec("UPDATE attachments SET message_id = $3, updated_at = $4 WHERE "
                               "workspace_id = $1 AND id = $2 AND message_id IS NULL",
                               {ws.value(), id.value(), message.value(), TimeValue(now)}));
    if (changed > 0) return Ok();
    HH_RETURN_IF_ERROR(Get(s, ws, id));  // kNotFound when it is not ours
    return Error::Conflict("attachment already belongs to a message");
}

Status AttachmentRepository::SetExternalMediaId(Session& s, WorkspaceId ws, AttachmentId id,
                                                const std::string& external_media_id,
                                                Timestamp now) {
    return detail::ExpectOneRow(
        s.Exec("UPDATE attachments SET external_media_id = $3, updated_at = $4 WHERE "
               "workspace_id = $1 AND id = $2",
               {ws.value(), id.value(), external_media_id, TimeValue(now)}),
        "attachment");
}

Result<bool> AttachmentRepository::IsBlobReferenced(Session& s, const std::string& storage_key) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT 1 FROM attachments WHERE storage_key = $1 "
                                           "LIMIT 1",
                                           {storage_key}));
    return !rows.empty();
}

}  // namespace hudhud::storage
