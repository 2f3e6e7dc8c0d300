#include "http/api/api_routes.hpp"
#include "http/api/attachment_file.hpp"
#include "services/media_service.hpp"

namespace hudhud::http::api {

using services::WorkspaceAccess;
using storage::Attachment;

namespace {

nlohmann::json AttachmentJson(const Attachment& a) {
    auto opt = [](const std::optional<std::string>& v) {
        return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    return {{"id", a.id.value()},
            {"message_id", a.message_id ? nlohmann::json(a.message_id->value()) : nullptr},
            {"kind", a.kind},
            {"mime_type", a.mime_type},
            {"file_name", a.file_name},
            {"external_media_id", opt(a.external_media_id)},
            {"size_bytes", a.size_bytes},
            {"sha256", a.status == storage::AttachmentStatus::kStored ? opt(a.sha256) : nullptr},
            {"status", storage::AttachmentStatusName(a.status)},
            {"error", opt(a.error)},
            {"file_url",
             "/api/v1/workspaces/" + a.workspace_id.str() + "/attachments/" + a.id.str() + "/file"},
            {"created_at", ToMicros(a.created_at)},
            {"updated_at", ToMicros(a.updated_at)}};
}

}  // namespace

void RegisterAttachmentRoutes(Router& router, ApiAuth& auth, services::MediaService& media) {
    const std::string base = "/api/v1/workspaces/{workspace_id}/attachments";

    router.Post(base,
                InWorkspace(auth, Role::kAgent,
                            [&media](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                const std::string mime(req.Header("Content-Type").value_or(""));
                                if (mime.empty()) {
                                    return Error::InvalidArgument(
                                        "Content-Type header is required (the file's MIME type)");
                                }
                                if (!media.IsUploadAllowed(mime)) {
                                    // 415 is about the request's own Content-Type, so it is
                                    // answered here rather than through error_mapping.
                                    return Response::Error(
                                        415, "unsupported_media_type",
                                        "uploads of type '" + services::BaseMimeType(mime) +
                                            "' are not allowed; send images, audio, video, PDF or "
                                            "office documents");
                                }
                                const std::string filename(req.Query("filename").value_or(""));
                                if (filename.empty()) {
                                    return Error::InvalidArgument("?filename= is required");
                                }
                                HH_ASSIGN_OR_RETURN(auto att,
                                                    media.Upload(a, req.body, mime, filename));
                                return Json(201, {{"attachment", AttachmentJson(att)}});
                            }),
                {.max_body = static_cast<std::size_t>(media.max_upload_bytes())});

    router.Get(base + "/{id}",
               InWorkspace(auth, Role::kAgent,
                           [&media](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto id, PathId<AttachmentId>(req, "id"));
                               HH_ASSIGN_OR_RETURN(auto att, media.Get(a, id));
                               return Json(200, {{"attachment", AttachmentJson(att)}});
                           }));

    router.Get(base + "/{id}/file",
               InWorkspace(auth, Role::kAgent,
                           [&media](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto id, PathId<AttachmentId>(req, "id"));
                               HH_ASSIGN_OR_RETURN(auto file, media.ReadFile(a, id));
                               return AttachmentFileResponse(req, std::move(file));
                           }));
}

}  // namespace hudhud::http::api
