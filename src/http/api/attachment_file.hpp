#pragma once

#include "http/request.hpp"
#include "http/response.hpp"
#include "services/media_service.hpp"

namespace hudhud::http::api {

// A stored attachment's bytes as an HTTP answer, for agents (/api/v1/.../attachments/{id}/file)
// and Web Chat visitors (/widget/v1/{website_token}/attachments/{id}/file) alike: its
// Content-Type (application/octet-stream when unusable), Content-Disposition (inline for images,
// audio and video other than SVG, else attachment; RFC 5987 filename*), nosniff, a sandboxing
// Content-Security-Policy, Cache-Control private for a day and ETag "<sha256>" (If-None-Match
// answers 304). The caller has already decided that the reader may see it.
Response AttachmentFileResponse(const Request& req, services::AttachmentFile file);

}  // namespace hudhud::http::api
