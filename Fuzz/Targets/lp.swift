import LiveSolveModel

/// The LP reader on any text; what it reads, the writer writes and the reader reads back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let model = try? ModelFormat.lp.read(text) { _ = try? ModelFormat.lp.read(LPWriter.write(model)) }
    return 0
}
