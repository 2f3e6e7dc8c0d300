#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage {

enum class AttachmentStatus { kPending, kStored, kFailed };
std::string_view AttachmentStatusName(AttachmentStatus s);

// A file on a message (inbound media, or an agent's upload, which has no message until sent).
// The bytes live in media::MediaStore under storage_key (the hex SHA-256) once stored.
struct Attachment {
    AttachmentId id;
    WorkspaceId workspace_id;
    std::optional<MessageId> message_id;  // nullopt: an upload not yet sent
    std::optional<InboxId> inbox_id;      // the message's inbox, when there is a message
    std::string kind;                     // image, audio, video, document, sticker, file
    std::string mime_type;
    std::string file_name;
    std::uint64_t size_bytes = 0;
    std::optional<std::string> sha256;  // expected (platform) or actual digest, lower-case hex
    std::optional<std::string> storage_key;
    std::optional<std::string> remote_url;
    std::optional<std::string> external_media_id;  // the platform's media handle
    AttachmentStatus status = AttachmentStatus::kPending;
    std::optional<std::string> error;  // why it failed
    std::optional<UserId> uploaded_by;
    Timestamp created_at;
    Timestamp updated_at;
};

struct NewAttachment {
    std::optional<MessageId> message_id;
    std::string kind;
    std::string mime_type;
    std::string file_name;
    std::optional<std::string> sha256;
    std::optional<std::string> remote_url;
    std::optional<std::string> external_media_id;
    std::optional<UserId> uploaded_by;
    // Set for bytes already in the media store: the row is created 'stored'.
    std::optional<std::string> storage_key;
    std::uint64_t size_bytes = 0;
};

// Every call is scoped by workspace: an attachment of another workspace is kNotFound.
class AttachmentRepository {
  public:
    static Result<Attachment> Create(Session& s, WorkspaceId ws, const NewAttachment& a,
                                     Timestamp now);
    static Result<Attachment> Get(Session& s, WorkspaceId ws, AttachmentId id);
    static Result<std::vector<Attachment>> ListForMessage(Session& s, WorkspaceId ws,
                                                          MessageId message);
    // pending/failed -> stored with the blob's key, digest, size and type. kNotFound when absent.
    static Status MarkStored(Session& s, WorkspaceId ws, AttachmentId id,
                             const std::string& storage_key, std::uint64_t size_bytes,
                             const std::string& mime_type, Timestamp now);
    // pending -> failed with the reason; a stored row stays stored (false).
    static Result<bool> MarkFailed(Session& s, WorkspaceId ws, AttachmentId id,
                                   const std::string& reason, Timestamp now);
    // Binds an unsent upload to the message that carries it; kConflict when already bound.
    static Status BindToMessage(Session& s, WorkspaceId ws, AttachmentId id, MessageId message,
                                Timestamp now);
    // Records the platform's handle for the bytes (an outbound upload's media id), so a retried
    // send reuses it instead of uploading again. kNotFound when absent.
    static Status SetExternalMediaId(Session& s, WorkspaceId ws, AttachmentId id,
                                     const std::string& external_media_id, Timestamp now);
    // Whether any row of any workspace still refers to the blob (before erasing it).
    static Result<bool> IsBlobReferenced(Session& s, const std::string& storage_key);
};

}  // namespace hudhud::storage
