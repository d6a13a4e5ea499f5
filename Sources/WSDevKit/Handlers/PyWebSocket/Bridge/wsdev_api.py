"""pywebsocket3's names that handlers import: its exceptions, constants and extension objects, and
the packages mod_pywebsocket and pywebsocket3 (with common, handshake, stream, msgutil, extensions)."""
import sys
import types


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


class HandlerStopped(BaseException):
    """Raised by wsdev in a handler's thread that kept running after its client left. A
    BaseException, so that the usual `except Exception` in a handler's loop does not swallow it."""


CLOSE_CODES = dict(
    STATUS_NORMAL_CLOSURE=1000, STATUS_GOING_AWAY=1001, STATUS_PROTOCOL_ERROR=1002,
    STATUS_UNSUPPORTED_DATA=1003, STATUS_NO_STATUS_RECEIVED=1005, STATUS_ABNORMAL_CLOSURE=1006,
    STATUS_INVALID_FRAME_PAYLOAD_DATA=1007, STATUS_POLICY_VIOLATION=1008, STATUS_MESSAGE_TOO_BIG=1009,
    STATUS_MANDATORY_EXTENSION=1010, STATUS_INTERNAL_ENDPOINT_ERROR=1011, STATUS_TLS_HANDSHAKE=1015,
    STATUS_USER_REGISTERED_BASE=3000, STATUS_USER_REGISTERED_MAX=3999,
    STATUS_USER_PRIVATE_BASE=4000, STATUS_USER_PRIVATE_MAX=4999,
    STATUS_NORMAL=1000, STATUS_UNSUPPORTED=1003, STATUS_CODE_NOT_AVAILABLE=1005,
    STATUS_ABNORMAL_CLOSE=1006, STATUS_INVALID_FRAME_PAYLOAD=1007, STATUS_MANDATORY_EXT=1010,
    HTTP_STATUS_BAD_REQUEST=400, HTTP_STATUS_FORBIDDEN=403, HTTP_STATUS_NOT_FOUND=404,
    PERMESSAGE_DEFLATE_EXTENSION='permessage-deflate',
)


def sendable_close_code(code):
    # What RFC 6455 lets an endpoint put in a close frame; browsers fail the connection otherwise.
    return code in (1000, 1001, 1002, 1003) or 1007 <= code <= 1014 or 3000 <= code <= 4999


class ExtensionParameter(object):
    """One extension of Sec-WebSocket-Extensions with its parameters, as pywebsocket3's common module has it."""

    def __init__(self, name):
        self._name = name
        self._parameters = []

    def name(self):
        return self._name

    def add_parameter(self, name, value):
        self._parameters.append((name, value))

    def get_parameters(self):
        return self._parameters

    def get_parameter_names(self):
        return [name for name, _ in self._parameters]

    def has_parameter(self, name):
        return any(key == name for key, _ in self._parameters)

    def get_parameter_value(self, name):
        return next((value for key, value in self._parameters if key == name), None)

    def __repr__(self):
        return 'ExtensionParameter(%r, %r)' % (self._name, self._parameters)


def parse_extensions(header):
    """Sec-WebSocket-Extensions as a list of ExtensionParameter; None when empty."""
    result = []
    for offer in (header or '').split(','):
        parts = [part.strip() for part in offer.split(';')]
        if not parts[0]:
            continue
        extension = ExtensionParameter(parts[0])
        for parameter in parts[1:]:
            if parameter:
                name, _, value = parameter.partition('=')
                extension.add_parameter(name.strip(), value.strip().strip('"') or None)
        result.append(extension)
    return result or None


def format_extensions(extensions):
    return ', '.join('; '.join([e.name()] + [n if v is None else '%s=%s' % (n, v) for n, v in e.get_parameters()])
                     for e in extensions)


class DeflateProcessor(object):
    """permessage-deflate in request.ws_extension_processors. wsdev compresses on its own side; a handler
    that removes this processor from the list, or deactivates it, refuses the extension for its connection."""

    def __init__(self, request):
        self._request = request
        self._active = True

    def name(self):
        return CLOSE_CODES['PERMESSAGE_DEFLATE_EXTENSION']

    def request(self):
        return self._request

    def is_active(self):
        return self._active

    def set_active(self, active):
        self._active = active

    def check_consistency_with_other_processors(self, processors):
        pass

    # Tuning that wsdev's compressor chooses by itself; accepted and ignored.
    def set_response_window_bits(self, value):
        pass

    def set_response_no_context_takeover(self, value):
        pass

    def set_bfinal(self, value):
        pass

    def enable_outgoing_compression(self):
        pass

    def disable_outgoing_compression(self):
        pass


def _six():
    """A stand-in for `six` (pywebsocket3's own examples import it) where it is not installed."""
    import urllib.parse
    import urllib.request
    six = types.ModuleType('six')
    six.PY2, six.PY3, six.text_type, six.binary_type, six.string_types = False, True, str, bytes, (str,)
    six.integer_types, six.unichr, six.iteritems = (int,), chr, lambda d: iter(d.items())
    six.moves = types.ModuleType('six.moves')
    six.moves.range, six.moves.urllib, six.moves.map, six.moves.zip = range, urllib, map, zip
    return six


def install(receive, send, close):
    """Registers the packages before the handler is loaded; msgutil's functions call these three."""
    common = types.ModuleType('common')
    common.__dict__.update(CLOSE_CODES)
    common.ExtensionParameter = ExtensionParameter
    common.parse_extensions = parse_extensions
    common.format_extensions = format_extensions
    handshake = types.ModuleType('handshake')
    for cls in (AbortedByUserException, HandshakeException, VersionException):
        setattr(handshake, cls.__name__, cls)
    stream = types.ModuleType('stream')
    msgutil = types.ModuleType('msgutil')
    for module in (stream, msgutil):
        for cls in (ConnectionTerminatedException, InvalidFrameException, BadOperationException,
                    UnsupportedFrameException, InvalidUTF8Exception):
            setattr(module, cls.__name__, cls)
    msgutil.receive_message = receive
    msgutil.send_message = send
    msgutil.close_connection = close
    msgutil.send_ping = lambda request, body='': request.ws_stream.send_ping(body)
    extensions = types.ModuleType('extensions')
    extensions.PerMessageDeflateExtensionProcessor = DeflateProcessor
    parts = {'common': common, 'handshake': handshake, 'stream': stream, 'msgutil': msgutil, 'extensions': extensions}
    for package_name in ('mod_pywebsocket', 'pywebsocket3'):
        package = types.ModuleType(package_name)
        package.__path__ = []
        for name, module in parts.items():
            setattr(package, name, module)
            sys.modules[package_name + '.' + name] = module
        sys.modules[package_name] = package
    try:
        import six  # noqa: F401
    except ImportError:
        sys.modules['six'] = _six()
        sys.modules['six.moves'] = sys.modules['six'].moves
