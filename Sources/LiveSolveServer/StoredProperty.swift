/// A stored property of an object or of one of its superclasses, by name: for what SwiftNIO
/// keeps to itself (a socket's descriptor, the loop's epoll descriptor).
func storedProperty(_ label: String, of value: Any) -> Any? {
    var mirror: Mirror? = Mirror(reflecting: value)
    while let current = mirror {
        if let child = current.children.first(where: { $0.label == label }) { return child.value }
        mirror = current.superclassMirror
    }
    return nil
}
