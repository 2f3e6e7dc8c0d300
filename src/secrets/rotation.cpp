#include "secrets/rotation.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "secrets/detail/sodium.hpp"
#include "secrets/master_key.hpp"

namespace hudhud::secrets {
namespace {

// Table and column names are spliced into SQL, so only plain identifiers are accepted.
bool IsIdentifier(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
}

}  // namespace

std::vector<EncryptedColumn> DefaultEncryptedColumns() {
    return {{"inboxes", "credentials_enc", "id"}};
}

Result<Keyring> PrepareKeyRotation(const std::string& key_file) {
    HH_ASSIGN_OR_RETURN(std::optional<Keyring> current, detail::ReadKeyFile(key_file));
    if (!current) return Error::NotFound("key file " + key_file + " does not exist");
    const std::string next_path = key_file + ".next";
    HH_ASSIGN_OR_RETURN(std::optional<Keyring> next, detail::ReadKeyFile(next_path));
    if (!next) {
        HH_ASSIGN_OR_RETURN(Keyring fresh, Keyring::Generate());
        Status w = detail::WriteKeyFileExclusive(next_path, fresh.current_key_bytes());
        if (w.ok()) {
            next = std::move(fresh);
        } else if (w.error().code == ErrorCode::kConflict) {
            // A concurrent rotation wrote it first; carry on with its key.
            HH_ASSIGN_OR_RETURN(next, detail::ReadKeyFile(next_path));
            if (!next) return Error::Internal(next_path + " vanished during rotation");
        } else {
            return w.error();
        }
    }
    HH_RETURN_IF_ERROR(next->AddDecryptionKey(current->current_key_bytes()));
    return std::move(*next);
}

Result<std::int64_t> ReencryptColumns(storage::Database& db, const Keyring& keyring,
                                      const std::vector<EncryptedColumn>& columns) {
    for (const auto& c : columns) {
        if (!IsIdentifier(c.table) || !IsIdentifier(c.column) || !IsIdentifier(c.id_column)) {
            return Error::InvalidArgument("bad encrypted column name " + c.table + "." + c.column);
        }
    }
    const std::string& new_id = keyring.current_key_id();
    return db.WriteValue([&](storage::Session& s) -> Result<std::int64_t> {
        std::int64_t rewritten = 0;
        for (const auto& c : columns) {
            HH_ASSIGN_OR_RETURN(
                storage::Rows rows,
                s.Query("SELECT " + c.id_column + ", " + c.column + " FROM " + c.table + " WHERE " +
                        c.column + " IS NOT NULL ORDER BY " + c.id_column));
            const std::string update =
                "UPDATE " + c.table + " SET " + c.column + " = $1 WHERE " + c.id_column + " = $2";
            for (const auto& row : rows.rows) {
                const std::int64_t id = storage::AsInt(row.at(0));
                const std::string sealed = storage::AsText(row.at(1));
                auto key_id = Keyring::KeyIdOf(sealed);
                if (!key_id.ok()) {
                    return Error::Internal(c.table + "." + c.column + " of row " +
                                           std::to_string(id) + ": " + key_id.error().message);
                }
                if (*key_id == new_id) continue;  // done by an earlier, interrupted run
                auto plain = keyring.Decrypt(sealed);
                if (!plain.ok()) {
                    return Error::Internal(c.table + "." + c.column + " of row " +
                                           std::to_string(id) + ": " + plain.error().message);
                }
                auto resealed = keyring.Encrypt(*plain);
                detail::Wipe(*plain);
                if (!resealed.ok()) return resealed.error();
                HH_RETURN_IF_ERROR(s.Exec(update, {*resealed, id}));
                ++rewritten;
            }
        }
        return rewritten;
    });
}

Status CommitKeyRotation(const std::string& key_file) {
    const std::string next_path = key_file + ".next";
    if (std::rename(next_path.c_str(), key_file.c_str()) != 0) {
        if (errno == ENOENT) return Ok();
        return Error::Internal("cannot rename " + next_path + " over " + key_file + ": " +
                               std::strerror(errno));
    }
    return detail::SyncParentDir(key_file);
}

Status RotateMasterKey(storage::Database& db, const std::string& key_file,
                       const RotationOptions& options) {
    HH_ASSIGN_OR_RETURN(Keyring keyring, PrepareKeyRotation(key_file));
    HH_RETURN_IF_ERROR(ReencryptColumns(db, keyring, options.columns));
    return CommitKeyRotation(key_file);
}

}  // namespace hudhud::secrets
