import Foundation
import Logging
import Testing
@testable import GuichetWatcher

@Suite struct WatcherUnitTests {
    /// Builds a raw `struct inotify_event` record: header then NUL-padded name.
    static func record(wd: Int32, mask: UInt32, cookie: UInt32 = 0, name: [UInt8], padTo: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: wd.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: mask.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: cookie.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt32(padTo).littleEndian) { bytes += $0 }
        bytes += name + [UInt8](repeating: 0, count: padTo - name.count)
        return bytes
    }

    @Test func decodesConsecutiveEventsWithPaddedNames() {
        let a = Self.record(wd: 1, mask: InotifyFlag.closeWrite, name: Array("été.md".utf8), padTo: 16)
        let b = Self.record(wd: 2, mask: InotifyFlag.overflow, name: [], padTo: 0)
        let c = Self.record(wd: 3, mask: InotifyFlag.movedTo | InotifyFlag.isDirectory, cookie: 7,
                            name: Array("en".utf8), padTo: 32)
        let d = Self.record(wd: 4, mask: InotifyFlag.create, name: [0x66, 0xFF, 0x2E], padTo: 16)
        let buffer = a + b + c + d
        let events = InotifyHandle.decode(buffer, count: buffer.count)
        #expect(events.count == 4)
        #expect(events[0].watchDescriptor == 1 && events[0].name == "été.md" && events[0].has(InotifyFlag.closeWrite))
        #expect(events[1].name == nil && events[1].has(InotifyFlag.overflow))
        #expect(events[2].name == "en" && events[2].cookie == 7 && events[2].has(InotifyFlag.isDirectory))
        #expect(events[3].name == nil && events[3].hasUndecodableName)
    }

    @Test func stabilityNeedsTwoEqualObservationsFarEnoughApart() {
        var tracker = StabilityTracker()
        let key = PathKey("/w/translate/a.md")
        let t0 = ContinuousClock.now
        var id = FileIdentity(device: 1, inode: 2, size: 10, mtimeSeconds: 100, mtimeNanoseconds: 0)
        func observe(at seconds: Int) -> Bool {
            tracker.observe(key, identity: id, at: t0 + .seconds(seconds), requiredDelay: .seconds(2))
        }
        #expect(!observe(at: 0))
        #expect(!observe(at: 1))
        id.size = 20  // grew: the wait restarts
        #expect(!observe(at: 3))
        #expect(!observe(at: 4))
        #expect(observe(at: 5))
        tracker.remove(key)
        #expect(!observe(at: 9))  // forgotten: needs two observations again
    }

    @Test func pathKeysCompareBytesAndPrefixesByComponent() {
        #expect(PathKey("/w/e\u{301}") != PathKey("/w/\u{E9}"))  // NFD vs NFC stay distinct
        #expect(PathKey("/w/en/a.md").isWithin(PathKey("/w/en")))
        #expect(PathKey("/w/en").isWithin(PathKey("/w/en")))
        #expect(!PathKey("/w/english/a.md").isWithin(PathKey("/w/en")))
    }

    @Test func overflowRequestsAFullRescan() {
        let session = WatchSession(
            configuration: WatcherConfiguration(root: URL(fileURLWithPath: "/nonexistent"),
                                                pipelineFolders: ["translate"], rescanInterval: 3600),
            logger: Logger(label: "test"), rootPath: "/nonexistent", inotify: nil,
            registry: Locked(ReportedRegistry()))
        session.apply(ScanResult(), full: true)
        #expect(!session.isFullScanDue)
        session.apply([InotifyEvent(watchDescriptor: -1, mask: InotifyFlag.overflow, cookie: 0,
                                    name: nil, hasUndecodableName: false)])
        #expect(session.isFullScanDue)
    }
}
