#include "core/phone.hpp"

#include <gtest/gtest.h>

namespace hudhud {
namespace {

struct Case {
    const char* raw;
    const char* region;
    const char* want;  // nullptr: refused
};

TEST(NormalizePhoneE164Test, AcceptsTheFormsPeopleAndPlatformsUse) {
    const Case cases[] = {
        {"+971501234567", "", "+971501234567"},
        {"+971 50 123 4567", "", "+971501234567"},
        {"  +971-50-123-4567  ", "", "+971501234567"},
        {"+1 (650) 253-0000", "", "+16502530000"},
        {"(+44) 7911-123-456", "", "+447911123456"},
        {"+44 7911 123456", "", "+447911123456"},
        // WhatsApp wa_id: international digits without '+'.
        {"971501234567", "", "+971501234567"},
        {"12025550143", "", "+12025550143"},
        // The international prefix 00, with or without a region.
        {"00971501234567", "", "+971501234567"},
        {"00971501234567", "AE", "+971501234567"},
        {"00971501234567", "US", "+971501234567"},
        {"011 971 50 123 4567", "US", "+971501234567"},
        // National forms need a region.
        {"050 123 4567", "AE", "+971501234567"},
        {"050 123 4567", "ae", "+971501234567"},
        {"(650) 253-0000", "US", "+16502530000"},
        {"971501234567", "AE", "+971501234567"},
        // Arabic-Indic, Extended Arabic-Indic and full-width digits.
        {"\xd9\xa0\xd9\xa5\xd9\xa0\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5\xd9\xa6\xd9\xa7", "AE",
         "+971501234567"},  // ٠٥٠١٢٣٤٥٦٧
        {"+\xd9\xa9\xd9\xa7\xd9\xa1 \xd9\xa5\xd9\xa0 \xd9\xa1\xd9\xa2\xd9\xa3 "
         "\xd9\xa4\xd9\xa5\xd9\xa6\xd9\xa7",
         "", "+971501234567"},  // +٩٧١ ٥٠ ١٢٣ ٤٥٦٧
        {"\xdb\xb0\xdb\xb5\xdb\xb0\xdb\xb1\xdb\xb2\xdb\xb3\xdb\xb4\xdb\xb5\xdb\xb6\xdb\xb7", "AE",
         "+971501234567"},  // ۰۵۰۱۲۳۴۵۶۷
        {"\xef\xbc\x8b\xef\xbc\x99\xef\xbc\x97\xef\xbc\x91\xef\xbc\x95\xef\xbc\x90\xef\xbc\x91"
         "\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96\xef\xbc\x97",
         "", "+971501234567"},  // full-width ＋９７１５０１２３４５６７
        // A right-to-left mark around the number, as Arabic UIs paste it.
        {"\xe2\x80\x8f+971 50 123 4567\xe2\x80\x8f", "", "+971501234567"},
    };
    for (const auto& c : cases) {
        auto got = NormalizePhoneE164(c.raw, c.region);
        ASSERT_TRUE(got.ok()) << c.raw << " / " << c.region << ": " << got.error().message;
        EXPECT_EQ(*got, c.want) << c.raw << " / " << c.region;
    }
}

TEST(NormalizePhoneE164Test, RefusesJunk) {
    const Case cases[] = {
        {"", "", nullptr},
        {"   ", "", nullptr},
        {"hello", "AE", nullptr},
        {"call me on +971501234567", "", nullptr},
        {"+971 50 123 4567 ext. 12", "", nullptr},
        {"1-800-FLOWERS", "US", nullptr},
        {"+971+501234567", "", nullptr},
        {"971+501234567", "", nullptr},
        {"+12", "", nullptr},
        {"+999123456789", "", nullptr},   // no such country code
        {"0501234567", "", nullptr},      // national without a region reads as +0...
        {"050 123 4567", "XX", nullptr},  // unknown region
        {"+9715012345678901234567890", "", nullptr},
        {"+971 50 123 4567; DROP TABLE contacts", "", nullptr},
        {"\xff\xfe", "", nullptr},  // not UTF-8
        {"12345678901234567890123456789012345678901234567890123456789012345", "", nullptr},
    };
    for (const auto& c : cases) {
        auto got = NormalizePhoneE164(c.raw, c.region);
        EXPECT_FALSE(got.ok()) << c.raw << " / " << c.region << " gave " << got.value_or("");
        if (!got.ok()) {
            EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
        }
    }
}

TEST(NormalizePhoneE164Test, ResultIsStableUnderRenormalization) {
    for (const char* raw : {"+971 50 123 4567", "00447911123456", "12025550143"}) {
        auto once = NormalizePhoneE164(raw);
        ASSERT_TRUE(once.ok()) << raw;
        auto twice = NormalizePhoneE164(*once);
        ASSERT_TRUE(twice.ok());
        EXPECT_EQ(*once, *twice);
    }
}

}  // namespace
}  // namespace hudhud
