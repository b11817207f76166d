import LiveSolveModel

/// The worker's frame decoders, both ways, on any bytes: an error, never a crash. Whatever
/// decodes encodes again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let request = try? WorkerRequest.decode(bytes) { _ = request.frame() }
    _ = try? ReceivedRequest.decode(bytes)
    _ = try? ReceivedReply.decode(bytes)
    _ = try? AnswerFrame.decode(bytes)
    _ = try? WorkerReply.decode(bytes)
    let buffer = FrameBuffer()
    bytes.withUnsafeBytes { buffer.append($0) }
    while let frame = try? buffer.nextFrame() { _ = try? WorkerRequest.decode(frame) }
    return 0
}
