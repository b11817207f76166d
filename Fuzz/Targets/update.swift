import LiveSolveModel

/// An update message as the server takes it: the quick reader, then (as the server does when
/// the quick reader declines) the parser and the resolver, against the refinery model.
import Foundation

/// Read from the repository (`make fuzz` runs at its root).
let refinery = try! JSONModelReader.read(try! JSONParser.parse(String(contentsOfFile: "Public/examples/refinery.json", encoding: .utf8)))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var model = refinery
    if let quick = QuickUpdateReader.read(text),
       let delta = quick.delta(columns: model.columns, bindings: model.parameters.bindings) {
        model.apply(delta)
    }
    if let json = try? JSONParser.parse(text), let delta = try? UpdateResolver(model: model).resolve(json) {
        let undo = model.reverting(delta)
        model.apply(delta)
        model.apply(undo)
    }
    return 0
}
