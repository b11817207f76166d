import Foundation

/// The host and port of a `--url` such as `ws://127.0.0.1:8080`, or the one-line error saying
/// what it must look like.
public func serverAddress(_ url: String) throws(ModelFile.Failure) -> (host: String, port: Int) {
    let (host, port, _) = try serverEndpoint(url)
    return (host, port)
}

/// `serverAddress`, and whether the URL asks for TLS (`wss://`, `https://`).
public func serverEndpoint(_ url: String) throws(ModelFile.Failure) -> (host: String, port: Int, isSecure: Bool) {
    guard let components = URLComponents(string: url), let host = components.host, let port = components.port,
          let scheme = components.scheme, ["ws", "wss", "http", "https"].contains(scheme) else {
        throw ModelFile.Failure(description: "--url must look like ws://127.0.0.1:8080 (or wss:// for a server with TLS)")
    }
    return (host, port, scheme == "wss" || scheme == "https")
}

/// The bearer token a command sends: `--token`, else `LIVESOLVE_TOKEN` from the environment.
public func bearerToken(_ option: String?) -> String? {
    option ?? ProcessInfo.processInfo.environment["LIVESOLVE_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
}
