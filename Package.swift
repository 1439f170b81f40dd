// swift-tools-version:6.0
import PackageDescription

let log = Target.Dependency.product(name: "Logging", package: "swift-log")
let lifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")

let package = Package(
    name: "Guichet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "guichet", targets: ["guichet"]),
        .executable(name: "guichet-bench", targets: ["guichet-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // Domain core: jobs, states, pipelines as data, the store seam. No I/O.
        .target(name: "GuichetCore"),
        // The TOML configuration, its defaults, environment overrides and validation.
        .target(name: "GuichetConfig", dependencies: ["GuichetCore", .product(name: "TOMLKit", package: "TOMLKit")]),
        // The SQLite job store (GRDB).
        .target(name: "GuichetStore", dependencies: [
            "GuichetCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // libcurl, as a system library.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // poppler-glib, as a system library.
        .systemLibrary(name: "CPoppler", path: "Sources/CPoppler", pkgConfig: "poppler-glib", providers: [.apt(["libpoppler-glib-dev"])]),
        // PDF text with its structure rebuilt (paragraphs, headings, lists, tables, columns).
        .target(name: "GuichetPDF", dependencies: ["CPoppler", "GuichetDocumentModel"]),
        // libzip, as a system library.
        .systemLibrary(name: "CZip", path: "Sources/CZip", pkgConfig: "libzip", providers: [.apt(["libzip-dev"])]),
        // DOCX packages: zip reading with limits, a writer with real styles, lists and tables.
        .target(name: "GuichetDOCX", dependencies: ["CZip", "GuichetDocumentModel"]),
        // DOCX in, DOCX out: paragraphs as text with formatting markers, rewritten in place.
        .target(name: "GuichetDOCXText", dependencies: ["GuichetDOCX", "CZip"]),
        // OpenAI-compatible chat client over libcurl: retries, timeouts, response validation.
        .target(name: "GuichetLLM", dependencies: ["CCurl", log, metrics]),
        // Markdown / text documents: parsing into segments, chunking, rendering back.
        // A document as structure (headings, paragraphs, lists, tables), shared by readers and writers.
        .target(name: "GuichetDocumentModel"),
        .target(name: "GuichetDocuments", dependencies: ["GuichetDocumentModel"]),
        // inotify + rescan watcher of the drop folders.
        .target(name: "GuichetWatcher", dependencies: [log]),
        // The file-system workflow around jobs: intake, failures, review decisions, recovery.
        .target(name: "GuichetJobs", dependencies: ["GuichetCore", "GuichetConfig", "GuichetDocuments", log]),
        // Pipelines at work: prompts, map and map-reduce over the chunks.
        .target(name: "GuichetPipelines", dependencies: ["GuichetCore", "GuichetConfig", "GuichetDocuments", "GuichetDOCX", "GuichetDOCXText", "GuichetPDF", "GuichetJobs", "GuichetLLM", log, metrics]),
        // The approvers' web page: accounts, sessions, the queue, items, decisions, the audit log.
        .target(name: "GuichetWeb", dependencies: [
            "GuichetCore", "GuichetConfig", "GuichetJobs", "GuichetDOCXText", "GuichetPipelines", log, lifecycle,
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "MultipartKit", package: "multipart-kit"),
        ]),
        // Tells approvers that results wait: a digest by e-mail (SMTP via libcurl) and by webhook.
        .target(name: "GuichetNotify", dependencies: ["CCurl", "GuichetLLM", log, lifecycle]),
        // A W3C WebDriver client for headless Chromium, for the real-browser tests.
        .target(name: "GuichetWebDriver"),
        // In-process SMTP sink and webhook receiver on 127.0.0.1, for tests.
        .target(name: "NotifyTestSupport"),
        // Long-running services and their assembly.
        .target(name: "GuichetDaemon", dependencies: [
            "GuichetCore", "GuichetConfig", "GuichetStore", "GuichetLLM", "GuichetJobs", "GuichetPipelines", "GuichetWatcher", "GuichetWeb", "GuichetNotify", log, lifecycle, metrics,
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        // The thin `guichet` command.
        .executableTarget(name: "guichet", dependencies: [
            "GuichetDaemon", "GuichetCore", "GuichetConfig", "GuichetJobs", "GuichetPipelines", "GuichetPDF", "GuichetDocumentModel", "GuichetWeb",
            .product(name: "ArgumentParser", package: "swift-argument-parser"), log,
        ]),
        // `make bench`: figures printed side by side, never asserted.
        .executableTarget(name: "guichet-bench", dependencies: [
            "GuichetCore", "GuichetConfig", "GuichetStore", "GuichetLLM", "GuichetJobs", "GuichetPipelines", "GuichetDocuments", "GuichetWatcher", "GuichetPDF", "GuichetTestSupport", "GuichetWeb", log,
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        // An in-process fake OpenAI-compatible server for deterministic and fault tests.
        .target(name: "GuichetTestSupport", dependencies: [log]),

        .testTarget(name: "GuichetPDFTests", dependencies: ["GuichetPDF", "GuichetDocumentModel", "GuichetTestSupport"]),
        .testTarget(name: "GuichetDOCXTextTests", dependencies: ["GuichetDOCXText", "GuichetDOCX", "GuichetTestSupport"]),
        .testTarget(name: "GuichetDOCXRevisionTests", dependencies: ["GuichetDOCXText", "GuichetDOCX", "GuichetTestSupport"]),
        .testTarget(name: "GuichetDOCXTests", dependencies: ["GuichetDOCX", "GuichetDocumentModel"]),
        .testTarget(name: "GuichetStoreTests", dependencies: ["GuichetStore", "GuichetCore"]),
        .testTarget(name: "GuichetConfigTests", dependencies: ["GuichetConfig", "GuichetCore"]),
        .testTarget(name: "GuichetLLMTests", dependencies: ["GuichetLLM", "GuichetTestSupport", log]),
        .testTarget(name: "GuichetJobsTests", dependencies: ["GuichetJobs", "GuichetStore", "GuichetCore", "GuichetConfig", log]),
        .testTarget(name: "GuichetDocumentsTests", dependencies: ["GuichetDocuments", "GuichetDocumentModel"]),
        .testTarget(name: "GuichetWatcherTests", dependencies: ["GuichetWatcher", log]),
        .testTarget(name: "GuichetPipelinesTests", dependencies: [
            "GuichetPipelines", "GuichetJobs", "GuichetStore", "GuichetCore", "GuichetConfig", "GuichetLLM", "GuichetDocuments", "GuichetDOCX", "GuichetDOCXText", "GuichetTestSupport", log,
        ]),
        .testTarget(name: "GuichetDaemonTests", dependencies: [
            "GuichetDaemon", "GuichetJobs", "GuichetStore", "GuichetCore", "GuichetConfig", "GuichetLLM", "GuichetTestSupport",
            "GuichetPDF", "GuichetPipelines", "GuichetDOCX", "GuichetDOCXText", "GuichetDocumentModel", "GuichetWebDriver", "NotifyTestSupport", log,
        ], exclude: ["Fixtures"]),
        .testTarget(name: "GuichetWebDriverTests", dependencies: ["GuichetWebDriver"]),
        .testTarget(name: "GuichetNotifyTests", dependencies: ["GuichetNotify", "NotifyTestSupport", log, lifecycle]),
        .testTarget(name: "GuichetWebTests", dependencies: [
            "GuichetWeb", "GuichetJobs", "GuichetStore", "GuichetCore", "GuichetConfig", "GuichetTestSupport", log,
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
