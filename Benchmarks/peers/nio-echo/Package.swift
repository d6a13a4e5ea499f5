// swift-tools-version:6.1
// A trivial WebSocket echo server on SwiftNIO alone: the floor of the library wsdev is built on.
// Benchmarks/run builds it in release mode beside wsdev; it is not part of the product.
import PackageDescription

let package = Package(
    name: "nio-echo",
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        .executableTarget(
            name: "nio-echo",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
