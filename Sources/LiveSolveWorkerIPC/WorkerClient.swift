import CSupport

#if canImport(Glibc)
import Glibc
#endif

/// A `livesolve worker` child process driven by blocking round trips: for the CLI, the bench
/// and tests. (The server drives its workers from its event loop instead.)
public final class WorkerClient {
    public let pid: pid_t
    private let channel: FrameChannel
    private var hasExited = false

    /// Why a worker could not be started or answered.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Spawns `executable worker` with pipes on its stdin and stdout; its stderr is inherited.
    public init(executable: String, arguments: [String] = ["worker"]) throws(Failure) {
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0]
        guard ls_pipe_cloexec(&toChild) == 0, ls_pipe_cloexec(&fromChild) == 0 else {
            throw Failure(description: "cannot create pipes: \(String(cString: strerror(errno)))")
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let pid = ls_spawn(executable, argv, toChild[0], fromChild[1])
        close(toChild[0])
        close(fromChild[1])
        guard pid > 0 else {
            close(toChild[1])
            close(fromChild[0])
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(-pid)))")
        }
        self.pid = pid
        channel = FrameChannel(input: fromChild[0], output: toChild[1])
    }

    deinit {
        close(channel.output)
        close(channel.input)
        if !hasExited {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    /// Sends a request and waits up to `timeoutMillis` for its reply.
    public func roundTrip(_ request: WorkerRequest, timeoutMillis: Int32 = 600_000) throws(Failure) -> WorkerReply {
        send(frame: request.frame())
        return try receive(timeoutMillis: timeoutMillis)
    }

    /// Writes raw bytes (tests use it to send malformed frames).
    public func send(frame: [UInt8]) {
        channel.write(frame)
    }

    public func receive(timeoutMillis: Int32 = 600_000) throws(Failure) -> WorkerReply {
        let payload: [UInt8]
        do { payload = try channel.readFrame(timeoutMillis: timeoutMillis) } catch {
            throw Failure(description: "worker \(pid): \(error)")
        }
        do { return try WorkerReply.decode(payload) } catch {
            throw Failure(description: "worker \(pid) sent a bad frame: \(error)")
        }
    }

    /// Asks the worker to exit and waits up to `timeoutMillis` for it; kills it after that.
    /// Returns its exit status.
    @discardableResult
    public func shutdown(timeoutMillis: Int = 5_000) -> Int32 {
        _ = try? roundTrip(.shutdown, timeoutMillis: Int32(timeoutMillis))
        var status: Int32 = 0
        for _ in 0..<max(1, timeoutMillis / 10) {
            if waitpid(pid, &status, WNOHANG) == pid { hasExited = true; return status }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        hasExited = true
        return status
    }
}
