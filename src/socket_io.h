// SPDX-License-Identifier: MIT
// Non-blocking socket reads and writes shared by the TLS server and client (tls.cc,
// tls_client.cc): MSG_DONTWAIT, so the fd's own blocking mode never matters; EINTR retried.
#ifndef FREENAHI_SOCKET_IO_H_
#define FREENAHI_SOCKET_IO_H_

#include <errno.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <cstddef>

namespace freenahi {

inline ssize_t RecvNow(int fd, void* buffer, size_t capacity) {
  ssize_t n;
  do {
    n = ::recv(fd, buffer, capacity, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  return n;
}

inline ssize_t SendNow(int fd, const void* data, size_t size) {
  ssize_t n;
  do {
    n = ::send(fd, data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n;
}

inline bool WouldBlock(int error) { return error == EAGAIN || error == EWOULDBLOCK; }

}  // namespace freenahi

#endif  // FREENAHI_SOCKET_IO_H_
