// Reading schedules/*.yaml into rules, with every error naming the file, the line and the mend.
import Foundation

/// Loads the rules of a `schedules/` directory: one rule a file, the file name (without `.yaml`) its id.
///
/// Unknown keys are errors, and so is anything muster would have to guess at. Errors read like
/// `schedules/welcome.yaml:7: step 2: 'after' must look like '7d' or '36h' (got "7 days")`.
public struct ScheduleLoader: Sendable {
    /// A further check of a `where:` condition (the store compiles it against the schema): returns
    /// what is wrong, or nil. Run after the text checks, which refuse `;`, comments and stray `)`.
    public var checkCondition: (@Sendable (String) -> String?)?

    public init(checkCondition: (@Sendable (String) -> String?)? = nil) {
        self.checkCondition = checkCondition
    }

    /// Every `*.yaml` rule in `directory`, sorted by id. `display` is how errors name the directory.
    /// Throws `InputErrors` with one error for each bad file.
    public func load(directory: String, display: String = "schedules") throws -> [Rule] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw InputErrors([InputError(file: display, line: nil, "cannot read the schedules directory")])
        }
        var rules: [Rule] = []
        var errors: [InputError] = []
        for name in names.sorted() where name.hasSuffix(".yaml") && !name.hasPrefix(".") {
            let shown = display.hasSuffix("/") ? display + name : display + "/" + name
            do {
                let yaml = try YAMLValue.load(path: (directory as NSString).appendingPathComponent(name), display: shown)
                rules.append(try rule(from: yaml, id: String(name.dropLast(5))))
            } catch let e as InputError {
                errors.append(e)
            }
        }
        if !errors.isEmpty { throw InputErrors(errors) }
        return rules
    }

    /// One rule from the text of its file.
    public func parse(_ text: String, id: String, file: String) throws -> Rule {
        try rule(from: YAMLValue.parse(text, file: file), id: id)
    }

    /// One rule from its parsed file.
    public func rule(from yaml: YAMLValue, id: String) throws -> Rule {
        var reader = RuleReader(yaml: yaml, id: id)
        var rule = try reader.read()
        if let condition = rule.audience.condition, let check = checkCondition, let problem = check(condition) {
            throw InputError(file: yaml.file, line: rule.audience.conditionLine, "audience: 'where' \(problem)")
        }
        rule.file = yaml.file
        return rule
    }
}
