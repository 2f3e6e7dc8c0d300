#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace hudhud {

// Normalizes a phone number as people and platforms write it to E.164 ("+971501234567").
//
// Accepted: "+971 50 123 4567", "+1 (650) 253-0000", "(+44) 7911 123456", "00971501234567"
// (the international prefix 00), WhatsApp wa_id digits without '+' ("971501234567": with no
// default_region, bare digits are read as international), national numbers with a
// default_region ("050 123 4567", "AE"), and Arabic-Indic / Extended Arabic-Indic / full-width
// digits in any of these forms. Separators may be spaces, '-', '.', '/', '(' and ')'.
//
// kInvalidArgument for anything else: letters or other characters, an extension, an unknown
// region, a number libphonenumber does not consider valid for its country, or input longer than
// 64 bytes. default_region is an ISO 3166-1 alpha-2 code (case-insensitive) or empty.
// Pure (no I/O); thread-safe.
Result<std::string> NormalizePhoneE164(std::string_view raw, std::string_view default_region = "");

}  // namespace hudhud
