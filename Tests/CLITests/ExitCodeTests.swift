import ArgumentParser
import Testing

@testable import BulwarkCLI

/// The exit code of a read-only check (audit, drift) over a fleet where some hosts could not be reached.
@Suite struct ExitCodeTests {
  @Test(arguments: [(0, 50, nil), (10, 50, 5), (49, 50, 5), (50, 50, 1), (1, 1, 1)] as [(Int, Int, Int32?)])
  func uncheckedHostsMakeAPartialOrAWholeFailure(unreachable: Int, checked: Int, wanted: Int32?) {
    #expect(BulwarkExit.unchecked(unreachable, of: checked)?.rawValue == wanted)
  }
}
