#include "http/json_body.hpp"

#include <gtest/gtest.h>

namespace hudhud::http {
namespace {

JsonBody MustParse(std::string_view text) {
    auto r = JsonBody::Parse(text);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return std::move(r).value();
}

std::string ParseError(std::string_view text) {
    auto r = JsonBody::Parse(text);
    EXPECT_FALSE(r.ok());
    return r.ok() ? "" : r.error().message;
}

TEST(JsonBodyTest, RejectsEmptyMalformedAndNonObjects) {
    EXPECT_EQ(ParseError(""), "request body is empty");
    EXPECT_EQ(ParseError("  \n"), "request body is empty");
    EXPECT_NE(ParseError("{\"a\":").find("request body is not valid JSON"), std::string::npos);
    EXPECT_NE(ParseError("{\"a\":1,}").find("not valid JSON"), std::string::npos);
    EXPECT_EQ(ParseError("[1,2]"), "request body must be a JSON object");
    EXPECT_EQ(ParseError("\"x\""), "request body must be a JSON object");
    EXPECT_EQ(ParseError(R"({"a":1,"a":2})"), "duplicate field 'a'");
    auto r = JsonBody::Parse("{}");
    ASSERT_FALSE(!r.ok());
    EXPECT_EQ(JsonBody::Parse("nope").error().code, ErrorCode::kInvalidArgument);
}

TEST(JsonBodyTest, ArabicTextIsFineInvalidUtf8IsNot) {
    JsonBody b = MustParse(R"({"name":"مرحبا بالعالم","emoji":"👋"})");
    EXPECT_EQ(*b.RequiredString("name"), "مرحبا بالعالم");
    // Five Arabic letters are five characters (ten bytes).
    EXPECT_TRUE(b.RequiredString("name", 13).ok());
    auto too_long = b.RequiredString("name", 12);
    ASSERT_FALSE(too_long.ok());
    EXPECT_EQ(too_long.error().message, "field 'name' must be at most 12 characters");

    std::string bad = "{\"name\":\"a\xC3\x28\"}";
    EXPECT_NE(ParseError(bad).find("not valid JSON"), std::string::npos);
    std::string lone = "{\"name\":\"\xED\xA0\x80\"}";  // UTF-8 encoded surrogate
    EXPECT_FALSE(JsonBody::Parse(lone).ok());
    EXPECT_FALSE(JsonBody::Parse(R"({"name":"\ud800"})").ok());
    JsonBody escaped = MustParse(R"({"name":"\u0645\ud83d\udc4b"})");
    EXPECT_EQ(*escaped.RequiredString("name"), "م👋");
}

TEST(JsonBodyTest, TypedGetters) {
    JsonBody b = MustParse(R"({
        "name": "Layla", "age": 31, "big": 9223372036854775807, "huge": 18446744073709551615,
        "ratio": 1.5, "one": 1.0, "vip": true, "tags": ["a", "ب"], "ids": [1, 2, 3],
        "meta": {"k": [1, {"x": null}], "s": "v"}, "nothing": null, "text": "7"
    })");
    EXPECT_EQ(*b.RequiredString("name"), "Layla");
    EXPECT_EQ(b.RequiredString("age").error().message, "field 'age' must be a string");
    EXPECT_EQ(b.RequiredString("missing").error().message, "field 'missing' is required");
    EXPECT_EQ(b.RequiredString("nothing").error().message, "field 'nothing' is required");
    EXPECT_FALSE(b.OptionalString("missing")->has_value());

    EXPECT_EQ(**b.OptionalInt64("age"), 31);
    EXPECT_EQ(**b.OptionalInt64("big"), INT64_MAX);
    EXPECT_EQ(b.OptionalInt64("huge").error().message, "field 'huge' is out of range");
    EXPECT_EQ(b.OptionalInt64("ratio").error().message, "field 'ratio' must be an integer");
    EXPECT_EQ(b.OptionalInt64("one").error().message, "field 'one' must be an integer");
    EXPECT_EQ(b.OptionalInt64("text").error().message, "field 'text' must be an integer");
    EXPECT_FALSE(b.OptionalInt64("nothing")->has_value());
    EXPECT_EQ(*b.RequiredInt64("age"), 31);

    EXPECT_TRUE(**b.OptionalBool("vip"));
    EXPECT_EQ(b.OptionalBool("age").error().message, "field 'age' must be a boolean");

    auto tags = b.OptionalStringArray("tags");
    ASSERT_TRUE(tags.ok());
    EXPECT_EQ(**tags, (std::vector<std::string>{"a", "ب"}));
    EXPECT_EQ(b.OptionalStringArray("ids").error().message,
              "field 'ids' must be an array of strings");
    EXPECT_EQ(b.OptionalStringArray("tags", 1).error().message,
              "field 'tags' must have at most 1 items");
    EXPECT_EQ(**b.OptionalInt64Array("ids"), (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_FALSE(b.OptionalInt64Array("tags").ok());

    EXPECT_EQ(**b.OptionalObjectRaw("meta"), R"({"k":[1,{"x":null}],"s":"v"})");
    EXPECT_EQ(b.OptionalObjectRaw("tags").error().message, "field 'tags' must be an object");

    EXPECT_TRUE(b.Has("nothing"));
    EXPECT_TRUE(b.IsNull("nothing"));
    EXPECT_FALSE(b.Has("missing"));
    EXPECT_FALSE(b.IsNull("name"));
}

TEST(JsonBodyTest, RejectsUnknownFields) {
    JsonBody b = MustParse(R"({"name":"x","emali":"typo"})");
    EXPECT_TRUE(b.RejectUnknownFields({"name", "emali"}).ok());
    auto s = b.RejectUnknownFields({"name", "email"});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.error().message, "unknown field 'emali'");
}

TEST(JsonBodyTest, NulInStringsIsRefused) {
    JsonBody b = MustParse(R"({"name":"a\u0000b","list":["x\u0000"]})");
    EXPECT_EQ(b.RequiredString("name").error().message,
              "field 'name' must not contain NUL characters");
    EXPECT_FALSE(b.OptionalStringArray("list").ok());
}

TEST(JsonBodyTest, NestedObjectsAreStrictToo) {
    JsonBody b = MustParse(
        R"({"contact":{"name":"x","phone":5},"items":[{"id":1},{"id":"2"}],"dup":{"a":1,"a":1}})");
    auto contact = b.OptionalObject("contact");
    ASSERT_TRUE(contact.ok());
    ASSERT_TRUE(contact->has_value());
    EXPECT_EQ(*(*contact)->RequiredString("name"), "x");
    EXPECT_EQ((*contact)->RequiredString("phone").error().message,
              "field 'contact.phone' must be a string");
    EXPECT_EQ((*contact)->RejectUnknownFields({"name"}).error().message,
              "unknown field 'contact.phone'");
    auto items = b.OptionalObjectArray("items");
    ASSERT_TRUE(items.ok());
    ASSERT_EQ((*items)->size(), 2u);
    EXPECT_EQ(*(**items)[0].RequiredInt64("id"), 1);
    EXPECT_EQ((**items)[1].RequiredInt64("id").error().message,
              "field 'items[1].id' must be an integer");
    EXPECT_EQ(b.OptionalObject("dup").error().message, "duplicate field 'dup.a'");

    // Views stay valid after the parent is gone (the document is shared).
    std::optional<JsonBody> kept;
    {
        JsonBody parent = MustParse(R"({"c":{"v":"kept"}})");
        kept = *parent.OptionalObject("c").value();
    }
    EXPECT_EQ(*kept->RequiredString("v"), "kept");
    JsonBody copy = *kept;
    EXPECT_EQ(copy.Raw(), R"({"v":"kept"})");
    EXPECT_EQ(copy.Keys(), (std::vector<std::string>{"v"}));
}

}  // namespace
}  // namespace hudhud::http
