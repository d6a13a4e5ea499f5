// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "wsdev",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wsdev", targets: ["wsdev"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CMagic",
            path: "Sources/CMagic",
            pkgConfig: "libmagic",
            providers: [.apt(["libmagic-dev"])]
        ),
        .target(name: "CSpawn", path: "Sources/CSpawn"),
        // RFC 6455's wire format, shared by the server and the load generator: no policy, no I/O.
        .target(
            name: "WSWire",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // `wsdev bench`: a WebSocket load generator on plain sockets, which never imports the server.
        .target(
            name: "WSDevBench",
            dependencies: [
                "WSWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        // `wsdev connect`: a WebSocket client for people and scripts, which never imports the server.
        .target(
            name: "WSDevClient",
            dependencies: [
                "WSWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The pywebsocket bridge's Python files, embedded into WSDevKit at build time.
        .executableTarget(name: "EmbedText", path: "Plugins/EmbedText"),
        .plugin(name: "EmbedBridge", capability: .buildTool(), dependencies: ["EmbedText"], path: "Plugins/EmbedBridge"),
        .target(
            name: "WSDevKit",
            dependencies: [
                "CMagic",
                "CSpawn",
                "WSWire",
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Handlers/PyWebSocket/Bridge"],
            plugins: ["EmbedBridge"]
        ),
        .executableTarget(
            name: "wsdev",
            dependencies: [
                "WSDevKit",
                "WSDevBench",
                "WSDevClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "WSDevTests",
            dependencies: ["WSDevKit", "WSWire", "WSDevBench", "WSDevClient", "wsdev", .product(name: "Crypto", package: "swift-crypto")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer harnesses (Tests/fuzz/run.sh sets WSDEV_FUZZ=1): a target only then, so a plain
// `swift build` or `swift test` neither compiles them nor needs the fuzzer runtime. Only
// WSDevKit, WSWire and the harness get coverage instrumentation, so in a scratch folder shared with a
// plain build (Tests/run's) the dependencies are not compiled again.
if Context.environment["WSDEV_FUZZ"] == "1" {
    let coverage = SwiftSetting.unsafeFlags(["-sanitize=fuzzer"])
    for target in package.targets where ["WSDevKit", "WSWire"].contains(target.name) {
        target.swiftSettings = (target.swiftSettings ?? []) + [coverage]
    }
    package.targets.append(.systemLibrary(name: "CLibFuzzer", path: "Tests/fuzz/LibFuzzer"))
    package.targets.append(
        .executableTarget(
            name: "wsdev-fuzz",
            dependencies: [
                "WSDevKit",
                "WSWire",
                "CLibFuzzer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/fuzz/Harness",
            swiftSettings: [coverage, .unsafeFlags(["-parse-as-library"])],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer"])]
        ))
    package.products.append(.executable(name: "wsdev-fuzz", targets: ["wsdev-fuzz"]))
}
