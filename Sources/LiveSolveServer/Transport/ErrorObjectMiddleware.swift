import Hummingbird
import LiveSolveModel
import NIOCore

/// Turns every error on the REST side, unknown paths included, into the protocol's error object.
struct ErrorObjectMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The REST routes, to tell a known path asked with another method (405) from an unknown one.
    let routes: [RESTRoutes.Route]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            return response
        } catch let error as RequestError {
            return JSONResponse.error(error)
        } catch let error as HTTPError where error.status == .notFound {
            return noRoute(for: request)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return JSONResponse.error(RequestError(.tooLarge, "request body too large"))
        } catch let error as HTTPError {
            return JSONResponse.error(RequestError(.badMessage, error.body ?? "\(error.status)"), status: error.status)
        }
    }

    /// No route answered. The stream's path asked without a WebSocket upgrade is 426; a REST path
    /// asked with a method it does not answer is 405 with `Allow`; anything else is 404.
    private func noRoute(for request: Request) -> Response {
        let path = request.uri.path
        var allowed: [HTTPRequest.Method]
        if path == StreamChannel.path {
            if request.method == .get {
                var response = JSONResponse.error(RequestError(.badMessage, "\(path) is a WebSocket endpoint: connect with a WebSocket client"), status: .upgradeRequired)
                response.headers[.upgrade] = "websocket"
                return response
            }
            allowed = [.get]
        } else {
            allowed = RESTRoutes.methods(at: path, in: routes)
            // The router answers HEAD wherever it answers GET.
            if let get = allowed.firstIndex(of: .get) { allowed.insert(.head, at: get + 1) }
        }
        // A method the shape allows, yet no route: the router saw another path (never a 405 naming it).
        guard !allowed.isEmpty, !allowed.contains(request.method) else {
            return JSONResponse.error(RequestError(.badMessage, "no such path: \(path)"), status: .notFound)
        }
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        var response = JSONResponse.error(RequestError(.badMessage, "\(request.method.rawValue) is not allowed on \(path); allowed: \(list)"), status: .methodNotAllowed)
        response.headers[.allow] = list
        return response
    }
}
