import NetworkPolicy
import Testing

@Suite struct DiffTests {
  @Test func changeIsReportedPerPair() {
    let before = Paths.load("diff/before.yaml").manifests, after = Paths.load("diff/after.yaml").manifests
    let changes = ConnectivityDiff.compare(before, after)
    expectGolden(ConnectivityDiff.render(changes, as: .txt), "diff/before-after.txt")
    #expect(changes.contains { $0.kind == .removed && $0.source.description == "shop/batch[Pod]" })
    #expect(changes.contains { $0.kind == .changed && $0.after.description == "TCP 5432-5433" })
  }

  @Test func reverseDiffSwapsAddedAndRemoved() {
    let before = Paths.load("diff/before.yaml").manifests, after = Paths.load("diff/after.yaml").manifests
    let forward = ConnectivityDiff.compare(before, after), backward = ConnectivityDiff.compare(after, before)
    #expect(forward.filter { $0.kind == .added }.count == backward.filter { $0.kind == .removed }.count)
    #expect(forward.filter { $0.kind == .changed }.count == backward.filter { $0.kind == .changed }.count)
  }

  @Test func sameManifestsHaveNoChanges() {
    let m = Paths.load("diff/after.yaml").manifests
    #expect(ConnectivityDiff.compare(m, m).isEmpty)
  }

  @Test func csvHasBeforeAndAfterColumns() {
    let changes = ConnectivityDiff.compare(Paths.load("diff/before.yaml").manifests, Paths.load("diff/after.yaml").manifests)
    expectGolden(ConnectivityDiff.render(changes, as: .csv), "diff/before-after.csv")
  }
}
