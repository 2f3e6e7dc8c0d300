#pragma once

#include <cstdint>
#include <string_view>

#include "channels/channel_adapter.hpp"

// Graph API error classification for WhatsApp (channels.md 1.6, "Error codes that drive
// behaviour"). Pure functions; thread-safe.
namespace hudhud::channels::whatsapp {

// Classifies a Graph error code. http_status (0 when unknown, e.g. for a failed status webhook)
// only decides codes we do not know: 429 and 5xx are retryable, anything else is not.
// Known policy codes (131047, 131026, 131050, 132xxx, ...) are never retryable, whatever the
// status.
ErrorClass ClassifyErrorCode(std::int64_t code, int http_status, std::string_view platform_message);

// Classifies a failed Graph call from its HTTP status and body ({"error": {code, message,
// error_data.details, ...}}). A body that is empty or not JSON is classified by status alone.
ErrorClass ClassifyGraphError(int http_status, std::string_view body);

}  // namespace hudhud::channels::whatsapp
