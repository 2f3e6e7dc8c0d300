#include "http/static_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace hudhud::http {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        base_ = fs::temp_directory_path() /
                ("hudhud_static_" + std::to_string(::getpid()) + "_" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(base_);
        root_ = base_ / "dist";
        fs::create_directories(root_ / "assets");
        fs::create_directories(root_ / "docs");
        Write(root_ / "index.html", "<!doctype html><title>Hudhud</title>");
        Write(root_ / "assets" / "index-4f3a2B1c.js", "console.log(1)");
        Write(root_ / "favicon.svg", "<svg/>");
        Write(root_ / "docs" / "index.html", "docs");
        Write(root_ / ".env", "SECRET=1");
        Write(base_ / "secret.txt", "outside");
        fs::create_symlink(base_ / "secret.txt", root_ / "leak.txt");
        fs::create_directory_symlink(base_, root_ / "up");
        auto files = StaticFiles::Create({.root = root_.string()});
        ASSERT_TRUE(files.ok());
        files_.emplace(std::move(files).value());
    }
    void TearDown() override { fs::remove_all(base_); }

    static void Write(const fs::path& p, const std::string& content) {
        std::ofstream(p, std::ios::binary) << content;
    }

    Response Get(std::string path, std::string accept = "*/*") {
        Request req;
        req.method = Method::kGet;
        req.path = std::move(path);
        req.headers.Add("Accept", accept);
        return files_->Serve(req);
    }

    fs::path base_;
    fs::path root_;
    std::optional<StaticFiles> files_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypesAndCaching) {
    Response js = Get("/assets/index-4f3a2B1c.js");
    EXPECT_EQ(js.status, 200);
    EXPECT_EQ(js.body, "console.log(1)");
    EXPECT_EQ(js.headers.Get("Content-Type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(js.headers.Get("Cache-Control"), "public, max-age=31536000, immutable");
    ASSERT_TRUE(js.headers.Get("ETag").has_value());
    EXPECT_TRUE(js.headers.Get("Last-Modified").has_value());

    Response index = Get("/");
    EXPECT_EQ(index.status, 200);
    EXPECT_EQ(index.headers.Get("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(index.headers.Get("Cache-Control"), "no-cache");
    EXPECT_EQ(Get("/favicon.svg").headers.Get("Content-Type"), "image/svg+xml");
    EXPECT_EQ(Get("/docs/").body, "docs");
    EXPECT_EQ(Get("/docs").body, "docs");
}

TEST_F(StaticFilesTest, ConditionalRequestsGet304) {
    Response first = Get("/favicon.svg");
    std::string etag(*first.headers.Get("ETag"));
    Request req;
    req.method = Method::kGet;
    req.path = "/favicon.svg";
    req.headers.Add("If-None-Match", "\"other\", " + etag);
    Response again = files_->Serve(req);
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(again.headers.Get("ETag"), etag);

    Request since;
    since.method = Method::kGet;
    since.path = "/favicon.svg";
    since.headers.Add("If-Modified-Since", std::string(*first.headers.Get("Last-Modified")));
    EXPECT_EQ(files_->Serve(since).status, 304);
    since.headers.Set("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(files_->Serve(since).status, 200);
}

TEST_F(StaticFilesTest, RefusesTraversalSymlinkEscapesAndDotFiles) {
    EXPECT_EQ(Get("/../secret.txt").status, 400);
    EXPECT_EQ(Get("/assets/../../secret.txt").status, 400);
    EXPECT_EQ(Get("/%2e%2e/secret.txt").status, 400);
    EXPECT_EQ(Get("/assets%2f..%2f..%2fsecret.txt").status, 400);
    EXPECT_EQ(Get("/..%5csecret.txt").status, 400);
    EXPECT_EQ(Get("/leak.txt").status, 404);
    EXPECT_EQ(Get("/up/secret.txt").status, 404);
    EXPECT_EQ(Get("/.env").status, 404);
    for (const char* p : {"/../secret.txt", "/leak.txt", "/up/secret.txt", "/.env"}) {
        Response r = Get(p, "text/html");
        EXPECT_NE(r.body, "outside") << p;
        EXPECT_NE(r.body, "SECRET=1") << p;
    }
}

TEST_F(StaticFilesTest, SpaFallbackOnlyForHtmlNavigationsOutsideApi) {
    Response nav = Get("/inbox/42", "text/html,application/xhtml+xml");
    EXPECT_EQ(nav.status, 200);
    EXPECT_EQ(nav.body, "<!doctype html><title>Hudhud</title>");
    EXPECT_EQ(nav.headers.Get("Cache-Control"), "no-cache");
    EXPECT_EQ(Get("/inbox/42", "application/json").status, 404);
    EXPECT_EQ(Get("/api/v1/nope", "text/html").status, 404);
    EXPECT_EQ(Get("/api", "text/html").status, 404);
    EXPECT_EQ(Get("/assets/missing-12345678.js", "*/*").status, 404);

    Request post;
    post.method = Method::kPost;
    post.path = "/inbox/42";
    post.headers.Add("Accept", "text/html");
    EXPECT_EQ(files_->Serve(post).status, 404);
}

TEST_F(StaticFilesTest, CreateFailsForMissingRoot) {
    EXPECT_FALSE(StaticFiles::Create({.root = (base_ / "nope").string()}).ok());
    EXPECT_EQ(ContentTypeForPath("a/b.WOFF2"), "font/woff2");
    EXPECT_EQ(ContentTypeForPath("noext"), "application/octet-stream");
}

}  // namespace
}  // namespace hudhud::http
