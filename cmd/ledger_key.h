#pragma once
// The ledger key: 32 random bytes in a file of their own, outside the
// ledger, that seal product keys with AES-256-GCM before they reach the log
// (FORMAT.md, "Product keys at rest"). Whoever copies the ledger file
// without the key file can read, verify and replay everything but the keys.

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/product_key.h"
#include "domain/result.h"

namespace csp::cmd {

class LedgerKey {
 public:
  // The key file at `path`: one line of 64 hex digits, readable by its
  // owner only (as ssh insists for its keys: a key others can read is no
  // secret).
  static domain::Result<LedgerKey> load(const std::string& path);
  // Creates the key file with a fresh key, mode 0600, durably; a file
  // already there is loaded instead and never overwritten.
  static domain::Result<LedgerKey> load_or_create(const std::string& path);

  // Names the key without revealing it: 16 hex digits, kept in every
  // envelope and in the ledger, so that a wrong key file is told apart from
  // a damaged envelope.
  const std::string& id() const { return id_hex_; }

  // `key` sealed: the same key with its envelope.
  domain::ProductKey seal(const domain::ProductKey& key) const;
  // `sealed` with its clear text too; an error names why it cannot be
  // opened (another key's envelope, or one changed since it was sealed).
  domain::Result<domain::ProductKey> open(const domain::ProductKey& sealed) const;

 private:
  std::array<unsigned char, 32> secret_{};
  std::array<unsigned char, 8> id_{};
  std::string id_hex_;
  std::string path_;
  // The cipher with the key schedule made once: only the nonce changes
  // between sealings. One writer thread seals; copies share it.
  struct Cipher;
  std::shared_ptr<Cipher> cipher_;
};

// What one process can do with product keys: seal and open them with the
// ledger's key file, or, without it, say why it cannot.
class KeyAccess {
 public:
  KeyAccess() : why_absent_("no key file was given") {}
  explicit KeyAccess(LedgerKey key) : key_(std::move(key)) {}
  static KeyAccess absent(std::string why) {
    KeyAccess access;
    access.why_absent_ = std::move(why);
    return access;
  }

  bool has_key() const { return key_.has_value(); }
  const LedgerKey* key() const { return key_ ? &*key_ : nullptr; }
  const std::string& why_absent() const { return why_absent_; }
  // Sealed already, or sealed now; refused without the key file.
  domain::Result<domain::ProductKey> seal(const domain::ProductKey& key) const;
  // In clear already, or opened now; refused without the key file.
  domain::Result<domain::ProductKey> open(const domain::ProductKey& key) const;

 private:
  std::optional<LedgerKey> key_;
  std::string why_absent_;
};

// The key file a process uses.
struct KeyFile {
  std::string path;          // "": none to use
  bool is_explicit = false;  // given by --key-file or $CSP_LEDGER_KEY_FILE: missing is an error
  bool may_create = false;   // init creates it when it is not there
};

// The key file of the ledger at `db`: `explicit_path` when given, else
// beside a SQLite file as `<db>.key`; a PostgreSQL ledger has no place
// beside it, so none there.
KeyFile key_file_for(const std::string& db, const std::string& explicit_path);

// The envelope's key id, as hex.
std::string envelope_key_id(const domain::ProductKey& sealed);

}  // namespace csp::cmd
