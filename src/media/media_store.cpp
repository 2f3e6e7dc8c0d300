#include "media/media_store.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <system_error>
#include <thread>

namespace hudhud::media {
namespace {

namespace fs = std::filesystem;

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

bool IsHexKey(std::string_view key) {
    if (key.size() != 64) return false;
    for (char c : key) {
        const bool digit = c >= '0' && c <= '9';
        const bool lower = c >= 'a' && c <= 'f';
        const bool upper = c >= 'A' && c <= 'F';
        if (!digit && !lower && !upper) return false;
    }
    return true;
}

// The key as stored: lower-case. Anything but 64 hex digits is refused before it can name a path.
Result<std::string> NormalizeKey(std::string_view key) {
    if (!IsHexKey(key)) return Error::InvalidArgument("media key must be 64 hex digits");
    std::string out(key);
    for (char& c : out) {
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

fs::path BlobPath(const fs::path& root, const std::string& hex) {
    return root / hex.substr(0, 2) / hex.substr(2, 2) / hex;
}

Status WriteAll(int fd, std::string_view bytes) {
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return Error::Unavailable(Errno("write media"));
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return Ok();
}

// A rename is only durable once the directory entry itself is on disk.
void SyncDir(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

struct FileCloser {
    int fd;
    ~FileCloser() { ::close(fd); }
};

// Unique among the threads and processes sharing the folder, so concurrent writers of the same
// blob never share a temporary file.
std::string TempName(const std::string& hex) {
    static std::atomic<std::uint64_t> counter{0};
    return hex + ".tmp." + std::to_string(::getpid()) + "." +
           std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())) + "." +
           std::to_string(counter.fetch_add(1));
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out.push_back(kHex[md[i] >> 4]);
        out.push_back(kHex[md[i] & 0xf]);
    }
    return out;
}

MediaStore::MediaStore(std::filesystem::path root) : root_(std::move(root)) {}

Result<StoredBlob> MediaStore::Put(std::string_view bytes, std::string_view expected_sha256_hex) {
    const std::string hex = Sha256Hex(bytes);
    if (!expected_sha256_hex.empty()) {
        HH_ASSIGN_OR_RETURN(std::string expected, NormalizeKey(expected_sha256_hex));
        if (expected != hex) return Error::InvalidArgument("checksum mismatch");
    }
    const StoredBlob blob{hex, bytes.size()};
    const fs::path target = BlobPath(root_, hex);
    std::error_code ec;
    // Content addressing: a file already under this name holds these bytes (it only ever appears
    // there by a rename of a complete, synced file).
    if (fs::file_size(target, ec) == bytes.size() && !ec) return blob;

    const fs::path dir = target.parent_path();
    fs::create_directories(dir, ec);
    if (ec) return Error::Unavailable("cannot create media folder: " + ec.message());
    const fs::path tmp = dir / TempName(hex);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Error::Unavailable(Errno("create media file"));
    Status written = WriteAll(fd, bytes);
    if (written.ok() && ::fsync(fd) != 0) written = Error::Unavailable(Errno("fsync media"));
    if (::close(fd) != 0 && written.ok()) written = Error::Unavailable(Errno("close media"));
    if (!written.ok()) {
        ::unlink(tmp.c_str());
        return written.error();
    }
    // Two writers of the same bytes may both get here; either rename leaves identical content.
    if (::rename(tmp.c_str(), target.c_str()) != 0) {
        Error e = Error::Unavailable(Errno("rename media file"));
        ::unlink(tmp.c_str());
        return e;
    }
    SyncDir(dir);
    return blob;
}

Result<std::string> MediaStore::Read(std::string_view sha256_hex) const {
    HH_ASSIGN_OR_RETURN(std::filesystem::path path, PathOf(sha256_hex));
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return Error::NotFound("media not found");
        return Error::Unavailable(Errno("open media"));
    }
    const FileCloser closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) return Error::Unavailable(Errno("stat media"));
    std::string out;
    out.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < out.size()) {
        const ssize_t n = ::read(fd, out.data() + got, out.size() - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            return Error::Unavailable(Errno("read media"));
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    out.resize(got);
    return out;
}

Result<std::filesystem::path> MediaStore::PathOf(std::string_view sha256_hex) const {
    HH_ASSIGN_OR_RETURN(std::string hex, NormalizeKey(sha256_hex));
    fs::path path = BlobPath(root_, hex);
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return Error::NotFound("media not found");
    return path;
}

bool MediaStore::Exists(std::string_view sha256_hex) const { return PathOf(sha256_hex).ok(); }

Status MediaStore::Remove(std::string_view sha256_hex) {
    HH_ASSIGN_OR_RETURN(std::string hex, NormalizeKey(sha256_hex));
    const fs::path path = BlobPath(root_, hex);
    if (::unlink(path.c_str()) != 0) {
        if (errno == ENOENT) return Ok();
        return Error::Unavailable(Errno("remove media"));
    }
    SyncDir(path.parent_path());
    return Ok();
}

}  // namespace hudhud::media
