/// Lower-case hexadecimal, as sha256sum prints digests.
public func hexString<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
  let digits = Array("0123456789abcdef".utf8)
  var out: [UInt8] = []
  for b in bytes { out += [digits[Int(b >> 4)], digits[Int(b & 0x0f)]] }
  return String(decoding: out, as: UTF8.self)
}
