// The type hash the compiler stores in every type descriptor (abi.Type.Hash), which compiled
// type switches compare against constants. Objects carry the descriptors of their own types;
// those of predeclared types (type:int, type:string, ...) are the runtime's, so the model
// computes their hashes the way each release's compiler does:
//   Go 1.15       md5(t.LongString())[0:4]                 (cmd/compile/internal/gc/subr.go)
//   Go 1.19-1.23  notsha256 = ^sha256(t.LinkString())[0:4] (types/fmt.go, cmd/internal/notsha256)
//   Go 1.24       sha256(t.LinkString())[8:12]             (types/fmt.go, cmd/internal/hash.Sum16)
//   Go 1.25+      sha256(t.LinkString()) with [0] ^= 0xff, [0:4] (cmd/internal/hash.Sum32)
// all read little-endian. For predeclared types both strings are the type's name.
#include <array>

#include <openssl/evp.h>

#include "runtime_stubs/heaprules.h"

namespace gd::rt {
namespace {

// The digest of `msg` by OpenSSL (libssl-dev): MD5 or SHA-256.
template <size_t N> std::array<uint8_t, N> digest(const EVP_MD* md, const std::string& msg) {
  std::array<uint8_t, N> out{};
  unsigned int len = 0;
  EVP_Digest(msg.data(), msg.size(), out.data(), &len, md, nullptr);
  return out;
}

uint32_t le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

} // namespace

uint32_t goTypeHash(const std::string& typeString, TypeHashRule rule) {
  if (rule == TypeHashRule::Md5) return le32(digest<16>(EVP_md5(), typeString).data());
  auto h = digest<32>(EVP_sha256(), typeString);
  switch (rule) {
  case TypeHashRule::Sha256At8:
    return le32(h.data() + 8);
  case TypeHashRule::Sha256XorFF:
    h[0] ^= 0xff;
    return le32(h.data());
  default:
    for (auto& b : h)
      b = uint8_t(~b);
    return le32(h.data());
  }
}

} // namespace gd::rt
