#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "channels/inbound_event.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/inbox.hpp"
#include "core/result.hpp"
#include "jobs/job.hpp"
#include "jobs/job_queue.hpp"
#include "media/media_store.hpp"
#include "net/http_client.hpp"
#include "secrets/keyring.hpp"
#include "services/principal.hpp"
#include "storage/database.hpp"
#include "storage/repositories/attachment_repository.hpp"

namespace hudhud::services {

struct MediaServiceOptions {
    std::string graph_api_url = "https://graph.facebook.com";
    std::string graph_api_version = "v23.0";
    // Largest inbound file we download (WhatsApp documents go up to 100 MB).
    std::uint64_t max_download_bytes = 100ull << 20;
    std::chrono::milliseconds download_timeout{120'000};
    // Largest agent upload; the route's body limit is set from it.
    std::uint64_t max_upload_bytes = 25ull << 20;
    // MIME types agents may upload (base type, lower case). Empty: DefaultUploadMimeTypes().
    std::vector<std::string> upload_mime_types{};
};

// Media types WhatsApp accepts for sending (images, audio, video, documents). Never HTML, SVG or
// scripts: they would run in the dashboard's origin if a browser rendered them.
const std::vector<std::string>& DefaultUploadMimeTypes();

// "Image/PNG; charset=x" -> "image/png".
std::string BaseMimeType(std::string_view mime);

// A file name fit for a Content-Disposition header and a download folder: the last path
// component, without control characters, at most 255 bytes (cut on a UTF-8 boundary).
std::string CleanFileName(std::string_view name);

// Records the media of an inbound message inside the ingesting transaction: an attachments row
// (status 'pending', the platform's media id and sha256 as hex when readable) and a
// media.download job for it, both committing with the message. The caller runs
// jobs.NotifyEnqueued() after its commit. Answers the attachment; nullopt (nothing changed) for a
// message without a platform media id.
Result<std::optional<storage::Attachment>> RecordInboundMedia(storage::Session& s,
                                                              jobs::JobQueue& jobs,
                                                              WorkspaceId ws, MessageId message,
                                                              const channels::InboundMessage& m,
                                                              Timestamp now);

// A stored attachment's bytes with what a download response needs.
struct AttachmentFile {
    storage::Attachment attachment;
    std::string bytes;
};

// Inbound media download (the media.download job), agent uploads, and authorized reads.
// Bytes live in the MediaStore under their SHA-256; rows in `attachments` say whose they are.
// Thread-safe.
class MediaService {
  public:
    static constexpr std::string_view kJobType = "media.download";
    static constexpr int kMaxAttempts = 6;

    MediaService(storage::Database& db, const Clock& clock, const secrets::Keyring& keyring,
                 media::MediaStore& store, const net::HttpClient& http,
                 MediaServiceOptions options);

    // The job, payload {"attachment_id": N}. Fetches the media info from Graph with the inbox's
    // token, downloads the bytes, verifies them against the platform's SHA-256 (and size), stores
    // them and marks the row stored. Transport errors, 429 and 5xx are retryable errors; an
    // expired download URL is retried from the info step. Anything final (404 for the media id,
    // a token rejected, a checksum mismatch, too large) and the last attempt's failure mark the
    // row failed with the reason and return a non-retryable error (so the job is dead, and can
    // be retried from the dead-letter list). A rejected token also marks the inbox
    // needs_reconnect. Idempotent: a stored row is left alone.
    Status Download(const jobs::JobContext& job);

    // Stores bytes as an attachment not bound to any message yet (status 'stored').
    // kUnavailable when the media folder cannot be written.
    Result<storage::Attachment> Store(WorkspaceId ws, std::string_view bytes,
                                      const std::string& mime_type, const std::string& file_name,
                                      std::optional<UserId> uploaded_by = std::nullopt);

    // Puts bytes in the store and describes them as an attachments row (status 'stored') for
    // the caller to create in its own transaction, bound to the message it makes there (a Web
    // Chat visitor's file). Bytes whose row never commits stay in the store unreferenced, like
    // any blob whose rows were deleted. kUnavailable when the media folder cannot be written.
    Result<storage::NewAttachment> StoreBlob(std::string_view bytes, const std::string& mime_type,
                                             const std::string& file_name);

    // An agent's upload: kPayloadTooLarge above max_upload_bytes, kInvalidArgument for an empty
    // body, a MIME type that IsUploadAllowed refuses (the route answers 415 first) or a bad name.
    Result<storage::Attachment> Upload(const WorkspaceAccess& a, std::string_view bytes,
                                       const std::string& mime_type, const std::string& file_name);
    bool IsUploadAllowed(std::string_view mime_type) const;
    std::uint64_t max_upload_bytes() const { return options_.max_upload_bytes; }

    // The row and its bytes. kNotFound for another workspace's attachment, and for one that is
    // not stored (the message says whether it is still pending or failed, and why).
    Result<AttachmentFile> ReadFile(const WorkspaceAccess& a, AttachmentId id);
    Result<storage::Attachment> Get(const WorkspaceAccess& a, AttachmentId id);
    // ReadFile for a caller that has already decided the reader may see it (a Web Chat visitor
    // reading an attachment of its own conversation).
    Result<AttachmentFile> ReadStoredFile(WorkspaceId ws, AttachmentId id);

  private:
    struct Fetched {
        std::string bytes;
        std::string mime_type;
    };
    Result<Fetched> Fetch(const storage::Attachment& att, const Inbox& inbox,
                          const std::string& access_token);
    Status MarkNeedsReconnect(WorkspaceId ws, InboxId inbox);
    Status Fail(const jobs::JobContext& job, const storage::Attachment& att, Error error);

    storage::Database& db_;
    const Clock& clock_;
    const secrets::Keyring& keyring_;
    media::MediaStore& store_;
    const net::HttpClient& http_;
    MediaServiceOptions options_;
};

}  // namespace hudhud::services
