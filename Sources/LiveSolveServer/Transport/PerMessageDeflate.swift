import Foundation
import NIOHTTP1

/// permessage-deflate (RFC 7692), as this server speaks it: it accepts compressed messages from
/// a client that offers the extension and sends its own uncompressed (RSV1 clear, which the RFC
/// allows per message), so a message is still encoded once for every subscriber. Both sides
/// reset their context per message.
enum PerMessageDeflate {
    /// The `Sec-WebSocket-Extensions` value accepting the client's first acceptable offer; nil
    /// when it made none.
    static func response(to headers: HTTPHeaders) -> String? {
        let offers = headers[canonicalForm: "Sec-WebSocket-Extensions"].map(String.init)
        for offer in offers {
            var parts = offer.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.first == "permessage-deflate" else { continue }
            parts.removeFirst()
            var response = "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
            var acceptable = true
            for parameter in parts {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                let bits = pair.count == 2 ? Int(pair[1].trimmingCharacters(in: ["\""])) : nil
                switch pair[0] {
                case "server_no_context_takeover", "client_no_context_takeover":
                    continue
                case "client_max_window_bits":
                    // Without a value it only says the client could take one; we inflate any window.
                    if pair.count == 2, !(8...15).contains(bits ?? 0) { acceptable = false }
                case "server_max_window_bits":
                    // Binding only on what we compress, which is nothing; echoed as the RFC asks.
                    if let bits, (8...15).contains(bits) { response += "; server_max_window_bits=\(bits)" } else { acceptable = false }
                default:
                    acceptable = false
                }
            }
            if acceptable { return response }
        }
        return nil
    }
}
