// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Guichet",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // Domain core: jobs, states, pipelines as data, the store seam. No I/O.
        .target(name: "GuichetCore"),
        // The TOML configuration, its defaults, environment overrides and validation.
        .target(name: "GuichetConfig", dependencies: [
            "GuichetCore",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        // The SQLite job store (GRDB).
        .target(name: "GuichetStore", dependencies: [
            "GuichetCore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "GuichetStoreTests", dependencies: ["GuichetStore", "GuichetCore"]),
        .testTarget(name: "GuichetConfigTests", dependencies: ["GuichetConfig", "GuichetCore"]),
    ]
)
