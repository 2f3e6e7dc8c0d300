#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "channels/outbound_message.hpp"
#include "core/result.hpp"

// Graph API calls around sending that are not a message: the template catalogue and media upload.
// Pure builders and parsers like whatsapp_outbound.hpp; the caller's HTTP client does the I/O and
// sends a non-2xx answer to ClassifyGraphError. Thread-safe.
namespace hudhud::channels::whatsapp {

// One message template as the WhatsApp Business Account lists it.
struct TemplateInfo {
    std::string id;
    std::string name;
    std::string language;         // e.g. "en_US"
    std::string status;           // APPROVED, PENDING, REJECTED, PAUSED, DISABLED, ...
    std::string category;         // MARKETING, UTILITY, AUTHENTICATION
    std::string components_json;  // the template's components array, compact JSON ("[]" if none)
};

struct TemplatesPage {
    std::vector<TemplateInfo> templates;
    // Pass to BuildListTemplates for the next page; nullopt on the last page.
    std::optional<std::string> next_after;
};

// GET {base}/{v}/{waba_id}/message_templates?fields=name,language,status,category,components
// &limit=100[&after=<cursor>] where waba_id is account.account_group_id.
// kInvalidArgument when the account has no WABA id or is otherwise incomplete (GraphUrl).
Result<PlatformCall> BuildListTemplates(const ChannelAccount& account,
                                        std::string_view after_cursor);

// Reads one page: data[] and paging. Graph returns cursors.after on every page, so the next cursor
// is taken only when paging.next (the link to a further page) is present. Entries without a name
// are skipped. kExternalRejected when the body is not JSON or has no data array.
Result<TemplatesPage> ParseTemplatesPage(std::string_view body);

// A multipart/form-data text field.
struct FormField {
    std::string name;
    std::string value;
};

// Media upload: POST {base}/{v}/{phone_number_id}/media as multipart/form-data with the text
// fields messaging_product=whatsapp and type=<mime type>, then the file part. call.body is empty
// and call.headers hold only Authorization: the HTTP client writes the multipart body and its
// Content-Type (with the boundary).
struct MediaUploadCall {
    PlatformCall call;
    std::vector<FormField> fields;
    std::string file_field = "file";  // name of the part carrying the bytes
    std::string filename;             // its filename
    std::string mime_type;            // its Content-Type
};

// kInvalidArgument for an incomplete account, a mime type that is not "type/subtype", or a
// filename with quotes, slashes or control characters. An empty filename becomes "file".
Result<MediaUploadCall> BuildMediaUpload(const ChannelAccount& account, std::string_view mime_type,
                                         std::string_view filename);

// The uploaded media id from {"id": "..."}; kExternalRejected for anything else.
Result<std::string> ParseMediaUploadResponse(std::string_view body);

}  // namespace hudhud::channels::whatsapp
