import Foundation
import GRDB

/// The server's state on disk: SQLite in WAL mode through GRDB, one file. Every accepted change
/// is a row of the log; a restart reads the models back from it.
///
/// Not thread-safe by itself: the server's writer uses it from one thread of its own.
public final class Store: Sendable {
    /// `PRAGMA application_id` of a LiveSolve store ("LSLV"): a SQLite file without it is not ours.
    static let applicationID: Int32 = 0x4C53_4C56

    public enum Sync: String, Sendable, CaseIterable {
        /// Survives a killed process; a power loss may lose the last commits (SQLite's `NORMAL` in WAL mode).
        case normal
        /// Survives a power loss too: every commit reaches the disk (SQLite's `FULL`).
        case full
    }

    public let path: String
    /// The store's file or folder cannot be written (a read-only mount, say): its models are
    /// read, and every write is refused.
    public let isReadOnly: Bool
    /// A pool: reads (a look back, a metrics scrape) run beside the writer's commits.
    private let database: any DatabaseWriter

    /// Opens or creates the store at `path`; read-only when the file exists but it or its
    /// folder cannot be written. A file that is not a LiveSolve store, or one from a newer
    /// version, is refused.
    public init(path: String, sync: Sync = .normal) throws(StoreError) {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        isReadOnly = FileManager.default.fileExists(atPath: path) && (access(path, W_OK) != 0 || access(folder, W_OK) != 0)
        var configuration = Configuration()
        configuration.readonly = isReadOnly
        if !isReadOnly {
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = \(sync == .full ? "FULL" : "NORMAL")")
            }
        }
        do {
            if isReadOnly {
                // Immutable: a WAL database is otherwise unreadable where its -shm cannot be made.
                var url = URLComponents(url: URL(fileURLWithPath: path), resolvingAgainstBaseURL: false)!
                url.queryItems = [URLQueryItem(name: "immutable", value: "1")]
                database = try DatabaseQueue(path: url.string!, configuration: configuration)
                try Self.checkIdentity(database, path: path, canWrite: false)
                guard try database.read({ try Self.migrator.hasCompletedMigrations($0) }) else {
                    throw StoreError(description: "\(path) is read-only and was written by an older LiveSolve: its schema cannot be upgraded in place")
                }
                return
            }
            // The pool puts the file in WAL mode.
            database = try DatabasePool(path: path, configuration: configuration)
            try Self.checkIdentity(database, path: path, canWrite: true)
            try Self.migrator.migrate(database)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(description: "cannot open the store \(path): \(error)")
        }
    }

    /// Refuses a file that is not ours or is newer than this build; marks a new, empty one ours.
    private static func checkIdentity(_ database: any DatabaseWriter, path: String, canWrite: Bool) throws {
        let isNew = try database.read { db in
            let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
            if id == 0, tables == 0, canWrite { return true }
            guard id == applicationID else {
                throw StoreError(description: "\(path) is not a LiveSolve store (a SQLite file of something else); move it or set storage.path")
            }
            let applied = try db.tableExists("grdb_migrations") ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
            let known = Set(migrator.migrations)
            if let newer = applied.first(where: { !known.contains($0) }) {
                throw StoreError(description: "\(path) was written by a newer LiveSolve (schema \(newer)); use that version or another storage.path")
            }
            return false
        }
        if isNew { try database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA application_id = \(applicationID)") } }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "model") { t in
                t.primaryKey("number", .integer)
                t.column("name", .text).notNull()
                t.column("document", .text).notNull()
                t.column("deleted", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "updateLog") { t in
                t.column("model", .integer).notNull()
                t.column("seq", .integer).notNull()
                t.column("at", .integer).notNull()
                t.column("message", .text).notNull()
                t.primaryKey(["model", "seq"])
            }
        }
        migrator.registerMigration("v2 snapshots") { db in
            try db.create(table: "snapshot") { t in
                t.column("model", .integer).notNull()
                t.column("seq", .integer).notNull()
                t.column("document", .text).notNull()
                t.column("basis", .blob)
                t.primaryKey(["model", "seq"])
            }
        }
        migrator.registerMigration("v3 log without rowid") { db in
            // Keyed by (model, seq) alone: one B-tree for a commit to write, not a table and an index.
            try db.execute(sql: """
                CREATE TABLE updateLog3 (model INTEGER NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, message TEXT NOT NULL,
                                         PRIMARY KEY (model, seq)) WITHOUT ROWID;
                INSERT INTO updateLog3 SELECT model, seq, at, message FROM updateLog;
                DROP TABLE updateLog;
                ALTER TABLE updateLog3 RENAME TO updateLog;
                """)
        }
        migrator.registerMigration("v4 following forks") { db in
            try db.alter(table: "model") { t in
                t.add(column: "parent", .integer)
                t.add(column: "overrides", .text)
            }
        }
        return migrator
    }

    /// Writes the records in one transaction: all of them are stored, or none.
    public func write(_ records: [StoreRecord]) throws(StoreError) {
        guard !isReadOnly else {
            throw StoreError(description: "the store \(path) is read-only (its file or folder cannot be written)")
        }
        do {
            try database.write { db in
                for record in records {
                    switch record {
                    case let .create(model, name, document):
                        // OR IGNORE: a model written whole again after a failed commit may have its row.
                        try db.execute(sql: "INSERT OR IGNORE INTO model (number, name, document) VALUES (?, ?, ?)", arguments: [Int64(model), name, document])
                    case let .update(model, seq, at, message):
                        // Prepared once: this runs for every update.
                        try db.cachedStatement(sql: "INSERT INTO updateLog (model, seq, at, message) VALUES (?, ?, ?, ?)")
                            .execute(arguments: [Int64(model), seq, at, message])
                    case let .delete(model):
                        try db.execute(sql: "UPDATE model SET deleted = 1 WHERE number = ?", arguments: [Int64(model)])
                        try db.execute(sql: "DELETE FROM updateLog WHERE model = ?", arguments: [Int64(model)])
                        try db.execute(sql: "DELETE FROM snapshot WHERE model = ?", arguments: [Int64(model)])
                    case let .snapshot(model, seq, document, basis, retain):
                        let number = Int64(model)
                        try db.execute(sql: "INSERT OR REPLACE INTO snapshot (model, seq, document, basis) VALUES (?, ?, ?, ?)",
                                       arguments: [number, seq, document, basis.map { Data($0) }])
                        // The newest snapshot at least `retain` updates back is the oldest kept:
                        // every state from it on can be rebuilt; what is older goes.
                        guard let oldest = try Int.fetchOne(db, sql: "SELECT max(seq) FROM snapshot WHERE model = ? AND seq <= ?",
                                                            arguments: [number, seq - retain]) else { continue }
                        try db.execute(sql: "DELETE FROM updateLog WHERE model = ? AND seq <= ?", arguments: [number, oldest])
                        try db.execute(sql: "DELETE FROM snapshot WHERE model = ? AND seq < ?", arguments: [number, oldest])
                    case let .following(model, parent, overrides):
                        try db.execute(sql: "UPDATE model SET parent = ?, overrides = ? WHERE number = ?",
                                       arguments: [parent.map { Int64($0) }, overrides, Int64(model)])
                    }
                }
            }
        } catch {
            throw StoreError(description: "cannot write to the store \(path): \(error)")
        }
    }

    /// A model's logged updates with seq in `range`, in seq order: (seq, at in Unix ms, message).
    public func updates(of model: UInt32, in range: ClosedRange<Int>) throws(StoreError) -> [(seq: Int, at: Int64, message: String)] {
        do {
            return try database.read { db in
                try Row.fetchAll(db, sql: "SELECT seq, at, message FROM updateLog WHERE model = ? AND seq BETWEEN ? AND ? ORDER BY seq",
                                 arguments: [Int64(model), range.lowerBound, range.upperBound])
                    .map { (seq: $0["seq"] as Int, at: $0["at"] as Int64, message: $0["message"] as String) }
            }
        } catch {
            throw StoreError(description: "cannot read the store \(path): \(error)")
        }
    }

    /// What a model was at `seq`: the newest snapshot at or before it (or the document as
    /// created, at seq 0) and the updates after that up to `seq`; nil when the log no longer
    /// reaches back that far.
    public func state(of model: UInt32, at seq: Int) throws(StoreError) -> StoredModel? {
        do {
            return try database.read { db in
                let number = Int64(model)
                guard let row = try Row.fetchOne(db, sql: "SELECT name, document FROM model WHERE number = ? AND deleted = 0", arguments: [number]) else { return nil }
                var stored = StoredModel(number: model, name: row["name"], document: row["document"], updates: [])
                if let snapshot = try Row.fetchOne(db, sql: "SELECT seq, document, basis FROM snapshot WHERE model = ? AND seq <= ? ORDER BY seq DESC LIMIT 1",
                                                   arguments: [number, seq]) {
                    stored.seq = snapshot["seq"]
                    stored.document = snapshot["document"]
                    stored.basis = (snapshot["basis"] as Data?).map { [UInt8]($0) }
                }
                stored.updates = try Row.fetchAll(db, sql: "SELECT seq, message FROM updateLog WHERE model = ? AND seq > ? AND seq <= ? ORDER BY seq",
                                                  arguments: [number, stored.seq, seq])
                    .map { (seq: $0["seq"] as Int, message: $0["message"] as String) }
                // Every seq from the base to `seq` must be there.
                guard stored.updates.count == seq - stored.seq else { return nil }
                return stored
            }
        } catch {
            throw StoreError(description: "cannot read the store \(path): \(error)")
        }
    }

    /// The oldest seq of a model whose state can still be rebuilt: 0 until compaction, then
    /// the oldest snapshot kept.
    public func oldestAvailableSeq(of model: UInt32) throws(StoreError) -> Int {
        do {
            return try database.read { db in
                let number = Int64(model)
                let firstLogged = try Int.fetchOne(db, sql: "SELECT min(seq) FROM updateLog WHERE model = ?", arguments: [number]) ?? 1
                guard firstLogged > 1 else { return 0 }
                return try Int.fetchOne(db, sql: "SELECT min(seq) FROM snapshot WHERE model = ?", arguments: [number]) ?? firstLogged - 1
            }
        } catch {
            throw StoreError(description: "cannot read the store \(path): \(error)")
        }
    }

    /// Per model, the update records its log holds and the bytes of those and its snapshots.
    public func logSizes() throws(StoreError) -> [(model: UInt32, records: Int, bytes: Int)] {
        do {
            return try database.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT model, sum(records) AS records, sum(bytes) AS bytes FROM (
                        SELECT model, count(*) AS records, sum(length(message)) AS bytes FROM updateLog GROUP BY model
                        UNION ALL
                        SELECT model, 0, sum(length(document) + ifnull(length(basis), 0)) FROM snapshot GROUP BY model)
                    GROUP BY model ORDER BY model
                    """).map { (model: UInt32($0["model"] as Int64), records: $0["records"] as Int, bytes: $0["bytes"] as Int) }
            }
        } catch {
            throw StoreError(description: "cannot read the store \(path): \(error)")
        }
    }

    /// The models not deleted, each with its updates in seq order, and the next model number:
    /// one above every number ever given, deleted ones included.
    public func load() throws(StoreError) -> (models: [StoredModel], nextNumber: UInt32) {
        do {
            return try database.read { db in
                let next = (try Int64.fetchOne(db, sql: "SELECT max(number) FROM model") ?? 0) + 1
                var models: [StoredModel] = []
                for row in try Row.fetchAll(db, sql: "SELECT number, name, document, parent, overrides FROM model WHERE deleted = 0 ORDER BY number") {
                    let number: Int64 = row["number"]
                    var stored = StoredModel(number: UInt32(number), name: row["name"], document: row["document"], updates: [])
                    stored.parent = (row["parent"] as Int64?).map { UInt32($0) }
                    stored.overrides = row["overrides"]
                    if let snapshot = try Row.fetchOne(db, sql: "SELECT seq, document, basis FROM snapshot WHERE model = ? ORDER BY seq DESC LIMIT 1", arguments: [number]) {
                        stored.seq = snapshot["seq"]
                        stored.document = snapshot["document"]
                        stored.basis = (snapshot["basis"] as Data?).map { [UInt8]($0) }
                    }
                    stored.updates = try Row.fetchAll(db, sql: "SELECT seq, message FROM updateLog WHERE model = ? AND seq > ? ORDER BY seq", arguments: [number, stored.seq])
                        .map { (seq: $0["seq"] as Int, message: $0["message"] as String) }
                    models.append(stored)
                }
                return (models, UInt32(next))
            }
        } catch {
            throw StoreError(description: "cannot read the store \(path): \(error)")
        }
    }
}
