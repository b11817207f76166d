import LiveSolveModel

/// The entries a following fork has set itself, by update field: its parent's updates leave
/// them alone. Each bound side is an entry of its own, as in an update. Entries are named as
/// the updates name them, so a parent's parameter still drives the fork's own numbers.
struct Overrides: Equatable, Sendable {
    struct Sides: OptionSet, Hashable, Sendable {
        let rawValue: UInt8
        static let lower = Sides(rawValue: 1)
        static let upper = Sides(rawValue: 2)
        static let both: Sides = [.lower, .upper]
    }

    struct Position: Hashable, Sendable {
        var row: String
        var col: String
    }

    var parameters: Set<String> = []
    var objective: Set<String> = []
    var rowBounds: [String: Sides] = [:]
    var colBounds: [String: Sides] = [:]
    var coefficients: Set<Position> = []

    var isEmpty: Bool { self == Overrides() }

    /// Adds what a valid update sets; returns whether any entry is new.
    mutating func record(_ update: [(key: String, value: JSON)]) -> Bool {
        let before = self
        for (field, value) in update {
            switch (field, value) {
            case ("parameters", .object(let members)): parameters.formUnion(members.map(\.key))
            case ("objective", .object(let members)): objective.formUnion(members.map(\.key))
            case ("rowBounds", .object(let members)):
                for (name, bounds) in members { rowBounds[name, default: []].formUnion(Self.sides(of: bounds)) }
            case ("colBounds", .object(let members)):
                for (name, bounds) in members { colBounds[name, default: []].formUnion(Self.sides(of: bounds)) }
            case ("coefficients", .array(let entries)):
                coefficients.formUnion(entries.compactMap(Self.position))
            default: break
            }
        }
        return self != before
    }

    /// The fields of a parent's update that the fork takes: every entry it has not set
    /// itself; nil when none is left.
    func filter(_ update: [(key: String, value: JSON)]) -> [(key: String, value: JSON)]? {
        var kept: [(key: String, value: JSON)] = []
        for (field, value) in update {
            let left: JSON?
            switch (field, value) {
            case ("parameters", .object(let members)): left = Self.nonEmpty(members.filter { !parameters.contains($0.key) })
            case ("objective", .object(let members)): left = Self.nonEmpty(members.filter { !objective.contains($0.key) })
            case ("rowBounds", .object(let members)): left = Self.nonEmpty(Self.bounds(members, without: rowBounds))
            case ("colBounds", .object(let members)): left = Self.nonEmpty(Self.bounds(members, without: colBounds))
            case ("coefficients", .array(let entries)):
                let rest = entries.filter { Self.position($0).map { !coefficients.contains($0) } ?? true }
                left = rest.isEmpty ? nil : .array(rest)
            default: left = nil
            }
            if let left { kept.append((field, left)) }
        }
        return kept.isEmpty ? nil : kept
    }

    /// As `GET /v1/models/{id}` shows them and the store keeps them: names sorted, bounds by
    /// name with the sides set.
    var json: JSON {
        func names(_ set: Set<String>) -> JSON { .array(set.sorted().map(JSON.string)) }
        func sides(_ bounds: [String: Sides]) -> JSON {
            .object(bounds.sorted { $0.key < $1.key }.map { name, sides in
                (name, .array([(Sides.lower, "lower"), (Sides.upper, "upper")].filter { sides.contains($0.0) }.map { .string($0.1) }))
            })
        }
        let positions = coefficients.sorted { ($0.row, $0.col) < ($1.row, $1.col) }
        return .object([
            ("parameters", names(parameters)), ("objective", names(objective)),
            ("rowBounds", sides(rowBounds)), ("colBounds", sides(colBounds)),
            ("coefficients", .array(positions.map { .object([("row", .string($0.row)), ("col", .string($0.col))]) })),
        ])
    }

    init() {}

    /// Read back from `json`'s form; what it does not recognise is left out.
    init(json: JSON) {
        func names(_ key: String) -> Set<String> {
            guard case .array(let items)? = json[key] else { return [] }
            return Set(items.compactMap { if case .string(let s) = $0 { s } else { nil } })
        }
        func sides(_ key: String) -> [String: Sides] {
            guard case .object(let members)? = json[key] else { return [:] }
            var bounds: [String: Sides] = [:]
            for (name, value) in members {
                guard case .array(let items) = value else { continue }
                bounds[name] = items.reduce(into: []) { sides, item in
                    if item == .string("lower") { sides.insert(.lower) }
                    if item == .string("upper") { sides.insert(.upper) }
                }
            }
            return bounds
        }
        parameters = names("parameters")
        objective = names("objective")
        rowBounds = sides("rowBounds")
        colBounds = sides("colBounds")
        if case .array(let items)? = json["coefficients"] { coefficients = Set(items.compactMap(Self.position)) }
    }

    // MARK: entries

    /// The sides a bounds entry sets: both for `[lower, upper]`, the keys given for the object form.
    private static func sides(of bounds: JSON) -> Sides {
        switch bounds {
        case .array: return .both
        case .object(let members):
            return members.reduce(into: []) { sides, member in
                if member.key == "lower" { sides.insert(.lower) }
                if member.key == "upper" { sides.insert(.upper) }
            }
        default: return []
        }
    }

    /// Bounds entries without the sides set in `overridden`: a pair losing one side becomes
    /// the object form with the other.
    private static func bounds(_ members: [(key: String, value: JSON)], without overridden: [String: Sides]) -> [(key: String, value: JSON)] {
        members.compactMap { name, value in
            guard let set = overridden[name], !set.isEmpty else { return (name, value) }
            var sides: [(key: String, value: JSON)] = switch value {
            case .array(let pair) where pair.count == 2: [("lower", pair[0]), ("upper", pair[1])]
            case .object(let members): members
            default: []
            }
            sides.removeAll { ($0.key == "lower" && set.contains(.lower)) || ($0.key == "upper" && set.contains(.upper)) }
            return sides.isEmpty ? nil : (name, .object(sides))
        }
    }

    private static func position(_ entry: JSON) -> Position? {
        guard case .string(let row)? = entry["row"], case .string(let col)? = entry["col"] else { return nil }
        return Position(row: row, col: col)
    }

    private static func nonEmpty(_ members: [(key: String, value: JSON)]) -> JSON? {
        members.isEmpty ? nil : .object(members)
    }
}
