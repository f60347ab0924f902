import Foundation
import Support
import TestSupport
import Testing

import Inventory

/// Every file in inventories/invalid/ must yield exactly the diagnostics in its .expected file,
/// positions included. UPDATE_GOLDENS=1 rewrites the .expected files (review the diff!).
@Suite struct InvalidInventoryCorpusTests {
  static let root = repositoryRoot()
  static let cases: [String] = {
    let dir = root + "/inventories/invalid"
    let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return files.filter { $0.hasSuffix(".yaml") }.sorted()
  }()

  @Test func corpusIsNotEmpty() {
    #expect(Self.cases.count >= 20)
  }

  @Test(arguments: cases)
  func yieldsExactlyItsExpectedDiagnostics(file: String) {
    let display = "inventories/invalid/" + file
    let loaded = LoadedInventory.load(path: Self.root + "/" + display, displayName: display)
    #expect(!loaded.diagnostics.isEmpty, "\(file) should produce diagnostics")
    let expected = Self.root + "/inventories/invalid/" + file.replacingOccurrences(of: ".yaml", with: ".expected")
    if let mismatch = goldenMismatch(loaded.diagnostics.renderedReport() + "\n", file: expected) {
      Issue.record(Comment(rawValue: mismatch))
    }
  }

  @Test(arguments: ["inventories/hybrid.yaml", "inventories/single.yaml"])
  func samplesAreValidWithoutWarnings(file: String) {
    let loaded = LoadedInventory.load(path: Self.root + "/" + file, displayName: file)
    #expect(loaded.inventory != nil)
    #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.rendered))")
  }
}
