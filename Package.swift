// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "wsdev",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wsdev", targets: ["wsdev"]),
        .library(name: "WSDevKit", targets: ["WSDevKit"]),
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
        // The pywebsocket bridge's Python files, embedded into WSDevKit at build time.
        .executableTarget(name: "EmbedText", path: "Plugins/EmbedText"),
        .plugin(name: "EmbedBridge", capability: .buildTool(), dependencies: ["EmbedText"], path: "Plugins/EmbedBridge"),
        .target(
            name: "WSDevKit",
            dependencies: [
                "CMagic",
                "CSpawn",
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
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "WSDevTests",
            dependencies: ["WSDevKit", "wsdev", .product(name: "Crypto", package: "swift-crypto")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
