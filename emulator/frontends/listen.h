// One TCP client for the protocol servers (--gdb, --dap): listens on HOST:PORT (":PORT" is
// 127.0.0.1; port 0 picks a free one), calls `announce` with the address it listens on, accepts
// one client and closes the listener (a second client is refused). The connected descriptor.
// listenOn and acceptOne are the two halves, for a server with work to do in between.
#pragma once

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>

#include "loader/error.h"

namespace gd::emu {

// A listening socket and the address it listens on.
struct Listener {
  int fd = -1;
  std::string ip;
  int port = 0;
};

// Listens on HOST:PORT: a bad address or a port in use is an error before anything else runs.
inline Expected<Listener> listenOn(const std::string& option, const std::string& hostPort) {
  size_t colon = hostPort.rfind(':');
  if (colon == std::string::npos)
    return failKind(ErrorKind::Usage, "{} {}: expected HOST:PORT or :PORT", option, hostPort);
  std::string host = colon == 0 ? "127.0.0.1" : hostPort.substr(0, colon);
  std::string portText = hostPort.substr(colon + 1);
  char* end = nullptr;
  long port = std::strtol(portText.c_str(), &end, 10);
  if (portText.empty() || *end || port < 0 || port > 65535)
    return failKind(ErrorKind::Usage, "{} {}: {} is not a port number", option, hostPort, portText);
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || !res)
    return failKind(ErrorKind::Usage, "{} {}: cannot resolve {}", option, hostPort, host);
  sockaddr_in sa{};
  std::memcpy(&sa, res->ai_addr, sizeof sa);
  freeaddrinfo(res);
  sa.sin_port = htons(uint16_t(port));
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  if (ls >= 0) setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (ls < 0 || bind(ls, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || listen(ls, 1) != 0) {
    std::string why = std::strerror(errno);
    if (ls >= 0) close(ls);
    return failKind(ErrorKind::Usage, "{} {}: cannot listen: {}", option, hostPort, why);
  }
  socklen_t sl = sizeof sa;
  getsockname(ls, reinterpret_cast<sockaddr*>(&sa), &sl);
  char ip[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof ip);
  return Listener{ls, ip, ntohs(sa.sin_port)};
}

// Accepts one client and closes the listener (a second client is refused).
inline Expected<int> acceptOne(const std::string& option, const Listener& l) {
  int fd = accept(l.fd, nullptr, nullptr);
  close(l.fd);
  if (fd < 0)
    return failKind(ErrorKind::Usage, "{}: accept failed: {}", option, std::strerror(errno));
  return fd;
}

inline Expected<int> acceptOneClient(const std::string& option, const std::string& hostPort,
                                     const std::function<void(const std::string&, int)>& announce) {
  auto l = listenOn(option, hostPort);
  if (!l) return std::unexpected(l.error());
  announce(l->ip, l->port);
  return acceptOne(option, *l);
}

} // namespace gd::emu
