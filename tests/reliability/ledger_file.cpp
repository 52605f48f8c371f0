#include "reliability/ledger_file.h"

#include <memory>
#include <stdexcept>

namespace csp::reliability {
namespace {

struct Finalize {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, Finalize>;

std::string column_text(sqlite3_stmt* statement, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
  return text == nullptr ? std::string() : std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
}

}  // namespace

LedgerFile::LedgerFile(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db_);
    sqlite3_close(db_);
    throw std::runtime_error("cannot open " + path + ": " + message);
  }
}

LedgerFile::~LedgerFile() { sqlite3_close(db_); }

void LedgerFile::fail(const std::string& sql) const {
  throw std::runtime_error("SQLite refused `" + sql + "`: " + sqlite3_errmsg(db_));
}

sqlite3_stmt* LedgerFile::prepare(const std::string& sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) fail(sql);
  return statement;
}

void LedgerFile::exec(const std::string& sql) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
}

std::int64_t LedgerFile::integer(const std::string& sql) {
  Statement statement(prepare(sql));
  if (sqlite3_step(statement.get()) != SQLITE_ROW) fail(sql);
  return sqlite3_column_int64(statement.get(), 0);
}

std::vector<std::vector<std::string>> LedgerFile::rows(const std::string& sql) {
  Statement statement(prepare(sql));
  std::vector<std::vector<std::string>> found;
  int step = SQLITE_ROW;
  while ((step = sqlite3_step(statement.get())) == SQLITE_ROW) {
    std::vector<std::string>& row = found.emplace_back();
    for (int column = 0; column < sqlite3_column_count(statement.get()); ++column) {
      row.push_back(column_text(statement.get(), column));
    }
  }
  if (step != SQLITE_DONE) fail(sql);
  return found;
}

std::string LedgerFile::blob(const std::string& sql) {
  Statement statement(prepare(sql));
  if (sqlite3_step(statement.get()) != SQLITE_ROW) fail(sql);
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement.get(), 0));
  return bytes == nullptr ? std::string() : std::string(bytes, static_cast<std::size_t>(sqlite3_column_bytes(statement.get(), 0)));
}

void LedgerFile::exec_with_blob(const std::string& sql, const std::string& bytes) {
  Statement statement(prepare(sql));
  sqlite3_bind_blob(statement.get(), 1, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(statement.get()) != SQLITE_DONE) fail(sql);
}

void LedgerFile::behind_the_guards(const std::function<void()>& change) {
  const auto triggers = rows("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'");
  exec("BEGIN");
  for (const auto& trigger : triggers) exec("DROP TRIGGER \"" + trigger.at(0) + "\"");
  change();
  for (const auto& trigger : triggers) exec(trigger.at(1));
  exec("COMMIT");
}

}  // namespace csp::reliability
