import Crypto
import Foundation

/// What the store keeps of a session token: its SHA-256, in hex. Someone who reads the store
/// file (a backup, a copy left on a share) cannot sign in with what they find there. The
/// tokens are 256 random bits, so a fast hash without salt is enough: there is nothing to
/// guess.
enum SessionTokenDigest {
    static func of(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
