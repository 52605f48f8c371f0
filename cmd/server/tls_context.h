#pragma once
// The TLS settings of csp-ledgerd --tls-cert FILE --tls-key FILE: TLS 1.2
// or later, forward-secret AEAD ciphers only, no renegotiation.

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "domain/result.h"

namespace csp::server {

// invalid_input naming the file and its flag when the certificate chain
// or the key cannot be read, is not PEM, or the key is not the
// certificate's. The context is shared by every TLS connection.
domain::Result<std::unique_ptr<boost::asio::ssl::context>> tls_context_of(const std::string& certificate_path,
                                                                          const std::string& key_path);

}  // namespace csp::server
