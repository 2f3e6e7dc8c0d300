#include "http/error_mapping.hpp"

#include <nlohmann/json.hpp>

#include "log/log.hpp"

namespace hudhud::http {

int HttpStatusFor(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidArgument:
            return 400;
        case ErrorCode::kUnauthenticated:
            return 401;
        case ErrorCode::kPermissionDenied:
            return 403;
        case ErrorCode::kNotFound:
            return 404;
        case ErrorCode::kConflict:
            return 409;
        case ErrorCode::kPayloadTooLarge:
            return 413;
        case ErrorCode::kFailedPrecondition:
            return 422;
        case ErrorCode::kRateLimited:
            return 429;
        case ErrorCode::kUnavailable:
            return 503;
        case ErrorCode::kTimeout:
            return 504;
        case ErrorCode::kExternalRejected:
            return 502;
        case ErrorCode::kInternal:
            return 500;
    }
    return 500;
}

Response ErrorResponse(const Error& error, const Request* request) {
    int status = HttpStatusFor(error.code);
    if (error.code == ErrorCode::kInternal) {
        nlohmann::json fields = {{"message", error.message}};
        if (request != nullptr) {
            fields["request_id"] = request->request_id;
            fields["route"] = request->route;
        }
        log::Error("http.internal_error", fields);
        Response r = Response::Error(status, ErrorCodeName(error.code), "internal error");
        r.log_detail = error.message;
        return r;
    }
    Response r = Response::Error(status, ErrorCodeName(error.code), error.message);
    if (error.code == ErrorCode::kRateLimited || error.code == ErrorCode::kUnavailable) {
        r.SetHeader("Retry-After", "1");
    }
    return r;
}

}  // namespace hudhud::http
