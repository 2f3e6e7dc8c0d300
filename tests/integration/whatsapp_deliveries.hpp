#pragma once

#include <ctime>
#include <nlohmann/json.hpp>
#include <string>

namespace hudhud::testing {

// WhatsApp Cloud API webhook deliveries for integration tests, shaped like Meta's (one entry,
// one change, field "messages").
struct WhatsAppAccount {
    std::string phone_number_id = "100000000000002";
    std::string waba_id = "100000000000001";
};

inline std::int64_t NowSeconds() { return static_cast<std::int64_t>(std::time(nullptr)); }

// Wraps a change value ("messages"/"statuses"/"contacts") in the delivery envelope.
inline nlohmann::json WhatsAppDelivery(const WhatsAppAccount& account, nlohmann::json value) {
    value["messaging_product"] = "whatsapp";
    value["metadata"] = {{"display_phone_number", "15550001111"},
                         {"phone_number_id", account.phone_number_id}};
    return {{"object", "whatsapp_business_account"},
            {"entry",
             {{{"id", account.waba_id},
               {"changes", {{{"field", "messages"}, {"value", std::move(value)}}}}}}}};
}

// A customer's text message, sent at `sent_at` (Unix seconds).
inline nlohmann::json CustomerTextDelivery(const WhatsAppAccount& account,
                                           const std::string& wa_id, const std::string& wamid,
                                           const std::string& text, std::int64_t sent_at) {
    return WhatsAppDelivery(
        account, {{"contacts", {{{"profile", {{"name", "Customer " + wa_id}}}, {"wa_id", wa_id}}}},
                  {"messages",
                   {{{"from", wa_id},
                     {"id", wamid},
                     {"timestamp", std::to_string(sent_at)},
                     {"type", "text"},
                     {"text", {{"body", text}}}}}}});
}

// A delivery receipt for a message we sent.
inline nlohmann::json StatusDelivery(const WhatsAppAccount& account, const std::string& wamid,
                                     const std::string& status, const std::string& wa_id) {
    return WhatsAppDelivery(account, {{"statuses",
                                       {{{"id", wamid},
                                         {"status", status},
                                         {"timestamp", std::to_string(NowSeconds())},
                                         {"recipient_id", wa_id}}}}});
}

}  // namespace hudhud::testing
