// The stored read models speak SQL only through the seam
// (eventstore/sql_session.h), so that every backend can host them. The WAL
// checkpointer (cmd/server/) and the opening of the SQLite file
// (cmd/session.cpp) stay SQLite's on purpose.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/source_files.h"

namespace {

void expect_none_of(const std::vector<std::string>& forbidden, const std::vector<std::filesystem::path>& files) {
  for (const auto& file : files) {
    const std::string text = csp::testing::contents(file);
    for (const auto& token : forbidden) {
      EXPECT_EQ(text.find(token), std::string::npos) << file.filename() << " contains " << token;
    }
  }
}

TEST(Layering, ProjectionsReachTheirTablesOnlyThroughTheSqlSeam) {
  const auto files = csp::testing::sources_in("projections");
  ASSERT_GT(files.size(), 10u);
  expect_none_of({"<sqlite3.h>", "sqlite3", "\"eventstore/sqlite/", "sqlite_master"}, files);
}

TEST(Layering, CommandsReachTheStoredRowsOnlyThroughTheSqlSeam) {
  const auto files = csp::testing::sources_in("cmd");
  ASSERT_GT(files.size(), 20u);
  expect_none_of({"<sqlite3.h>", "sqlite3", "\"eventstore/sqlite/connection.h\"", "sqlite_master"}, files);
}

}  // namespace
