// Everything a command needs from muster.yaml: the database, the rules and the templates, loaded once.
import Foundation
import MusterCore
import MusterStore
import MusterTemplates

/// The district as configured: its database, its schedules and its templates.
///
/// Loading checks the schedules (every bad file is reported, with file and line) and refuses a
/// `where:` that is not a read-only condition over members and workplaces.
public struct District: Sendable {
    public var config: Config
    public var store: Store
    public var rules: [Rule]
    public var templates: TemplateSet

    public init(config: Config, store: Store, rules: [Rule], templates: TemplateSet) {
        self.config = config; self.store = store; self.rules = rules; self.templates = templates
    }

    /// Opens the database (which must exist) and loads schedules and templates as `config` names them.
    public static func load(config: Config) throws -> District {
        let store = try Store.existing(for: config)
        let rules = try ScheduleLoader(checkCondition: store.conditionChecker)
            .load(directory: config.schedules, display: display(config.schedules, base: config.file))
        let templates = try TemplateSet(
            directory: config.templates, displayPath: display(config.templates, base: config.file))
        return District(config: config, store: store, rules: rules, templates: templates)
    }

    /// A path as the person wrote it relative to muster.yaml's folder, for messages (`schedules/welcome.yaml`).
    static func display(_ path: String, base configFile: String) -> String {
        let folder = URL(fileURLWithPath: configFile).deletingLastPathComponent().standardizedFileURL.path
        var p = URL(fileURLWithPath: path).standardizedFileURL.path
        if p.hasPrefix(folder + "/") { p = String(p.dropFirst(folder.count + 1)) }
        return p.hasSuffix("/") ? String(p.dropLast()) : p
    }

    public func rule(named id: String) -> Rule? { rules.first { $0.id == id } }
}

extension RuleKind {
    /// The template context a rule of this kind renders with.
    public var contextKind: ContextKind {
        switch self {
        case .sequence: return .sequence
        case .event: return .event
        case .ballot: return .ballot
        case .recurring: return .recurring
        case .broadcast: return .sequence  // a member and the organisation, nothing more
        }
    }
}
