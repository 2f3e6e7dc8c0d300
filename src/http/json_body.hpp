#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace hudhud::http {

// A strict reader for JSON request bodies, built on simdjson's DOM parser.
//
// Parse() accepts only a well-formed UTF-8 JSON object without duplicate keys. The getters look
// at the object's own members and return kInvalidArgument with a message meant for the API
// client ("field 'name' must be a string"). For Optional* getters an absent member and an
// explicit null both give nullopt; use Has()/IsNull() when the difference matters (PATCH).
// String limits count Unicode code points, not bytes; strings containing NUL are refused.
//
// Cheap to copy (views share the parsed document). Not thread-safe to use one instance from
// several threads at once; distinct instances are independent.
class JsonBody {
  public:
    static constexpr std::size_t kDefaultMaxChars = 10'000;
    static constexpr std::size_t kDefaultMaxItems = 1'000;

    // kInvalidArgument: "request body is empty", "request body is not valid JSON (...)",
    // "request body must be a JSON object", "duplicate field 'x'".
    static Result<JsonBody> Parse(std::string_view body);

    bool Has(std::string_view key) const;
    bool IsNull(std::string_view key) const;  // present and null
    // Member names in document order.
    std::vector<std::string> Keys() const;

    // "unknown field 'x'" for the first member not in `allowed`.
    Status RejectUnknownFields(std::initializer_list<std::string_view> allowed) const;

    // "field 'x' is required" / "field 'x' must be a string" /
    // "field 'x' must be at most N characters".
    Result<std::string> RequiredString(std::string_view key,
                                       std::size_t max_chars = kDefaultMaxChars) const;
    Result<std::optional<std::string>> OptionalString(
        std::string_view key, std::size_t max_chars = kDefaultMaxChars) const;
    // Integers only: 1.0 and "1" are refused; so is anything outside int64.
    Result<std::int64_t> RequiredInt64(std::string_view key) const;
    Result<std::optional<std::int64_t>> OptionalInt64(std::string_view key) const;
    Result<std::optional<bool>> OptionalBool(std::string_view key) const;
    // Any JSON number that is finite.
    Result<std::optional<double>> OptionalDouble(std::string_view key) const;
    Result<std::optional<std::vector<std::string>>> OptionalStringArray(
        std::string_view key, std::size_t max_items = kDefaultMaxItems,
        std::size_t max_chars = kDefaultMaxChars) const;
    Result<std::optional<std::vector<std::int64_t>>> OptionalInt64Array(
        std::string_view key, std::size_t max_items = kDefaultMaxItems) const;
    // The member, which must be an object, as minified JSON text.
    Result<std::optional<std::string>> OptionalObjectRaw(std::string_view key) const;
    // The member, which must be an object, as a strict reader of its own; error messages name
    // the nested field as "parent.child".
    Result<std::optional<JsonBody>> OptionalObject(std::string_view key) const;
    Result<std::optional<std::vector<JsonBody>>> OptionalObjectArray(
        std::string_view key, std::size_t max_items = kDefaultMaxItems) const;

    // This object as minified JSON text.
    std::string Raw() const;

    JsonBody(const JsonBody&);
    JsonBody& operator=(const JsonBody&);
    JsonBody(JsonBody&&) noexcept;
    JsonBody& operator=(JsonBody&&) noexcept;
    ~JsonBody();

  private:
    struct Document;
    struct View;
    JsonBody(std::shared_ptr<const Document> doc, std::unique_ptr<View> view, std::string prefix);
    std::string FieldName(std::string_view key) const;

    std::shared_ptr<const Document> doc_;
    std::unique_ptr<View> view_;
    std::string prefix_;  // "" at the top level, "parent." inside OptionalObject
};

}  // namespace hudhud::http
