import LiveSolveModel
import LiveSolveStore

/// A model read back from the store: its document with every logged update applied.
struct RestoredModel: Sendable {
    var number: UInt32
    var model: Model
    var seq: Int
    /// The basis of the newest snapshot's solve: the first solve starts warm from it.
    var basis: Basis?
    /// For a following fork: the model it follows and the entries it set itself.
    var parent: UInt32?
    var overrides = Overrides()

    /// Rebuilds a stored model; off the loop, it is O(model + log).
    init(_ stored: StoredModel, path: String) throws(StoreError) {
        func broken(_ what: String) -> StoreError {
            StoreError(description: "the store \(path) holds a model m\(stored.number) that cannot be read back: \(what)")
        }
        do {
            model = try JSONModelReader.read(try JSONParser.parse(stored.document))
        } catch {
            throw broken("\(error)")
        }
        model.name = stored.name
        number = stored.number
        seq = stored.seq
        basis = stored.basis.map { Basis(statuses: $0) }
        parent = stored.parent
        if let text = stored.overrides {
            do { overrides = Overrides(json: try JSONParser.parse(text)) } catch { throw broken("its overrides: \(error)") }
        }
        for (seq, message) in stored.updates {
            var echo = RequestEcho()
            guard case .update(_, let update)? = try? ClientRequestParser.parse(message, context: &echo) else {
                throw broken("update \(seq) is not an update message")
            }
            do {
                model.apply(try UpdateResolver(model: model).resolve(update))
            } catch {
                throw broken("update \(seq): \(error)")
            }
            self.seq = seq
        }
    }
}
