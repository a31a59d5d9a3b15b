// Errors as values: every fallible loader call returns Expected<T>. The message carries its
// context (file, symbol, offset in hex); only main() turns it into text and an exit status.
#pragma once

#include <expected>
#include <string>

#include <fmt/format.h>

namespace gd {

// What kind of failure, so the command line can pick the exit status the contract gives.
enum class ErrorKind {
  BadInput,    // corrupt, truncated, unsupported, wrong architecture: exit 3
  Unsupported, // a runtime call or relocation we do not model: exit 3
  Limit,       // instruction limit, runaway guest: exit 3
  Usage,       // bad command line: exit 3 as well (the tool could not run the input)
};

struct Error {
  ErrorKind kind = ErrorKind::BadInput;
  std::string message;

  // Prefix more context ("deferr.o: " + "symbol main.c: ...").
  Error context(const std::string& prefix) const { return {kind, prefix + ": " + message}; }
};

template <class T> using Expected = std::expected<T, Error>;

template <class... Args>
std::unexpected<Error> fail(fmt::format_string<Args...> f, Args&&... args) {
  return std::unexpected(Error{ErrorKind::BadInput, fmt::format(f, std::forward<Args>(args)...)});
}

template <class... Args>
std::unexpected<Error> failKind(ErrorKind k, fmt::format_string<Args...> f, Args&&... args) {
  return std::unexpected(Error{k, fmt::format(f, std::forward<Args>(args)...)});
}

} // namespace gd
