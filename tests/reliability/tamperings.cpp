#include "reliability/tamperings.h"

#include <algorithm>
#include <stdexcept>
#include <set>

#include "reliability/rechain.h"

namespace csp::reliability {
namespace {

std::string literal(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

std::string at(std::int64_t position) { return " WHERE position = " + std::to_string(position); }

// Each changes one thing the chain covers, so the event at p no longer
// hashes to what was recorded: `changed` at p.
struct EnvelopeChange {
  const char* what;
  const char* set;  // the SET clause, for the row at p
};
constexpr EnvelopeChange envelope_changes[] = {
    {"stream version", "stream_version = stream_version + 1000000"},
    {"event type", "type_key = (SELECT min(name_key) FROM names WHERE name_key <> events.type_key)"},
    {"schema version", "schema_version = schema_version + 1"},
    {"command id", "command_id = 'forged-' || position, command_first = NULL"},
    {"actor", "actor_key = (SELECT min(name_key) FROM names WHERE name_key <> events.actor_key)"},
    {"role", "role_key = (SELECT min(name_key) FROM names WHERE name_key <> events.role_key)"},
    {"business time", "business_time = business_time + 1"},
    {"recorded time", "recorded_time = recorded_time + 1"},
};

void flip_byte(LedgerFile& ledger, const std::string& column, std::int64_t position, double where) {
  std::string bytes = ledger.blob("SELECT " + column + " FROM events" + at(position));
  if (bytes.empty()) throw std::runtime_error("the " + column + " at " + std::to_string(position) + " is empty");
  const auto index = static_cast<std::size_t>(where * static_cast<double>(bytes.size())) % bytes.size();
  bytes[index] = static_cast<char>(bytes[index] ^ 0x01);
  ledger.behind_the_guards([&] { ledger.exec_with_blob("UPDATE events SET " + column + " = ?1" + at(position), bytes); });
}

// Positions from p on move one up, and the command a later event
// continues moves with it: the file stays consistent, all but p chain.
void insert_before(LedgerFile& ledger, std::int64_t p, std::int64_t head) {
  ledger.behind_the_guards([&] {
    const std::string from = std::to_string(p);
    std::int64_t copied = p;
    if (p <= head) {
      ledger.exec("UPDATE events SET position = -position WHERE position >= " + from);
      ledger.exec("UPDATE events SET position = 1 - position WHERE position < 0");
      ledger.exec("UPDATE events SET command_first = command_first + 1 WHERE command_first >= " + from);
      ledger.exec("UPDATE command_digests SET position = -position WHERE position >= " + from);
      ledger.exec("UPDATE command_digests SET position = 1 - position WHERE position < 0");
      copied = p + 1;
    } else {
      copied = head;
    }
    ledger.exec("INSERT INTO events SELECT " + from +
                ", stream_key, stream_version + 1000000, type_key, schema_version, NULL, NULL, actor_key, role_key, "
                "business_time, recorded_time, payload, hash FROM events" + at(copied));
  });
}

void swap_with_next(LedgerFile& ledger, std::int64_t p) {
  const std::string first = std::to_string(p);
  const std::string second = std::to_string(p + 1);
  ledger.behind_the_guards([&] {
    ledger.exec("UPDATE events SET position = -1" + at(p));
    ledger.exec("UPDATE events SET position = " + first + at(p + 1));
    ledger.exec("UPDATE events SET position = " + second + " WHERE position = -1");
    ledger.exec("UPDATE events SET command_first = CASE command_first WHEN " + first + " THEN " + second + " ELSE " +
                first + " END WHERE command_first IN (" + first + ", " + second + ")");
  });
}

std::vector<std::int64_t> draw_positions(std::int64_t head, int count, std::mt19937_64& random) {
  std::set<std::int64_t> drawn{1, head};
  std::uniform_int_distribution<std::int64_t> any(1, head);
  while (static_cast<int>(drawn.size()) < std::min<std::int64_t>(count, head)) drawn.insert(any(random));
  return {drawn.begin(), drawn.end()};
}

template <typename T>
std::vector<T> draw(const std::vector<T>& from, int count, std::mt19937_64& random) {
  std::vector<T> drawn;
  std::sample(from.begin(), from.end(), std::back_inserter(drawn), count, random);
  return drawn;
}

void plan_events(const LedgerFacts& facts, const std::vector<std::int64_t>& positions, std::mt19937_64& random,
                 std::vector<Tampering>& plan) {
  std::uniform_real_distribution<double> anywhere(0.0, 1.0);
  for (const std::int64_t p : positions) {
    const std::string where = " at position " + std::to_string(p);
    const Expectation changed{"changed", p};
    const double offset = anywhere(random);
    plan.push_back({"payload byte flipped", "a payload byte flipped" + where, changed,
                    [=](LedgerFile& ledger) { flip_byte(ledger, "payload", p, offset); }});
    plan.push_back({"hash byte flipped", "a hash byte flipped" + where, changed,
                    [=](LedgerFile& ledger) { flip_byte(ledger, "hash", p, offset); }});
    plan.push_back({"envelope: stream", "moved to a new stream" + where, changed, [=](LedgerFile& ledger) {
                      ledger.behind_the_guards([&] {
                        ledger.exec("INSERT INTO streams(stream_id) VALUES ('subscription-forged')");
                        ledger.exec("UPDATE events SET stream_key = last_insert_rowid()" + at(p));
                      });
                    }});
    for (const EnvelopeChange& change : envelope_changes) {
      const std::string set = change.set;
      plan.push_back({std::string("envelope: ") + change.what, std::string(change.what) + " changed" + where, changed,
                      [=](LedgerFile& ledger) {
                        ledger.behind_the_guards([&] { ledger.exec("UPDATE events SET " + set + at(p)); });
                      }});
    }
    plan.push_back({"event deleted", "the event" + where + " deleted", {"missing", p}, [=](LedgerFile& ledger) {
                      ledger.behind_the_guards([&] { ledger.exec("DELETE FROM events" + at(p)); });
                    }});
    plan.push_back({"tail cut", "every event from position " + std::to_string(p) + " on deleted", {"missing", p},
                    [=](LedgerFile& ledger) {
                      ledger.behind_the_guards(
                          [&] { ledger.exec("DELETE FROM events WHERE position >= " + std::to_string(p)); });
                    }});
    const std::int64_t head = facts.head;
    plan.push_back({"event inserted", "an event inserted" + where, {"inserted", p},
                    [=](LedgerFile& ledger) { insert_before(ledger, p, head); }});
    const std::int64_t first = std::min(p, facts.head - 1);
    plan.push_back({"events swapped", "the events at " + std::to_string(first) + " and " + std::to_string(first + 1) +
                                          " swapped",
                    {"reordered", first}, [=](LedgerFile& ledger) { swap_with_next(ledger, first); }});
  }
  const std::int64_t past = facts.head + 1;
  plan.push_back({"event inserted", "an event appended past the recorded head", {"inserted", past},
                  [=, head = facts.head](LedgerFile& ledger) { insert_before(ledger, past, head); }});
}

void plan_guards(const std::vector<std::string>& triggers, std::vector<Tampering>& plan) {
  for (const std::string& trigger : triggers) {
    plan.push_back({"guard dropped", "trigger " + trigger + " dropped", {"guard_missing", std::nullopt},
                    [=](LedgerFile& ledger) { ledger.exec("DROP TRIGGER " + trigger); }});
    plan.push_back({"guard emptied", "trigger " + trigger + " made to refuse nothing", {"guard_missing", std::nullopt},
                    [=](LedgerFile& ledger) {
                      const auto definition =
                          ledger.rows("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = " + literal(trigger));
                      std::string harmless = definition.at(0).at(0);
                      const std::size_t raise = harmless.find("RAISE(ABORT, '");
                      const std::size_t end = harmless.find("')", raise);
                      if (raise == std::string::npos || end == std::string::npos) {
                        throw std::runtime_error("trigger " + trigger + " refuses nothing already");
                      }
                      harmless.replace(raise, end + 2 - raise, "1");
                      ledger.exec("DROP TRIGGER " + trigger);
                      ledger.exec(harmless);
                    }});
  }
}

void plan_read_models(const LedgerFacts& facts, int count, std::mt19937_64& random, std::vector<Tampering>& plan) {
  for (const ReadModelRow& row : draw(facts.rows, count, random)) {
    const std::string where = " WHERE " + row.key_column + " = " + literal(row.key);
    const std::string name = row.table + " row " + row.key;
    const Expectation differs{"read_model_differs", row.first_position};
    const std::string column = draw(row.columns, 1, random).at(0);
    plan.push_back({"read-model cell changed", name + ", column " + column + " changed", differs, [=](LedgerFile& ledger) {
                      ledger.exec("UPDATE " + row.table + " SET " + column + " = CASE WHEN " + column +
                                  " IS NULL THEN 'forged' WHEN typeof(" + column + ") = 'integer' THEN (CASE WHEN " +
                                  column + " IN (0, 1) THEN 1 - " + column + " ELSE " + column + " + 1 END) ELSE " +
                                  column + " || '~' END" + where);
                    }});
    plan.push_back({"read-model row deleted", name + " deleted", differs,
                    [=](LedgerFile& ledger) { ledger.exec("DELETE FROM " + row.table + where); }});
    plan.push_back({"read-model row added", "a copy of " + name + " under another key", differs, [=](LedgerFile& ledger) {
                      ledger.exec("CREATE TEMP TABLE copied AS SELECT * FROM " + row.table + where);
                      ledger.exec("UPDATE copied SET " + row.key_column + " = " + row.key_column + " || '-forged'");
                      ledger.exec("INSERT INTO " + row.table + " SELECT * FROM copied");
                    }});
  }
}

void plan_aliases(const LedgerFacts& facts, int count, std::mt19937_64& random, std::vector<Tampering>& plan) {
  for (const Alias& alias : draw(facts.aliases, count, random)) {
    const std::string where = " WHERE alias = " + literal(alias.alias);
    const Expectation differs{"alias_differs", alias.introduced_at};
    plan.push_back({"alias retargeted", "alias " + alias.alias + " sent to another stream", differs, [=](LedgerFile& ledger) {
                      ledger.behind_the_guards([&] {
                        ledger.exec("UPDATE aliases SET stream_key = (SELECT min(stream_key) FROM streams WHERE "
                                    "stream_key <> aliases.stream_key)" + where);
                      });
                    }});
    plan.push_back({"alias deleted", "alias " + alias.alias + " deleted", differs, [=](LedgerFile& ledger) {
                      ledger.behind_the_guards([&] { ledger.exec("DELETE FROM aliases" + where); });
                    }});
  }
  plan.push_back({"alias added", "an alias no event introduced", {"alias_differs", std::nullopt}, [](LedgerFile& ledger) {
                    ledger.exec("INSERT INTO aliases SELECT 'order:forged', min(stream_key) FROM streams");
                  }});
}

// What the file alone cannot show: a log that ends early but whose head,
// aliases and read models were made to agree, and a rewrite chained anew;
// and the same cut with the read models left, which still name the events.
void plan_beyond_evidence(const LedgerFacts& facts, const std::vector<std::int64_t>& positions,
                          std::vector<Tampering>& plan) {
  for (const std::int64_t p : positions) {
    const std::string from = std::to_string(p);
    plan.push_back({"log re-chained", "the event at position " + from + " rewritten and every hash from it recomputed",
                    {"", p, "digest_differs"}, [=](LedgerFile& ledger) { rewrite_and_rechain(ledger, p); }, true});
    if (p < 2) continue;
    std::vector<std::string> introduced;
    for (const Alias& alias : facts.aliases) {
      if (alias.introduced_at >= p) introduced.push_back(alias.alias);
    }
    const auto cut = [=](LedgerFile& ledger) {
      ledger.behind_the_guards([&] {
        ledger.exec("DELETE FROM events WHERE position >= " + from);
        ledger.exec("DELETE FROM command_digests WHERE position >= " + from);
        for (const std::string& alias : introduced) ledger.exec("DELETE FROM aliases WHERE alias = " + literal(alias));
        ledger.exec("UPDATE ledger_meta SET value = (SELECT position || ' ' || lower(hex(hash)) FROM events WHERE "
                    "position = " + std::to_string(p - 1) + ") WHERE key = 'head'");
      });
    };
    // The read models' checkpoint still names the cut events.
    plan.push_back({"tail cut, head rewritten", "events from position " + from + " on removed, the read models left",
                    {"missing", p}, cut});
    plan.push_back({"tail cut, head rewritten", "events from position " + from + " on removed with all trace of them",
                    {"", p, "digest_ahead"}, cut, true});
  }
}

}  // namespace

LedgerFacts read_facts(LedgerFile& ledger) {
  LedgerFacts facts;
  facts.head = ledger.integer("SELECT max(position) FROM events");
  for (const auto& table : ledger.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm!_%' ESCAPE '!' "
                                       "AND name NOT LIKE 'rm!_next!_%' ESCAPE '!' ORDER BY name")) {
    std::vector<std::string> columns;
    for (const auto& column : ledger.rows("SELECT name FROM pragma_table_info(" + literal(table.at(0)) + ") ORDER BY cid")) {
      columns.push_back(column.at(0));
    }
    if (std::find(columns.begin(), columns.end(), "first_position") == columns.end()) continue;
    const std::string key = columns.front();
    std::vector<std::string> others;
    std::copy_if(columns.begin() + 1, columns.end(), std::back_inserter(others),
                 [](const std::string& column) { return column != "first_position"; });
    for (const auto& row : ledger.rows("SELECT " + key + ", first_position FROM " + table.at(0) + " ORDER BY " + key)) {
      facts.rows.push_back(ReadModelRow{table.at(0), key, row.at(0), std::stoll(row.at(1)), others});
    }
  }
  // The row an alias's introducing event made holds that event's position.
  for (const auto& row : ledger.rows(
           "SELECT a.alias, coalesce(c.first_position, s.first_position, l.first_position) FROM aliases a "
           "LEFT JOIN rm_customers c ON a.alias = 'domain:' || c.domain "
           "LEFT JOIN rm_subscriptions s ON a.alias = 'order:' || s.order_id "
           "LEFT JOIN rm_links l ON a.alias = 'link:' || l.link_id ORDER BY a.alias")) {
    if (row.at(1).empty()) throw std::runtime_error("no read-model row introduces alias " + row.at(0));
    facts.aliases.push_back(Alias{row.at(0), std::stoll(row.at(1))});
  }
  for (const auto& trigger : ledger.rows("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")) {
    facts.triggers.push_back(trigger.at(0));
  }
  return facts;
}

std::vector<Tampering> plan_tamperings(const LedgerFacts& facts, int positions, std::mt19937_64& random) {
  std::vector<Tampering> plan;
  const std::vector<std::int64_t> drawn = draw_positions(facts.head, positions, random);
  plan_events(facts, drawn, random, plan);
  plan_beyond_evidence(facts, drawn, plan);
  plan_guards(facts.triggers, plan);
  plan_read_models(facts, positions, random, plan);
  plan_aliases(facts, positions, random, plan);
  return plan;
}

}  // namespace csp::reliability
