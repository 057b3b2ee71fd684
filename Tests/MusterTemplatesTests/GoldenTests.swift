// Golden files: the shipped templates rendered for fixed sample inputs, compared byte for byte.
//
// To regenerate after changing a template on purpose:
//   MUSTER_UPDATE_GOLDEN=1 swift test --filter GoldenTests
// then read the diff of Tests/MusterTemplatesTests/golden/ before committing it.
import Foundation
import MusterCore
import MusterTestSupport
import Testing
@testable import MusterTemplates

@Suite struct GoldenTests {
    static let goldenDir = Repository.path("Tests/MusterTemplatesTests/golden")
    static let update = ProcessInfo.processInfo.environment["MUSTER_UPDATE_GOLDEN"] == "1"

    static func shipped() throws -> TemplateSet {
        try TemplateSet(directory: Repository.path("templates"), displayPath: "templates")
    }

    /// Subject, text and HTML in one readable file.
    static func document(_ m: MessageContent) -> String {
        var s = "Subject: \(m.subject)\n\n----- text -----\n\(m.text)"
        if let html = m.html { s += "----- html -----\n\(html)" }
        return s
    }

    static func compare(_ name: String, _ m: MessageContent) throws {
        let path = "\(goldenDir)/\(name).golden"
        let actual = document(m)
        if update {
            try Data(actual.utf8).write(to: URL(fileURLWithPath: path))
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(actual == expected, "golden file \(name).golden differs; MUSTER_UPDATE_GOLDEN=1 regenerates it")
    }

    static let cases: [(template: String, kind: ContextKind)] = [
        ("welcome-1", .sequence), ("welcome-2-your-rep", .sequence), ("welcome-3-training", .sequence),
        ("leadership-welcome", .sequence), ("induction-invite", .event), ("induction-reminder", .event),
        ("training-reminder", .event), ("training-reps-invite", .event), ("meeting-week-before", .event),
        ("meeting-tomorrow", .event), ("ballot-open", .ballot), ("ballot-reminder", .ballot),
        ("ballot-last-days", .ballot), ("ballot-reps-chase", .ballot), ("reps-weekly", .recurring), ("officers-monthly", .recurring),
        ("leadership-journal-jan", .sequence),
        ("meeting-changed", .event), ("meeting-cancelled", .event),
    ]

    /// The kind's sample, with an event that suits the template (an induction for induction templates ...).
    static func input(for template: String, sparse: Bool = false) -> RenderInput {
        let kind = cases.first { $0.template == template }!.kind
        var input = sparse ? RenderInput.sparseSample(for: kind) : RenderInput.sample(for: kind)
        if template.hasPrefix("induction") {
            input.event?.kind = "induction"
            input.event?.title = "Induction for new members"
            input.event?.description = nil
        } else if template.hasPrefix("training") {
            input.event?.kind = "training"
            input.event?.title = "Workload: know your rights"
            input.event?.description = "A two-hour course for members and reps."
        } else if template == "meeting-cancelled" {
            input.event?.status = .cancelled
            input.eventChange?.event.status = .cancelled
            input.eventChange?.previous = .init(
                startsAt: input.event?.startsAt, endsAt: input.event?.endsAt, location: input.event?.location, status: .scheduled)
        }
        return input
    }

    @Test(arguments: cases.map(\.template))
    func shippedTemplateMatchesItsGoldenFile(template: String) throws {
        // Given the full sample for the template's kind
        let input = Self.input(for: template)
        // When it is rendered
        let m = try Self.shipped().render(template: template, input: input)
        // Then it is exactly the golden file
        try Self.compare(template, m)
    }

    @Test(arguments: cases.map(\.template))
    func shippedTemplateReadsWellWithoutWorkplaceRepOrLinks(template: String) throws {
        let m = try Self.shipped().render(template: template, input: Self.input(for: template, sparse: true))
        try Self.compare("\(template).sparse", m)
    }

    @Test func ballotLastDaySaysTodayInChicago() throws {
        // Given a ballot closing today, for a member in Chicago
        var input = RenderInput.sample(for: .ballot)
        input.timeZone = TimeZone(identifier: "America/Chicago")!
        input.ballot!.daysLeft = 0
        // When the last-days template is rendered
        let m = try Self.shipped().render(template: "ballot-last-days", input: input)
        // Then it matches its golden file (closing 17:00Z is 11:00 in Chicago)
        try Self.compare("ballot-last-days.closes-today-chicago", m)
        #expect(m.subject == "Last day to vote: Ballot on pay")
        #expect(m.text.contains("voting closes at 11:00."))
    }
}
