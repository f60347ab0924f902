import Drift
import Hardening
import Inventory
import PlanFixtures
import Planning
import Report
import TestSupport
import Testing

/// The HTML report for the hybrid sample: the topology picture, the plan, audit and drift sections.
@Suite struct ReportTests {
  @Test func theHybridClusterIsDrawnAndEveryHostIsInIt() throws {
    let inv = try #require(InventoryLoader().load(path: repositoryRoot() + "/inventories/hybrid.yaml").inventory)
    let book = try PlaybookLoader().load(path: repositoryRoot() + "/playbooks/bootstrap.yaml").get()
    let plan = try PlanFixtures.plan(inv, book)
    let drift = [HostDrift(host: "cp-dc1", findings: [DriftFinding(item: "harden/cp-dc1/sshd", summary: "sshd", detail: "content differs",
      diff: "--- a\n+++ b\n-PasswordAuthentication yes\n")], compared: 10),
      HostDrift(host: "cp-dc2", findings: [], compared: 0, error: "timed out"),
      HostDrift(host: "cp-aws", findings: [DriftFinding(item: "x", summary: "x", detail: "<script>alert(1)</script>")], compared: 1)]
    let html = HTMLReport(inventory: inv, plan: plan, planMadeAt: "2026-11-26T00:00:00Z", audits: [], drift: drift, lastRun: nil,
      generatedAt: "2026-11-26T00:00:00Z").render()
    #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<svg") && !html.contains("<script"))
    for h in inv.hosts { #expect(html.contains(">\(h.name)</text>"), "\(h.name) is drawn") }
    for s in inv.sites { #expect(html.contains(">\(s.name)</text>")) }
    #expect(html.contains("vip 10.10.0.100:6443") && html.contains("loadBalancer k8s-api.aws.example.com:6443"))
    #expect(html.contains("etcd member"))
    #expect(html.contains("-PasswordAuthentication yes") && html.contains("could not be checked: timed out"))
    // Text from the hosts is escaped.
    #expect(!html.contains("<script>alert") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
  }
}
