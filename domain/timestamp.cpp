#include "domain/timestamp.h"

#include <charconv>

#include "domain/text.h"

namespace csp::domain {
namespace {

using namespace std::chrono;

// 10000-01-01T00:00:00Z, the first instant past the supported range.
constexpr std::int64_t micros_end = 253402300800LL * 1'000'000LL;

int read_digits(std::string_view text, std::size_t at, std::size_t count, bool& is_ok) {
  int value = 0;
  if (at + count > text.size()) {
    is_ok = false;
    return 0;
  }
  const auto [end, error] = std::from_chars(text.data() + at, text.data() + at + count, value);
  if (error != std::errc() || end != text.data() + at + count || text[at] == '-' || text[at] == '+') is_ok = false;
  return value;
}

std::string padded(std::int64_t value, std::size_t width) {
  std::string text = std::to_string(value);
  if (text.size() < width) text.insert(0, width - text.size(), '0');
  return text;
}

bool matches(std::string_view text, std::size_t at, char wanted) {
  return at < text.size() && (text[at] == wanted || text[at] == static_cast<char>(wanted + ('a' - 'A')));
}

}  // namespace

Result<Timestamp> Timestamp::from_micros(std::int64_t micros_since_epoch) {
  if (micros_since_epoch < 0 || micros_since_epoch >= micros_end) {
    return invalid_input("time " + std::to_string(micros_since_epoch) +
                         " microseconds since 1970 is outside the years 1970 to 9999");
  }
  Timestamp timestamp;
  timestamp.micros_ = micros_since_epoch;
  return timestamp;
}

Result<Timestamp> Timestamp::parse(std::string_view text) {
  const auto refuse = [&](std::string_view why) {
    return invalid_input("time \"" + std::string(utf8_prefix(text, 64)) + "\" " + std::string(why) +
                         " (RFC 3339 UTC, example: 2026-03-01T09:30:00Z)");
  };
  bool is_ok = true;
  const int year = read_digits(text, 0, 4, is_ok);
  const int month = read_digits(text, 5, 2, is_ok);
  const int day = read_digits(text, 8, 2, is_ok);
  const int hour = read_digits(text, 11, 2, is_ok);
  const int minute = read_digits(text, 14, 2, is_ok);
  const int second = read_digits(text, 17, 2, is_ok);
  if (!is_ok || text.size() < 20 || text[4] != '-' || text[7] != '-' || !matches(text, 10, 'T') ||
      text[13] != ':' || text[16] != ':') {
    return refuse("is not of the form YYYY-MM-DDTHH:MM:SSZ");
  }
  const year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                            std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return refuse("is not a calendar date");
  if (hour > 23 || minute > 59 || second > 59) return refuse("is not a time of day (leap seconds are not accepted)");

  std::size_t at = 19;
  std::int64_t fraction_micros = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    std::size_t digits = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (++digits > 6) return refuse("has more than 6 fractional digits");
      fraction_micros = fraction_micros * 10 + (text[at] - '0');
      ++at;
    }
    if (digits == 0) return refuse("has a '.' with no digits after it");
    for (std::size_t pad = digits; pad < 6; ++pad) fraction_micros *= 10;
  }
  std::int64_t offset_seconds = 0;
  if (matches(text, at, 'Z') && at + 1 == text.size()) {
    // UTC already.
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-') && text.size() == at + 6 && text[at + 3] == ':') {
    const int offset_hours = read_digits(text, at + 1, 2, is_ok);
    const int offset_minutes = read_digits(text, at + 4, 2, is_ok);
    if (!is_ok || offset_hours > 23 || offset_minutes > 59) return refuse("has an invalid UTC offset");
    offset_seconds = (offset_hours * 3600 + offset_minutes * 60) * (text[at] == '-' ? -1 : 1);
  } else {
    return refuse("must end in 'Z' or an offset such as +09:00");
  }
  const std::int64_t local_seconds = sys_days(date).time_since_epoch().count() * 86400LL +
                                     hour * 3600LL + minute * 60LL + second;
  const std::int64_t micros = (local_seconds - offset_seconds) * 1'000'000LL + fraction_micros;
  if (micros < 0 || micros >= micros_end) return refuse("is outside the years 1970 to 9999");
  return from_micros(micros);
}

std::string Timestamp::str() const {
  const sys_time<microseconds> instant{microseconds{micros_}};
  const auto day_start = floor<days>(instant);
  const year_month_day date{day_start};
  const hh_mm_ss time_of_day{instant - day_start};
  std::string text = padded(static_cast<int>(date.year()), 4) + "-" + padded(static_cast<unsigned>(date.month()), 2) +
                     "-" + padded(static_cast<unsigned>(date.day()), 2) + "T" + padded(time_of_day.hours().count(), 2) +
                     ":" + padded(time_of_day.minutes().count(), 2) + ":" + padded(time_of_day.seconds().count(), 2);
  const std::int64_t fraction = time_of_day.subseconds().count();
  if (fraction != 0) text += "." + padded(fraction, 6);
  return text + "Z";
}

Result<Timestamp> Timestamp::plus(Micros duration) const {
  const std::int64_t step = duration.count();
  if ((step > 0 && micros_ > micros_end - step) || micros_ + step < 0) {
    return invalid_input("time " + str() + " moved by " + std::to_string(step) +
                         " microseconds leaves the years 1970 to 9999");
  }
  return from_micros(micros_ + step);
}

}  // namespace csp::domain
