#include "cmd/server/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

namespace csp::server {
namespace {

namespace ssl = boost::asio::ssl;

// TLS 1.3 chooses among its own suites; these bound what TLS 1.2 may agree on.
constexpr const char* tls12_ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20";

// The error of a file that cannot be opened at all says why (missing, no
// permission), which OpenSSL's own message would not.
std::optional<std::string> unreadable(const std::string& what, const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (file) return std::nullopt;
  return "cannot read the " + what + " " + path + ": " + std::strerror(errno);
}

std::string openssl_reason(const boost::system::error_code& error) {
  ERR_clear_error();
  return error.message();
}

}  // namespace

domain::Result<std::unique_ptr<ssl::context>> tls_context_of(const std::string& certificate_path, const std::string& key_path) {
  if (auto message = unreadable("TLS certificate (--tls-cert)", certificate_path)) return domain::invalid_input(*message);
  if (auto message = unreadable("TLS key (--tls-key)", key_path)) return domain::invalid_input(*message);
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 || SSL_CTX_set_cipher_list(native, tls12_ciphers) != 1) {
    ERR_clear_error();
    return domain::invalid_input("this OpenSSL cannot be limited to TLS 1.2 or later with forward-secret ciphers");
  }
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  boost::system::error_code error;
  context->use_certificate_chain_file(certificate_path, error);
  if (error) {
    return domain::invalid_input("the TLS certificate " + certificate_path + " (--tls-cert) is not a PEM certificate: " +
                                 openssl_reason(error) + " (make one with `openssl req -x509`, see csp-ledgerd --help)");
  }
  context->use_private_key_file(key_path, ssl::context::pem, error);
  const bool is_other_key = error && ERR_GET_REASON(static_cast<unsigned long>(error.value())) == X509_R_KEY_VALUES_MISMATCH;
  if (error && !is_other_key) {
    return domain::invalid_input("the TLS key " + key_path + " (--tls-key) is not a PEM private key without a passphrase: " +
                                 openssl_reason(error));
  }
  if (is_other_key || SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return domain::invalid_input("the TLS key " + key_path + " (--tls-key) is not the key of the certificate " +
                                 certificate_path + " (--tls-cert): give the pair made together");
  }
  return context;
}

}  // namespace csp::server
