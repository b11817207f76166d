import LiveSolveModel

/// The JSON parser and the model document reader on any bytes: an error, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let json = try? JSONParser.parse(text) {
        _ = JSONWriter.string(json)
        if let model = try? JSONModelReader.read(json) { _ = JSONWriter.string(JSONModelWriter.document(model)) }
    }
    _ = try? JSONParser.parseMessage(text, keepingTextOf: "id")
    return 0
}
