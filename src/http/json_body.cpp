#include "http/json_body.hpp"

#include <simdjson.h>

#include <cmath>
#include <limits>
#include <unordered_set>

namespace hudhud::http {

struct JsonBody::Document {
    simdjson::dom::parser parser;
};

struct JsonBody::View {
    simdjson::dom::object object;
};

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::size_t CountCodePoints(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) {
        if ((c & 0xC0) != 0x80) ++n;
    }
    return n;
}

std::optional<element> Member(const simdjson::dom::object& object, std::string_view key) {
    element value;
    if (object.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
    return value;
}

Status CheckDuplicates(const simdjson::dom::object& object, const std::string& prefix) {
    if (object.size() < 2) return Ok();
    std::unordered_set<std::string_view> seen;
    for (auto field : object) {
        if (!seen.insert(field.key).second) {
            return Error::InvalidArgument("duplicate field '" + prefix + std::string(field.key) +
                                          "'");
        }
    }
    return Ok();
}

}  // namespace

JsonBody::JsonBody(std::shared_ptr<const Document> doc, std::unique_ptr<View> view,
                   std::string prefix)
    : doc_(std::move(doc)), view_(std::move(view)), prefix_(std::move(prefix)) {}

JsonBody::JsonBody(const JsonBody& other)
    : doc_(other.doc_), view_(std::make_unique<View>(*other.view_)), prefix_(other.prefix_) {}

JsonBody& JsonBody::operator=(const JsonBody& other) {
    if (this != &other) {
        doc_ = other.doc_;
        view_ = std::make_unique<View>(*other.view_);
        prefix_ = other.prefix_;
    }
    return *this;
}

JsonBody::JsonBody(JsonBody&&) noexcept = default;
JsonBody& JsonBody::operator=(JsonBody&&) noexcept = default;
JsonBody::~JsonBody() = default;

Result<JsonBody> JsonBody::Parse(std::string_view body) {
    std::size_t first = body.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return Error::InvalidArgument("request body is empty");
    }
    auto doc = std::make_shared<Document>();
    simdjson::padded_string padded(body);
    element root;
    auto error = doc->parser.parse(padded).get(root);
    if (error != simdjson::SUCCESS) {
        return Error::InvalidArgument(std::string("request body is not valid JSON (") +
                                      simdjson::error_message(error) + ")");
    }
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
        return Error::InvalidArgument("request body must be a JSON object");
    }
    HH_RETURN_IF_ERROR(CheckDuplicates(object, ""));
    return JsonBody(std::move(doc), std::make_unique<View>(View{object}), "");
}

std::string JsonBody::FieldName(std::string_view key) const { return prefix_ + std::string(key); }

bool JsonBody::Has(std::string_view key) const { return Member(view_->object, key).has_value(); }

bool JsonBody::IsNull(std::string_view key) const {
    auto v = Member(view_->object, key);
    return v && v->is_null();
}

std::vector<std::string> JsonBody::Keys() const {
    std::vector<std::string> keys;
    for (auto field : view_->object) keys.emplace_back(field.key);
    return keys;
}

Status JsonBody::RejectUnknownFields(std::initializer_list<std::string_view> allowed) const {
    for (auto field : view_->object) {
        bool known = false;
        for (std::string_view a : allowed) {
            if (a == field.key) {
                known = true;
                break;
            }
        }
        if (!known) return Error::InvalidArgument("unknown field '" + FieldName(field.key) + "'");
    }
    return Ok();
}

Result<std::optional<std::string>> JsonBody::OptionalString(std::string_view key,
                                                            std::size_t max_chars) const {
    auto v = Member(view_->object, key);
    if (!v || v->is_null()) return std::optional<std::string>();
    std::string_view s;
    if (v->get_string().get(s) != simdjson::SUCCESS) {
        return Error::InvalidArgument("field '" + FieldName(key) + "' must be a string");
    }
    if (s.size() > max_chars && CountCodePoints(s) > max_chars) {
        return Error::InvalidArgument("field '" + FieldName(key) + "' must be at most " +
                                      std::to_string(max_chars) + " characters");
    }
    if (s.find('\0') != std::string_view::npos) {
        return Error::InvalidArgument("field '" + FieldName(key) +
                                      "' must not contain NUL characters");
    }
    return std::optional<std::string>(std::string(s));
}

Result<std::string> JsonBody::RequiredString(std::string_view key, std::size_t max_chars) const {
    HH_ASSIGN_OR_RETURN(std::optional<std::string> s, OptionalString(key, max_chars));
    if (!s) return Error::InvalidArgument("field '" + FieldName(key) + "' is required");
    return std::move(*s);
}

Result<std::optional<std::int64_t>> JsonBody::OptionalInt64(std::string_view key) const {
    auto v = Member(view_->object, key);
    if (!v || v->is_null()) return std::optional<std::int64_t>();
    std::int64_t out = 0;
    if (v->type() == element_type::INT64 && v->get_int64().get(out) == simdjson::SUCCESS) {
        return std::optional<std::int64_t>(out);
    }
    if (v->type() == element_type::UINT64) {
        return Error::InvalidArgument("field '" + FieldName(key) + "' is out of range");
    }
    return Error::InvalidArgument("field '" + FieldName(key) + "' must be an integer");
}

Result<std::int64_t> JsonBody::RequiredInt64(std::string_view key) const {
    HH_ASSIGN_OR_RETURN(std::optional<std::int64_t> v, OptionalInt64(key));
    if (!v) return Error::InvalidArgument("field '" + FieldName(key) + "' is required");
    return *v;
}

Result<std::optional<double>> JsonBody::OptionalDouble(std::string_view key) const {
    auto v = Member(view_->object, key);
    if (!v || v->is_null()) return std::optional<double>();
    double out = 0;
    if (v->type() == element_type::DOUBLE || v->type() == element_type::INT64 ||
        v->type() == element_type::UINT64) {
        if (v->get_double().get(out) == simdjson::SUCCESS && std::isfinite(out)) {
            return std::optional<double>(out);
        }
    }
    return Error::InvalidArgument("field '" + FieldName(key) + "' must be a number");
}

Result<std::optional<bool>> JsonBody::OptionalBool(std::string_view key) const {
    auto v = Member(view_->object, key);
    if (!v || v->is_null()) return std::optional<bool>();
    bool out = false;
    if (v->get_bool().get(out) != simdjson::SUCCESS) {
        return Error::InvalidArgument("field '" + FieldName(key) + "' must be a boolean");
    }
    return std::optional<bool>(out);
}

Result<std::optional<std::vector<std::string>>> JsonBody::OptionalStringArray(
    std::string_view key, std::size_t max_items, std::size_t max_chars) const {
    using Out = std::optional<std::vector<std::string>>;
    auto v = Member(view_->object, key);
    if (!v || v->is_null()) return Out();
    auto type_error = [&] {
        return Error::InvalidArgument("field '" + FieldName(key) + "' must be an array of strings");
    };
    simdjson::dom::array array;
    if (v->get_array().get(array) != simdjson::SUCCESS) return type_error();
    if (array.size() > max_items) {
        return Error::InvalidArgument("field '" + FieldName(key) + "' must have at most " +
                                      std::to_string(max_items) + " items");
    }
    std::vector<std::string> out;
    out.reserve(array.size());
    for (element item : array) {
        std::string_view s;
        if (item.get_string().get(s) != simdjson::SUCCESS) return type_error();
        if (s.size() > max_chars && CountCodePoints(s) > max_chars) {
            return Error::InvalidArgument("items of field '" + FieldName(key) +
                                          "' must be at most " + std::to_string(max_chars) +
                                          " characters");
        }
        if (s.find('\0') != std::string_view::npos) {
            return Error::InvalidArgument("items of field '" + FieldName(key) +
                                          "' must not contain NUL characters");
        }
        out.emplace_back(s);
    }
    return Out(std::move(out));
}

Result<std::optional<std::vector<std::int64_t>>> JsonBody::OptionalInt64Array(
    std::string_view key, std::size_t max_items) const {
    using Out = std::optional<std::vector<std::int64_t>>;
    auto v = Member(view_->object, key);
    if (!v || v->is_null()) return Out();
    auto type_error = [&] {
        return Error::InvalidArgument("field '" + FieldName(key) +
                                      "' must be an array of integers");
    };
    simdjson::dom::array array;
    if (v->get_array().get(array) != simdjson::SUCCESS) return type_error();
    if (array.size() > max_items) {
        return Error::InvalidArgument("field '" + FieldName(key) + "' must have at most " +
                                      std::to_string(max_items) + " items");
    }
    std::vector<std::int64_t> out;
    out.reserve(array.size());
    for (element item : array) {
        std::int64_t n = 0;
        if (item.type() != element_type::INT64 || item.get_int64().get(n) != simdjson::SUCCESS) {
            return type_error();
        }
        out.push_back(n);
    }
    return Out(std::move(out));
}

Result<std::optional<std::string>> JsonBody::OptionalObjectRaw(std::string_view key) const {
    auto v = Member(view_->object, key);
    if (!v || v->is_null()) return std::optional<std::string>();
    simdjson::dom::object object;
    if (v->get_object().get(object) != simdjson::SUCCESS) {
        return Error::InvalidArgument("field '" + FieldName(key) + "' must be an object");
    }
    return std::optional<std::string>(simdjson::minify(object));
}

Result<std::optional<JsonBody>> JsonBody::OptionalObject(std::string_view key) const {
    auto v = Member(view_->object, key);
    if (!v || v->is_null()) return std::optional<JsonBody>();
    simdjson::dom::object object;
    if (v->get_object().get(object) != simdjson::SUCCESS) {
        return Error::InvalidArgument("field '" + FieldName(key) + "' must be an object");
    }
    std::string prefix = FieldName(key) + ".";
    HH_RETURN_IF_ERROR(CheckDuplicates(object, prefix));
    return std::optional<JsonBody>(
        JsonBody(doc_, std::make_unique<View>(View{object}), std::move(prefix)));
}

Result<std::optional<std::vector<JsonBody>>> JsonBody::OptionalObjectArray(
    std::string_view key, std::size_t max_items) const {
    using Out = std::optional<std::vector<JsonBody>>;
    auto v = Member(view_->object, key);
    if (!v || v->is_null()) return Out();
    auto type_error = [&] {
        return Error::InvalidArgument("field '" + FieldName(key) + "' must be an array of objects");
    };
    simdjson::dom::array array;
    if (v->get_array().get(array) != simdjson::SUCCESS) return type_error();
    if (array.size() > max_items) {
        return Error::InvalidArgument("field '" + FieldName(key) + "' must have at most " +
                                      std::to_string(max_items) + " items");
    }
    std::vector<JsonBody> out;
    out.reserve(array.size());
    std::size_t i = 0;
    for (element item : array) {
        simdjson::dom::object object;
        if (item.get_object().get(object) != simdjson::SUCCESS) return type_error();
        std::string prefix = FieldName(key) + "[" + std::to_string(i++) + "].";
        HH_RETURN_IF_ERROR(CheckDuplicates(object, prefix));
        out.push_back(JsonBody(doc_, std::make_unique<View>(View{object}), std::move(prefix)));
    }
    return Out(std::move(out));
}

std::string JsonBody::Raw() const { return simdjson::minify(view_->object); }

}  // namespace hudhud::http
