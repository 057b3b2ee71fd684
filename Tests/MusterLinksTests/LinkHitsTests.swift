import MusterLinks
import Testing

@Suite struct LinkHitsTests {
    @Test func countsLinkRoutesByPurposeMethodAndStatusClassAndNothingElse() {
        let hits = LinkHits()
        hits.record(path: "/u/AAAA", method: "GET", status: 200)
        hits.record(path: "/u/BBBB", method: "HEAD", status: 200)
        hits.record(path: "/u/BBBB", method: "POST", status: 200)
        hits.record(path: "/v/x", method: "GET", status: 400)
        hits.record(path: "/r/x", method: "PUT", status: 405)
        hits.record(path: "/m/x", method: "POST", status: 503)
        // Not link routes: health, unknown prefixes, a token-less or deeper path.
        for path in ["/healthz", "/x/AAAA", "/u/", "/u", "/u/a/b", "/", "u/AAAA"] {
            hits.record(path: path, method: "GET", status: 404)
        }
        typealias K = LinkHits.Key
        #expect(hits.counts == [
            K(purpose: "unsubscribe", method: "GET", status: "2xx"): 2,
            K(purpose: "unsubscribe", method: "POST", status: "2xx"): 1,
            K(purpose: "voted", method: "GET", status: "4xx"): 1,
            K(purpose: "rsvp", method: "other", status: "4xx"): 1,
            K(purpose: "mark_voted", method: "POST", status: "5xx"): 1,
        ])
    }
}
