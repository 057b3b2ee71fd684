// The key-by-key reading of one schedule file into a Rule (ScheduleLoader's worker).
import Foundation

/// Reads one rule file, checking every key and value against what its kind allows.
struct RuleReader {
    let yaml: YAMLValue
    let id: String

    private static let common = ["kind", "description", "audience", "topic", "grace", "priority"]
    private static let kinds = "sequence, event, ballot, recurring or broadcast"

    mutating func read() throws -> Rule {
        let top = try yaml.mapping("the rule")
        guard let kindValue = top["kind"] else {
            throw InputError(file: yaml.file, line: yaml.line, "'kind' is required: \(Self.kinds)")
        }
        let kindText = try kindValue.string("'kind'")
        let allowed: [String]
        switch kindText {
        case "sequence": allowed = Self.common + ["anchor", "steps"]
        case "event": allowed = Self.common + ["events", "recipients", "calendar", "steps", "changed", "cancelled"]
        case "ballot": allowed = Self.common + ["recipients", "steps"]
        case "recurring": allowed = Self.common + ["cron", "template", "attach"]
        case "broadcast": allowed = Self.common + ["send_at", "template"]
        default: throw kindValue.error("'kind' must be \(Self.kinds) (got \(kindValue.quoted))")
        }
        try top.checkKeys(allowed)

        guard let topicValue = top["topic"] else {
            throw InputError(file: yaml.file, line: yaml.line,
                             "'topic' is required: what members can unsubscribe from, e.g. welcome or newsletter")
        }
        let topic = try name(topicValue, "'topic'")
        var grace = Offset.days(1)
        if let g = top["grace"] {
            grace = try offset(g, "'grace'", example: "'1d' or '12h'")
        }
        let description = try top["description"].map { try $0.string("'description'") }
        let audience = try top["audience"].map(readAudience) ?? .active

        let kind: RuleKind
        let steps: [Step]
        switch kindText {
        case "sequence":
            let anchorValue = try top.required("anchor")
            let anchorText = try anchorValue.string("'anchor'")
            if anchorText == "entered_audience" {
                kind = .sequence(anchor: .enteredAudience)
            } else if SequenceAnchor.dateColumns.contains(anchorText) {
                kind = .sequence(anchor: .column(anchorText))
            } else {
                let choices = (SequenceAnchor.dateColumns + ["entered_audience"]).joined(separator: " or ")
                throw anchorValue.error("'anchor' must be \(choices) (got \(anchorValue.quoted))")
            }
            steps = try readSteps(top) { m, what in
                try m.checkKeys(["after", "at", "template", "priority"])
                return .after(try offset(try m.required("after"), "\(what): 'after'", example: "'7d' or '36h'"))
            }
        case "event":
            let selection = try readEvents(try top.required("events"))
            let recipientsValue = try top.required("recipients")
            guard let recipients = EventRecipients(rawValue: try recipientsValue.string("'recipients'")) else {
                throw recipientsValue.error(
                    "'recipients' must be invited, registered or unregistered (got \(recipientsValue.quoted))")
            }
            let calendar = try top["calendar"].map { try $0.bool("'calendar'") } ?? false
            kind = .event(selection, recipients: recipients, calendar: calendar)
            steps = try readSteps(top) { m, what in
                try m.checkKeys(["before", "at", "template", "priority"])
                return .before(try offset(try m.required("before"), "\(what): 'before'", example: "'7d' or '36h'"))
            }
        case "ballot":
            var recipients = BallotRecipients.notVoted
            if let r = top["recipients"] {
                guard let value = BallotRecipients(rawValue: try r.string("'recipients'")) else {
                    throw r.error("'recipients' must be not_voted or eligible (got \(r.quoted))")
                }
                recipients = value
            }
            kind = .ballot(recipients: recipients)
            var ballotSteps = try readSteps(top) { m, what in
                try m.checkKeys(["after_open", "every", "before_close", "at", "to", "template", "priority"])
                let present = ["after_open", "every", "before_close"].filter { m[$0] != nil }
                guard present.count == 1 else {
                    throw InputError(file: m.file, line: m.line,
                                     "\(what): a ballot step needs exactly one of 'after_open', 'every' or 'before_close'")
                }
                let key = present[0]
                let o = try offset(m[key]!, "\(what): '\(key)'", example: "'4d' or '36h'")
                switch key {
                case "after_open": return .afterOpen(o)
                case "before_close": return .beforeClose(o)
                default:
                    guard o.seconds >= 3_600 else {
                        throw m[key]!.error("\(what): 'every' must be at least 1h (got \(m[key]!.quoted))")
                    }
                    return .every(o)
                }
            }
            for (index, item) in try top.required("steps").sequence("'steps'").enumerated() {
                guard let to = try item.mapping("step \(index + 1)")["to"] else { continue }
                guard let text = to.scalarText, let value = StepRecipients(rawValue: text) else {
                    throw to.error("step \(index + 1): 'to' must be members or reps (got \(to.quoted))")
                }
                ballotSteps[index].to = value
            }
            steps = ballotSteps
        case "broadcast":
            let sendAt = try top.required("send_at")
            let parts = (sendAt.scalarText ?? "").split(whereSeparator: { $0 == " " || $0 == "T" }).map(String.init)
            guard parts.count == 2, let day = LocalDay(parts[0]), let time = TimeOfDay(parts[1]) else {
                throw sendAt.error("'send_at' must be a local date and time like \"2027-01-12 09:00\" (got \(sendAt.quoted))")
            }
            kind = .broadcast
            steps = [Step(.once(day), at: time, template: try name(try top.required("template"), "'template'"))]
        default:  // recurring
            let cronValue = try top.required("cron")
            let cronText = try cronValue.string("'cron'")
            let cron: Cron
            do {
                cron = try Cron(cronText)
            } catch {
                throw cronValue.error(error.message)
            }
            kind = .recurring
            steps = [Step(.cron(cron), template: try name(try top.required("template"), "'template'"))]
        }
        if kind == .recurring || kind == .broadcast {} else if top["template"] != nil {
            throw InputError(file: yaml.file, line: yaml.line, "'template' belongs in each step")
        }
        var rule = Rule(id: id, file: yaml.file, kind: kind, audience: audience, topic: topic, grace: grace,
                        description: description, steps: steps)
        rule.notices = EventNoticeTemplates(
            changed: try top["changed"].map { try name($0, "'changed'") },
            cancelled: try top["cancelled"].map { try name($0, "'cancelled'") })
        rule.priority = try top["priority"].map { try priority($0, "'priority'") } ?? .normal
        if let a = top["attach"] {
            rule.attachments = try a.strings("'attach'")
            for name in rule.attachments where !Rule.attachable.contains(name) {
                throw a.error("'attach' can name \(Rule.attachable.joined(separator: ", ")) (got \"\(name)\")")
            }
        }
        return rule
    }

    private func readSteps(_ top: YAMLMapping, timing: (YAMLMapping, String) throws -> StepTiming) throws -> [Step] {
        let stepsValue = try top.required("steps")
        let list = try stepsValue.sequence("'steps'")
        guard !list.isEmpty else {
            throw stepsValue.error("'steps' must list at least one step")
        }
        return try list.enumerated().map { index, item in
            let what = "step \(index + 1)"
            let m = try item.mapping(what)
            let t = try timing(m, what)
            var at: TimeOfDay?
            if let a = m["at"] {
                guard let text = a.scalarText, let time = TimeOfDay(text) else {
                    throw a.error("\(what): 'at' must be a local time like \"09:00\" (got \(a.quoted))")
                }
                at = time
            }
            return Step(t, at: at, template: try name(try m.required("template"), "\(what): 'template'"),
                        priority: try m["priority"].map { try priority($0, "\(what): 'priority'") })
        }
    }

    private func readEvents(_ value: YAMLValue) throws -> EventSelection {
        let m = try value.mapping("events")
        try m.checkKeys(["kind", "workplace"])
        let kinds = try m.required("kind").strings("events: 'kind'")
        let workplaces = try m["workplace"].map { try $0.strings("events: 'workplace'") }
        return EventSelection(kinds: kinds, workplaces: workplaces)
    }

    private func readAudience(_ value: YAMLValue) throws -> Audience {
        let m = try value.mapping("audience")
        try m.checkKeys(["status", "section", "role", "workplace_kind", "workplace", "rep", "where"])
        var a = Audience()
        if let s = m["status"] {
            a.status = try s.strings("audience: 'status'").map { text in
                guard let status = MemberStatus(rawValue: text) else {
                    throw s.error("audience: 'status' must be active, lapsed or left (got \"\(text)\")")
                }
                return status
            }
        }
        a.section = try m["section"].map { try $0.strings("audience: 'section'") }
        a.role = try m["role"].map { try $0.strings("audience: 'role'") }
        a.workplaceKind = try m["workplace_kind"].map { try $0.strings("audience: 'workplace_kind'") }
        a.workplace = try m["workplace"].map { try $0.strings("audience: 'workplace'") }
        a.rep = try m["rep"].map { try $0.bool("audience: 'rep'") }
        if let w = m["where"] {
            let text = try w.string("audience: 'where'")
            if let problem = Audience.conditionProblem(text) {
                throw w.error("audience: 'where' must be one read-only SQL condition over m and w: \(problem)")
            }
            a.condition = text
            a.conditionLine = w.line
        }
        return a
    }

    private func priority(_ value: YAMLValue, _ what: String) throws -> Priority {
        guard let p = Priority(rawValue: try value.string(what)) else {
            throw value.error("\(what) must be high, normal or low (got \(value.quoted))")
        }
        return p
    }

    private func offset(_ value: YAMLValue, _ what: String, example: String) throws -> Offset {
        guard let text = value.scalarText, let o = Offset(text) else {
            throw value.error("\(what) must look like \(example) (got \(value.quoted))")
        }
        return o
    }

    /// A template or topic name: letters, digits, `-`, `_`, `.` and `/` (for subfolders).
    private func name(_ value: YAMLValue, _ what: String) throws -> String {
        let text = try value.string(what)
        let ok = !text.isEmpty && text.unicodeScalars.allSatisfy {
            ($0.isASCII && (CharacterSet.alphanumerics.contains($0))) || "-_./".unicodeScalars.contains($0)
        }
        guard ok else {
            throw value.error("\(what) must be a name of letters, digits, '-' or '_' (got \(value.quoted))")
        }
        return text
    }
}
