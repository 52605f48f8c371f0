#pragma once
// What the domain may not touch: the clock and randomness. Only cmd/ reads
// them, and hands the results to commands as plain values.

#include <cstdint>
#include <string>

#include "domain/product_key.h"
#include "domain/timestamp.h"

namespace csp::cmd {

std::int64_t now_micros();
domain::Timestamp now();

// A random (version 4) UUID from OpenSSL's generator, lowercase.
std::string new_uuid();

// A fresh product key: 25 characters from the key alphabet, drawn from
// OpenSSL's generator (keys are secrets: no std::rand).
domain::ProductKey new_product_key();

}  // namespace csp::cmd
