import Foundation
import GRDB
@testable import LiveSolveStore
import Testing

/// A real SQLite file in a folder of its own.
func temporaryPath(_ name: String = "store.sqlite") throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("livesolve-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent(name).path
}

@Suite struct StoreTests {
    @Test func aStoreOfAnEarlierSchemaIsMigratedWithItsLog() throws {
        let path = try temporaryPath()
        let old = try DatabaseQueue(path: path)
        try old.writeWithoutTransaction { try $0.execute(sql: "PRAGMA application_id = \(Store.applicationID)") }
        try Store.migrator.migrate(old, upTo: "v2 snapshots")
        try old.write { db in
            try db.execute(sql: "INSERT INTO model (number, name, document) VALUES (1, 'a', '{}')")
            try db.execute(sql: "INSERT INTO updateLog (model, seq, at, message) VALUES (1, 1, 0, 'u1'), (1, 2, 0, 'u2')")
        }
        try old.close()
        let store = try Store(path: path)
        #expect(try store.load().models == [StoredModel(number: 1, name: "a", document: "{}", updates: [(1, "u1"), (2, "u2")])])
        try store.write([.update(model: 1, seq: 3, at: 0, message: "u3")])
        #expect(try store.updates(of: 1, in: 1...3).map(\.message) == ["u1", "u2", "u3"])
    }

    @Test func recordsComeBackAfterReopening() throws {
        let path = try temporaryPath()
        do {
            let store = try Store(path: path)
            try store.write([.create(model: 1, name: "a", document: "{}"), .create(model: 2, name: "b", document: "{\"x\":1}")])
            try store.write([.update(model: 1, seq: 1, at: 10, message: "u1"), .update(model: 1, seq: 2, at: 11, message: "u2")])
            try store.write([.delete(model: 2)])
        }
        let (models, next) = try Store(path: path).load()
        #expect(models == [StoredModel(number: 1, name: "a", document: "{}", updates: [(1, "u1"), (2, "u2")])])
        // A deleted model's number is never given again.
        #expect(next == 3)
    }

    @Test func aBatchIsAllOrNothing() throws {
        let store = try Store(path: try temporaryPath())
        try store.write([.create(model: 1, name: "a", document: "{}")])
        // The second update repeats a seq: the whole batch fails, the first update in it too.
        #expect(throws: StoreError.self) {
            try store.write([.update(model: 1, seq: 1, at: 0, message: "u"), .update(model: 1, seq: 1, at: 0, message: "again")])
        }
        #expect(try store.load().models.first?.updates.isEmpty == true)
    }

    @Test func aForeignFileIsRefusedByName() throws {
        let path = try temporaryPath("notes.txt")
        try Data("these are not a database, just some words long enough to look like a header".utf8).write(to: URL(fileURLWithPath: path))
        #expect { try Store(path: path) } throws: { ($0 as? StoreError)?.description.contains(path) == true }
    }

    @Test func anotherApplicationsDatabaseIsRefused() throws {
        let path = try temporaryPath("other.sqlite")
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table t(x)'); c.commit()", path]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect { try Store(path: path) } throws: { ($0 as? StoreError)?.description.contains("is not a LiveSolve store") == true }
    }
}
