import BulwarkCLI
#if canImport(Glibc)
import CMalloc
import Glibc
#endif

@main
struct Entrypoint {
  static func main() async {
    useOneMallocArena()
    await BulwarkCommand.main()
  }

  /// The work runs on the cooperative pool's threads, where glibc gives each thread its own arena
  /// and grows it a page at a time with `mprotect` (3% of a 10,000-host plan's CPU). One arena
  /// grows with `brk` in large steps instead; Bulwark's threads seldom allocate at once (the SSH
  /// executor waits on sockets), so the shared lock costs nothing measurable. An operator's
  /// `MALLOC_ARENA_MAX` still wins.
  private static func useOneMallocArena() {
    #if canImport(Glibc)
    if getenv("MALLOC_ARENA_MAX") == nil { _ = mallopt(M_ARENA_MAX, 1) }
    #endif
  }
}
