#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "secrets/keyring.hpp"
#include "storage/database.hpp"

namespace hudhud::secrets {

// A text column holding Keyring-sealed values (NULL allowed), rewritten by a rotation.
struct EncryptedColumn {
    std::string table;
    std::string column;
    std::string id_column = "id";
};

// Every column sealed with the master key. A module that adds one adds it here.
std::vector<EncryptedColumn> DefaultEncryptedColumns();

struct RotationOptions {
    std::vector<EncryptedColumn> columns = DefaultEncryptedColumns();
};

// Replaces the master key in `key_file` with a fresh one and re-seals every value of
// `options.columns` with it:
//   1. PrepareKeyRotation: write <key_file>.next (0600, fsync), or reuse it if it exists;
//   2. ReencryptColumns: in ONE Database::Write, rewrite every value not already under the new
//      key (decrypting with whichever key it names);
//   3. CommitKeyRotation: rename .next over the key file and fsync the directory.
// A crash anywhere loses nothing: while .next exists LoadOrCreateMasterKey loads both keys, and
// re-running RotateMasterKey resumes with the same new key and completes. (Run again after a
// completed rotation, it rotates once more.) A value sealed under a key the files do not hold
// fails step 2 with kInternal "unknown key" and nothing is changed.
// Servers holding the old keyring must be restarted afterwards (better: stopped during it): a
// value they seal with the old key after step 2 cannot be opened once step 3 has run.
// Does not work with HUDHUD_MASTER_KEY: the environment cannot be rewritten.
Status RotateMasterKey(storage::Database& db, const std::string& key_file,
                       const RotationOptions& options = {});

// Step 1. Returns the keyring to re-encrypt with: the new key current, the old one also present.
// kNotFound if key_file does not exist.
Result<Keyring> PrepareKeyRotation(const std::string& key_file);
// Step 2. Returns how many values were rewritten.
Result<std::int64_t> ReencryptColumns(storage::Database& db, const Keyring& keyring,
                                      const std::vector<EncryptedColumn>& columns);
// Step 3. Succeeds without doing anything when no .next file exists.
Status CommitKeyRotation(const std::string& key_file);

}  // namespace hudhud::secrets
