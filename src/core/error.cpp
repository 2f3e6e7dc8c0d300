#include "core/error.hpp"

namespace hudhud {

std::string_view ErrorCodeName(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidArgument: return "invalid_argument";
        case ErrorCode::kNotFound: return "not_found";
        case ErrorCode::kConflict: return "conflict";
        case ErrorCode::kUnauthenticated: return "unauthenticated";
        case ErrorCode::kPermissionDenied: return "permission_denied";
        case ErrorCode::kRateLimited: return "rate_limited";
        case ErrorCode::kUnavailable: return "unavailable";
        case ErrorCode::kTimeout: return "timeout";
        case ErrorCode::kExternalRejected: return "external_rejected";
        case ErrorCode::kPayloadTooLarge: return "payload_too_large";
        case ErrorCode::kFailedPrecondition: return "failed_precondition";
        case ErrorCode::kInternal: return "internal";
    }
    return "internal";
}

}  // namespace hudhud
