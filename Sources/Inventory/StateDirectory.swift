import Foundation
import Support

/// The controller's state for one cluster, and every path in it: the PKI (CAs and keys), secrets,
/// snapshots, downloads, the last plan, the run journal and the lock. Next to the inventory by
/// default, as `NAME.state/`; 0700.
public struct StateDirectory: Sendable, Hashable {
  public var path: String

  public init(path: String) { self.path = path }

  public init(inventoryPath: String, cluster: String, override: String? = nil) {
    if let override {
      path = override
    } else {
      let directory = (inventoryPath as NSString).deletingLastPathComponent
      path = (directory.isEmpty ? "." : directory) + "/\(cluster).state"
    }
  }

  public var pki: String { path + "/pki" }
  public var snapshots: String { path + "/snapshots" }
  public var lock: String { path + "/lock" }
  public var journal: String { path + "/journal.db" }
  public var lastPlan: String { path + "/last-plan.json" }
  public var adminKubeconfig: String { path + "/admin.conf" }

  /// `snapshots/CLUSTER-YYYYMMDDTHHMMSSZ.db`, named when the plan is made.
  public func newSnapshot(cluster: String, at date: Date = Date()) -> String {
    snapshots + "/\(cluster)-\(UTCDate.compact(date)).db"
  }

  /// Makes the directory (0700) if it is not there.
  public func create() throws {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
  }
}
