import CLibSSH2
import Foundation
import Remote

/// A TCP connection with a timeout, errors mapped to distinct codes.
enum TCP {
  static func connect(host: String, port: Int, timeout: Duration, id: HostID) throws -> Int32 {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    let rc = getaddrinfo(host, String(port), &hints, &list)
    guard rc == 0, let first = list else {
      throw RemoteError(.nameResolution, host: id, "cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
    }
    defer { freeaddrinfo(list) }
    let deadline = ContinuousClock.now + timeout
    var lastError = RemoteError(.connectionRefused, host: id, "cannot connect to \(host):\(port)")
    var ai: UnsafeMutablePointer<addrinfo>? = first
    while let a = ai {
      ai = a.pointee.ai_next
      let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
      if fd < 0 { continue }
      _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
      var one: Int32 = 1
      setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
      if Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { return fd }
      guard errno == EINPROGRESS else {
        lastError = mapErrno(errno, host, port, id)
        close(fd)
        continue
      }
      var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
      let remaining = max(0, Int32((deadline - ContinuousClock.now).seconds * 1000))
      let ready = poll(&pfd, 1, remaining)
      if ready == 0 {
        close(fd)
        throw RemoteError(.timeout, host: id, "connecting to \(host):\(port) timed out after \(timeout)")
      }
      var soError: Int32 = 0
      var len = socklen_t(MemoryLayout<Int32>.size)
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len)
      if soError == 0 { return fd }
      lastError = mapErrno(soError, host, port, id)
      close(fd)
    }
    throw lastError
  }

  static func mapErrno(_ e: Int32, _ host: String, _ port: Int, _ id: HostID) -> RemoteError {
    let text = String(cString: strerror(e))
    switch e {
    case ECONNREFUSED: return RemoteError(.connectionRefused, host: id, "connection refused by \(host):\(port)")
    case ETIMEDOUT: return RemoteError(.timeout, host: id, "connecting to \(host):\(port) timed out")
    default: return RemoteError(.connectionRefused, host: id, "cannot connect to \(host):\(port): \(text)")
    }
  }
}
