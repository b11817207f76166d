import Foundation
import Synchronization
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Test hosts on one machine: each a network namespace of its own (`ip netns`, as root), joined
/// by a veth pair to a bridge in the test's namespace, which holds the first address of a /24
/// of its own. A host is cut off with `ip link set … down` on its end of the bridge, as if its
/// cable were pulled. Everything is deleted at `deinit`.
final class NetworkHosts: @unchecked Sendable {
    // @unchecked: used by one test at a time.
    private let prefix: String
    private let subnet: Int
    private var hosts: [String] = []
    private let bridge: String

    /// The test's own address on the bridge.
    var gateway: String { "10.\(200 + subnet / 250).\(subnet % 250).1" }

    init() throws {
        // Names of at most 15 bytes and a subnet unique to this instance, so that neither runs
        // side by side nor what a previous test left meet.
        let tag = (Int(getpid()) * 16 + Self.instances.add(1, ordering: .relaxed).oldValue) % 60_000
        prefix = "ls\(tag)"
        subnet = tag % 1000
        bridge = "\(prefix)br"
        try Self.ip(["link", "add", bridge, "type", "bridge"])
        try Self.ip(["addr", "add", "\(gateway)/24", "dev", bridge])
        try Self.ip(["link", "set", bridge, "up"])
    }

    /// Adds a host; returns its address.
    @discardableResult
    func add(_ host: String) throws -> String {
        let namespace = self.namespace(host), veth = self.veth(host)
        hosts.append(host)
        try Self.ip(["netns", "add", namespace])
        try Self.ip(["link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", namespace])
        try Self.ip(["link", "set", veth, "master", bridge, "up"])
        let address = self.address(host)
        try Self.ip(["-n", namespace, "addr", "add", "\(address)/24", "dev", "eth0"])
        try Self.ip(["-n", namespace, "link", "set", "eth0", "up"])
        try Self.ip(["-n", namespace, "link", "set", "lo", "up"])
        return address
    }

    func address(_ host: String) -> String {
        "10.\(200 + subnet / 250).\(subnet % 250).\(hosts.firstIndex(of: host)! + 2)"
    }

    func namespace(_ host: String) -> String { "\(prefix)\(host)" }

    /// The command line that runs `arguments` on `host`.
    func command(on host: String, _ arguments: [String]) -> [String] {
        ["/usr/sbin/ip", "netns", "exec", namespace(host)] + arguments
    }

    /// Pulls the host's cable: nothing crosses from then on.
    func cut(_ host: String) throws { try Self.ip(["link", "set", veth(host), "down"]) }

    private func veth(_ host: String) -> String { "\(prefix)v\(host)" }

    private static let instances = Atomic(0)

    deinit {
        // A namespace lives on while a process is still in it: its veth pair goes now.
        for host in hosts {
            try? Self.ip(["link", "delete", veth(host)])
            try? Self.ip(["netns", "delete", namespace(host)])
        }
        try? Self.ip(["link", "delete", bridge])
    }

    private static func ip(_ arguments: [String]) throws { try runTool("/usr/sbin/ip", arguments) }
}
