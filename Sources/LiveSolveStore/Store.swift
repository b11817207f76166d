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
    private let database: DatabaseQueue

    /// Opens or creates the store at `path`. A file that is not a LiveSolve store, or one from
    /// a newer version, is refused.
    public init(path: String, sync: Sync = .normal) throws(StoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(sync == .full ? "FULL" : "NORMAL")")
        }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.writeWithoutTransaction { db in
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            }
            try Self.checkIdentity(database, path: path)
            try Self.migrator.migrate(database)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(description: "cannot open the store \(path): \(error)")
        }
    }

    private static func checkIdentity(_ database: DatabaseQueue, path: String) throws {
        try database.write { db in
            let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
            if id == 0, tables == 0 {
                try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            } else if id != applicationID {
                throw StoreError(description: "\(path) is not a LiveSolve store (a SQLite file of something else); move it or set storage.path")
            }
            let applied = try db.tableExists("grdb_migrations") ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
            let known = Set(migrator.migrations)
            if let newer = applied.first(where: { !known.contains($0) }) {
                throw StoreError(description: "\(path) was written by a newer LiveSolve (schema \(newer)); use that version or another storage.path")
            }
        }
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
        return migrator
    }

    /// Writes the records in one transaction: all of them are stored, or none.
    public func write(_ records: [StoreRecord]) throws(StoreError) {
        do {
            try database.write { db in
                for record in records {
                    switch record {
                    case let .create(model, name, document):
                        try db.execute(sql: "INSERT INTO model (number, name, document) VALUES (?, ?, ?)", arguments: [Int64(model), name, document])
                    case let .update(model, seq, at, message):
                        // Prepared once: this runs for every update.
                        try db.cachedStatement(sql: "INSERT INTO updateLog (model, seq, at, message) VALUES (?, ?, ?, ?)")
                            .execute(arguments: [Int64(model), seq, at, message])
                    case let .delete(model):
                        try db.execute(sql: "UPDATE model SET deleted = 1 WHERE number = ?", arguments: [Int64(model)])
                        try db.execute(sql: "DELETE FROM updateLog WHERE model = ?", arguments: [Int64(model)])
                    }
                }
            }
        } catch {
            throw StoreError(description: "cannot write to the store \(path): \(error)")
        }
    }

    /// The models not deleted, each with its updates in seq order, and the next model number:
    /// one above every number ever given, deleted ones included.
    public func load() throws(StoreError) -> (models: [StoredModel], nextNumber: UInt32) {
        do {
            return try database.read { db in
                let next = (try Int64.fetchOne(db, sql: "SELECT max(number) FROM model") ?? 0) + 1
                var models: [StoredModel] = []
                for row in try Row.fetchAll(db, sql: "SELECT number, name, document FROM model WHERE deleted = 0 ORDER BY number") {
                    let number: Int64 = row["number"]
                    let updates = try Row.fetchAll(db, sql: "SELECT seq, message FROM updateLog WHERE model = ? ORDER BY seq", arguments: [number])
                        .map { (seq: $0["seq"] as Int, message: $0["message"] as String) }
                    models.append(StoredModel(number: UInt32(number), name: row["name"], document: row["document"], updates: updates))
                }
                return (models, UInt32(next))
            }
        } catch {
            throw StoreError(description: "cannot read the store \(path): \(error)")
        }
    }
}
