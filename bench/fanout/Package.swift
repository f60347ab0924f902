// swift-tools-version:6.0
// Not part of the product: drives Bulwark's SSH executor for bench/fanout/run.sh.
import PackageDescription

let package = Package(
  name: "fanout",
  dependencies: [.package(name: "Bulwark", path: "../..")],
  targets: [
    .executableTarget(name: "fanout", dependencies: [.product(name: "BulwarkSSH", package: "Bulwark")])
  ],
  swiftLanguageModes: [.v6]
)
