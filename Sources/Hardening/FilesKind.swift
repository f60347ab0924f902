import Planning

/// `hardening.files`: the modes and owners of the catalogue's files that cover this host, fixed only
/// where they exist (`HardeningScripts.fixFiles`), and skipped when they all hold already.
struct FilesKind: StepKind {
  let name = "hardening.files"
  let parameters: [ParameterSpec] = []
  let catalogue: [Check]
  let memo = RoleMemo()

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    memo.drafts(for: c.host) { drafts(c) }
  }

  func drafts(_ c: ExpansionContext) -> [StepDraft] {
    var rules: [HardeningScripts.FileRule] = [], checks: [Check] = []
    for check in catalogue where check.roles.covers(c.host) {
      guard case .fileMode(let path, let mode, let owner) = check.remedy else { continue }
      rules.append(HardeningScripts.FileRule(path: path, mode: mode, owner: owner))
      checks.append(check)
    }
    guard !rules.isEmpty else { return [] }
    return [StepDraft("files", "file modes and owners (\(CheckIDs.summary(checks))) on the files that exist", action: .update,
      .command(argv: ["sh", "-c", HardeningScripts.fixFiles(rules)], unless: ["sh", "-c", HardeningScripts.filesHold(rules)]))]
  }
}
