// fanout SCENARIO HOSTS-FILE KEY KNOWN-HOSTS USER
//   SCENARIO: one | ten | copy1m
// Connects to every host at once (one session each, Bulwark's SSH executor), runs the scenario,
// prints "kex=<negotiated>" and exits non-zero if any host failed.
import Foundation
import Remote
import SSH

let args = CommandLine.arguments
guard args.count == 6 else {
  FileHandle.standardError.write(Data("usage: fanout one|ten|copy1m HOSTS-FILE KEY KNOWN-HOSTS USER\n".utf8))
  exit(2)
}
let (scenario, hostsFile, key, knownHosts, user) = (args[1], args[2], args[3], args[4], args[5])
let port = Int(ProcessInfo.processInfo.environment["FANOUT_PORT"] ?? "22") ?? 22
let addresses = try String(contentsOfFile: hostsFile, encoding: .utf8).split(separator: "\n").map(String.init)
var configs: [HostID: SSHHostConfig] = [:]
for a in addresses {
  configs[a] = SSHHostConfig(address: a, port: port, user: user, keyFiles: [key], knownHostsPath: knownHosts)
}
let transport = SSHTransport(hosts: configs, threads: addresses.count)
let payload = [UInt8](repeating: 0x5a, count: 1 << 20)

let failures = await withTaskGroup(of: (String, String?).self) { group in
  for a in addresses {
    group.addTask {
      do {
        let host = try await transport.connect(to: HostEndpoint(id: a, address: a, port: port, user: user))
        switch scenario {
        case "one":
          _ = try await host.run(RemoteCommand(["uname", "-r"], privileged: false))
        case "ten":
          for i in 0..<10 { _ = try await host.run(RemoteCommand(["echo", "\(i)"], privileged: false)) }
        default:
          try await host.writeFile("/tmp/bulwark-fanout.bin", contents: payload, mode: 0o644, owner: user, group: user)
        }
        let kex = (host as? SSHHost)?.negotiated.kex ?? "?"
        await host.close()
        return (a, "kex=" + kex)
      } catch {
        return (a, nil)
      }
    }
  }
  var failed = 0
  var kex = ""
  for await (_, note) in group {
    if let note { kex = note } else { failed += 1 }
  }
  print(kex)
  return failed
}
exit(failures == 0 ? 0 : 1)
