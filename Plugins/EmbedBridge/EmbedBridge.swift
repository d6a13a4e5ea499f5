import Foundation
import PackagePlugin

/// Puts the pywebsocket bridge's Python files (`Handlers/PyWebSocket/Bridge/*.py`) into WSDevKit
/// as a generated Swift file, so that they are real files in the repository (read, linted and
/// compiled as Python) and the shipped wsdev is still one file with nothing beside it.
@main
struct EmbedBridge: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let folder = target.directoryURL.appending(path: "Handlers/PyWebSocket/Bridge")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "py" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard files.contains(where: { $0.lastPathComponent == "bridge.py" }) else {
            throw PluginError("EmbedBridge: \(folder.path) has no bridge.py; the pywebsocket bridge cannot be embedded without it")
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "PyWebSocketBridgeSource.swift")
        return [
            .buildCommand(
                displayName: "Embedding the pywebsocket bridge (\(files.count) Python files)",
                executable: try context.tool(named: "EmbedText").url,
                arguments: [output.path, "PyWebSocketBridgeSource"] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output]
            ),
        ]
    }
}

struct PluginError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
