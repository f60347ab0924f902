/// Integer ranges sorted, with overlapping and adjacent ones joined (`2379...2379` and
/// `2380...2380` are `2379...2380`): the port sets of `netpol` and of the host matrix.
public func mergedRanges(_ ranges: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
  var out: [ClosedRange<Int>] = []
  for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
    if let last = out.last, r.lowerBound <= last.upperBound + 1 {
      out[out.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
    } else {
      out.append(r)
    }
  }
  return out
}
