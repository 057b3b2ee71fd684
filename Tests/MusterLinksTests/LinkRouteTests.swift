// The listener's routes through Hummingbird's router test client, against a real SQLite file.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MusterCore
import Testing
@testable import MusterLinks

@Suite struct LinkRouteTests {
    static let oneClick = ByteBuffer(string: "List-Unsubscribe=One-Click")
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    func path(_ url: String?) -> String { String(url!.dropFirst("https://links.example.org".count)) }

    @Test func oneClickPostUnsubscribesAndSuppressesThatTopicOnly() async throws {
        // Given member 17 with queued ballots, meetings and newsletter mail,
        let f = try LinksFixture()
        let url = f.signer.unsubscribeURL(memberID: 17, topic: "ballots")
        // When a mail client makes the RFC 8058 one-click POST,
        try await f.app().test(.router) { client in
            let r = try await client.execute(uri: path(url), method: .post, headers: Self.form, body: Self.oneClick)
            #expect(r.status == .ok)
            #expect(String(buffer: r.body).contains("You won't get any more emails about ballots from Dorset NEU."))
        }
        // Then the unsubscribe is recorded and only member 17's queued ballot mail is suppressed.
        #expect(try f.snapshot() == [
            "1 suppressed unsubscribed", "2 queued -", "3 queued -", "4 sent -", "5 queued -", "--",
            "17 ballots", "--", "3 17 -", "3 18 -", "4 18 -", "--",
        ])
    }

    @Test func multipartOneClickAlsoUnsubscribes() async throws {
        let f = try LinksFixture()
        let body = "--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b--\r\n"
        try await f.app().test(.router) { client in
            let r = try await client.execute(
                uri: path(f.signer.unsubscribeURL(memberID: 17, topic: "newsletter")), method: .post,
                headers: [.contentType: "multipart/form-data; boundary=b"], body: ByteBuffer(string: body))
            #expect(r.status == .ok)
        }
        #expect(try f.outbox() == ["1 queued -", "2 queued -", "3 suppressed unsubscribed", "4 sent -", "5 queued -"])
        #expect(try f.suppressions() == ["17 newsletter"])
    }

    @Test func theFormCanChooseAnotherTopicOrEverything() async throws {
        let f = try LinksFixture()
        let p = path(f.signer.unsubscribeURL(memberID: 17, topic: "ballots"))
        try await f.app().test(.router) { client in
            let r1 = try await client.execute(uri: p, method: .post, headers: Self.form, body: ByteBuffer(string: "topic=meetings"))
            #expect(r1.status == .ok)
            let r2 = try await client.execute(uri: p, method: .post, headers: Self.form, body: ByteBuffer(string: "topic=%2A"))
            #expect(String(buffer: r2.body).contains("You won't get any more emails from Dorset NEU."))
            let bad = try await client.execute(uri: p, method: .post, headers: Self.form, body: ByteBuffer(string: "topic=other"))
            #expect(bad.status == .badRequest)
        }
        #expect(try f.suppressions() == ["17 *", "17 meetings"])
        #expect(try f.outbox() == ["1 suppressed unsubscribed", "2 suppressed unsubscribed", "3 suppressed unsubscribed", "4 sent -", "5 queued -"])
    }

    @Test func getAndHeadChangeNothing() async throws {
        // Given one valid link of each kind, When a mail scanner fetches each with GET and HEAD,
        let f = try LinksFixture()
        let ballot = f.signer.links(memberID: 17, topic: "ballots", eventID: nil, ballotID: 3, expires: LinksFixture.now.addingTimeInterval(86_400))
        let event = f.signer.links(memberID: 17, topic: "meetings", eventID: 5, ballotID: nil, expires: LinksFixture.now.addingTimeInterval(86_400))
        try await f.app().test(.router) { client in
            for url in [ballot.unsubscribe, ballot.voted, event.rsvpYes, event.rsvpNo] {
                for method in [HTTPRequest.Method.get, .head] {
                    let r = try await client.execute(uri: path(url), method: method)
                    #expect(r.status == .ok)
                    #expect(r.headers[.cacheControl] == "no-store")
                }
            }
        }
        // Then nothing in the database changed.
        #expect(try f.snapshot() == LinksFixture.pristine)
    }

    @Test func pagesOfferChoicesAsPostForms() async throws {
        let f = try LinksFixture()
        let links = f.signer.links(memberID: 17, topic: "ballots", eventID: 5, ballotID: 3, expires: LinksFixture.now.addingTimeInterval(60))
        try await f.app().test(.router) { client in
            let u = String(buffer: try await client.execute(uri: path(links.unsubscribe), method: .get).body)
            #expect(u.contains("<html lang=\"en\">"))
            #expect(u.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
            #expect(u.contains("<form method=\"post\"><input type=\"hidden\" name=\"topic\" value=\"ballots\"><button type=\"submit\">Unsubscribe from ballots</button></form>"))
            #expect(u.contains("value=\"meetings\"><button type=\"submit\" class=\"other\">Stop emails about meetings</button>"))
            #expect(u.contains("value=\"*\"><button type=\"submit\" class=\"other\">Stop all emails from Dorset NEU</button>"))
            #expect(!u.contains("Sam") && !u.contains("sam@example.org"))
            let v = String(buffer: try await client.execute(uri: path(links.voted), method: .get).body)
            #expect(v.contains("Have you voted in “Pay ballot”?"))
            #expect(v.contains("<form method=\"post\"><button type=\"submit\">I've voted</button></form>"))
            let r = String(buffer: try await client.execute(uri: path(links.rsvpNo), method: .get).body)
            #expect(r.contains("Tuesday 1 December 2026, 18:00"))
            #expect(r.contains("<form method=\"post\"><input type=\"hidden\" name=\"answer\" value=\"no\"><button type=\"submit\">No, I can't come</button></form><form method=\"post\"><input type=\"hidden\" name=\"answer\" value=\"yes\"><button type=\"submit\" class=\"other\">Yes, I'll be there</button></form>"))
        }
    }

    @Test func everyResponseCarriesThePrivacyHeaders() async throws {
        let f = try LinksFixture()
        try await f.app().test(.router) { client in
            for (uri, status) in [("/healthz", HTTPResponse.Status.ok), ("/u/garbage!", .badRequest), ("/nowhere", .notFound)] {
                let r = try await client.execute(uri: uri, method: .get)
                #expect(r.status == status)
                #expect(r.headers[.cacheControl] == "no-store")
                #expect(r.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(r.headers[HTTPField.Name("X-Robots-Tag")!] == "noindex")
                #expect(r.headers[.contentSecurityPolicy] == LinkPage.contentSecurityPolicy)
            }
        }
        #expect(LinkPage.contentSecurityPolicy.hasPrefix("default-src 'none'; style-src 'sha256-"))
        #expect(LinkPage.contentSecurityPolicy.hasSuffix("'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"))
    }

    @Test func healthzSaysOk() async throws {
        let f = try LinksFixture()
        try await f.app().test(.router) { client in
            let r = try await client.execute(uri: "/healthz", method: .get)
            #expect(r.status == .ok)
            #expect(String(buffer: r.body) == "ok\n")
        }
    }

    @Test func anUnsupportedMethodOnALinkAddressIs405WithAllowAndChangesNothing() async throws {
        // Given member 17's links,
        let f = try LinksFixture()
        let token = f.signer.token(.unsubscribe(memberID: 17, topic: "newsletter"))
        try await f.app().test(.router) { client in
            // when a client PUTs, DELETEs, PATCHes or asks OPTIONS of a link or of /healthz,
            for uri in ["/u/\(token)", "/v/\(token)", "/r/\(token)", "/u/anything"] {
                for method in [HTTPRequest.Method.put, .delete, .patch, .options] {
                    let r = try await client.execute(uri: uri, method: method, headers: Self.form, body: Self.oneClick)
                    // then the answer is 405 naming the methods the address takes, with the privacy headers.
                    #expect(r.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(r.headers[.allow] == "GET, HEAD, POST", "\(method) \(uri)")
                    #expect(r.headers[.cacheControl] == "no-store")
                    #expect(String(buffer: r.body).contains("This page can't be used that way."))
                }
            }
            let h = try await client.execute(uri: "/healthz", method: .post)
            #expect(h.status == .methodNotAllowed)
            #expect(h.headers[.allow] == "GET, HEAD")
            // and an address that is not ours stays 404, whatever the method.
            for (uri, method) in [("/x/\(token)", HTTPRequest.Method.put), ("/u/a/b", .get), ("/u/", .delete), ("/", .post)] {
                let r = try await client.execute(uri: uri, method: method)
                #expect(r.status == .notFound, "\(method) \(uri)")
                #expect(r.headers[.allow] == nil)
            }
        }
        #expect(try f.snapshot() == LinksFixture.pristine)
    }

    @Test func votedPostSetsVotedAtAndSuppressesThatBallotsMail() async throws {
        let f = try LinksFixture()
        let url = f.signer.links(memberID: 17, topic: "ballots", eventID: nil, ballotID: 3, expires: LinksFixture.now.addingTimeInterval(60)).voted
        try await f.app().test(.router) { client in
            let r = try await client.execute(uri: path(url), method: .post, headers: Self.form, body: ByteBuffer())
            #expect(r.status == .ok)
            #expect(String(buffer: r.body).contains("Thank you for voting"))
        }
        #expect(try f.snapshot() == [
            "1 suppressed voted", "2 queued -", "3 queued -", "4 sent -", "5 queued -", "--", "--",
            "3 17 2026-11-23T09:00:00Z", "3 18 -", "4 18 -", "--",
        ])
        // And a second report keeps the first time.
        try await f.app(now: LinksFixture.now.addingTimeInterval(30)).test(.router) { client in
            let r = try await client.execute(uri: path(url), method: .post)
            #expect(r.status == .ok)
        }
        #expect(try f.votes() == ["3 17 2026-11-23T09:00:00Z", "3 18 -", "4 18 -"])
    }

    @Test func rsvpYesRegistersAndNoCancels() async throws {
        let f = try LinksFixture()
        let links = f.signer.links(memberID: 17, topic: "meetings", eventID: 5, ballotID: nil, expires: LinksFixture.now.addingTimeInterval(60))
        try await f.app().test(.router) { client in
            let yes = try await client.execute(uri: path(links.rsvpYes), method: .post)
            #expect(yes.status == .ok)
            #expect(try f.registrations() == ["5 17 registered"])
            #expect(try f.outbox()[1] == "2 queued -")
            // The page's other button: the yes link's page posting answer=no.
            let no = try await client.execute(uri: path(links.rsvpYes), method: .post, headers: Self.form, body: ByteBuffer(string: "answer=no"))
            #expect(no.status == .ok)
            #expect(try f.registrations() == ["5 17 cancelled"])
            #expect(try f.outbox() == ["1 queued -", "2 suppressed rsvp_no", "3 queued -", "4 sent -", "5 queued -"])
            let again = try await client.execute(uri: path(links.rsvpNo), method: .post, headers: Self.form, body: ByteBuffer(string: "answer=yes"))
            #expect(again.status == .ok)
            #expect(try f.registrations() == ["5 17 registered"])
        }
    }

    @Test func rsvpLinksOfACancelledEventSayItIsCancelledAndRecordNothing() async throws {
        // Given event 5 cancelled after its invitation went out
        let f = try LinksFixture()
        try await f.store.pool.write { db in try db.execute(sql: "UPDATE events SET status = 'cancelled' WHERE id = 5") }
        let links = f.signer.links(memberID: 17, topic: "meetings", eventID: 5, ballotID: nil, expires: LinksFixture.now.addingTimeInterval(60))
        let before = try f.snapshot()
        try await f.app().test(.router) { client in
            // When the member opens the yes link, then presses its button
            let page = String(buffer: try await client.execute(uri: path(links.rsvpYes), method: .get).body)
            let post = try await client.execute(uri: path(links.rsvpYes), method: .post)
            // Then both pages say the event is cancelled, with no button, and nothing is registered
            #expect(page.contains("“District meeting” has been cancelled.") && !page.contains("<form"))
            #expect(post.status == .ok)
            #expect(String(buffer: post.body).contains("has been cancelled"))
        }
        #expect(try f.snapshot() == before)
        #expect(try f.registrations() == [])
    }

    @Test func refusedLinksChangeNothing() async throws {
        // Given forged, expired, wrong-purpose and other-resource tokens,
        let f = try LinksFixture()
        let later = LinksFixture.now.addingTimeInterval(-1)
        let other = LinkSigner(secrets: try LinkSecrets(["someone-else-0123456789-0123456789-x"]), baseURL: nil)
        var forged = Array(f.signer.token(.voted(memberID: 17, ballotID: 3)))
        forged[3] = forged[3] == "A" ? "B" : "A"
        let cases: [(String, HTTPResponse.Status)] = [
            ("/v/" + String(forged), .forbidden),
            ("/v/" + other.token(.voted(memberID: 17, ballotID: 3)), .forbidden),
            ("/u/" + other.token(.unsubscribe(memberID: 17, topic: "ballots")), .forbidden),
            ("/v/" + f.signer.token(.voted(memberID: 17, ballotID: 3), expires: later), .gone),
            ("/r/" + f.signer.token(.rsvp(memberID: 17, eventID: 5, answer: .yes), expires: later), .gone),
            ("/v/" + f.signer.token(.unsubscribe(memberID: 17, topic: "ballots")), .notFound),
            ("/u/" + f.signer.token(.voted(memberID: 17, ballotID: 3)), .notFound),
            ("/r/" + f.signer.token(.voted(memberID: 17, ballotID: 3)), .notFound),
            // Signed, but for ballot 4 that only member 18 is in, a ballot and an event that do not exist, a member who does not.
            ("/v/" + f.signer.token(.voted(memberID: 17, ballotID: 4)), .notFound),
            ("/v/" + f.signer.token(.voted(memberID: 17, ballotID: 9)), .notFound),
            ("/r/" + f.signer.token(.rsvp(memberID: 17, eventID: 6, answer: .yes)), .notFound),
            ("/r/" + f.signer.token(.rsvp(memberID: 99, eventID: 5, answer: .yes)), .notFound),
            ("/u/not*a*token", .badRequest),
        ]
        try await f.app().test(.router) { client in
            for (uri, status) in cases {
                for method in [HTTPRequest.Method.get, .post] {
                    let r = try await client.execute(uri: uri, method: method, headers: Self.form, body: Self.oneClick)
                    #expect(r.status == status, "\(method) \(uri)")
                    #expect(String(buffer: r.body).contains("This link"), "\(method) \(uri)")
                }
            }
            // A form field naming another member is ignored: the member comes from the token alone.
            let r = try await client.execute(
                uri: path(f.signer.unsubscribeURL(memberID: 18, topic: "newsletter")), method: .post,
                headers: Self.form, body: ByteBuffer(string: "member=17&member_id=17"))
            #expect(r.status == .ok)
        }
        #expect(try f.snapshot() == [
            "1 queued -", "2 queued -", "3 queued -", "4 sent -", "5 queued -", "--", "18 newsletter", "--", "3 17 -", "3 18 -", "4 18 -", "--",
        ])
    }

    @Test func logLinesHoldIdsOnly() async throws {
        let f = try LinksFixture()
        let lines = LogCapture()
        let token = f.signer.token(.unsubscribe(memberID: 17, topic: "ballots"))
        try await f.app(logger: lines.logger).test(.router) { client in
            _ = try await client.execute(uri: "/u/" + token, method: .post, body: Self.oneClick)
            _ = try await client.execute(uri: "/v/" + token, method: .post)
        }
        #expect(lines.messages == [
            "link=unsubscribe member=17 topic=ballots status=ok suppressed=1",
            "link=voted status=wrong_purpose",
        ])
        #expect(!lines.all.contains(token))
    }

    @Test func unsubscribeCountsAreByTopic() async throws {
        let f = try LinksFixture()
        let actions = LinkActions(store: f.store)
        try await actions.unsubscribe(memberID: 17, topic: "ballots", now: LinksFixture.now)
        try await actions.unsubscribe(memberID: 18, topic: "ballots", now: LinksFixture.now)
        try await actions.unsubscribe(memberID: 18, topic: "ballots", now: LinksFixture.now)
        try await actions.unsubscribe(memberID: 18, topic: "*", now: LinksFixture.now)
        #expect(try unsubscribeCounts(store: f.store) == ["ballots": 2, "*": 1])
    }

    @Test func listenMustBeHostAndPort() throws {
        #expect(try parseListen("127.0.0.1:8025") == ("127.0.0.1", 8025))
        #expect(try parseListen("[::1]:80") == ("::1", 80))
        let e = #expect(throws: LinksListenError.self) { try parseListen("localhost") }
        #expect(e?.description == "links.listen: \"localhost\" must look like 127.0.0.1:8025 (host and port; [::1]:8025 for IPv6)")
    }
}
