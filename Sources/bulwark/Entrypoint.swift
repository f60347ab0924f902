import BulwarkCLI
#if canImport(Glibc)
import CMalloc
import Glibc
#endif

@main
struct Entrypoint {
  static func main() async {
    prepareHeap()
    await BulwarkCommand.main()
  }

  /// glibc's heap, set up for a process that builds one large plan (docs/benchmarks.md, "The heap,
  /// the text as bytes"). The work runs on the cooperative pool's threads, where glibc gives each thread
  /// its own arena and grows it a page at a time with `mprotect` (3% of a 10,000-host plan's CPU);
  /// one arena grows with `brk` instead, and Bulwark's threads seldom allocate at once (the SSH
  /// executor waits on sockets). That heap then grows in one 256 MiB step backed by huge pages,
  /// which takes a 10,000-host plan from 70,000 page faults to about 1,500. The memory is only
  /// reserved: pages count once they are used. An operator's `MALLOC_ARENA_MAX` or
  /// `GLIBC_TUNABLES` still wins.
  private static func prepareHeap() {
    #if canImport(Glibc)
    guard getenv("MALLOC_ARENA_MAX") == nil, getenv("GLIBC_TUNABLES") == nil else { return }
    guard mallopt(M_ARENA_MAX, 1) == 1 else { return }
    _ = bulwark_heap_reserve_huge_pages(256 << 20)
    #endif
  }
}
