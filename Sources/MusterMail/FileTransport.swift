// The file transport: each message becomes `ID.eml` in a directory, written atomically.
import Foundation
import MusterCore

/// Writes each message to `DIR/ID.eml` (ID is the outbox id): first a temporary file in the same
/// directory, then a rename, so a reader never sees half a message. Writing the same id again
/// replaces the file with the same bytes (a retry after a crash). Files are 0600 and a directory it
/// creates 0700, whatever the umask: they hold members' addresses.
public struct FileTransport: MailTransport {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Writes the messages one after another, each settled before the next is written, on a thread
    /// of its own (file I/O and the settling commits would otherwise hold a cooperative thread).
    public func send(_ batch: [OutgoingMessage], settle: @escaping Settle) async {
        if batch.isEmpty { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                for (i, message) in batch.enumerated() {
                    do { try settle(i, write(message)) } catch { break }
                }
                continuation.resume()
            }.start()
        }
    }

    func write(_ message: OutgoingMessage) -> DeliveryResult {
        let fm = FileManager.default
        let dir = URL(fileURLWithPath: directory)
        let name = "\(message.id).eml"
        let temp = dir.appendingPathComponent(".\(name).\(UUID().uuidString).tmp")
        do {
            try PrivateFiles.makeDirectory(dir.path)  // 0700 when muster makes it
            do {
                try PrivateFiles.write(message.data, toNew: temp.path)  // 0600, whatever the umask
            } catch {
                let mend = error.isNoSpace ? "" : " (check that it exists and is writable)"
                return .deferred(reply: "file transport: cannot write in \(directory): \(error)\(mend)", transportDown: true)
            }
            if rename(temp.path, dir.appendingPathComponent(name).path) != 0 {
                let why = String(cString: strerror(errno))
                try? fm.removeItem(at: temp)
                return .deferred(reply: "file transport: cannot rename into \(directory)/\(name): \(why)", transportDown: true)
            }
            return .sent(reply: "250 written to \(name)")
        } catch {
            try? fm.removeItem(at: temp)
            return .deferred(reply: "file transport: cannot create \(directory): \(error)", transportDown: true)
        }
    }
}
