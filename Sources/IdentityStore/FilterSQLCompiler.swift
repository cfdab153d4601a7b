import Foundation
import GRDB
import SCIM

/// The SQL side of a SCIM filter: a condition every matching row satisfies, and whether the
/// condition is exactly the filter (so no resource needs evaluating in Swift).
struct SQLFilterPlan {
    /// Nil means "every row".
    var condition: SQLExpression?
    /// True when rows satisfying `condition` are exactly the matches.
    var isExact: Bool

    static let everything = SQLFilterPlan(condition: nil, isExact: true)
    static let unknown = SQLFilterPlan(condition: nil, isExact: false)
}

/// Compiles the parts of a filter on indexed attributes to `SQLExpression`s (values are always
/// bound, never spliced into SQL text). Anything else yields a superset condition and
/// `isExact == false`, and the caller evaluates the remaining candidates with `FilterEvaluator`,
/// so no part of a filter is ever ignored.
///
/// The semantics follow `FilterEvaluator`: `ne` is the negation of `eq` (absent attributes match),
/// `not` matches whatever its operand does not match, string attributes that are not caseExact
/// compare caselessly through ``IdentityKey``.
struct FilterSQLCompiler {
    let kind: ResourceKind

    private enum Target {
        /// A text column; `caseless` columns hold ``IdentityKey`` folds.
        case text(Column, caseless: Bool, nullable: Bool)
        case boolean(Column)
        case date(Column)
        /// A multi-valued value stored in a side table (emails, members).
        case valueTable
    }

    func plan(_ filter: Filter?) -> SQLFilterPlan {
        guard let filter else { return .everything }
        return plan(filter)
    }

    private func plan(_ filter: Filter) -> SQLFilterPlan {
        switch filter {
        case .and(let left, let right):
            let l = plan(left), r = plan(right)
            let condition: SQLExpression?
            switch (l.condition, r.condition) {
            case (nil, nil): condition = nil
            case (let c?, nil), (nil, let c?): condition = c
            case (let a?, let b?): condition = (a && b).sqlExpression
            }
            return SQLFilterPlan(condition: condition, isExact: l.isExact && r.isExact)
        case .or(let left, let right):
            let l = plan(left), r = plan(right)
            if l.condition == nil && l.isExact || r.condition == nil && r.isExact { return .everything }
            guard let a = l.condition, let b = r.condition else { return .unknown }
            return SQLFilterPlan(condition: (a || b).sqlExpression, isExact: l.isExact && r.isExact)
        case .not(let inner):
            let p = plan(inner)
            guard p.isExact else { return .unknown }
            guard let condition = p.condition else {
                return SQLFilterPlan(condition: false.sqlExpression, isExact: true)
            }
            // NULL (an absent attribute) is "no match" inside, so "match" outside.
            return SQLFilterPlan(condition: SQL("(\(condition)) IS NOT TRUE").sqlExpression, isExact: true)
        case .present(let path):
            guard let target = target(path) else { return .unknown }
            switch target {
            case .text(let column, _, let nullable):
                guard nullable else { return .everything }
                return SQLFilterPlan(condition: (column != nil && column != "").sqlExpression, isExact: true)
            case .boolean, .date:
                return .everything
            case .valueTable:
                return SQLFilterPlan(condition: valueTableSubquery(nil), isExact: true)
            }
        case .comparison(let path, let op, let value):
            guard let target = target(path) else { return .unknown }
            return comparison(target, op, value)
        case .valuePath(let path, let inner):
            guard path.subAttribute == nil, isValueTableAttribute(path) else { return .unknown }
            // Only `value` comparisons inside the brackets reach SQL.
            if case .comparison(let sub, .eq, .string(let string)) = inner, isValueSubAttribute(sub) {
                return SQLFilterPlan(condition: valueTableSubquery(string), isExact: true)
            }
            if let string = valueEquality(in: inner) {
                return SQLFilterPlan(condition: valueTableSubquery(string), isExact: false)
            }
            return .unknown
        }
    }

    /// A `value eq "…"` that must hold for an `and`-chain inside a value filter.
    private func valueEquality(in filter: Filter) -> String? {
        switch filter {
        case .comparison(let sub, .eq, .string(let string)) where isValueSubAttribute(sub):
            return string
        case .and(let left, let right):
            return valueEquality(in: left) ?? valueEquality(in: right)
        default:
            return nil
        }
    }

    private func comparison(_ target: Target, _ op: CompareOperator, _ value: JSONValue) -> SQLFilterPlan {
        switch target {
        case .text(let column, let caseless, _):
            guard case .string(let raw) = value else { return .unknown }
            let operand = caseless ? IdentityKey.fold(raw) : raw
            switch op {
            case .eq: return SQLFilterPlan(condition: (column == operand).sqlExpression, isExact: true)
            case .ne: return SQLFilterPlan(condition: SQL("\(column) IS NOT \(operand)").sqlExpression, isExact: true)
            case .sw:
                // An index range scan; Swift re-checks because caseless folding differs at the edges.
                let upper = operand + "\u{10FFFF}"
                return SQLFilterPlan(condition: (column >= operand && column < upper).sqlExpression, isExact: false)
            case .co, .ew:
                return SQLFilterPlan(condition: SQL("instr(\(column), \(operand)) > 0").sqlExpression, isExact: false)
            case .gt, .ge, .lt, .le:
                return .unknown
            }
        case .boolean(let column):
            guard case .bool(let bool) = value else { return .unknown }
            switch op {
            case .eq: return SQLFilterPlan(condition: (column == bool).sqlExpression, isExact: true)
            case .ne: return SQLFilterPlan(condition: (column != bool).sqlExpression, isExact: true)
            default: return .unknown
            }
        case .date(let column):
            guard case .string(let text) = value, let date = SCIMDateTime.parse(text) else { return .unknown }
            // Stored with millisecond resolution; widen by 1 ms and let Swift decide the edges.
            let t = date.timeIntervalSince1970
            let condition: SQLExpression
            switch op {
            case .eq: condition = (column >= t - 0.001 && column <= t + 0.001).sqlExpression
            case .gt, .ge: condition = (column >= t - 0.001).sqlExpression
            case .lt, .le: condition = (column <= t + 0.001).sqlExpression
            default: return .unknown
            }
            return SQLFilterPlan(condition: condition, isExact: false)
        case .valueTable:
            guard op == .eq, case .string(let string) = value else { return .unknown }
            return SQLFilterPlan(condition: valueTableSubquery(string), isExact: true)
        }
    }

    /// `id IN (…)` over user_emails or group_members; nil value means "has any".
    private func valueTableSubquery(_ value: String?) -> SQLExpression {
        switch (kind, value) {
        case (.user, let value?):
            return SQL("id IN (SELECT user_id FROM user_emails WHERE value_key = \(IdentityKey.fold(value)))")
                .sqlExpression
        case (.user, nil):
            return SQL("id IN (SELECT user_id FROM user_emails)").sqlExpression
        case (.group, let value?):
            return SQL("id IN (SELECT group_id FROM group_members WHERE member_id = \(value))").sqlExpression
        case (.group, nil):
            return SQL("id IN (SELECT group_id FROM group_members)").sqlExpression
        }
    }

    private var coreSchema: String {
        kind == .user ? "urn:ietf:params:scim:schemas:core:2.0:User" : "urn:ietf:params:scim:schemas:core:2.0:Group"
    }

    private func isCore(_ path: AttributePath) -> Bool {
        guard let schema = path.schema else { return true }
        return schema.lowercased() == coreSchema.lowercased()
    }

    private func isValueTableAttribute(_ path: AttributePath) -> Bool {
        guard isCore(path) else { return false }
        let name = path.attribute.lowercased()
        return kind == .user ? name == "emails" : name == "members"
    }

    private func isValueSubAttribute(_ path: AttributePath) -> Bool {
        path.schema == nil && path.subAttribute == nil && path.valueFilter == nil && path.attribute.lowercased() == "value"
    }

    private func target(_ path: AttributePath) -> Target? {
        guard path.valueFilter == nil else { return nil }
        if path.schema == nil, path.attribute.lowercased() == "meta" || path.attribute.lowercased() == "id" {
            // Common attributes are not tied to the core schema URN.
        } else if !isCore(path) {
            return nil
        }
        let name = path.attribute.lowercased()
        let sub = path.subAttribute?.lowercased()
        switch (name, sub) {
        case ("id", nil):
            return .text(Column("id"), caseless: false, nullable: false)
        case ("externalid", nil):
            return .text(Column("external_id"), caseless: false, nullable: true)
        case ("meta", "lastmodified"):
            return .date(Column("last_modified"))
        case ("meta", "created"):
            return .date(Column("created"))
        default:
            break
        }
        switch kind {
        case .user:
            switch (name, sub) {
            case ("username", nil): return .text(Column("user_name_key"), caseless: true, nullable: false)
            case ("displayname", nil): return .text(Column("display_name_key"), caseless: true, nullable: true)
            case ("active", nil): return .boolean(Column("active"))
            case ("emails", nil), ("emails", "value"): return .valueTable
            default: return nil
            }
        case .group:
            switch (name, sub) {
            case ("displayname", nil): return .text(Column("display_name_key"), caseless: true, nullable: false)
            case ("members", nil), ("members", "value"): return .valueTable
            default: return nil
            }
        }
    }
}
