#pragma once
// A ledger file opened with SQLite itself, behind the ledger's back: what
// anyone who can write the file can do to it.

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace csp::reliability {

class LedgerFile {
 public:
  explicit LedgerFile(const std::string& path);
  ~LedgerFile();
  LedgerFile(const LedgerFile&) = delete;
  LedgerFile& operator=(const LedgerFile&) = delete;

  // Each throws std::runtime_error naming the statement when SQLite refuses.
  void exec(const std::string& sql);
  std::int64_t integer(const std::string& sql);
  // Every row's cells as text (a NULL is empty).
  std::vector<std::vector<std::string>> rows(const std::string& sql);
  std::string blob(const std::string& sql);
  // Runs `sql` with its ?1 bound to `bytes` as a BLOB.
  void exec_with_blob(const std::string& sql, const std::string& bytes);

  // Runs `change` with every trigger dropped, then puts them back exactly
  // as they were: the careful intruder, who leaves no guard missing.
  void behind_the_guards(const std::function<void()>& change);

  const std::string& path() const { return path_; }

 private:
  sqlite3_stmt* prepare(const std::string& sql);
  [[noreturn]] void fail(const std::string& sql) const;

  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace csp::reliability
