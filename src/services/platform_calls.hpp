#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "channels/outbound_message.hpp"
#include "core/inbox.hpp"
#include "core/result.hpp"
#include "net/http_client.hpp"
#include "secrets/keyring.hpp"

namespace hudhud::services {

// `text` parsed as a JSON object; an empty object when it is not one.
inline nlohmann::json ParseJsonObject(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    return j.is_object() ? j : nlohmann::json::object();
}

// The string member `key` of `j`; "" when absent or not a string.
inline std::string JsonString(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// How the platform knows an inbox: its account id (external_account_id), its account group
// (settings.waba_id) and the access token from its sealed credentials (empty when absent).
// Errors only when the credentials are missing or cannot be decrypted.
inline Result<channels::ChannelAccount> PlatformAccount(const Inbox& inbox,
                                                        const secrets::Keyring& keyring,
                                                        const std::string& api_base_url,
                                                        const std::string& api_version) {
    if (!inbox.credentials_enc) return Error::FailedPrecondition("the inbox has no credentials");
    HH_ASSIGN_OR_RETURN(auto plain, keyring.Decrypt(*inbox.credentials_enc));
    return channels::ChannelAccount{api_base_url, api_version,
                                    inbox.external_account_id.value_or(""),
                                    JsonString(ParseJsonObject(inbox.settings_json), "waba_id"),
                                    JsonString(ParseJsonObject(plain), "access_token")};
}

// The HTTP request for a call an adapter built.
inline net::HttpRequest ToHttpRequest(const channels::PlatformCall& call) {
    net::HttpRequest request;
    request.method = call.method;
    request.url = call.url;
    request.headers = call.headers;
    request.body = call.body;
    return request;
}

}  // namespace hudhud::services
