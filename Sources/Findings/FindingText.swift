extension Finding {
  /// One line for a terminal: `file:line:col: error: message [rule]`; a suppressed finding says
  /// `waived` and why.
  public var rendered: String {
    var out = ""
    if let p = position { out += "\(p.file):\(p.line):\(p.column): " }
    if let reason = suppressedBecause {
      out += "waived: \(message) [\(ruleID)] (\(reason))"
    } else {
      out += "\(level.rawValue): \(message) [\(ruleID)]"
    }
    return out
  }
}
