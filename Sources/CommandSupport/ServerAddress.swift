import Foundation

/// The host and port of a `--url` such as `ws://127.0.0.1:8080`, or the one-line error saying
/// what it must look like.
public func serverAddress(_ url: String) throws(ModelFile.Failure) -> (host: String, port: Int) {
    guard let components = URLComponents(string: url), let host = components.host, let port = components.port else {
        throw ModelFile.Failure(description: "--url must look like ws://127.0.0.1:8080")
    }
    return (host, port)
}
