#pragma once

#include <string_view>

#include "core/result.hpp"

namespace hudhud::storage {

// A session that can run a script of several statements without parameters, as a migration
// file is. The Session of every bundled backend implements it alongside storage::Session; the
// migrator reaches it with dynamic_cast. Runs inside the session's current transaction.
// Errors as Session::Exec.
class ScriptSession {
  public:
    virtual Status ExecScript(std::string_view sql) = 0;

  protected:
    ~ScriptSession() = default;
};

}  // namespace hudhud::storage
