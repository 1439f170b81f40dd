@preconcurrency import Glibc
import Foundation
import Testing
@testable import GuichetWatcher

/// End-to-end tests on real temporary directories. Serialized: they share 2 CPU cores
/// and the cancellation test counts the process's inotify descriptors.
@Suite(.serialized) struct DropFolderWatcherTests {
    @Test func fileWrittenWithFileManagerIsReportedOnce() async throws {
        let h = Harness()
        try await h.start()
        #expect(FileManager.default.createFile(atPath: h.path("translate/a.md"), contents: Data("x".utf8)))
        try await waitUntil("a.md reported") { await h.collector.count(named: "a.md") >= 1 }
        try await settle()
        let files = await h.files
        #expect(files.count == 1)
        #expect(files.first?.detectedBy == .inotify)
        #expect(files.first?.pipelineFolder == "translate")
        #expect(files.first?.subfolders == [])
        #expect(files.first?.size == 1)
        #expect(files.first?.isSymlink == false)
        try await h.stop()
    }

    @Test func pipelineFoldersAreCreated() async throws {
        let h = Harness(pipelines: ["translate", "swot", "reformulate"])
        try await h.start()
        for name in ["translate", "swot", "reformulate"] {
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: h.path(name), isDirectory: &isDirectory))
            #expect(isDirectory.boolValue)
        }
        try await h.stop()
    }

    @Test func tempThenRenameReportsOnlyFinalName() async throws {
        let h = Harness()
        try await h.start()
        try writeRaw(h.path("translate/x.part"), String(repeating: "a", count: 5000))
        #expect(rename(h.path("translate/x.part"), h.path("translate/x.md")) == 0)
        try await waitUntil("x.md reported") { await h.collector.count(named: "x.md") >= 1 }
        try await settle()
        let names = await h.files.map(\.url.lastPathComponent)
        #expect(names == ["x.md"])
        #expect(await h.files.first?.size == 5000)
        try await h.stop()
    }

    @Test func ignoredNamesAreNeverReported() async throws {
        let h = Harness()
        try makeDirectory(h.path("translate"))
        // Present before start (scan path) ...
        for name in IgnoreRulesTests.ignored where !name.isEmpty {
            try writeRaw(h.path("translate/" + name))
        }
        try await h.start()
        // ... and written while watching (inotify path).
        for name in IgnoreRulesTests.ignored where !name.isEmpty {
            try writeRaw(h.path("proofread/" + name))
        }
        try writeRaw(h.path("proofread/ok.md"))
        try await waitUntil("ok.md reported") { await h.collector.count(named: "ok.md") == 1 }
        try await settle()
        #expect(await h.files.map(\.url.lastPathComponent) == ["ok.md"])
        try await h.stop()
    }

    @Test func fileInSubfolderCreatedAfterStart() async throws {
        let h = Harness(rescanInterval: 60)  // no periodic rescan: only events + subtree scans
        try await h.start()
        try makeDirectory(h.path("translate/en"))
        try writeRaw(h.path("translate/en/a.md"))
        try makeDirectory(h.path("translate/de/legal"))
        try writeRaw(h.path("translate/de/legal/b.md"))
        try await waitUntil("a.md and b.md reported") { await h.files.count >= 2 }
        try await settle(1)
        let files = await h.files
        #expect(files.count == 2)
        let a = try #require(files.first { $0.url.lastPathComponent == "a.md" })
        #expect(a.subfolders == ["en"])
        #expect(a.pipelineFolder == "translate")
        let b = try #require(files.first { $0.url.lastPathComponent == "b.md" })
        #expect(b.subfolders == ["de", "legal"])
        // The new folder is watched: a later file is seen by inotify.
        try writeRaw(h.path("translate/en/c.md"))
        try await waitUntil("c.md reported") { await h.collector.count(named: "c.md") == 1 }
        #expect(await h.files.last?.detectedBy == .inotify)
        try await h.stop()
    }

    @Test func folderMovedInIsScanned() async throws {
        let h = Harness(rescanInterval: 60)
        try await h.start()
        let outside = h.root.deletingLastPathComponent().path + "/staging"
        try makeDirectory(outside + "/fr")
        try writeRaw(outside + "/fr/moved.md")
        #expect(rename(outside, h.path("proofread/staging")) == 0)
        try await waitUntil("moved.md reported") { await h.collector.count(named: "moved.md") == 1 }
        #expect(await h.files.first?.subfolders == ["staging", "fr"])
        try await h.stop()
    }

    @Test func deletedPipelineFolderIsRecreatedAndWatched() async throws {
        let h = Harness(rescanInterval: 60)  // recreation must come from the DELETE_SELF event
        try await h.start()
        try FileManager.default.removeItem(atPath: h.path("translate"))
        try await waitUntil("translate recreated") {
            FileManager.default.fileExists(atPath: h.path("translate"))
        }
        try await Task.sleep(for: .milliseconds(300))  // let the rescan add its watch
        try writeRaw(h.path("translate/after.md"))
        try await waitUntil("after.md reported") { await h.collector.count(named: "after.md") == 1 }
        try await h.stop()
    }

    @Test func filesPresentBeforeStartAreReportedByStartupScan() async throws {
        let h = Harness(rescanInterval: 60)  // only the start-up scan and its stability follow-up
        try makeDirectory(h.path("translate/en"))
        try writeRaw(h.path("translate/before.md"))
        try writeRaw(h.path("translate/en/before-en.md"))
        try await h.start()
        try await waitUntil("both reported") { await h.files.count >= 2 }
        let files = await h.files
        #expect(Set(files.map(\.url.lastPathComponent)) == ["before.md", "before-en.md"])
        #expect(files.allSatisfy { $0.detectedBy == .scan })
        try await h.stop()
    }

    @Test func growingFileIsNotReportedUntilItStops() async throws {
        // No inotify: behaves like a network share. Appends every 200 ms, never closing.
        let h = Harness(useInotify: false, rescanInterval: 0.25, stabilityDelay: 2)
        try await h.start()
        let path = h.path("translate/growing.md")
        let handle = try #require(FileHandle(forWritingAtPath: { try? writeRaw(path, ""); return path }()))
        for _ in 0..<15 {
            handle.seekToEndOfFile()
            handle.write(Data(repeating: 65, count: 100))
            try await Task.sleep(for: .milliseconds(200))
            #expect(await h.files.isEmpty, "reported while still growing")
        }
        try handle.close()
        try await waitUntil("growing.md reported once stable") { await h.files.count == 1 }
        let file = try #require(await h.files.first)
        #expect(file.size == 1500)
        #expect(file.detectedBy == .scan)
        try await h.stop()
    }

    @Test func fileWrittenWithoutInotifyIsFoundByRescan() async throws {
        let h = Harness(useInotify: false)
        try await h.start()
        try makeDirectory(h.path("proofread/fr"))
        try writeRaw(h.path("proofread/fr/share.md"))
        try await waitUntil("share.md reported") { await h.files.count == 1 }
        let file = try #require(await h.files.first)
        #expect(file.detectedBy == .scan)
        #expect(file.subfolders == ["fr"])
        try await settle(1)
        #expect(await h.files.count == 1)
        try await h.stop()
    }

    @Test func symlinkToFileIsReportedAsSymlink() async throws {
        let h = Harness()
        try await h.start()
        let target = h.root.deletingLastPathComponent().path + "/secret.txt"
        try writeRaw(target, String(repeating: "s", count: 1000))
        #expect(symlink(target, h.path("translate/link.md")) == 0)
        try await waitUntil("link.md reported") { await h.files.count >= 1 }
        try await settle(1)
        let files = await h.files
        #expect(files.count == 1)
        let file = try #require(files.first)
        #expect(file.isSymlink)
        #expect(file.url.lastPathComponent == "link.md")
        // lstat size = length of the link text, not the 1000-byte target.
        #expect(file.size == Int64(target.utf8.count))
        try await h.stop()
    }

    @Test func symlinkedDirectoryIsNotDescended() async throws {
        let h = Harness()
        let outside = h.root.deletingLastPathComponent().path + "/elsewhere"
        try makeDirectory(outside)
        try writeRaw(outside + "/inside-before.md")
        try makeDirectory(h.path("translate"))
        #expect(symlink(outside, h.path("translate/linked")) == 0)
        #expect(mkfifo(h.path("translate/pipe.md"), 0o644) == 0)
        try await h.start()
        try writeRaw(outside + "/inside-after.md")
        try writeRaw(h.path("translate/marker.md"))
        try await waitUntil("marker.md reported") { await h.collector.count(named: "marker.md") == 1 }
        try await settle()
        let files = await h.files
        #expect(!files.contains { $0.url.path.contains("inside") })
        #expect(!files.contains { $0.url.lastPathComponent == "pipe.md" })
        // The link itself may be reported, but only as a symlink.
        #expect(files.filter { $0.url.lastPathComponent == "linked" }.allSatisfy { $0.isSymlink })
        try await h.stop()
    }

    @Test func failedFolderIsNeverReported() async throws {
        let h = Harness()
        try makeDirectory(h.path("translate/_failed"))
        try writeRaw(h.path("translate/_failed/old.md"))
        try makeDirectory(h.path("translate/en/_processing"))
        try writeRaw(h.path("translate/en/_processing/busy.md"))
        try await h.start()
        try writeRaw(h.path("translate/_failed/new.md"))
        try makeDirectory(h.path("proofread/_failed"))
        try writeRaw(h.path("proofread/_failed/new2.md"))
        try writeRaw(h.path("translate/marker.md"))
        try await waitUntil("marker.md reported") { await h.collector.count(named: "marker.md") == 1 }
        try await settle()
        #expect(await h.files.map(\.url.lastPathComponent) == ["marker.md"])
        try await h.stop()
    }

    @Test func reportedFileNotMovedIsNotReportedAgainUntilForgotten() async throws {
        for useInotify in [true, false] {
            let h = Harness(useInotify: useInotify)
            try await h.start()
            try writeRaw(h.path("translate/stay.md"))
            try await waitUntil("stay.md reported") { await h.files.count == 1 }
            try await settle()  // several rescans
            #expect(await h.files.count == 1, "re-reported (inotify: \(useInotify))")
            let url = try #require(await h.files.first?.url)
            h.watcher.forget(url)
            try await waitUntil("stay.md reported again") { await h.files.count == 2 }
            #expect(await h.files.last?.detectedBy == .scan)
            try await settle(1)
            #expect(await h.files.count == 2)
            try await h.stop()
        }
    }

    @Test func fileReplacedAfterMoveIsReportedAgain() async throws {
        let h = Harness()
        try await h.start()
        try writeRaw(h.path("translate/again.md"), "v1")
        try await waitUntil("first version") { await h.files.count == 1 }
        let moved = h.root.deletingLastPathComponent().path + "/done.md"
        #expect(rename(h.path("translate/again.md"), moved) == 0)  // the consumer moves it away
        try await settle(0.5)
        try writeRaw(h.path("translate/again.md"), "version 2")
        try await waitUntil("second version") { await h.files.count == 2 }
        #expect(await h.files.last?.size == 9)
        try await h.stop()
    }

    @Test func cancellationStopsRunPromptlyAndClosesInotify() async throws {
        let before = inotifyDescriptorCount()
        let h = Harness(rescanInterval: 3600)
        try await h.start()
        #expect(inotifyDescriptorCount() == before + 1)
        let started = ContinuousClock.now
        try await h.stop(cleanUp: false)  // throws if run does not return within 10 s
        #expect(ContinuousClock.now - started < .seconds(5))
        // Closed by run itself (the folders still exist, so no event wakes the thread).
        #expect(inotifyDescriptorCount() == before)
        h.removeFiles()
    }

    @Test func secondConcurrentRunIsRejected() async throws {
        let h = Harness()
        try await h.start()
        await #expect(throws: WatcherError.alreadyRunning) {
            try await h.watcher.run { _ in }
        }
        try await h.stop()
    }

    @Test func unusualNamesWork() async throws {
        let names = [
            "rapport final.md", "ébauche été.docx", "l'été \"guillemets\".md",
            "line\nbreak.md", "e\u{301}te\u{301}.md", "\u{E9}t\u{E9}.md",  // NFD and NFC: two files
        ]
        for useInotify in [true, false] {
            let h = Harness(useInotify: useInotify)
            try await h.start()
            try makeDirectory(h.path("translate/sous-dossier é"))
            for name in names { try writeRaw(h.path("translate/sous-dossier é/" + name)) }
            try await waitUntil("all names reported") { await h.files.count >= names.count }
            try await settle(1)
            let files = await h.files
            #expect(files.count == names.count)
            let reported = Set(files.map { Array($0.url.path.utf8) })
            for name in names {
                let expected = Array(h.path("translate/sous-dossier é/" + name).utf8)
                #expect(reported.contains(expected), "missing \(name.debugDescription)")
            }
            #expect(files.allSatisfy { $0.subfolders == ["sous-dossier é"] })
            try await h.stop()
        }
    }

    @Test func callbackIsAwaitedSequentially() async throws {
        let h = Harness()
        let active = Locked((now: 0, max: 0, done: 0))
        let watcher = h.watcher
        let task = Task {
            try await watcher.run { _ in
                active.withLock { $0.now += 1; $0.max = max($0.max, $0.now) }
                try? await Task.sleep(for: .milliseconds(150))
                active.withLock { $0.now -= 1; $0.done += 1 }
            }
        }
        try await waitUntil("started") { watcher.isWatching }
        for index in 0..<5 { try writeRaw(h.path("translate/seq\(index).md")) }
        try await waitUntil("all handled") { active.withLock { $0.done } == 5 }
        #expect(active.withLock { $0.max } == 1)
        task.cancel()
        _ = try? await task.value
        h.removeFiles()
    }
}

/// Number of inotify descriptors open in this process.
func inotifyDescriptorCount() -> Int {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return entries.filter {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0)) == "anon_inode:inotify"
    }.count
}
