#include "core/phone.hpp"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <cstdint>
#include <optional>

namespace hudhud {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr std::size_t kMaxInputBytes = 64;

// The one UTF-8 code point at s[i] (advancing i), or -1 for a malformed sequence.
std::int32_t NextCodePoint(std::string_view s, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i++]);
    if (b0 < 0x80) return b0;
    int extra = 0;
    std::int32_t cp = 0;
    if ((b0 & 0xE0) == 0xC0) {
        extra = 1;
        cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
        extra = 2;
        cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
        extra = 3;
        cp = b0 & 0x07;
    } else {
        return -1;
    }
    for (int k = 0; k < extra; ++k) {
        if (i >= s.size()) return -1;
        const auto b = static_cast<unsigned char>(s[i++]);
        if ((b & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (b & 0x3F);
    }
    return cp;
}

// ASCII digits, '+' and the separators people type, with other scripts' digits folded to ASCII
// (so that the prefix rules below can look at them); nullopt for any other character.
std::optional<std::string> Simplify(std::string_view raw) {
    std::string out;
    std::size_t i = 0;
    while (i < raw.size()) {
        const std::int32_t cp = NextCodePoint(raw, i);
        if (cp >= '0' && cp <= '9') {
            out.push_back(static_cast<char>(cp));
        } else if (cp >= 0x0660 && cp <= 0x0669) {  // Arabic-Indic
            out.push_back(static_cast<char>('0' + (cp - 0x0660)));
        } else if (cp >= 0x06F0 && cp <= 0x06F9) {  // Extended Arabic-Indic (Persian, Urdu)
            out.push_back(static_cast<char>('0' + (cp - 0x06F0)));
        } else if (cp >= 0xFF10 && cp <= 0xFF19) {  // full-width
            out.push_back(static_cast<char>('0' + (cp - 0xFF10)));
        } else if (cp == '+' || cp == 0xFF0B) {
            out.push_back('+');
        } else if (cp == ' ' || cp == '\t' || cp == 0x00A0 || cp == 0x202F || cp == 0x200F ||
                   cp == 0x200E || cp == 0x061C) {
            // Spaces, and the bidi marks Arabic text puts around numbers.
            out.push_back(' ');
        } else if (cp == '-' || cp == '.' || cp == '/' || cp == '(' || cp == ')' || cp == 0x2010 ||
                   cp == 0x2011 || cp == 0x2012 || cp == 0x2013) {
            out.push_back('-');
        } else {
            return std::nullopt;
        }
    }
    return out;
}

std::string DigitsOf(std::string_view s) {
    std::string d;
    for (char c : s) {
        if (c >= '0' && c <= '9') d.push_back(c);
    }
    return d;
}

Result<std::string> ParseValid(const std::string& text, const std::string& region) {
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util.Parse(text, region, &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
        return Error::InvalidArgument("phone is not a phone number");
    }
    if (number.has_extension()) return Error::InvalidArgument("phone must not have an extension");
    if (!util.IsValidNumber(number)) return Error::InvalidArgument("phone is not a valid number");
    std::string out;
    util.Format(number, PhoneNumberUtil::E164, &out);
    return out;
}

}  // namespace

Result<std::string> NormalizePhoneE164(std::string_view raw, std::string_view default_region) {
    if (raw.size() > kMaxInputBytes) return Error::InvalidArgument("phone is too long");
    std::string region;
    for (char c : default_region) {
        region.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    if (!region.empty() && util.GetCountryCodeForRegion(region) == 0) {
        return Error::InvalidArgument("unknown phone region '" + region + "'");
    }
    auto simple = Simplify(raw);
    if (!simple) {
        return Error::InvalidArgument(
            "phone may contain only digits, spaces, a leading '+' and - . / ( )");
    }
    const std::string digits = DigitsOf(*simple);
    if (digits.empty()) return Error::InvalidArgument("phone has no digits");
    // "+971 ...", "(+44) ...": nothing but separators may come before the one '+'.
    const std::size_t plus = simple->find('+');
    if (plus != std::string::npos &&
        (simple->find_first_of("0123456789") < plus ||
         simple->find('+', plus + 1) != std::string::npos)) {
        return Error::InvalidArgument("phone may have '+' only at the start");
    }
    if (plus != std::string::npos) return ParseValid("+" + digits, "ZZ");
    const bool idd00 = digits.rfind("00", 0) == 0;
    if (region.empty()) {
        // No country to read a national number in: bare digits are international, as WhatsApp
        // wa_ids are, and the common international prefix 00 is dropped.
        return ParseValid("+" + (idd00 ? digits.substr(2) : digits), "ZZ");
    }
    auto national = ParseValid(digits, region);
    if (national.ok() || !idd00) return national;
    // 00 dialled from a region whose own international prefix differs (011 in North America).
    return ParseValid("+" + digits.substr(2), "ZZ");
}

}  // namespace hudhud
