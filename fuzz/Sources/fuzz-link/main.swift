// Fuzzes the link token decoder: what a stranger can put in /u/, /v/ and /r/ URLs.
import CFuzzer
import Foundation
@testable import MusterLinks

nonisolated(unsafe) let signer = LinkSigner(secrets: try! LinkSecrets(["fuzz-secret-0123456789abcdef0123456789"]), baseURL: "https://links.example.org")

/// The first byte picks the entry point:
/// - even: the rest is a token as it arrives in a URL; `verify` must refuse it without crashing
///   (it cannot forge the MAC), and base64url must have one spelling for each byte string.
/// - odd: the rest is a payload (what the MAC protects). A payload that decodes must encode back
///   to one that decodes the same, and its signed token must verify to the same link.
func fuzzLink(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = count == 0 ? [] : Array(UnsafeBufferPointer(start: start, count: count))
    guard let first = bytes.first else { return 0 }
    let rest = Array(bytes.dropFirst())
    let now = Date(timeIntervalSince1970: 0)
    if first % 2 == 0 {
        let text = String(decoding: rest, as: UTF8.self)
        if let decoded = Base64URL.decode(text) {
            precondition(Base64URL.encode(decoded) == text, "two spellings of one byte string")
        }
        for purpose in LinkPurpose.allCases {
            do {
                _ = try signer.verify(text, as: purpose, now: now)
                preconditionFailure("a token nobody signed was accepted")
            } catch {
                precondition(error == .malformed || error == .forged, "refused as \(error)")
            }
        }
        return 0
    }
    guard let token = LinkToken(payload: rest) else { return 0 }
    if case .unsubscribe(_, let topic) = token.action, topic.utf8.count > LinkToken.maxTopicBytes { return 0 }
    precondition(LinkToken(payload: token.payload) == token, "encoded again, the payload decodes differently")
    let signed = signer.token(token.action, expires: token.expires)
    do {
        let back = try signer.verify(signed, as: token.action.purpose, now: now)
        precondition(back == token, "signed and verified, the link changed")
    } catch {
        preconditionFailure("our own token was refused: \(error)")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzLink))
