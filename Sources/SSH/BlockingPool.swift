import Foundation

/// A fixed set of OS threads for blocking work (libssh2 calls, poll). Swift's cooperative pool has
/// two threads on these machines; nothing that can block ever runs there. Jobs queue FIFO.
final class BlockingPool: @unchecked Sendable {
  private let condition = NSCondition()
  private var jobs: [() -> Void] = []
  private var head = 0
  private var started = 0
  private let size: Int

  init(threads: Int) { size = max(1, threads) }

  /// Runs `body` on a pool thread and resumes the caller with its result.
  func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      submit { continuation.resume(with: Result { try body() }) }
    }
  }

  private func submit(_ job: @escaping () -> Void) {
    condition.lock()
    jobs.append(job)
    // Threads start lazily: a run that touches three hosts uses three threads, not fifty.
    let pending = jobs.count - head
    if started < size, pending > idle {
      started += 1
      let thread = Thread { [weak self] in self?.loop() }
      thread.name = "bulwark-ssh-\(started)"
      thread.stackSize = 512 << 10
      thread.start()
    }
    condition.signal()
    condition.unlock()
  }

  private var idle = 0

  private func loop() {
    while true {
      condition.lock()
      while head == jobs.count {
        idle += 1
        condition.wait()
        idle -= 1
      }
      let job = jobs[head]
      head += 1
      if head > 256, head * 2 > jobs.count {
        jobs.removeFirst(head)
        head = 0
      }
      condition.unlock()
      job()
    }
  }

  var threadCount: Int {
    condition.lock()
    defer { condition.unlock() }
    return started
  }
}
