#include "http/static_files.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hudhud::http {
namespace {

namespace fs = std::filesystem;

std::string_view Extension(std::string_view path) {
    std::size_t slash = path.rfind('/');
    std::size_t dot = path.rfind('.');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
        return {};
    }
    return path.substr(dot + 1);
}

std::string Lowercase(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// Vite names hashed assets "name-<8+ chars of [A-Za-z0-9_-]>.ext".
bool IsContentHashed(std::string_view path) {
    std::size_t slash = path.rfind('/');
    std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    std::size_t dot = name.rfind('.');
    if (dot == std::string_view::npos) return false;
    std::string_view stem = name.substr(0, dot);
    std::size_t dash = stem.rfind('-');
    if (dash == std::string_view::npos) return false;
    std::string_view hash = stem.substr(dash + 1);
    if (hash.size() < 8) return false;
    bool has_digit = false;
    for (char c : hash) {
        bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) return false;
        if (c >= '0' && c <= '9') has_digit = true;
    }
    return has_digit;
}

std::string HttpDate(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

std::optional<std::time_t> ParseHttpDate(std::string_view s) {
    std::tm tm{};
    std::string str(s);
    const char* end = strptime(str.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == nullptr || *end != '\0') return std::nullopt;
    return timegm(&tm);
}

bool EtagMatches(std::string_view header, std::string_view etag) {
    // Weak comparison (RFC 9110 13.1.2): compare the opaque tags without the W/ prefix.
    auto strip = [](std::string_view t) {
        while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
        while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
        if (t.substr(0, 2) == "W/") t.remove_prefix(2);
        return t;
    };
    std::string_view want = strip(etag);
    while (!header.empty()) {
        std::size_t comma = header.find(',');
        std::string_view tag = strip(header.substr(0, comma));
        if (tag == "*" || tag == want) return true;
        if (comma == std::string_view::npos) break;
        header.remove_prefix(comma + 1);
    }
    return false;
}

Response NotFound() { return Response::Error(404, "not_found", "not found"); }

}  // namespace

std::string_view ContentTypeForPath(std::string_view path) {
    std::string ext = Lowercase(Extension(path));
    if (ext == "html" || ext == "htm") return "text/html; charset=utf-8";
    if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
    if (ext == "css") return "text/css; charset=utf-8";
    if (ext == "json" || ext == "map") return "application/json";
    if (ext == "webmanifest") return "application/manifest+json";
    if (ext == "svg") return "image/svg+xml";
    if (ext == "png") return "image/png";
    if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
    if (ext == "gif") return "image/gif";
    if (ext == "webp") return "image/webp";
    if (ext == "avif") return "image/avif";
    if (ext == "ico") return "image/x-icon";
    if (ext == "woff") return "font/woff";
    if (ext == "woff2") return "font/woff2";
    if (ext == "ttf") return "font/ttf";
    if (ext == "otf") return "font/otf";
    if (ext == "txt") return "text/plain; charset=utf-8";
    if (ext == "xml") return "application/xml";
    if (ext == "wasm") return "application/wasm";
    if (ext == "pdf") return "application/pdf";
    if (ext == "mp3") return "audio/mpeg";
    if (ext == "ogg" || ext == "oga") return "audio/ogg";
    if (ext == "wav") return "audio/wav";
    if (ext == "mp4") return "video/mp4";
    if (ext == "webm") return "video/webm";
    return "application/octet-stream";
}

StaticFiles::StaticFiles(StaticFilesOptions options, std::string canonical_root)
    : options_(std::move(options)), root_(std::move(canonical_root)) {}

Result<StaticFiles> StaticFiles::Create(StaticFilesOptions options) {
    std::error_code ec;
    fs::path root = fs::canonical(options.root, ec);
    if (ec || !fs::is_directory(root, ec)) {
        return Error::InvalidArgument("static files root '" + options.root +
                                      "' is not a directory");
    }
    std::string canonical = root.string();
    while (canonical.size() > 1 && canonical.back() == '/') canonical.pop_back();
    return StaticFiles(std::move(options), std::move(canonical));
}

Handler StaticFiles::AsHandler() const {
    return [self = *this](Request& request) { return self.Serve(request); };
}

bool StaticFiles::WantsSpaIndex(const Request& request) const {
    if (!options_.spa_fallback) return false;
    if (request.method != Method::kGet && request.method != Method::kHead) return false;
    auto accept = request.Header("Accept");
    if (!accept || accept->find("text/html") == std::string_view::npos) return false;
    for (const auto& prefix : options_.spa_exclude_prefixes) {
        if (request.path.compare(0, prefix.size(), prefix) == 0) return false;
        // "/api" itself is under "/api/" too.
        if (!prefix.empty() && prefix.back() == '/' &&
            request.path == std::string_view(prefix).substr(0, prefix.size() - 1)) {
            return false;
        }
    }
    return true;
}

Response StaticFiles::Serve(const Request& request) const {
    auto decoded = PercentDecode(request.path, false);
    if (!decoded.ok()) return Response::Error(400, "bad_request", "malformed path");
    std::string_view path = *decoded;
    if (path.empty() || path.front() != '/') return Response::Error(400, "bad_request", "bad path");
    return ServeRelative(request, path.substr(1));
}

Response StaticFiles::ServeRelative(const Request& request, std::string_view relative) const {
    if (request.method != Method::kGet && request.method != Method::kHead) return NotFound();
    if (relative.find('\\') != std::string_view::npos ||
        relative.find('\0') != std::string_view::npos) {
        return Response::Error(400, "bad_request", "bad path");
    }
    // Segment checks before touching the file system: "..", "." and dot-files never resolve.
    std::string_view rest = relative;
    while (!rest.empty()) {
        std::size_t slash = rest.find('/');
        std::string_view seg = rest.substr(0, slash);
        if (seg == ".." || seg == ".") return Response::Error(400, "bad_request", "bad path");
        if (!seg.empty() && seg.front() == '.') return NotFound();
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }

    std::string candidate = root_ + "/" + std::string(relative);
    std::error_code ec;
    fs::path real = fs::canonical(candidate, ec);
    bool inside = !ec && (real.string() == root_ || real.string().rfind(root_ + "/", 0) == 0);
    if (inside && fs::is_directory(real, ec)) {
        real = fs::canonical(real / options_.index_file, ec);
        inside = !ec && real.string().rfind(root_ + "/", 0) == 0;
    }
    if (inside && fs::is_regular_file(real, ec)) {
        return ServeFile(request, real.string(), false);
    }
    if (WantsSpaIndex(request)) {
        fs::path index = fs::canonical(fs::path(root_) / options_.index_file, ec);
        if (!ec && index.string().rfind(root_ + "/", 0) == 0 && fs::is_regular_file(index, ec)) {
            return ServeFile(request, index.string(), true);
        }
    }
    return NotFound();
}

Response StaticFiles::ServeFile(const Request& request, const std::string& file,
                                bool spa_index) const {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return NotFound();
    if (static_cast<std::size_t>(st.st_size) > options_.max_file_bytes) {
        return Response::Error(404, "not_found", "not found");
    }
    long long mtime_ns =
        static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec;
    char etag_buf[64];
    std::snprintf(etag_buf, sizeof(etag_buf), "W/\"%llx-%llx\"",
                  static_cast<unsigned long long>(st.st_size),
                  static_cast<unsigned long long>(mtime_ns));
    std::string etag = etag_buf;
    std::string last_modified = HttpDate(st.st_mtim.tv_sec);
    std::string relative = file.substr(root_.size());
    std::string_view cache_control = (!spa_index && IsContentHashed(relative))
                                         ? "public, max-age=31536000, immutable"
                                         : "no-cache";

    bool not_modified = false;
    if (auto inm = request.Header("If-None-Match")) {
        not_modified = EtagMatches(*inm, etag);
    } else if (auto ims = request.Header("If-Modified-Since")) {
        auto since = ParseHttpDate(*ims);
        not_modified = since && st.st_mtim.tv_sec <= *since;
    }
    Response r;
    r.SetHeader("ETag", etag);
    r.SetHeader("Last-Modified", last_modified);
    r.SetHeader("Cache-Control", cache_control);
    if (not_modified) {
        r.status = 304;
        return r;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) return NotFound();
    r.body.resize(static_cast<std::size_t>(st.st_size));
    in.read(r.body.data(), static_cast<std::streamsize>(r.body.size()));
    r.body.resize(static_cast<std::size_t>(in.gcount()));
    r.status = 200;
    r.SetHeader("Content-Type", ContentTypeForPath(file));
    return r;
}

}  // namespace hudhud::http
