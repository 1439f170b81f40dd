import Foundation
import GuichetJobs
import Testing

struct DiskSpaceTests {
    /// A folder `guichet run` has not created yet is measured on the disk it will be on, so
    /// `guichet doctor` and the free-space floor work before the first start.
    @Test func aFolderNotCreatedYetIsMeasuredOnItsParent() throws {
        let tmp = FileManager.default.temporaryDirectory
        let missing = tmp.appendingPathComponent("guichet-\(UUID().uuidString)/Output/translate")
        let here = try #require(DiskSpace.available(at: tmp))
        let there = try #require(DiskSpace.available(at: missing))
        #expect(here > 0)
        #expect(max(here, there) - min(here, there) < 64 << 20, "the same file system")
        // A path through a regular file cannot be a folder: not measured.
        let file = tmp.appendingPathComponent("guichet-\(UUID().uuidString).txt")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(DiskSpace.available(at: file.appendingPathComponent("sub")) == nil)
    }
}
