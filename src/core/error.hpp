#pragma once

#include <string>
#include <string_view>

namespace hudhud {

// The small closed set of failure kinds. Jobs decide retry from Error::retryable; the HTTP layer
// maps codes to statuses in exactly one place (http/error_mapping).
enum class ErrorCode {
    kInvalidArgument,
    kNotFound,
    kConflict,
    kUnauthenticated,
    kPermissionDenied,
    kRateLimited,
    kUnavailable,
    kTimeout,
    kExternalRejected,
    kPayloadTooLarge,
    kFailedPrecondition,  // valid request, but the resource's state forbids it now
    kInternal,
};

std::string_view ErrorCodeName(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;
    bool retryable = false;

    static Error InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
    static Error NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
    static Error Conflict(std::string m) { return {ErrorCode::kConflict, std::move(m)}; }
    static Error Unauthenticated(std::string m) { return {ErrorCode::kUnauthenticated, std::move(m)}; }
    static Error PermissionDenied(std::string m) {
        return {ErrorCode::kPermissionDenied, std::move(m)};
    }
    static Error RateLimited(std::string m) { return {ErrorCode::kRateLimited, std::move(m), true}; }
    static Error Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m), true}; }
    static Error Timeout(std::string m) { return {ErrorCode::kTimeout, std::move(m), true}; }
    static Error ExternalRejected(std::string m, bool retryable = false) {
        return {ErrorCode::kExternalRejected, std::move(m), retryable};
    }
    static Error PayloadTooLarge(std::string m) { return {ErrorCode::kPayloadTooLarge, std::move(m)}; }
    static Error FailedPrecondition(std::string m) {
        return {ErrorCode::kFailedPrecondition, std::move(m)};
    }
    static Error Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }
};

}  // namespace hudhud
