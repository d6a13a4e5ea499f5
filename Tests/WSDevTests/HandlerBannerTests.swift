import Foundation
import XCTest

/// What the banner and the log say about handlers that are not what they seem: one in a built-in's
/// place, one that does not compile, and the classic tutorial's Python 2 handlers under python3.
final class HandlerBannerTests: XCTestCase {
    /// pywebsocket's own example handler, written for Python 2: `unicode` is gone in python3.
    static let python2Echo = """
        _GOODBYE_MESSAGE = u'Goodbye'

        def web_socket_do_extra_handshake(request):
            pass  # Always accept.

        def web_socket_transfer_data(request):
            while True:
                line = request.ws_stream.receive_message()
                if line is None:
                    return
                if isinstance(line, unicode):
                    request.ws_stream.send_message(line, binary=False)
                    if line == _GOODBYE_MESSAGE:
                        return
                else:
                    request.ws_stream.send_message(line, binary=True)
        """

    func testAHandlerInABuiltinsPlaceSaysSo() throws {
        let fixture = try HandlerFixture(["echo_wsh.py": PyWebSocketHandlerTests.echo, "chat.sh": "#!/bin/sh\ncat\n"])
        let log = fixture.server.log
        XCTAssertTrue(log.contains("/echo_wsh.py (pywebsocket handler; one python3 process for all its clients) — replaces built-in /echo"), log)
        XCTAssertTrue(log.contains("/chat.sh — replaces built-in /chat"), log)
        try fixture.write("chat.sh", "#!/bin/sh\nexec cat\n")
        XCTAssertTrue(fixture.server.waitForLog("reloaded /chat and /chat.sh (\(fixture.handlers.path)/chat.sh), which replaces built-in /chat"), fixture.server.log)
    }

    func testAHandlerThatDoesNotCompileIsFlaggedInTheBanner() throws {
        let fixture = try HandlerFixture([
            "broken_wsh.py": "def web_socket_transfer_data(request)\n    pass\n",
            "shout_wsh.py": "def web_socket_do_extra_handshake(request):\n    print 'hello'\n",
        ])
        let banner = fixture.server.log.components(separatedBy: "Ctrl-C stops the server.").first ?? ""
        XCTAssertTrue(banner.contains("! \(fixture.handlers.path)/broken_wsh.py cannot run: python3 cannot compile it: SyntaxError"), fixture.server.log)
        XCTAssertTrue(banner.contains("(line 1)"), fixture.server.log)
        XCTAssertTrue(banner.contains("shout_wsh.py cannot run") && banner.contains("handlers run under python3, where print is a function"), fixture.server.log)
        XCTAssertEqual(try RawWebSocket.handshake(port: fixture.port, path: "/broken").reply.status, 500)
    }

    func testAPython2HandlerGetsTheHintThatHandlersRunUnderPython3() throws {
        let fixture = try HandlerFixture(["echo_wsh.py": Self.python2Echo])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/echo")
        try socket.send(text: "Message to send")
        XCTAssertEqual(try socket.nextText(), "close 1011 name 'unicode' is not defined")
        XCTAssertTrue(fixture.server.waitForLog("handlers run under python3, which has no unicode (it was Python 2's): use str instead"), fixture.server.log)
    }
}
