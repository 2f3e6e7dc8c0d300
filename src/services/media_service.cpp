#include "services/media_service.hpp"

#include "services/inbox_routing.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "channels/whatsapp/whatsapp_errors.hpp"
#include "channels/whatsapp/whatsapp_media.hpp"
#include "log/log.hpp"
#include "services/inbox_routing.hpp"
#include "storage/repositories/inbox_repository.hpp"

namespace hudhud::services {
namespace {

using storage::Attachment;
using storage::AttachmentRepository;
using storage::AttachmentStatus;
using storage::Session;

std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string KindOf(channels::ContentType type, std::string_view mime) {
    switch (type) {
        case channels::ContentType::kImage:
            return "image";
        case channels::ContentType::kAudio:
            return "audio";
        case channels::ContentType::kVideo:
            return "video";
        case channels::ContentType::kDocument:
            return "document";
        case channels::ContentType::kSticker:
            return "sticker";
        default:
            break;
    }
    const std::string base = BaseMimeType(mime);
    if (base.rfind("image/", 0) == 0) return "image";
    if (base.rfind("audio/", 0) == 0) return "audio";
    if (base.rfind("video/", 0) == 0) return "video";
    return "document";
}

std::optional<std::string> AccessTokenOf(const Inbox& inbox, const secrets::Keyring& keyring,
                                         Error& why) {
    if (!inbox.credentials_enc) {
        why = Error::FailedPrecondition("inbox has no credentials");
        return std::nullopt;
    }
    auto plain = keyring.Decrypt(*inbox.credentials_enc);
    if (!plain.ok()) {
        why = Error::Internal("inbox credentials cannot be decrypted: " + plain.error().message);
        return std::nullopt;
    }
    auto j = nlohmann::json::parse(*plain, nullptr, false);
    if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string() ||
        j["access_token"].get<std::string>().empty()) {
        why = Error::FailedPrecondition("inbox credentials have no access_token");
        return std::nullopt;
    }
    return j["access_token"].get<std::string>();
}

net::HttpRequest ToRequest(const channels::PlatformCall& call) {
    net::HttpRequest r;
    r.method = call.method;
    r.url = call.url;
    r.headers = call.headers;
    r.body = call.body;
    return r;
}

bool IsSuccess(int status) { return status >= 200 && status < 300; }

}  // namespace

const std::vector<std::string>& DefaultUploadMimeTypes() {
    static const std::vector<std::string> kTypes = {
        "image/jpeg",
        "image/png",
        "image/webp",
        "image/gif",
        "audio/aac",
        "audio/amr",
        "audio/mpeg",
        "audio/mp4",
        "audio/ogg",
        "video/mp4",
        "video/3gpp",
        "application/pdf",
        "text/plain",
        "text/csv",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/zip",
    };
    return kTypes;
}

std::string BaseMimeType(std::string_view mime) {
    const auto semi = mime.find(';');
    return Lower(Trim(mime.substr(0, semi)));
}

std::string CleanFileName(std::string_view name) {
    const auto slash = name.find_last_of("/\\");
    if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
    std::string out;
    for (char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) continue;
        out.push_back(c);
    }
    if (out.size() > 255) {
        std::size_t cut = 255;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
        out.resize(cut);
    }
    if (out == "." || out == "..") out.clear();
    return out;
}

Result<std::optional<storage::Attachment>> RecordInboundMedia(Session& s, jobs::JobQueue& jobs,
                                                              WorkspaceId ws, MessageId message,
                                                              const channels::InboundMessage& m,
                                                              Timestamp now) {
    using Out = std::optional<storage::Attachment>;
    if (!m.media) return Out();
    const channels::MediaDescriptor& md = *m.media;
    // Only platform media handles are fetched (WhatsApp); a bare URL stays in the message's
    // content_attributes until a channel needs it downloaded.
    if (md.media_id.empty()) return Out();
    storage::NewAttachment na;
    na.message_id = message;
    na.kind = KindOf(m.type, md.mime_type);
    na.mime_type = md.mime_type;
    na.file_name = CleanFileName(md.filename);
    // Stored as hex whatever form the platform used; an unreadable digest is not a digest.
    na.sha256 = channels::whatsapp::NormalizeSha256(md.sha256);
    na.external_media_id = md.media_id;
    if (!md.url.empty()) na.remote_url = md.url;
    HH_ASSIGN_OR_RETURN(auto att, AttachmentRepository::Create(s, ws, na, now));
    jobs::NewJob job;
    job.workspace = ws;
    job.type = std::string(MediaService::kJobType);
    job.payload_json = nlohmann::json{{"attachment_id", att.id.value()}}.dump();
    job.max_attempts = MediaService::kMaxAttempts;
    HH_RETURN_IF_ERROR(jobs.Enqueue(s, job));
    return Out(std::move(att));
}

MediaService::MediaService(storage::Database& db, const Clock& clock,
                           const secrets::Keyring& keyring, media::MediaStore& store,
                           const net::HttpClient& http, MediaServiceOptions options)
    : db_(db),
      clock_(clock),
      keyring_(keyring),
      store_(store),
      http_(http),
      options_(std::move(options)) {
    if (options_.upload_mime_types.empty()) options_.upload_mime_types = DefaultUploadMimeTypes();
}

Status MediaService::Download(const jobs::JobContext& job) {
    auto payload = nlohmann::json::parse(job.payload, nullptr, false);
    if (!payload.is_object() || !payload.contains("attachment_id") ||
        !payload["attachment_id"].is_number_integer()) {
        return Error::InvalidArgument("media.download payload has no attachment_id");
    }
    const AttachmentId id(payload["attachment_id"].get<std::int64_t>());
    auto found =
        db_.ReadValue([&](Session& s) { return AttachmentRepository::Get(s, job.workspace, id); });
    if (!found.ok()) {
        // Deleted with its message (or contact) since: nothing left to do.
        if (found.error().code == ErrorCode::kNotFound) return Ok();
        return std::move(found).error();
    }
    const Attachment& att = *found;
    if (att.status == AttachmentStatus::kStored) return Ok();
    if (!att.inbox_id || !att.external_media_id) {
        return Fail(job, att, Error::InvalidArgument("attachment has no platform media id"));
    }
    auto inbox = db_.ReadValue(
        [&](Session& s) { return storage::InboxRepository::Get(s, job.workspace, *att.inbox_id); });
    if (!inbox.ok()) {
        if (inbox.error().code == ErrorCode::kNotFound) {
            return Fail(job, att, Error::FailedPrecondition("inbox deleted"));
        }
        return std::move(inbox).error();
    }
    if (inbox->channel_kind != ChannelKind::kWhatsApp) {
        return Fail(job, att,
                    Error::FailedPrecondition("media download is not supported for this channel"));
    }
    if (inbox->status == InboxStatus::kDisconnected) {
        return Fail(job, att, Error::FailedPrecondition("inbox disconnected"));
    }
    Error why;
    auto token = AccessTokenOf(*inbox, keyring_, why);
    if (!token) return Fail(job, att, std::move(why));

    auto fetched = Fetch(att, *inbox, *token);
    if (!fetched.ok()) return Fail(job, att, std::move(fetched).error());

    // Both digests WhatsApp gave (webhook and media info) were checked in Fetch; Put checks the
    // bytes against the row's once more before anything is stored.
    auto stored = store_.Put(fetched->bytes, att.sha256.value_or(""));
    if (!stored.ok()) {
        if (stored.error().code == ErrorCode::kInvalidArgument) {
            return Fail(job, att, Error::ExternalRejected("checksum mismatch"));
        }
        return Fail(job, att, std::move(stored).error());
    }
    const std::string mime = !fetched->mime_type.empty() ? fetched->mime_type : att.mime_type;
    HH_RETURN_IF_ERROR(db_.Write([&](Session& s) {
        return AttachmentRepository::MarkStored(s, job.workspace, att.id, stored->sha256_hex,
                                                stored->size, mime, clock_.Now());
    }));
    log::Info("media.stored", {{"workspace_id", job.workspace.value()},
                               {"attachment_id", att.id.value()},
                               {"size", stored->size}});
    return Ok();
}

Result<MediaService::Fetched> MediaService::Fetch(const Attachment& att, const Inbox& inbox,
                                                  const std::string& access_token) {
    channels::ChannelAccount account;
    account.api_base_url = options_.graph_api_url;
    account.api_version = options_.graph_api_version;
    account.account_id = inbox.external_account_id.value_or("");
    account.access_token = access_token;

    // A Graph error: classified by whatsapp_errors; a rejected token also marks the inbox.
    auto graph_error = [&](const net::HttpResponse& r, const char* step) -> Error {
        const channels::ErrorClass cls = channels::whatsapp::ClassifyGraphError(r.status, r.body);
        Error e = cls.ToError();
        e.message = std::string(step) + ": " + cls.message;
        if (r.status == 429 || r.status >= 500) e.retryable = true;
        if (cls.needs_reconnect) {
            e.retryable = false;
            if (Status st = MarkNeedsReconnect(att.workspace_id, inbox.id); !st.ok()) {
                log::Warn("media.reconnect_mark_failed", {{"error", st.error().message}});
            }
        }
        return e;
    };

    HH_ASSIGN_OR_RETURN(auto info_call,
                        channels::whatsapp::BuildMediaInfoRequest(account, *att.external_media_id));
    net::HttpRequest info_request = ToRequest(info_call);
    info_request.max_response_bytes = 64u << 10;
    HH_ASSIGN_OR_RETURN(auto info_response, http_.Send(info_request));
    if (!IsSuccess(info_response.status)) return graph_error(info_response, "media info");
    auto info = channels::whatsapp::ParseMediaInfo(info_response.body);
    if (!info.ok()) {
        Error e = std::move(info).error();
        e.retryable = true;  // a proxy's error page, most likely
        return e;
    }
    if (info->file_size && *info->file_size > options_.max_download_bytes) {
        return Error::PayloadTooLarge("media is " + std::to_string(*info->file_size) +
                                      " bytes; the limit is " +
                                      std::to_string(options_.max_download_bytes));
    }

    HH_ASSIGN_OR_RETURN(auto download_call,
                        channels::whatsapp::BuildMediaDownloadRequest(account, info->url));
    net::HttpRequest download = ToRequest(download_call);
    download.max_response_bytes = options_.max_download_bytes;
    download.timeout = options_.download_timeout;
    auto response = http_.Send(download);
    if (!response.ok()) {
        Error e = std::move(response).error();
        if (e.code == ErrorCode::kPayloadTooLarge) {
            e.retryable = false;
            e.message = "media is larger than the limit of " +
                        std::to_string(options_.max_download_bytes) + " bytes";
        }
        return e;
    }
    if (!IsSuccess(response->status)) {
        Error e = graph_error(*response, "media download");
        // The URL lives five minutes: a 404/403/410 is most likely expiry, and the next attempt
        // starts again at the info step with a fresh URL.
        if (response->status == 404 || response->status == 403 || response->status == 410) {
            if (e.code != ErrorCode::kUnauthenticated) e.retryable = true;
        }
        return e;
    }
    const std::string actual = media::Sha256Hex(response->body);
    for (const std::optional<std::string>& expected :
         {std::optional<std::string>(info->sha256_hex), att.sha256}) {
        if (expected && !expected->empty() && *expected != actual) {
            return Error::ExternalRejected(
                "checksum mismatch: the downloaded bytes do not have "
                "the SHA-256 WhatsApp announced");
        }
    }
    if (info->file_size && *info->file_size != response->body.size()) {
        return Error::ExternalRejected("size mismatch: WhatsApp announced " +
                                       std::to_string(*info->file_size) + " bytes, got " +
                                       std::to_string(response->body.size()));
    }
    std::string mime = info->mime_type;
    if (mime.empty()) mime = std::string(response->Header("content-type").value_or(""));
    return Fetched{std::move(response->body), std::move(mime)};
}

Status MediaService::MarkNeedsReconnect(WorkspaceId ws, InboxId inbox) {
    storage::InboxUpdate u;
    u.status = InboxStatus::kNeedsReconnect;
    log::Error("inbox.needs_reconnect",
               {{"workspace_id", ws.value()}, {"inbox_id", inbox.value()}, {"by", "media"}});
    return db_.Write([&](Session& s) {
        return storage::InboxRepository::Update(s, ws, inbox, u, clock_.Now());
    });
}

Status MediaService::Fail(const jobs::JobContext& job, const Attachment& att, Error error) {
    if (error.retryable && !job.last_attempt()) {
        log::Warn("media.download_retry", {{"workspace_id", job.workspace.value()},
                                           {"attachment_id", att.id.value()},
                                           {"attempt", job.attempt},
                                           {"error", error.message}});
        return error;
    }
    Status marked = db_.Write([&](Session& s) -> Status {
        auto r =
            AttachmentRepository::MarkFailed(s, job.workspace, att.id, error.message, clock_.Now());
        if (!r.ok()) return std::move(r).error();
        return Ok();
    });
    // Recording the failure must not be lost: if it cannot be written, try the job again.
    if (!marked.ok()) return marked;
    log::Warn("media.download_failed", {{"workspace_id", job.workspace.value()},
                                        {"attachment_id", att.id.value()},
                                        {"error", error.message}});
    error.retryable = false;
    return error;
}

Result<storage::NewAttachment> MediaService::StoreBlob(std::string_view bytes,
                                                       const std::string& mime_type,
                                                       const std::string& file_name) {
    HH_ASSIGN_OR_RETURN(auto blob, store_.Put(bytes));
    storage::NewAttachment na;
    na.kind = KindOf(channels::ContentType::kUnsupported, mime_type);
    na.mime_type = mime_type;
    na.file_name = CleanFileName(file_name);
    na.sha256 = blob.sha256_hex;
    na.storage_key = blob.sha256_hex;
    na.size_bytes = blob.size;
    return na;
}

Result<storage::Attachment> MediaService::Store(WorkspaceId ws, std::string_view bytes,
                                                const std::string& mime_type,
                                                const std::string& file_name,
                                                std::optional<UserId> uploaded_by) {
    HH_ASSIGN_OR_RETURN(auto na, StoreBlob(bytes, mime_type, file_name));
    na.uploaded_by = uploaded_by;
    const Timestamp now = clock_.Now();
    return db_.WriteValue([&](Session& s) { return AttachmentRepository::Create(s, ws, na, now); });
}

bool MediaService::IsUploadAllowed(std::string_view mime_type) const {
    const std::string base = BaseMimeType(mime_type);
    return std::find(options_.upload_mime_types.begin(), options_.upload_mime_types.end(), base) !=
           options_.upload_mime_types.end();
}

Result<storage::Attachment> MediaService::Upload(const WorkspaceAccess& a, std::string_view bytes,
                                                 const std::string& mime_type,
                                                 const std::string& file_name) {
    if (bytes.size() > options_.max_upload_bytes) {
        return Error::PayloadTooLarge("upload is larger than " +
                                      std::to_string(options_.max_upload_bytes) + " bytes");
    }
    if (bytes.empty()) return Error::InvalidArgument("upload is empty");
    if (!IsUploadAllowed(mime_type)) {
        return Error::InvalidArgument("uploads of type '" + BaseMimeType(mime_type) +
                                      "' are not allowed");
    }
    const std::string name = CleanFileName(file_name);
    if (name.empty()) return Error::InvalidArgument("filename is required");
    return Store(a.workspace(), bytes, BaseMimeType(mime_type), name, a.user());
}

Result<storage::Attachment> MediaService::Get(const WorkspaceAccess& a, AttachmentId id) {
    return db_.ReadValue([&](Session& s) -> Result<storage::Attachment> {
        HH_ASSIGN_OR_RETURN(auto att, AttachmentRepository::Get(s, a.workspace(), id));
        // A message's file is seen by whoever may see its conversation's inbox.
        if (att.inbox_id && !a.sees_every_inbox()) {
            HH_ASSIGN_OR_RETURN(auto scope, InboxScopeOf(s, a));
            if (!scope.Allows(*att.inbox_id)) return Error::NotFound("attachment not found");
        }
        return att;
    });
}

Result<AttachmentFile> MediaService::ReadFile(const WorkspaceAccess& a, AttachmentId id) {
    HH_RETURN_IF_ERROR(Get(a, id));
    return ReadStoredFile(a.workspace(), id);
}

Result<AttachmentFile> MediaService::ReadStoredFile(WorkspaceId ws, AttachmentId id) {
    HH_ASSIGN_OR_RETURN(
        auto att, db_.ReadValue([&](Session& s) { return AttachmentRepository::Get(s, ws, id); }));
    if (att.status == AttachmentStatus::kPending) {
        return Error::NotFound(
            "attachment is not downloaded yet (status pending); try again "
            "shortly");
    }
    if (att.status == AttachmentStatus::kFailed || !att.storage_key) {
        return Error::NotFound("attachment could not be downloaded (status failed): " +
                               att.error.value_or("unknown reason"));
    }
    auto bytes = store_.Read(*att.storage_key);
    if (!bytes.ok()) {
        if (bytes.error().code == ErrorCode::kNotFound) {
            return Error::NotFound("attachment file is missing from the media store");
        }
        return std::move(bytes).error();
    }
    return AttachmentFile{std::move(att), std::move(bytes).value()};
}

}  // namespace hudhud::services
