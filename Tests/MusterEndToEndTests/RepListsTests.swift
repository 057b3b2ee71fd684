// Reps who can act, through the muster binary and the real SMTP server: names only to a workplace's
// own reps and only with reps.see_names, the `to: reps` ballot step, and the mark_voted links.
import Foundation
import MusterLinks
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite struct RepListsTests {
    /// Each rep's message, by recipient.
    func byRecipient(_ d: RepListsDistrict) throws -> [String: String] {
        var out: [String: String] = [:]
        for m in try d.delivered() {
            #expect(out[m.to] == nil, "two messages to \(m.to)")
            out[m.to] = m.text
        }
        return out
    }

    /// True when `text` holds no member's address but `own` (the recipient's, in To:).
    func noAddressBut(_ own: String, in text: String) -> Bool {
        RepListsDistrict.addresses.filter { $0 != own }.allSatisfy { !text.contains($0) }
    }

    @Test func withNamesOnARepsDigestNamesTheirOwnWorkplaceOnlyAlphabeticallyAndNoAddress() throws {
        // Given names on and the reps' weekly digest,
        let d = try RepListsDistrict(seeNames: true, rules: ["reps-weekly": RepListsDistrict.digestRule])
        // When Monday's digest goes out,
        try d.tick("2026-11-30T07:00:30Z")
        let mail = try byRecipient(d)
        // Then the three reps get one each,
        #expect(Set(mail.keys) == ["m1@example.org", "m7@example.org", "m9@example.org"])
        // Rita's names Hillside's non-voters by last name, its new starter and who is coming, and nobody from Oak,
        let rita = try #require(mail["m1@example.org"])
        let able = try #require(rita.range(of: "Amy Able, teaching assistant")), zed = try #require(rita.range(of: "Carl Zed, teacher"))
        #expect(able.lowerBound < zed.lowerBound, "alphabetical by last name:\n\(rita)")
        #expect(rita.contains("Nina Newcombe, teacher (joined"))
        #expect(rita.contains("Coming to District meeting: Amy Able."))
        #expect(rita.contains("1 of 3 members here have voted (33%); the law needs 50%"))
        #expect(rita.contains("1 more vote here would get us over it."))
        #expect(!rita.contains("Olga") && !rita.contains("Other") && !rita.contains("Ned") && !rita.contains("Vic Voted"))
        #expect(noAddressBut("m1@example.org", in: rita), "\(rita)")
        // Oscar's names Oak's, and nobody from Hillside,
        let oscar = try #require(mail["m7@example.org"])
        #expect(oscar.contains("Olga Other") && oscar.contains("Ned Newman"))
        #expect(!oscar.contains("Able") && !oscar.contains("Zed") && !oscar.contains("Newcombe"))
        #expect(noAddressBut("m7@example.org", in: oscar))
        // and Erin, whose workplace has all voted, is named nobody.
        let erin = try #require(mail["m9@example.org"])
        #expect(!erin.contains("Not voted yet") && !erin.contains("Ed Elm"))
        #expect(erin.contains("1 of 1 members here have voted (100%)"))
    }

    @Test func withNamesOffADigestCarriesCountsAndNoName() throws {
        // Given the same district with reps.see_names absent,
        let d = try RepListsDistrict(seeNames: false, rules: ["reps-weekly": RepListsDistrict.digestRule])
        try d.tick("2026-11-30T07:00:30Z")
        let mail = try byRecipient(d)
        let rita = try #require(mail["m1@example.org"])
        // Then Rita's digest has Hillside's figures and no member's name but her own,
        #expect(rita.contains("1 of 3 members here have voted (33%)"))
        #expect(rita.contains("1 new member here this week."))
        for name in ["Able", "Zed", "Newcombe", "Other", "Newman", "Voted"] { #expect(!rita.contains(name), "\(name) in:\n\(rita)") }
        #expect(!rita.contains("/m/"))
        #expect(noAddressBut("m1@example.org", in: rita))
        // and `muster status` says names are off.
        let status = try MusterBinary.run(["status"], in: d.dir.path, environment: d.env)
        #expect(status.stdout.contains("Names for reps (reps.see_names): off"), "\(status.stdout)")
    }

    @Test func theToRepsStepReachesRepsOnlyOnceWithTheirWorkplacesList() throws {
        // Given a ballot rule whose only step goes to reps five days before close, names on,
        let d = try RepListsDistrict(seeNames: true, rules: ["chaser": """
            kind: ballot
            recipients: not_voted
            topic: ballots
            steps:
              - { before_close: 5d, at: "08:00", to: reps, template: ballot-reps-chase }

            """])
        // When it falls due and is ticked again later,
        try d.tick("2026-12-05T08:00:30Z")
        try d.tick("2026-12-05T12:00:30Z")
        // Then Rita and Oscar (workplaces with non-voters) got one each; Erin (all voted) and members none,
        let mail = try byRecipient(d)
        #expect(Set(mail.keys) == ["m1@example.org", "m7@example.org"])
        #expect(try d.sql("SELECT member_id || ':' || state FROM muster_outbox ORDER BY member_id") == "1:sent\n7:sent\n")
        let rita = try #require(mail["m1@example.org"])
        #expect(rita.contains("AT Hillside Primary"))
        #expect(rita.contains("1 of 3 members have voted (33%)."))
        #expect(rita.contains("1 more vote here would reach the 50% threshold."))
        #expect(RepListsDistrict.markVotedLink(after: "Amy Able", in: rita) != nil)
        #expect(RepListsDistrict.markVotedLink(after: "Carl Zed", in: rita) != nil)
        #expect(!rita.contains("Olga") && !rita.contains("Oak Academy"))
        #expect(noAddressBut("m1@example.org", in: rita))
        let oscar = try #require(mail["m7@example.org"])
        #expect(oscar.contains("Olga Other") && !oscar.contains("Amy") && !oscar.contains("Carl"))
        // and `muster status` says names are on.
        let status = try MusterBinary.run(["status"], in: d.dir.path, environment: d.env)
        #expect(status.stdout.contains("Names for reps (reps.see_names): on"), "\(status.stdout)")
    }

    @Test func aRepsMarkVotedPostRecordsTheVoteAndEveryOtherRequestChangesNothing() async throws {
        // Given the chaser (daily reminders, and the reps' list five days before close) delivered,
        let d = try RepListsDistrict(seeNames: true, rules: ["chaser": RepListsDistrict.chaserRule])
        try d.tick("2026-12-05T08:00:30Z")
        let rita = try #require(try byRecipient(d)["m1@example.org"])
        let link = try #require(RepListsDistrict.markVotedLink(after: "Amy Able", in: rita))
        let path = try #require(URL(string: link)).path
        let token = String(path.dropFirst("/m/".count))
        let daemon = try await offPool { try d.startDaemon(now: "2026-12-05T08:01:00Z") }
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        let before = try d.votes()

        // When the page is fetched (GET, HEAD), it names the member and the ballot and changes nothing;
        let page = try d.http("GET", path)
        #expect(page.status == 200)
        #expect(page.body.contains("Amy Able") && page.body.contains("Pay ballot") && page.body.contains("<button"))
        #expect(try d.http("HEAD", path).status == 200)
        #expect(try d.votes() == before)

        // a forged token, an expired one, one for another workplace's member, another rep's, and a
        // member's own "I've voted" token used as a rep's are each refused with nothing changed;
        var forged = Array(token)
        forged[forged.count / 2] = forged[forged.count / 2] == "A" ? "B" : "A"
        let close = Date(timeIntervalSince1970: 1_796_922_000)  // 2026-12-10T17:00:00Z
        let refusals: [(String, String, Int)] = [
            ("forged", "/m/" + String(forged), 403),
            ("expired", "/m/" + (try d.sign(.markVoted(repID: 1, memberID: 3, ballotID: 1), expires: Date(timeIntervalSince1970: 1_796_000_000))), 410),
            ("another workplace's member", "/m/" + (try d.sign(.markVoted(repID: 1, memberID: 6, ballotID: 1), expires: close)), 403),
            ("not this member's rep", "/m/" + (try d.sign(.markVoted(repID: 7, memberID: 3, ballotID: 1), expires: close)), 403),
            ("a member's own voted token", "/m/" + (try d.sign(.voted(memberID: 3, ballotID: 1), expires: close)), 404),
        ]
        for (what, p, status) in refusals {
            #expect(try d.http("POST", p).status == status, "\(what)")
            #expect(try d.http("GET", p).status == status, "\(what) (GET)")
            #expect(try d.votes() == before, "\(what) changed the database")
        }

        // and when the real link is POSTed, and Carl uses his own "I've voted" link,
        let posted = try d.http("POST", path)
        #expect(posted.status == 200 && posted.body.contains("Vote noted"), "\(posted.body)")
        #expect(try d.http("POST", "/v/" + (try d.sign(.voted(memberID: 2, ballotID: 1), expires: close))).status == 200)
        kill(daemon.processIdentifier, SIGTERM)
        let exit = try await offPool { () -> Int32 in daemon.waitUntilExit(); return daemon.terminationStatus }
        #expect(exit == 0, "\(d.runLog)")

        // Then both votes are recorded with who reported them, the log names ids only,
        let reports = try d.sql("SELECT member_id || '/' || reported_by FROM muster_vote_reports ORDER BY member_id")
        #expect(reports == "2/member\n3/1\n")
        #expect(try d.sql("SELECT member_id FROM ballot_members WHERE voted_at IS NOT NULL ORDER BY member_id") == "2\n3\n4\n10\n")
        #expect(d.runLog.contains("link=mark_voted rep=1 member=3 ballot=1 status=ok"), "\(d.runLog)")
        #expect(!d.runLog.contains("Amy") && !d.runLog.contains("@example.org"))
        // and the next day's reminder goes to Olga only.
        try d.tick("2026-12-06T09:00:30Z")
        #expect(try d.sql("SELECT member_id FROM muster_outbox WHERE step = 1 AND occurrence = '2026-12-06' ORDER BY member_id") == "6\n")
    }
}

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")))
struct BrowserMarkVotedTests {
    @Test func pressingMarkVotedInARepsDigestRecordsTheVoteAndTheRep() async throws {
        // Given Monday's digest delivered to Rita with names on, and muster run serving its links,
        let d = try RepListsDistrict(seeNames: true, rules: ["reps-weekly": RepListsDistrict.digestRule])
        try d.tick("2026-11-30T07:00:30Z")
        let rita = try #require(try d.delivered().first { $0.to == "m1@example.org" }?.text)
        let link = try #require(RepListsDistrict.markVotedLink(after: "Carl Zed", in: rita))
        let daemon = try await offPool { try d.startDaemon(now: "2026-11-30T07:01:00Z") }
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }

        // When Chromium opens Carl's mark_voted link and presses the button,
        let press = try await offPool {
            try runProcess(["python3", Repository.path("Tests/browser/press.py"), link, "button", "--expect", "Vote noted"])
        }
        #expect(press.status == 0, "\(press.stdout)\n\(press.stderr)\n\(d.runLog)")
        kill(daemon.processIdentifier, SIGTERM)
        _ = try await offPool { () -> Int32 in daemon.waitUntilExit(); return daemon.terminationStatus }

        // Then the database shows Carl's vote and that Rita (member 1) reported it.
        #expect(try d.sql("SELECT member_id FROM ballot_members WHERE voted_at IS NOT NULL AND member_id = 2") == "2\n")
        #expect(try d.sql("SELECT ballot_id || '/' || member_id || '/' || reported_by FROM muster_vote_reports") == "1/2/1\n")
    }
}
}
