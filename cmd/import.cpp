// `import FILE|-`: loads an `export` into an empty ledger, checking every
// event against the hash chain as it goes. A broken, truncated or foreign
// file is refused and leaves nothing behind; so does an import killed half
// way through (staged_file.h).

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cmd/event_json.h"
#include "cmd/output.h"
#include "cmd/recorded_key.h"
#include "cmd/session.h"
#include "cmd/staged_file.h"
#include "eventstore/chain.h"
#include "eventstore/backends.h"
#include "eventstore/sql_session.h"
#include "projections/stored_read_models.h"

namespace csp::cmd {
namespace {

using json = nlohmann::ordered_json;
using domain::invalid_input;

domain::Result<eventstore::StoredEvent> stored_event_from(const json& line) {
  eventstore::StoredEvent event;
  const auto integer = [&](const char* name, std::int64_t& target) -> domain::Status {
    const auto found = line.find(name);
    if (found == line.end() || !found->is_number_integer()) {
      return invalid_input("field \"" + std::string(name) + "\" is missing or not a whole number");
    }
    target = found->get<std::int64_t>();
    return domain::Status::success();
  };
  const auto text = [&](const char* name, std::string& target) -> domain::Status {
    const auto found = line.find(name);
    if (found == line.end() || !found->is_string()) {
      return invalid_input("field \"" + std::string(name) + "\" is missing or not a string");
    }
    target = found->get<std::string>();
    return domain::Status::success();
  };
  std::int64_t schema_version = 0;
  std::string payload_hex;
  std::string hash_hex;
  for (const domain::Status& status :
       {integer("position", event.position), text("stream", event.stream_id), integer("version", event.stream_version),
        text("type", event.event_type), integer("schema_version", schema_version), text("command_id", event.command_id),
        text("actor", event.actor), text("role", event.role), integer("business_time_us", event.business_time_us),
        integer("recorded_time_us", event.recorded_time_us), text("payload_hex", payload_hex), text("hash", hash_hex)}) {
    if (!status) return status.error();
  }
  if (schema_version < 1 || schema_version > 1'000) return invalid_input("field \"schema_version\" is out of range");
  event.schema_version = static_cast<std::uint32_t>(schema_version);
  auto payload = eventstore::bytes_from_hex(payload_hex);
  if (!payload) return invalid_input("field \"payload_hex\" is not lowercase hex");
  event.payload = std::move(*payload);
  auto hash = eventstore::hash_from_hex(hash_hex);
  if (!hash) return invalid_input("field \"hash\" is not 64 lowercase hex digits");
  event.hash = *hash;
  return event;
}

// Exports made before digests were kept have none; the chain does not
// cover it, so the store checks where it may stand.
domain::Result<std::optional<eventstore::Hash>> command_digest_from(const json& line) {
  const auto found = line.find("command_digest");
  if (found == line.end()) return std::optional<eventstore::Hash>();
  const auto digest = found->is_string() ? eventstore::hash_from_hex(found->get<std::string>()) : std::nullopt;
  if (!digest) return invalid_input("field \"command_digest\" is not 64 lowercase hex digits");
  return std::optional<eventstore::Hash>(digest);
}

class Importer {
 public:
  // `key_id`: the ledger key the target's product keys are sealed with,
  // "" when it records none yet.
  Importer(eventstore::WriteBatch& batch, projections::StoredReadModels& read_models, std::string key_id)
      : batch_(batch), read_models_(read_models), key_id_(std::move(key_id)) {}

  // The key the export's keys are sealed with, when the target recorded
  // none: what it records from now on.
  const std::string& key_id_found() const { return found_key_id_; }

  domain::Status line(const std::string& text, std::size_t line_number) {
    const auto refuse = [&](const std::string& why) {
      return invalid_input("line " + std::to_string(line_number) + ": " + why);
    };
    if (text.find_first_not_of(" \t\r") == std::string::npos) return domain::Status::success();
    if (trailer_) return refuse("comes after the end-of-export line");
    json line = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (line.is_discarded() || !line.is_object()) return refuse("is not a JSON object (a truncated file?)");
    if (const auto end = line.find("end_of_export"); end != line.end()) {
      trailer_ = *end;
      return domain::Status::success();
    }
    auto stored = stored_event_from(line);
    if (!stored) return refuse(stored.error().message);
    auto digest = command_digest_from(line);
    if (!digest) return refuse(digest.error().message);
    line.erase("command_digest");
    // The chain first: only bytes it vouches for are decoded.
    if (hasher_.next(head_hash_, eventstore::chain_fields(*stored)) != stored->hash) {
      return refuse("event at position " + std::to_string(stored->position) +
                    " does not match its hash: the export was changed");
    }
    auto event = projections::decode_stored(*stored);
    if (!event) return refuse(event.error().message);
    if (domain::Status sealed = check_sealing_key(*event); !sealed) return refuse(sealed.error().message);
    // The readable fields must say what the bytes say: an export edited by
    // hand is refused even where the chain cannot see it.
    if (stored_event_json(*stored, *event, true) != line) {
      return refuse("its readable fields differ from its payload and envelope: the export was changed");
    }
    // A log that chains but does not fold (an event naming a link never
    // issued, say) is no ledger either.
    if (eventstore::StoreStatus folded = read_models_.apply(*event, stored->position); !folded) {
      return refuse(folded.error().message);
    }
    if (stored->position % flush_every == 0) {
      if (eventstore::StoreStatus flushed = read_models_.flush(); !flushed) return refuse(flushed.error().message);
    }
    if (eventstore::StoreStatus imported = batch_.import_event(*stored, aliases_introduced_by(*event), *digest);
        !imported) {
      return refuse(imported.error().message);
    }
    ++events_;
    head_hash_ = stored->hash;
    return domain::Status::success();
  }

  // The trailer must be there and agree: otherwise the file was cut short.
  domain::Status finish() const {
    if (!trailer_ || !trailer_->is_object()) {
      return invalid_input("the file has no end-of-export line: it is truncated or not an export");
    }
    const json& trailer = *trailer_;
    const auto events = trailer.find("events");
    const auto head_hash = trailer.find("head_hash");
    if (events == trailer.end() || !events->is_number_integer() || head_hash == trailer.end() || !head_hash->is_string()) {
      return invalid_input("the end-of-export line lacks \"events\" or \"head_hash\"");
    }
    if (events_ == 0) return invalid_input("the export holds no events: there is nothing to import");
    if (events->get<std::int64_t>() != events_) {
      return invalid_input("the end-of-export line promises " + events->dump() + " events, the file holds " +
                           std::to_string(events_) + ": lines are missing");
    }
    if (head_hash->get<std::string>() != eventstore::hash_hex(head_hash_)) {
      return invalid_input("the end-of-export line names another head hash than the last event's");
    }
    return domain::Status::success();
  }

  std::int64_t events() const { return events_; }
  const eventstore::Hash& head_hash() const { return head_hash_; }

 private:
  // A ledger's keys are all sealed with its one key: an export of another
  // ledger's, or of two, would leave keys no key file opens.
  domain::Status check_sealing_key(const domain::Event& event) {
    const auto* issued = std::get_if<domain::ProductKeyIssued>(&event);
    if (issued == nullptr || !issued->key.is_sealed()) return domain::Status::success();
    const std::string id = envelope_key_id(issued->key);
    const std::string& expected = key_id_.empty() ? found_key_id_ : key_id_;
    if (expected.empty()) {
      found_key_id_ = id;
    } else if (id != expected) {
      return invalid_input("its product key is sealed with ledger key " + id + ", but " +
                           (key_id_.empty() ? "the export's earlier keys with " + expected
                                            : "the ledger it goes into uses key " + expected) +
                           ": import with the exporting ledger's key file (--key-file)");
    }
    return domain::Status::success();
  }

  eventstore::WriteBatch& batch_;
  eventstore::ChainHasher hasher_;
  // The imported log's read models, built as it goes and written in the
  // import's transaction; flushed now and then so memory stays flat.
  static constexpr std::int64_t flush_every = 100'000;
  projections::StoredReadModels& read_models_;
  std::optional<json> trailer_;
  std::int64_t events_ = 0;
  eventstore::Hash head_hash_{};
  std::string key_id_;
  std::string found_key_id_;
};

}  // namespace

int import_log(const Globals& globals, const std::string& path) {
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return report(globals, invalid_input("cannot read " + path + ": give an export file or - for stdin"));
  }
  std::istream& input = path == "-" ? std::cin : file;
  // Into an empty ledger, or a new one where there is none yet.
  auto opened = open_ledger(globals.db_path, false, globals.key_file_to_use());
  const bool creates = !opened && opened.error().kind == eventstore::StoreError::Kind::not_found;
  // A new SQLite file is built under a temporary name and renamed into
  // place once whole, so that an import killed half way leaves no
  // half-built ledger at the path. A PostgreSQL import is one transaction.
  const bool stages = creates && !eventstore::names_postgres(globals.db_path);
  const std::string built_path = stages ? staging_path_for(globals.db_path) : globals.db_path;
  if (stages) remove_abandoned_staging(globals.db_path);
  // The key file belongs to the ledger's final name, not the staging one.
  if (creates) opened = open_ledger(built_path, true, globals.key_file_to_use());
  if (!opened) return report(globals, opened.error());
  const auto fail = [&](const auto& error) {
    opened = eventstore::StoreError{};
    if (creates) eventstore::remove_store(built_path);
    return report(globals, error);
  };
  auto head = opened->store->head();
  if (!head) return fail(head.error());
  if (head->position != 0) {
    return fail(invalid_input("import needs an empty ledger: " + globals.db_path + " holds " +
                              std::to_string(head->position) + " events"));
  }
  eventstore::sql::Session* session = eventstore::sql::session_of(*opened->store);
  if (session == nullptr) return fail(invalid_input("this store keeps no read models of its own"));
  auto batch = opened->store->begin_batch();
  if (!batch) return fail(batch.error());
  projections::StoredReadModels read_models(*session, projections::live_tables);
  if (eventstore::StoreStatus created = read_models.create_empty(); !created) {
    batch = eventstore::StoreError{};
    return fail(created.error());
  }
  auto key_id = recorded_key_id(*opened->store);
  if (!key_id) {
    batch = eventstore::StoreError{};
    return fail(key_id.error());
  }
  Importer importer(**batch, read_models, key_id->value_or(""));
  const bool shows_progress = isatty(STDERR_FILENO) == 1;
  std::string text;
  std::size_t line_number = 0;
  while (std::getline(input, text)) {
    if (domain::Status imported = importer.line(text, ++line_number); !imported) {
      batch = eventstore::StoreError{};
      return fail(imported.error());
    }
    if (shows_progress && line_number % 100'000 == 0) std::cerr << "\rimported " << line_number << " lines" << std::flush;
  }
  if (shows_progress) std::cerr << "\r" << std::string(40, ' ') << "\r";
  if (domain::Status complete = importer.finish(); !complete) {
    batch = eventstore::StoreError{};
    return fail(complete.error());
  }
  const projections::Checkpoint checkpoint{importer.events(), std::nullopt, projections::read_models_layout, false};
  eventstore::StoreStatus written = read_models.flush();
  if (written) written = read_models.write_checkpoint(checkpoint);
  if (written && !importer.key_id_found().empty()) written = record_key_id(*opened->store, importer.key_id_found());
  if (written) written = (*batch)->commit();
  if (!written) {
    batch = eventstore::StoreError{};
    return fail(written.error());
  }
  if (stages) {
    batch = eventstore::StoreError{};
    // The commits go from the WAL into the file itself, which alone is
    // renamed.
    if (eventstore::StoreStatus folded = session->exec("PRAGMA wal_checkpoint(TRUNCATE);", "checkpointing the import");
        !folded) {
      return fail(folded.error());
    }
    opened = eventstore::StoreError{};
    if (eventstore::StoreStatus published = publish_staged(built_path, globals.db_path); !published) {
      return fail(published.error());
    }
  }
  const json result{{"events", importer.events()}, {"head_hash", eventstore::hash_hex(importer.head_hash())}};
  if (globals.is_json) {
    std::cout << json_line({{"ok", true}, {"command", "import"}, {"result", result}}) << "\n";
  } else {
    std::cout << "import: " << importer.events() << " events, chain verified, head " << eventstore::hash_hex(importer.head_hash())
              << "\n";
  }
  return exit_done;
}

}  // namespace csp::cmd
