import Foundation
import SafeYAML
import Support

/// What reading a set of manifests gave: the objects, every problem and note, and how much was read.
public struct LoadResult: Sendable {
  public var manifests: Manifests
  public var diagnostics: [Diagnostic]
  /// Documents that parsed (whatever their kind); zero means nothing could be read at all.
  public var documentsRead: Int
}

/// Reads Kubernetes manifests (YAML or JSON; many documents per file; `kind: List`; directory trees;
/// stdin as `-`) with SafeYAML's hostile-input checks. A broken document is reported at its
/// file:line:col and the others are still read.
public struct ManifestLoader: Sendable {
  public static let extensions: Set<String> = ["yaml", "yml", "json"]
  public var maxBytes: Int

  public init(maxBytes: Int = 512 << 20) { self.maxBytes = maxBytes }

  /// Each path is a file, a directory (walked for .yaml/.yml/.json, in name order) or `-` for `stdin`.
  public func load(paths: [String], stdin: () -> [UInt8] = { [] }) -> LoadResult {
    var sources: [(name: String, bytes: [UInt8])] = []
    var diagnostics: [Diagnostic] = []
    for path in paths {
      if path == "-" {
        sources.append(("<stdin>", stdin()))
        continue
      }
      for file in files(under: path, diagnostics: &diagnostics) {
        guard let data = FileManager.default.contents(atPath: file) else {
          diagnostics.append(.error("file-unreadable", "cannot read \(file)", at: SourceLocation(file: file, line: 1, column: 1)))
          continue
        }
        sources.append((file, Array(data)))
      }
    }
    var result = load(sources)
    result.diagnostics = diagnostics + result.diagnostics
    return result
  }

  /// Already-read sources, as (display name, bytes).
  public func load(_ sources: [(name: String, bytes: [UInt8])]) -> LoadResult {
    var decoded = DecodedObjects()
    var diagnostics: [Diagnostic] = []
    var documents = 0
    let yaml = YAMLLoader(maxBytes: maxBytes, aliasNodeBudget: 1_000_000)
    for source in sources {
      let chunks = isJSON(source.bytes) ? [DocumentSplitter.Chunk(bytes: source.bytes, lineOffset: 0)]
                                        : DocumentSplitter.split(source.bytes)
      for chunk in chunks {
        switch yaml.parse(chunk.bytes, file: source.name) {
        case .failure(let error):
          for var d in error.diagnostics where d.code != "empty-document" {
            d.location?.line += chunk.lineOffset
            diagnostics.append(d)
          }
        case .success(let document):
          documents += 1
          let access = NodeAccess(file: source.name, lineOffset: chunk.lineOffset)
          ObjectDecoder(access: access).decode(document.root, into: &decoded)
          diagnostics += access.diagnostics
        }
      }
    }
    let manifests = Manifests(workloads: OwnerResolution.resolve(decoded.workloads),
                              namespaces: decoded.namespaces, policies: decoded.policies)
    return LoadResult(manifests: manifests, diagnostics: diagnostics, documentsRead: documents)
  }

  private func isJSON(_ bytes: [UInt8]) -> Bool {
    let first = bytes.first { !(($0 == 0x20) || ($0 == 0x0A) || ($0 == 0x0D) || ($0 == 0x09)) }
    return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
  }

  private func files(under path: String, diagnostics: inout [Diagnostic]) -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      diagnostics.append(.error("file-unreadable", "\(path) does not exist", at: SourceLocation(file: path, line: 1, column: 1)))
      return []
    }
    guard isDirectory.boolValue else { return [path] }
    let base = URL(fileURLWithPath: path)
    guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else {
      return []
    }
    var out: [String] = []
    for case let url as URL in walker where Self.extensions.contains(url.pathExtension.lowercased()) {
      out.append(path.hasSuffix("/") ? path + url.path.dropFirst(base.path.count + 1)
                                     : path + "/" + url.path.dropFirst(base.path.count + 1))
    }
    return out.sorted()
  }
}
