// swift-tools-version:6.1
// libFuzzer harnesses for the parsers that take outside input. Not part of the main build, the
// tests or CI: build and run them with `fuzz/run.sh NAME SECONDS` (see fuzz/README.md).
import Foundation
import PackageDescription

/// A path dependency is known by its directory's name (`main`, or a worktree's name).
let muster = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent.lowercased()

func harness(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: "fuzz-\(name)",
        dependencies: ["CFuzzer"] + products.map { .product(name: $0, package: muster) },
        swiftSettings: [.swiftLanguageMode(.v6)],
        // gold fails on these links (an internal error in format_file_lineno); lld does not.
        linkerSettings: [.unsafeFlags(["-use-ld=lld"])]
    )
}

let package = Package(
    name: "muster-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "CFuzzer"),
        harness("csv", ["MusterStore"]),
        harness("schedule", ["MusterCore"]),
        harness("template", ["MusterTemplates", "MusterCore"]),
        harness("link", ["MusterLinks"]),
    ]
)
