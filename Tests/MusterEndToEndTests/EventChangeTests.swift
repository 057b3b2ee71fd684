// Events that change, through `muster tick` and a real SMTP server: notices, calendar revisions, venue time.
import Foundation
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite struct EventChangeTests {
    /// Members 1-3 active at Wareham Primary; member 4 lapsed (no reminders) but registered; member 1
    /// registered too. Event 1: the district meeting, Wednesday 11 December 2030, 18:30 London.
    static func district(_ server: SMTPTestServer) throws -> TickHarness {
        let h = try TickHarness(smtpURL: server.url)
        try h.seedMeeting(emails: ["m1@example.org", "m2@example.org", "m3@example.org"])
        try h.execute("""
            INSERT INTO members(id, membership_number, first_name, email, workplace_id, status, joined_on)
            VALUES (4, 'DN4', 'Member4', 'm4@example.org', 1, 'lapsed', '2020-01-06');
            INSERT INTO registrations(event_id, member_id, status) VALUES (1, 4, 'registered'), (1, 1, 'registered');
            """)
        return h
    }

    @Test func anEventMovedAfterItsFirstReminderSendsOneChangedNoticeToEachEarlierRecipientAndRegistrant() async throws {
        let server = try SMTPTestServer()
        let h = try Self.district(server)
        // Given the week-before reminder went to the three active members
        #expect(try h.tickBinary("2030-12-04T09:00:00Z").status == 0)
        let first = try EventMail.all(server)
        #expect(first.count == 3)

        // When another program moves the meeting a day later, and muster ticks (twice)
        try h.execute("UPDATE events SET starts_at = '2030-12-12T18:30:00Z' WHERE id = 1")
        #expect(try h.tickBinary("2030-12-04T12:00:00Z").status == 0)
        #expect(try h.tickBinary("2030-12-04T12:05:00Z").status == 0)

        // Then each earlier recipient and the lapsed registrant get one notice, saying from and to
        let notices = Array(try EventMail.all(server).dropFirst(3))
        #expect(try server.received().dropFirst(3).map { $0.rcptTos[0] }.sorted() == (1...4).map { "m\($0)@example.org" })
        #expect(notices.allSatisfy { $0.subject == "Changed: District meeting is now Thursday 12 December, 18:30" })
        #expect(notices.allSatisfy { $0.text.contains("It was:    Wednesday 11 December, 18:30") })
        #expect(notices.allSatisfy { $0.text.contains("It is now: Thursday 12 December, 18:30") })
        // with the first invite's UID, a higher SEQUENCE, and the part's method matching the body's
        let invite = try #require(first[0].calendar)
        #expect(invite.sequence == 0 && invite.method == "PUBLISH" && first[0].partMethod == "PUBLISH")
        #expect(invite.organizer == "mailto:organising@example.org")
        for n in notices {
            let c = try #require(n.calendar)
            #expect(c.uid == invite.uid && c.sequence == 1 && c.method == "PUBLISH" && n.partMethod == "PUBLISH")
            #expect(c.dtstart == "2030-12-12T18:30:00+0000")
        }

        // When the day-before reminder falls due for the new date
        #expect(try h.tickBinary("2030-12-11T17:00:00Z").status == 0)
        // Then it carries the new time and the same revision
        let tomorrow = Array(try EventMail.all(server).dropFirst(7))
        #expect(tomorrow.count == 3)
        #expect(tomorrow.allSatisfy { $0.text.contains("is tomorrow, Thursday 12 December, at 18:30") })
        #expect(tomorrow.allSatisfy { $0.calendar?.sequence == 1 && $0.calendar?.uid == invite.uid })
    }

    @Test func twoRemindersOfAnUnchangedEventCarryTheSameSequence() async throws {
        let server = try SMTPTestServer()
        let h = try Self.district(server)
        // When both reminders go out, a week apart, and nothing about the event changes
        #expect(try h.tickBinary("2030-12-04T09:00:00Z").status == 0)
        #expect(try h.tickBinary("2030-12-10T17:00:00Z").status == 0)
        // Then all six invites carry one UID and SEQUENCE 0, and no notice went
        let mails = try EventMail.all(server)
        #expect(mails.count == 6)
        #expect(Set(mails.compactMap { $0.calendar?.uid }).count == 1)
        #expect(mails.allSatisfy { $0.calendar?.sequence == 0 && $0.calendar?.method == "PUBLISH" })
        #expect(try h.strings("SELECT dedupe_key FROM muster_outbox WHERE step = 0").isEmpty)
    }

    @Test func aCancelledEventSendsOneCancellationSuppressesItsQueuedRemindersAndNothingMore() async throws {
        let server = try SMTPTestServer()
        let h = try Self.district(server)
        // Given the week-before reminder went, and the day-before one is queued (the relay was down)
        #expect(try h.tickBinary("2030-12-04T09:00:00Z").status == 0)
        let down = try h.tickBinary("2030-12-10T17:00:00Z", transport: "smtp://127.0.0.1:\(try closedPort())")
        #expect(down.status == 3, "\(down.stderr)")
        #expect(try h.strings("SELECT state FROM muster_outbox WHERE step = 2") == ["queued", "queued", "queued"])

        // When the event is cancelled, and muster ticks, then again the next morning
        try h.execute("UPDATE events SET status = 'cancelled' WHERE id = 1")
        #expect(try h.tickBinary("2030-12-10T17:30:00Z").status == 0)
        #expect(try h.tickBinary("2030-12-11T09:00:00Z").status == 0)

        // Then the three recipients and the registrant get one cancellation each, which cancels the entry
        let mails = try EventMail.all(server)
        let notices = Array(mails.dropFirst(3))
        #expect(notices.count == 4)
        #expect(notices.allSatisfy { $0.subject == "Cancelled: District meeting, Wednesday 11 December, 18:30" })
        for n in notices {
            let c = try #require(n.calendar)
            #expect(c.method == "CANCEL" && n.partMethod == "CANCEL" && c.status == "CANCELLED")
            #expect(c.uid == mails[0].calendar?.uid && c.sequence == 1)
        }
        // and the queued reminders end suppressed, with the reason
        #expect(try h.strings("SELECT state || ' ' || reason FROM muster_outbox WHERE step = 2")
            == Array(repeating: "suppressed event cancelled", count: 3))
        #expect(try h.strings("SELECT count(*) FROM muster_outbox WHERE state = 'queued'") == ["0"])
    }

    @Test func aReminderQueuedBeforeAChangeGoesWithTheNewDetailsAndItsMessageID() async throws {
        let server = try SMTPTestServer()
        let h = try Self.district(server)
        // Given the week-before reminders were rendered and queued while the relay was down
        let down = try h.tickBinary("2030-12-04T09:00:00Z", transport: "smtp://127.0.0.1:\(try closedPort())")
        #expect(down.status == 3)
        let ids = try h.strings("SELECT message_id FROM muster_outbox WHERE step = 1 ORDER BY member_id")
        #expect(ids.count == 3)
        // When the meeting moves to another place and a day later, and muster ticks with the relay back
        try h.execute("UPDATE events SET starts_at = '2030-12-12T18:30:00Z', location = 'Poole' WHERE id = 1")
        #expect(try h.tickBinary("2030-12-04T10:00:00Z").status == 0)
        // Then the reminders go with the new date and place, under the Message-IDs they were queued with
        let mails = try EventMail.all(server)
        let received = try server.received()
        let reminders = zip(mails, received).filter { $0.0.subject.hasPrefix("District meeting:") }
        #expect(reminders.count == 3)
        #expect(reminders.allSatisfy { $0.0.subject == "District meeting: Thursday 12 December, 18:30" && $0.0.text.contains("Where: Poole") })
        #expect(reminders.allSatisfy { $0.0.calendar?.sequence == 1 })
        #expect(Set(reminders.compactMap { $0.1.messageID }) == Set(ids))
        // and only the registrants, who had been told nothing yet but are expected, get a notice
        let notices = zip(mails, received).filter { $0.0.subject.hasPrefix("Changed:") }
        #expect(notices.map { $0.1.rcptTos[0] }.sorted() == ["m1@example.org", "m4@example.org"])
        #expect(notices.allSatisfy { $0.0.text.contains("It was at:    Wareham") && $0.0.text.contains("It is now at: Poole") })
    }

    @Test func aDeletedEventIsACancelledOne() async throws {
        let server = try SMTPTestServer()
        let h = try Self.district(server)
        #expect(try h.tickBinary("2030-12-04T09:00:00Z").status == 0)
        // When another program deletes the event's row
        try h.execute("DELETE FROM registrations WHERE event_id = 1; DELETE FROM events WHERE id = 1")
        #expect(try h.tickBinary("2030-12-05T09:00:00Z").status == 0)
        // Then those who were told get a cancellation, written from what muster last saw
        let notices = Array(try EventMail.all(server).dropFirst(3))
        #expect(notices.count == 3)
        #expect(notices.allSatisfy { $0.subject == "Cancelled: District meeting, Wednesday 11 December, 18:30" && $0.calendar?.method == "CANCEL" })
    }

    @Test func aNoticeIsNeverSentOnceTheEventHasStarted() async throws {
        let server = try SMTPTestServer()
        let h = try Self.district(server)
        #expect(try h.tickBinary("2030-12-04T09:00:00Z").status == 0)
        // When the meeting is brought forward to 5 December, and muster first looks after both starts
        try h.execute("UPDATE events SET starts_at = '2030-12-05T18:30:00Z' WHERE id = 1")
        #expect(try h.tickBinary("2030-12-11T19:00:00Z").status == 0)
        // Then nobody is told (nor planned to be), and no reminder goes either
        #expect(try server.received().count == 3)
        #expect(try h.strings("SELECT dedupe_key FROM muster_outbox WHERE step = 0").isEmpty)
        // The revision was still recorded: a later look at an earlier time changes nothing
        #expect(try h.strings("SELECT revision || '/' || followed_up FROM muster_event_revisions") == ["1/1"])
    }

    /// Quiet hours 21:00-08:00: a meeting moved late at night, days ahead, is told at 08:00; one
    /// moved at night to 09:00 the next morning is told at once (waiting would leave under two hours).
    @Test func aNoticeWaitsOutQuietHoursUnlessTheEventIsTooSoonForIt() async throws {
        let server = try SMTPTestServer()
        let h = try TickHarness(smtpURL: server.url, mailExtra: "  quiet_hours: \"21:00-08:00\"")
        try h.seedMeeting(emails: ["m1@example.org", "m2@example.org"])
        #expect(try h.tickBinary("2030-12-04T09:00:00Z").status == 0)
        #expect(try server.received().count == 2)

        // When the meeting is moved a day later at 23:30, a week ahead,
        try h.execute("UPDATE events SET starts_at = '2030-12-12T18:30:00Z' WHERE id = 1")
        #expect(try h.tickBinary("2030-12-04T23:30:00Z").status == 0)
        // then its notices wait for 08:00, and go then
        #expect(try server.received().count == 2)
        #expect(try h.strings("SELECT next_attempt_at FROM muster_outbox WHERE step = 0 AND state = 'queued'")
                == ["2030-12-05T08:00:00Z", "2030-12-05T08:00:00Z"])
        #expect(try h.tickBinary("2030-12-05T08:00:00Z").status == 0)
        #expect(try server.received().count == 4)

        // When at 23:00 it is brought forward to 09:00 the next morning,
        try h.execute("UPDATE events SET starts_at = '2030-12-06T09:00:00Z' WHERE id = 1")
        #expect(try h.tickBinary("2030-12-05T23:00:00Z").status == 0)
        // then the notices go at once: at 08:00 there would be one hour left
        #expect(try server.received().count == 6)
        #expect(try h.strings("SELECT sent_at FROM muster_outbox WHERE step = 0 AND dedupe_key LIKE '%changed-r2%'")
                == ["2030-12-05T23:00:00Z", "2030-12-05T23:00:00Z"])
    }

    @Test func aNoticeThatCouldNotGoBeforeTheLaterStartExpires() async throws {
        let server = try SMTPTestServer()
        let h = try Self.district(server)
        #expect(try h.tickBinary("2030-12-04T09:00:00Z").status == 0)
        // Given the meeting moved a day later, and its notices queued while the relay was down
        try h.execute("UPDATE events SET starts_at = '2030-12-12T18:30:00Z' WHERE id = 1")
        #expect(try h.tickBinary("2030-12-12T18:00:00Z", transport: "smtp://127.0.0.1:\(try closedPort())").status == 3)
        #expect(try h.strings("SELECT state FROM muster_outbox WHERE step = 0") == Array(repeating: "queued", count: 4))
        // When the relay is back only after the new start
        #expect(try h.tickBinary("2030-12-12T18:30:00Z").status == 0)
        // Then the notices expired unsent
        #expect(try h.strings("SELECT state FROM muster_outbox WHERE step = 0") == Array(repeating: "expired", count: 4))
        #expect(try server.received().count == 3)
    }

    @Test func aMemberInChicagoSeesTheLondonVenuesTimeAndTheirOwn() async throws {
        let server = try SMTPTestServer()
        let h = try TickHarness(smtpURL: server.url)
        try h.seedMeeting(emails: ["ldn@example.org", "chi@example.org"])
        try h.execute("UPDATE members SET timezone = 'America/Chicago' WHERE id = 2")
        // An online meeting an hour later, and one in a New York venue that evening
        try h.execute("""
            INSERT INTO events(id, kind, title, starts_at, location, online) VALUES (2, 'meeting', 'Online catch-up', '2030-12-11T19:30:00Z', NULL, 1);
            INSERT INTO events(id, kind, title, starts_at, location, timezone) VALUES (3, 'meeting', 'Solidarity visit', '2030-12-11T23:00:00Z', 'Manhattan', 'America/New_York');
            """)
        // `muster plan` shows due times in London, and the Chicago member's own beside theirs
        let plan = try h.runBinary(["plan", "--now", "2030-12-04T08:00:00Z", "--days", "1"])
        let lines = plan.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("Wed 4 Dec 15:00 (09:00 theirs) meeting-reminders/1") && $0.contains("#2 ") }, "\(plan.stdout)")
        #expect(lines.contains { $0.hasPrefix("Wed 4 Dec 09:00                meeting-reminders/1") && $0.contains("#1 ") }, "\(plan.stdout)")
        // When the week-before reminders have gone (09:00 London, then 09:00 Chicago)
        #expect(try h.tickBinary("2030-12-04T09:00:00Z").status == 0)
        #expect(try h.tickBinary("2030-12-04T15:00:00Z").status == 0)
        let mails = try EventMail.all(server)
        func subject(_ to: String, _ title: String) -> String? {
            mails.first { $0.to.contains(to) && $0.subject.hasPrefix(title) }?.subject
        }
        // Then the London room is written in London time, with Chicago's beside it for the Chicago member
        #expect(subject("ldn@", "District meeting") == "District meeting: Wednesday 11 December, 18:30")
        #expect(subject("chi@", "District meeting") == "District meeting: Wednesday 11 December, 18:30 (12:30 your time)")
        // the online meeting in each reader's own time
        #expect(subject("ldn@", "Online catch-up") == "Online catch-up: Wednesday 11 December, 19:30")
        #expect(subject("chi@", "Online catch-up") == "Online catch-up: Wednesday 11 December, 13:30")
        // and the New York venue in New York time, each reader's beside it
        #expect(subject("ldn@", "Solidarity visit") == "Solidarity visit: Wednesday 11 December, 18:00 (23:00 your time)")
        #expect(subject("chi@", "Solidarity visit") == "Solidarity visit: Wednesday 11 December, 18:00 (17:00 your time)")
    }
}
}

extension DaemonProcessTests {
@Suite struct EventChangeDaemonTests {
    /// Given a running daemon whose meeting reminder (the day before) has gone to three members,
    /// when another program (the sqlite3 CLI) moves the meeting,
    /// then the three change notices arrive within 2 seconds.
    @Test func aMeetingMovedByAnotherProgramIsNoticedWithinTwoSeconds() async throws {
        let server = try await startTestServer()
        let meeting = """
            kind: event
            events: { kind: meeting }
            recipients: invited
            topic: meetings
            calendar: true
            changed: moved
            cancelled: moved
            steps:
              - { before: 1d, template: note }

            """
        let district = try await DaemonDistrict.make(transport: server.url, extraRules: ["meeting": meeting])
        try district.dir.write("templates/moved.mustache", """
            ---
            subject: "Moved: {{event.title}} is now {{event.starts}}"
            ---
            Hello {{member.first_name}}, it was {{change.previous_starts}}.

            """)
        try await district.addMembers(3)
        // The reminder was due at 11:00, an hour before the daemon starts: within its grace.
        try await district.sql("""
            INSERT INTO events(id, kind, title, starts_at) VALUES (1, 'meeting', 'Branch meeting', '2026-11-24T11:00:00Z');
            """)
        let daemon = try DaemonProcess(district, arguments: ["--now", "2026-11-23T12:00:00Z"])
        let (arrived, seconds) = try await offPool { () throws -> (Bool, Double) in
            try daemon.waitForLog("pass=everything reason=start")
            guard try eventually(5, { try server.received().count == 3 }) else { return (false, 0) }
            usleep(300_000)
            let moved = Date()
            try district.sql("UPDATE events SET starts_at = '2026-11-24T15:00:00Z' WHERE id = 1;")
            let arrived = try eventually(5) { try server.received().count == 6 }
            return (arrived, Date().timeIntervalSince(moved))
        }

        #expect(arrived, "\(daemon.log)")
        #expect(seconds <= 2, "took \(seconds) s")
        let notices = try EventMail.all(server).dropFirst(3)
        #expect(notices.allSatisfy { $0.subject == "Moved: Branch meeting is now Tuesday 24 November, 15:00" })
        #expect(notices.allSatisfy { $0.text.contains("it was Tuesday 24 November, 11:00") && $0.calendar?.sequence == 1 })
        daemon.signal(SIGTERM)
        #expect(try await offPool { daemon.waitForExit() } == 0)
    }
}
}

extension DaemonProcessTests {
@Suite struct EventChangeDemoTests {
    @Test func theDemosFirstTickSendsACancellationAndVenueTimes() async throws {
        // Given `muster init --demo` on a Monday morning
        let server = try SMTPTestServer()
        let h = try TickHarness(smtpURL: server.url)
        let start = "2026-11-23T08:00:00Z"
        let initialised = try h.runBinary(["init", "--demo", "--members", "40", "--seed", "7", "--now", start])
        #expect(initialised.status == 0, "\(initialised.stderr)")
        // When it first ticks
        #expect(try h.tickBinary(start).status == 0)
        let mails = try EventMail.all(server)
        // Then the three told of the Weymouth meeting and its two registrants hear it is cancelled
        let cancelled = mails.filter { $0.subject.hasPrefix("Cancelled: District meeting: Weymouth") }
        #expect(cancelled.count == 5)
        #expect(Set(cancelled.map(\.to)).count == 5)
        #expect(cancelled.allSatisfy { $0.calendar?.method == "CANCEL" && $0.calendar?.sequence == 1 })
        // and the Lorient visit is written in Paris time, a London reader's own beside it
        let lorient = mails.filter { $0.subject.hasPrefix("Twinning visit") }
        #expect(!lorient.isEmpty)
        #expect(lorient.contains { $0.subject == "Twinning visit: our colleagues in Lorient: Sunday 29 November, 18:00 (17:00 your time)" })
        #expect(try h.strings("SELECT online FROM events WHERE id = 901") == ["1"])
    }
}
}
