#pragma once

#include "core/error.hpp"
#include "http/response.hpp"

// The one place an hudhud::Error becomes an HTTP status and body.
//
//   kInvalidArgument   400 invalid_argument   (400, not 422, for every validation failure)
//   kUnauthenticated   401 unauthenticated
//   kPermissionDenied  403 permission_denied
//   kNotFound          404 not_found
//   kConflict          409 conflict
//   kPayloadTooLarge   413 payload_too_large
//   kRateLimited       429 rate_limited       (+ Retry-After: 1)
//   kInternal          500 internal           (message replaced; the real one is logged)
//   kExternalRejected  502 external_rejected
//   kUnavailable       503 unavailable        (+ Retry-After: 1)
//   kTimeout           504 timeout
//
// The body is {"error":{"code":"<ErrorCodeName>","message":"..."}}.
namespace hudhud::http {

int HttpStatusFor(ErrorCode code);

// The response for `error`. For kInternal the client sees "internal error" and the original
// message goes to Response::log_detail (written to the access log by the server) and to an
// "http.internal_error" log line carrying `request`'s id when given.
Response ErrorResponse(const Error& error, const Request* request = nullptr);

// Handler-side convenience: the value through `on_ok`, or the mapped error.
//   return RespondWith(service.GetContact(id), [](const Contact& c) { return Response::Json(200,
//   ToJson(c)); });
template <typename T, typename F>
Response RespondWith(const Result<T>& result, F&& on_ok, const Request* request = nullptr) {
    if (!result.ok()) return ErrorResponse(result.error(), request);
    return on_ok(result.value());
}

}  // namespace hudhud::http
