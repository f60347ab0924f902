import Foundation
import NetworkPolicy
import Support
import TestSupport
import Testing

/// Paths of this target's fixtures and goldens.
enum Paths {
  static let root = repositoryRoot() + "/Tests/NetworkPolicyTests"
  static func fixture(_ name: String) -> String { root + "/Fixtures/" + name }
  static func golden(_ name: String) -> String { root + "/Goldens/" + name }
  static func load(_ names: String...) -> LoadResult { ManifestLoader().load(paths: names.map(fixture)) }
}

/// Fails the test with the golden helper's description of the first difference.
func expectGolden(_ actual: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
  let mismatch = goldenMismatch(actual, file: Paths.golden(name))
  #expect(mismatch == nil, "\(mismatch ?? "")", sourceLocation: sourceLocation)
}
