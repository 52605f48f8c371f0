#include "cmd/ledger_key.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <iterator>
#include <stdexcept>

#include "eventstore/backends.h"
#include "eventstore/chain.h"
#include "eventstore/sha256.h"

namespace csp::cmd {
namespace {

// The envelope: format, key id, nonce, ciphertext, tag. The format and the
// key id are authenticated too, so neither can be changed unnoticed.
constexpr std::size_t id_bytes = 8;
constexpr std::size_t nonce_bytes = 12;
constexpr std::size_t tag_bytes = 16;
constexpr std::size_t header_bytes = 1 + id_bytes;
constexpr std::size_t clear_bytes = domain::ProductKey::sealed_bytes - header_bytes - nonce_bytes - tag_bytes;

std::string hex_of(const unsigned char* bytes, std::size_t size) {
  return eventstore::bytes_hex({reinterpret_cast<const char*>(bytes), size});
}

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

CipherContext new_context() {
  CipherContext context(EVP_CIPHER_CTX_new());
  if (!context) throw std::bad_alloc();
  return context;
}

const unsigned char* bytes_of(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

domain::Error key_file_error(const std::string& path, const std::string& what) {
  return domain::invalid_input("key file " + path + " " + what);
}

}  // namespace

struct LedgerKey::Cipher {
  CipherContext encrypt = new_context();
  CipherContext decrypt = new_context();
};

domain::Result<LedgerKey> LedgerKey::load(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    return key_file_error(path, "cannot be read: " + std::string(std::strerror(errno)) +
                                    " (init creates it; give the ledger's own with --key-file or $CSP_LEDGER_KEY_FILE)");
  }
  if (!S_ISREG(status.st_mode)) return key_file_error(path, "is not a regular file");
  if ((status.st_mode & 077) != 0) {
    return key_file_error(path, "can be read by others than its owner: run chmod 600 on it, since whoever reads it "
                                "reads every product key");
  }
  std::ifstream input(path, std::ios::binary);
  std::string line{std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>()};
  if (!line.empty() && line.back() == '\n') line.pop_back();
  // The key file is written in lowercase; one copied by hand may not be.
  for (char& digit : line) digit = static_cast<char>(std::tolower(static_cast<unsigned char>(digit)));
  auto secret = line.size() == 64 ? eventstore::bytes_from_hex(line) : std::nullopt;
  if (!input.good() && !input.eof()) return key_file_error(path, "cannot be read");
  if (!secret) return key_file_error(path, "is not a csp-ledger key file (one line of 64 hex digits)");
  LedgerKey key;
  std::memcpy(key.secret_.data(), secret->data(), key.secret_.size());
  // No copy of the key outlives this call but the one kept.
  OPENSSL_cleanse(line.data(), line.size());
  OPENSSL_cleanse(secret->data(), secret->size());
  eventstore::Sha256 sha256;
  const auto digest = sha256.of({"csp-ledger ledger key id\n",
                                 {reinterpret_cast<const char*>(key.secret_.data()), key.secret_.size()}});
  for (std::size_t index = 0; index < id_bytes; ++index) key.id_[index] = digest[index];
  key.id_hex_ = hex_of(key.id_.data(), key.id_.size());
  key.path_ = path;
  key.cipher_ = std::make_shared<Cipher>();
  if (EVP_EncryptInit_ex(key.cipher_->encrypt.get(), EVP_aes_256_gcm(), nullptr, key.secret_.data(), nullptr) != 1 ||
      EVP_DecryptInit_ex(key.cipher_->decrypt.get(), EVP_aes_256_gcm(), nullptr, key.secret_.data(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL failed to set up AES-256-GCM");
  }
  return key;
}

domain::Result<LedgerKey> LedgerKey::load_or_create(const std::string& path) {
  std::array<unsigned char, 32> secret{};
  if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
    throw std::runtime_error("OpenSSL's random generator failed");
  }
  std::string line = hex_of(secret.data(), secret.size()) + "\n";
  // Written whole under a name of its own, then linked into place: a
  // process that finds the key file there (another init sharing it) never
  // reads it half written, and one already there is never replaced.
  const std::string staged = path + ".new-" + std::to_string(::getpid());
  OPENSSL_cleanse(secret.data(), secret.size());
  const int file = ::open(staged.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (file < 0) return key_file_error(path, "cannot be created: " + std::string(std::strerror(errno)));
  const bool is_written = ::write(file, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(file) == 0;
  const int write_errno = errno;
  ::close(file);
  OPENSSL_cleanse(line.data(), line.size());
  const bool is_linked = is_written && ::link(staged.c_str(), path.c_str()) == 0;
  const int link_errno = errno;
  ::unlink(staged.c_str());
  if (!is_written) return key_file_error(path, "cannot be written: " + std::string(std::strerror(write_errno)));
  if (!is_linked) {
    if (link_errno == EEXIST) return load(path);
    return key_file_error(path, "cannot be created: " + std::string(std::strerror(link_errno)));
  }
  // The file's name must survive a power cut as well as its bytes.
  const std::filesystem::path folder = std::filesystem::absolute(path).parent_path();
  if (const int directory = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); directory >= 0) {
    ::fsync(directory);
    ::close(directory);
  }
  return load(path);
}

domain::ProductKey LedgerKey::seal(const domain::ProductKey& key) const {
  std::string envelope(domain::ProductKey::sealed_bytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(envelope.data());
  out[0] = static_cast<unsigned char>(domain::ProductKey::sealed_format);
  std::memcpy(out + 1, id_.data(), id_bytes);
  unsigned char* nonce = out + header_bytes;
  if (RAND_bytes(nonce, nonce_bytes) != 1) throw std::runtime_error("OpenSSL's random generator failed");
  unsigned char* ciphertext = nonce + nonce_bytes;
  unsigned char* tag = ciphertext + clear_bytes;
  if (key.str().size() != clear_bytes) throw std::logic_error("sealing a product key not in clear");
  EVP_CIPHER_CTX* context = cipher_->encrypt.get();
  int written = 0;
  const bool is_sealed =
      EVP_EncryptInit_ex(context, nullptr, nullptr, nullptr, nonce) == 1 &&
      EVP_EncryptUpdate(context, nullptr, &written, out, header_bytes) == 1 &&
      EVP_EncryptUpdate(context, ciphertext, &written, bytes_of(key.str()), clear_bytes) == 1 &&
      EVP_EncryptFinal_ex(context, ciphertext + written, &written) == 1 &&
      EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, tag_bytes, tag) == 1;
  if (!is_sealed) throw std::runtime_error("OpenSSL failed to seal a product key with AES-256-GCM");
  return key.sealed_as(std::move(envelope));
}

domain::Result<domain::ProductKey> LedgerKey::open(const domain::ProductKey& sealed) const {
  if (!sealed.is_sealed()) return sealed;
  const std::string_view envelope = sealed.sealed();
  const unsigned char* in = bytes_of(envelope);
  if (std::memcmp(in + 1, id_.data(), id_bytes) != 0) {
    return domain::invalid_input("this product key was sealed with ledger key " + envelope_key_id(sealed) +
                                 ", and key file " + path_ + " holds key " + id_hex_ + ": give the ledger's own key file");
  }
  const unsigned char* nonce = in + header_bytes;
  const unsigned char* ciphertext = nonce + nonce_bytes;
  std::array<unsigned char, tag_bytes> tag{};
  std::memcpy(tag.data(), ciphertext + clear_bytes, tag_bytes);
  std::string clear(clear_bytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(clear.data());
  EVP_CIPHER_CTX* context = cipher_->decrypt.get();
  int written = 0;
  const bool is_opened =
      EVP_DecryptInit_ex(context, nullptr, nullptr, nullptr, nonce) == 1 &&
      EVP_DecryptUpdate(context, nullptr, &written, in, header_bytes) == 1 &&
      EVP_DecryptUpdate(context, out, &written, ciphertext, clear_bytes) == 1 &&
      EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, tag_bytes, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(context, out + written, &written) == 1;
  if (!is_opened) {
    return domain::invalid_input("a sealed product key does not open with key file " + path_ +
                                 ": its envelope was changed after it was sealed");
  }
  auto key = domain::ProductKey::parse(clear);
  if (!key) return domain::invalid_input("a sealed product key opened to something that is no product key");
  return sealed.opened_as(*key);
}

domain::Result<domain::ProductKey> KeyAccess::seal(const domain::ProductKey& key) const {
  if (key.is_sealed()) return key;
  if (!key_) return domain::invalid_input("product keys are stored sealed with the ledger's key file, and " + why_absent_);
  return key_->seal(key);
}

domain::Result<domain::ProductKey> KeyAccess::open(const domain::ProductKey& key) const {
  if (key.is_clear()) return key;
  if (!key_) return domain::invalid_input("the product key is sealed with the ledger's key file, and " + why_absent_);
  return key_->open(key);
}

KeyFile key_file_for(const std::string& db, const std::string& explicit_path) {
  if (!explicit_path.empty()) return KeyFile{explicit_path, true};
  if (eventstore::names_postgres(db)) return KeyFile{};
  return KeyFile{db + ".key", false};
}

std::string envelope_key_id(const domain::ProductKey& sealed) {
  return hex_of(bytes_of(sealed.sealed()) + 1, id_bytes);
}

}  // namespace csp::cmd
