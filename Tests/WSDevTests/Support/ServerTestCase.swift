import XCTest

/// A test case with one small site and one wsdev serving it, started before each test and
/// stopped after it. Subclasses choose the files and the command-line arguments.
class ServerTestCase: XCTestCase {
    var site: SiteFixture!
    var server: ServerProcess!
    var port: Int { server.port }

    var siteFiles: [String: String] { ["index.html": "<p>x</p>"] }
    var serverArguments: [String] { [] }

    override func setUpWithError() throws {
        site = try SiteFixture(files: siteFiles)
        server = try ServerProcess(root: site.root.path, arguments: serverArguments)
    }

    override func tearDown() {
        _ = server?.stop()
        server = nil
        site = nil
    }
}
