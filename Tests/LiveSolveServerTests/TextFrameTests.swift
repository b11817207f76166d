import LiveSolveClient
import NIOCore
import Testing

@testable import LiveSolveServer

/// Frames written in place carry the shortest header their length allows (RFC 6455 §5.2), and a
/// client's decoder reads the payload back whole.
@Test(arguments: [0, 1, 125, 126, 65_535, 65_536, 200_000])
func textFramesCarryTheirPayloadBehindTheShortestHeader(length: Int) {
    let text = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
    var writer = TextFrameWriter(capacity: 16)
    writer.write(text)
    let frame = writer.finish()
    let bytes = Array(frame.readableBytesView)
    let header = length < 126 ? 2 : length <= 65_535 ? 4 : 10
    #expect(bytes.count == header + length)
    #expect(TextFrame.headerLength(of: frame) == header)
    #expect(bytes.first == 0x81)
    let decoded = bytes.withUnsafeBytes { RawFrame.next(in: $0) }
    #expect(decoded?.opcode == 0x1)
    #expect(decoded?.length == bytes.count)
    if let payload = decoded?.payload { #expect(String(decoding: bytes[payload], as: UTF8.self) == text) }
}
