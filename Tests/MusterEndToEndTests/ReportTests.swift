// `muster report` through the binary: a small district with known figures, real SQLite files,
// passes of `muster tick` writing the history, and the exact rows each section gives.
import Foundation
import MusterTestSupport
import Testing

@Suite struct ReportTests {
    let dir: TemporaryDirectory

    init() throws {
        dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("schedules"), withIntermediateDirectories: true)
        try dir.write("muster.yaml", """
            organisation: { name: Test District, timezone: Europe/London }
            database: muster.sqlite
            templates: \(Repository.path("templates"))
            mail:
              from: "Test District <organising@example.org>"
              transport: file:outbox/

            """)
        #expect(try muster("init").status == 0)
    }

    func muster(_ args: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try MusterBinary.run(args, in: dir.path)
    }

    func sqlite(_ sql: String) throws {
        let r = try runProcess(["sqlite3", dir.file("muster.sqlite"), sql])
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// The CSV of one section, as rows of fields (no field in these tests holds a comma unless quoted).
    func csv(_ section: String, _ extra: String...) throws -> [String] {
        let r = try MusterBinary.run(["report", "--now", "2026-11-23T09:00:00Z", "--format", "csv", "--section", section] + extra, in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
    }

    /// Workplaces A (staff 10), B (staff 8), C (no staff count); members at each; a rep at A only.
    func smallDistrict() throws {
        try sqlite("""
            INSERT INTO workplaces(id, name, kind, town, region, staff_count) VALUES
              (1, 'Alpha Primary', 'primary', 'Bridport', 'West Dorset', 10),
              (2, 'Beta Academy', 'secondary', 'Sherborne', 'North Dorset', 8),
              (3, 'Gamma Nursery', 'nursery', 'Bridport', 'West Dorset', NULL);
            INSERT INTO members(id, membership_number, first_name, workplace_id, section, status, joined_on) VALUES
              (1, 'N1', 'Ann', 1, 'teachers', 'active', '2020-01-01'),
              (2, 'N2', 'Bob', 1, 'teachers', 'active', '2020-01-01'),
              (3, 'N3', 'Cat', 1, 'support staff', 'active', '2026-10-01'),
              (4, 'N4', 'Dan', 1, 'teachers', 'active', '2021-05-01'),
              (5, 'N5', 'Eve', 1, 'teachers', 'lapsed', '2019-01-01'),
              (6, 'N6', 'Fay', 2, 'teachers', 'active', '2022-01-01'),
              (7, 'N7', 'Gus', 2, 'leadership', 'active', '2022-01-01'),
              (8, 'N8', 'Hal', 3, 'support staff', 'active', '2023-01-01'),
              (9, 'N9', 'Ivy', 3, 'support staff', 'active', '2023-01-01'),
              (10, 'N10', 'Jo', 3, 'support staff', 'active', '2023-01-01');
            INSERT INTO reps(member_id, workplace_id) VALUES (1, 1);
            """)
    }

    @Test func densityIsActiveMembersOverStaffCountAndUnknownWithout() throws {
        try smallDistrict()
        #expect(try csv("workplaces") == [
            "workplace,active,staff,density,reps,represented,new 90d",
            "Alpha Primary,4,10,40%,1,yes,1",
            "Gamma Nursery,3,unknown,unknown,0,no,0",
            "Beta Academy,2,8,25%,0,no,0",
        ])
        // Grouped by region: West Dorset's density counts only the workplace whose staff is known.
        #expect(try csv("workplaces", "--by", "region") == [
            "region,active,staff,density,reps,represented,new 90d",
            "West Dorset,7,10,40%,1,1 of 2,1",
            "North Dorset,2,8,25%,0,0 of 1,0",
        ])
        let summary = try csv("summary")
        #expect(summary.contains("density,33.3% (at the 2 workplaces with a staff count)"))
    }

    @Test func anUnrepresentedWorkplaceIsATargetAndSoIsOneUnderHalfDensity() throws {
        try smallDistrict()
        try sqlite("UPDATE workplaces SET staff_count = 6 WHERE id = 1")  // Alpha: 4 of 6, represented: no target
        #expect(try csv("targets") == [
            "workplace,active,staff,density,reps,why",
            "Gamma Nursery,3,unknown,unknown,0,no rep",
            "Beta Academy,2,8,25%,0,\"no rep, density 25%\"",
        ])
    }

    @Test func joinsAndLeavesAreCountedByMonthFromTicksAndOutsideChanges() throws {
        try smallDistrict()
        // Given a first pass on 1 October (the baseline and the first snapshot),
        #expect(try muster("tick", "--now", "2026-10-01T09:00:00Z").status == 0)
        // when another program marks Bob left and Eve active again, and the next pass sees it,
        try sqlite("UPDATE members SET status = 'left' WHERE id = 2; UPDATE members SET status = 'active' WHERE id = 5")
        #expect(try muster("tick", "--now", "2026-10-20T09:00:00Z").status == 0)
        // and Dan lapses in November,
        try sqlite("UPDATE members SET status = 'lapsed' WHERE id = 4")
        #expect(try muster("tick", "--now", "2026-11-02T09:00:00Z").status == 0)
        // then the months count joins from joined_on, leaves from the recorded changes, and active at
        // each month's end from the snapshots; September comes before them, an estimate.
        #expect(try csv("months", "--months", "4") == [
            "month,joined,left,active at end,estimate",
            "2026-08,0,0,9,estimate",
            "2026-09,0,0,9,estimate",
            "2026-10,1,1,9,",
            "2026-11,0,1,8,",
        ])
        let changes = try runProcess(["sqlite3", dir.file("muster.sqlite"),
                                      "SELECT member_id, from_status, to_status, at, source FROM muster_status_changes ORDER BY id"])
        #expect(changes.stdout == """
            2|active|left|2026-10-20T09:00:00Z|seen by a pass
            5|lapsed|active|2026-10-20T09:00:00Z|seen by a pass
            4|active|lapsed|2026-11-02T09:00:00Z|seen by a pass

            """)
        let days = try runProcess(["sqlite3", dir.file("muster.sqlite"), "SELECT DISTINCT day FROM muster_snapshots ORDER BY day"])
        #expect(days.stdout == "2026-10-01\n2026-10-20\n2026-11-02\n")
    }

    @Test func turnoutIsGivenByWorkplaceForAnOpenBallot() throws {
        try smallDistrict()
        try sqlite("""
            INSERT INTO ballots(id, title, opens_at, closes_at, turnout_threshold) VALUES
              (1, 'Pay ballot', '2026-11-16T08:00:00Z', '2026-12-10T17:00:00Z', 0.5);
            INSERT INTO ballot_members(ballot_id, member_id, voted_at) VALUES
              (1, 1, '2026-11-17T10:00:00Z'), (1, 2, '2026-11-18T10:00:00Z'), (1, 3, '2026-11-18T11:00:00Z'), (1, 4, NULL),
              (1, 6, NULL), (1, 7, NULL);
            """)
        #expect(try csv("ballots") == [
            "ballot,state,workplace,eligible,voted,turnout,threshold,meets threshold",
            "Pay ballot,open,all,6,3,50%,50%,yes",
            "Pay ballot,open,Alpha Primary,4,3,75%,50%,yes",
            "Pay ballot,open,Beta Academy,2,0,0%,50%,no",
        ])
        let workplaces = try csv("workplaces")
        #expect(workplaces.first == "workplace,active,staff,density,reps,represented,new 90d,turnout: Pay ballot")
        #expect(workplaces.contains("Alpha Primary,4,10,40%,1,yes,1,75%"))
        #expect(workplaces.contains("Gamma Nursery,3,unknown,unknown,0,no,0,n/a"))
    }

    @Test func leadershipRetentionCountsThoseWhoEnteredAndAreStillActive() throws {
        try smallDistrict()
        #expect(try muster("tick", "--now", "2026-10-01T09:00:00Z").status == 0)
        // Ann and Fay are promoted into leadership (Gus was already there: the baseline); Fay then lapses.
        try sqlite("UPDATE members SET section = 'leadership' WHERE id IN (1, 6)")
        #expect(try muster("tick", "--now", "2026-10-10T09:00:00Z").status == 0)
        try sqlite("UPDATE members SET status = 'lapsed' WHERE id = 6")
        #expect(try muster("tick", "--now", "2026-10-11T09:00:00Z").status == 0)
        let sections = try csv("sections")
        #expect(sections.first == "section,active,lapsed,left,entered in period,still active,retention")
        #expect(sections.contains("leadership,2,1,0,2,1,50%"))
        #expect(try csv("summary").contains("leadership retention,1 of 2 who entered in the period still active"))
    }

    @Test func aFormulaLikeNameIsQuotedInCSV() throws {
        try sqlite("""
            INSERT INTO workplaces(id, name, staff_count) VALUES
              (1, '=HYPERLINK("http://evil.example/x","click, here")', 10), (2, '@SUM(A1)', 10), (3, '+44 Academy', 10), (4, '-1 Nursery', 10);
            INSERT INTO members(id, membership_number, first_name, workplace_id, status, joined_on) VALUES
              (1, 'N1', 'Ann', 1, 'active', '2020-01-01'), (2, 'N2', 'Bo', 1, 'active', '2020-01-01'),
              (3, 'N3', 'Cy', 2, 'active', '2020-01-01');
            """)
        let rows = try csv("workplaces")
        #expect(rows.contains("\"'=HYPERLINK(\"\"http://evil.example/x\"\",\"\"click, here\"\")\",2,10,20%,0,no,0"))
        #expect(rows.contains("'@SUM(A1),1,10,10%,0,no,0"))
        #expect(rows.contains("'+44 Academy,0,10,0%,0,no,0"))
        #expect(rows.contains("'-1 Nursery,0,10,0%,0,no,0"))
    }

    @Test func aDistrictWithNoStaffCountsSaysDensityIsUnknown() throws {
        try smallDistrict()
        try sqlite("UPDATE workplaces SET staff_count = NULL")
        let text = try muster("report", "--now", "2026-11-23T09:00:00Z")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("No workplace has a staff count, so density is unknown"))
        #expect(!text.stdout.contains("nan") && !text.stdout.contains("inf"))
        #expect(try csv("summary").contains("density,unknown (no workplace has a staff count)"))
        // Without density only the missing rep makes a target.
        #expect(try csv("targets").dropFirst().map { $0.components(separatedBy: ",").last! } == ["no rep", "no rep"])
        let html = try muster("report", "--now", "2026-11-23T09:00:00Z", "--format", "html")
        #expect(html.status == 0 && html.stdout.contains("<td class=\"n\">unknown</td>"))
    }

    @Test func csvNeedsOneSectionAndBadOptionsSayWhatToPass() throws {
        let r = try muster("report", "--format", "csv")
        #expect(r.status == 2)
        #expect(r.stderr.contains("CSV holds one section: please pass --section"))
        let by = try muster("report", "--by", "county")
        #expect(by.status == 2 && by.stderr.contains("Please pass --by as one of workplace, kind, town, region, section (got \"county\")."))
    }
}

/// The monthly mail to officers: the shipped rule on the demo district, with the report attached.
@Suite struct OfficersReportTests {
    @Test func theFirstMondaysTickMailsEachOfficerTheSummaryTargetsAndTheHTMLReport() throws {
        // Given the demo district (200 members, five of them officers) and the shipped schedules,
        let dir = try TemporaryDirectory()
        let env = ["MUSTER_LINK_SECRET": String(repeating: "s3cret-", count: 8)]
        #expect(try MusterBinary.run(["init", "--demo", "--members", "200", "--now", "2026-11-23T09:00:00Z"], in: dir.path, environment: env).status == 0)
        try FileManager.default.createSymbolicLink(atPath: dir.file("schedules"), withDestinationPath: Repository.path("schedules"))
        try FileManager.default.createSymbolicLink(atPath: dir.file("templates"), withDestinationPath: Repository.path("templates"))
        // When muster ticks on the first Monday of December at 08:00, and on the second Monday,
        let first = try MusterBinary.run(["tick", "--now", "2026-12-07T08:00:30Z"], in: dir.path, environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let second = try MusterBinary.run(["tick", "--now", "2026-12-14T08:00:30Z"], in: dir.path, environment: env)
        #expect(second.status == 0, "\(second.stderr)")
        // Then each officer got one message on the first Monday and none on the second,
        let rows = try runProcess(["sqlite3", dir.file("muster.sqlite"), """
            SELECT m.role, o.state, substr(o.due_at, 1, 10) FROM muster_outbox o JOIN members m ON m.id = o.member_id
            WHERE o.rule = 'officers-monthly' ORDER BY m.id
            """])
        #expect(rows.stdout == """
            district secretary|sent|2026-12-07
            district president|sent|2026-12-07
            district treasurer|sent|2026-12-07
            organising officer|sent|2026-12-07
            membership secretary|sent|2026-12-07

            """)
        // carrying the summary and the targets in its text, and the report as an HTML attachment with charts.
        let parsed = try runProcess(["python3", "-c", """
            import email, email.policy, glob, sys
            for path in sorted(glob.glob(sys.argv[1] + '/*.eml')):
                m = email.message_from_bytes(open(path, 'rb').read(), policy=email.policy.default)
                if 'organising report' not in str(m['Subject']):
                    continue
                text = m.get_body(('plain',)).get_content()
                files = [(p.get_filename(), p.get_content_type(), p.get_content()) for p in m.iter_attachments()]
                assert [(f, t) for f, t, _ in files] == [('report.html', 'text/html')], files
                html = files[0][2]
                print(int('THE DISTRICT AT A GLANCE' in text), int('WHERE TO ORGANISE NEXT' in text),
                      int('- active members: ' in text), html.count('<svg'), int('<script' in html))
            """, dir.file("outbox")])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        // (three charts: density, members over time, and turnout in the one ballot still open on 7 December)
        #expect(parsed.stdout == String(repeating: "1 1 1 3 0\n", count: 5))
    }
}
