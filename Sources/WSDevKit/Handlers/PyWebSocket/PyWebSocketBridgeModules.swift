extension PyWebSocketBridgeSource {
    /// The bridge's first part: pywebsocket3's exceptions and constants, and the fake
    /// `mod_pywebsocket` and `pywebsocket3` packages that handlers import them from.
    static let modules = #"""
# wsdev's pywebsocket bridge, written by wsdev (edits here are overwritten). It runs one NAME_wsh.py
# for all of that file's connections, as pywebsocket's standalone server does, and talks to wsdev in
# JSON lines: commands on stdin, events on the original stdout (see PyWebSocketWire.swift).
import base64, collections, collections.abc, importlib.util, json, os, sys, threading, traceback, types

WINDOW = \#(PyWebSocketWire.window)  # unacknowledged messages per connection and direction; wsdev counts the same
CHUNK = \#(PyWebSocketWire.chunk)  # characters or bytes per send line, so no line outgrows wsdev's limit
CLOSE_WAIT = 10  # seconds close_connection() waits for the client's answering close, as a browser's

# The exceptions and constants of pywebsocket3, whose handlers catch and raise them by these names.


class ConnectionTerminatedException(Exception):
    pass


class InvalidFrameException(ConnectionTerminatedException):
    pass


class BadOperationException(Exception):
    pass


class UnsupportedFrameException(Exception):
    pass


class InvalidUTF8Exception(Exception):
    pass


class AbortedByUserException(Exception):
    pass


class HandshakeException(Exception):
    def __init__(self, name, status=None):
        super(HandshakeException, self).__init__(name)
        self.status = status


class VersionException(Exception):
    def __init__(self, name, supported_versions=''):
        super(VersionException, self).__init__(name)
        self.supported_versions = supported_versions


_CLOSE_CODES = dict(
    STATUS_NORMAL_CLOSURE=1000, STATUS_GOING_AWAY=1001, STATUS_PROTOCOL_ERROR=1002,
    STATUS_UNSUPPORTED_DATA=1003, STATUS_NO_STATUS_RECEIVED=1005, STATUS_ABNORMAL_CLOSURE=1006,
    STATUS_INVALID_FRAME_PAYLOAD_DATA=1007, STATUS_POLICY_VIOLATION=1008, STATUS_MESSAGE_TOO_BIG=1009,
    STATUS_MANDATORY_EXTENSION=1010, STATUS_INTERNAL_ENDPOINT_ERROR=1011, STATUS_TLS_HANDSHAKE=1015,
    STATUS_USER_REGISTERED_BASE=3000, STATUS_USER_REGISTERED_MAX=3999,
    STATUS_USER_PRIVATE_BASE=4000, STATUS_USER_PRIVATE_MAX=4999,
    STATUS_NORMAL=1000, STATUS_UNSUPPORTED=1003, STATUS_CODE_NOT_AVAILABLE=1005,
    STATUS_ABNORMAL_CLOSE=1006, STATUS_INVALID_FRAME_PAYLOAD=1007, STATUS_MANDATORY_EXT=1010,
    HTTP_STATUS_BAD_REQUEST=400, HTTP_STATUS_FORBIDDEN=403, HTTP_STATUS_NOT_FOUND=404,
)


def _sendable_close_code(code):
    # What RFC 6455 lets an endpoint put in a close frame; browsers fail the connection otherwise.
    return code in (1000, 1001, 1002, 1003) or 1007 <= code <= 1014 or 3000 <= code <= 4999


def _install_modules():
    """Registers the fake packages mod_pywebsocket and pywebsocket3, before the handler imports them."""
    common = types.ModuleType('common')
    common.__dict__.update(_CLOSE_CODES)
    handshake = types.ModuleType('handshake')
    for cls in (AbortedByUserException, HandshakeException, VersionException):
        setattr(handshake, cls.__name__, cls)
    stream = types.ModuleType('stream')
    msgutil = types.ModuleType('msgutil')
    for module in (stream, msgutil):
        for cls in (ConnectionTerminatedException, InvalidFrameException, BadOperationException,
                    UnsupportedFrameException, InvalidUTF8Exception):
            setattr(module, cls.__name__, cls)
    msgutil.receive_message = lambda request: request.ws_stream.receive_message()
    msgutil.send_message = lambda request, payload_data, end=True, binary=False: request.ws_stream.send_message(payload_data, end, binary)
    msgutil.close_connection = lambda request: request.ws_stream.close_connection()
    msgutil.send_ping = lambda request, body: request.ws_stream.send_ping(body)
    parts = {'common': common, 'handshake': handshake, 'stream': stream, 'msgutil': msgutil}
    for package_name in ('mod_pywebsocket', 'pywebsocket3'):
        package = types.ModuleType(package_name)
        package.__path__ = []
        for name, module in parts.items():
            setattr(package, name, module)
            sys.modules[package_name + '.' + name] = module
        sys.modules[package_name] = package
"""#
}
