// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "muster",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "muster", targets: ["muster"]),
        // For the fuzz harnesses in fuzz/ (a package of their own, outside the tests and CI).
        .library(name: "MusterCore", targets: ["MusterCore"]),
        .library(name: "MusterStore", targets: ["MusterStore"]),
        .library(name: "MusterTemplates", targets: ["MusterTemplates"]),
        .library(name: "MusterLinks", targets: ["MusterLinks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        // Hummingbird's own dependencies, named for the links listener's channel handlers (same versions).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
        // The organiser's console: bcrypt for its password, metrics in the Prometheus text format.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", exact: "2.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
    ],
    targets: [
        /// Typed wrappers over libcurl's variadic calls; links the system libcurl.
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        /// Pure values and rules: configuration, schedules, cron, planner, outbox states, MIME.
        .target(
            name: "MusterCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        /// SQLite: migrations, reading the district, the outbox, CSV import, the demo district.
        .target(
            name: "MusterStore",
            dependencies: [
                "MusterCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        /// Mustache templates: front matter, render context, strict check.
        .target(
            name: "MusterTemplates",
            dependencies: ["MusterCore", .product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: strict
        ),
        /// Transports: SMTP over libcurl, the file transport, the rate limit.
        .target(
            name: "MusterMail",
            dependencies: ["MusterCore", "CCurl"],
            swiftSettings: strict
        ),
        /// Signed links (unsubscribe, "I've voted", RSVP) and the HTTP listener that serves them.
        .target(
            name: "MusterLinks",
            dependencies: [
                "MusterCore", "MusterStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        /// One pass (plan, enqueue, deliver, record) and the long-running service.
        .target(
            name: "MusterDaemon",
            dependencies: [
                "MusterCore", "MusterStore", "MusterTemplates", "MusterMail", "MusterLinks",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        /// The organiser's console: sign-in, sessions, the pages, /metrics, on a listener of its own.
        .target(
            name: "MusterConsole",
            dependencies: [
                "MusterCore", "MusterStore", "MusterDaemon", "MusterLinks",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "muster",
            dependencies: [
                "MusterCore", "MusterStore", "MusterTemplates", "MusterMail", "MusterDaemon", "MusterLinks", "MusterConsole",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        /// Helpers for the tests: temporary folders, the repository's paths, the test SMTP server.
        .target(name: "MusterTestSupport", dependencies: ["MusterCore"], path: "Sources/MusterTestSupport", swiftSettings: strict),
        .testTarget(name: "MusterCoreTests", dependencies: ["MusterCore", "MusterTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "MusterStoreTests",
            dependencies: [
                "MusterStore", "MusterCore", "MusterTemplates", "MusterTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MusterTemplatesTests",
            dependencies: ["MusterTemplates", "MusterCore", "MusterTestSupport"],
            exclude: ["golden"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MusterLinksTests",
            dependencies: [
                "MusterLinks", "MusterCore", "MusterStore", "MusterTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "MusterConsoleTests", dependencies: ["MusterConsole", "MusterCore"], swiftSettings: strict),
        .testTarget(name: "MusterMailTests", dependencies: ["MusterMail", "MusterCore", "MusterTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "MusterEndToEndTests",
            dependencies: [
                "MusterDaemon", "MusterStore", "MusterCore", "MusterTemplates", "MusterMail", "MusterLinks", "MusterConsole", "MusterTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
    ]
)
