import Foundation
import XCTest

/// The command the classic tutorial teaches, `standalone.py -p 9998 -w ../example/`, becomes
/// `wsdev -p 9998 -w ../example/`, run from the folder holding the tutorial's page: there is no
/// `public/` there, so wsdev serves that folder, as pywebsocket did, and says so.
final class SeedCommandTests: XCTestCase {
    /// The tutorial's page as the seed gives it (its two code blocks joined).
    static let tutorialPage = """
        <!DOCTYPE HTML>
        <html>
          <head>
            <script type="text/javascript">
              function WebSocketTest()
              {
                if ("WebSocket" in window)
                {
                  alert("WebSocket is supported by your Browser!");

                  // Let us open a web socket
                  var ws = new WebSocket("ws://localhost:9998/echo");

                  ws.onopen = function()
                  {
                    // Web Socket is connected, send data using send()
                    ws.send("Message to send");
                    alert("Message is sent...");
                  };

                  ws.onmessage = function (evt)
                  {
                    var received_msg = evt.data;
                    alert("Message is received...");
                  };

                  ws.onclose = function()
                  {
                    // websocket is closed.
                    alert("Connection is closed...");
                  };
                }
                else
                {
                  // The browser doesn't support WebSocket
                  alert("WebSocket NOT supported by your Browser!");
                }
              }
            </script>
          </head>
          <body>
            <div >
              <a href="javascript:WebSocketTest()">Run WebSocket</a>
            </div>
          </body>
        </html>

        """

    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("wsdev-seed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("src"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("example"), withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
    }

    func testTheTutorialsCommandServesTheCurrentFolderAndItsEchoWorks() throws {
        let source = folder.appendingPathComponent("src")
        try Data(Self.tutorialPage.utf8).write(to: source.appendingPathComponent("websocket.html"))
        try Data(PyWebSocketHandlerTests.echo.utf8).write(to: folder.appendingPathComponent("example/echo_wsh.py"))
        let server = try ServerProcess(commandLine: ["-p", "0", "-w", "../example/"], directory: source)
        defer { _ = server.stop() }
        XCTAssertTrue(server.log.contains("serving \(source.resolvingSymlinksInPath().path)"), server.log)
        XCTAssertTrue(server.log.contains("no public/ folder here, so serving the current folder"), server.log)
        XCTAssertTrue(server.log.contains("../example/echo_wsh.py (pywebsocket handler; one python3 process for all its clients) — replaces built-in /echo"), server.log)

        let page = try RawHTTP.get("/websocket.html", port: server.port)
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("var ws = new WebSocket(\"ws://localhost:9998/echo\");"), page.text)
        XCTAssertTrue(try RawHTTP.get("/", port: server.port).text.contains("websocket.html"), "the folder is listed")

        // What the page does when "Run WebSocket" is clicked, on the port the server took.
        let socket = try RawWebSocket.open(port: server.port, path: "/echo", headers: ["Origin": "null"])
        try socket.send(text: "Message to send")
        XCTAssertEqual(try socket.nextText(), "Message to send")
        try socket.send(text: "Goodbye")
        XCTAssertEqual(try socket.nextText(), "Goodbye")
        XCTAssertEqual(try socket.nextText(), "close 1000 ")
    }

    func testAPublicFolderIsStillTheDefaultAndAMisspeltRootIsCorrected() throws {
        let site = folder.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: site.appendingPathComponent("public"), withIntermediateDirectories: true)
        try Data("inside public".utf8).write(to: site.appendingPathComponent("public/index.html"))
        let server = try ServerProcess(commandLine: ["-p", "0", "--no-reload"], directory: site)
        defer { _ = server.stop() }
        XCTAssertEqual(try RawHTTP.get("/", port: server.port).text, "inside public")
        XCTAssertFalse(server.log.contains("serving the current folder"), server.log)

        // `cd public && wsdev`: the folder itself.
        let inside = try ServerProcess(commandLine: ["-p", "0", "--no-reload"], directory: site.appendingPathComponent("public"))
        defer { _ = inside.stop() }
        XCTAssertEqual(try RawHTTP.get("/", port: inside.port).text, "inside public")

        let misspelt = try runWsdev(["serve", "pubic", "-p", "0"], directory: site)
        XCTAssertEqual(misspelt.status, 1, misspelt.output)
        XCTAssertTrue(misspelt.output.contains("document root 'pubic' does not exist. Did you mean public? wsdev serve public"), misspelt.output)
        let handlers = try runWsdev(["serve", "public", "-w", "../exmaple", "-p", "0"], directory: site)
        XCTAssertTrue(handlers.output.contains("Did you mean ../example? --handlers ../example"), handlers.output)
    }
}
