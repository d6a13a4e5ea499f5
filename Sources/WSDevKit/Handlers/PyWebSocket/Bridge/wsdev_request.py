"""The request a handler's functions receive, with the attributes pywebsocket3 gives it."""
import collections.abc

from wsdev_api import BadOperationException, DeflateProcessor, parse_extensions
from wsdev_stream import Stream


class Headers(collections.abc.MutableMapping):
    """request.headers_in: looked up without regard to case, as HTTP header names are."""

    def __init__(self, pairs):
        self._items = {}
        for name, value in pairs:
            known = self._items.get(name.lower())
            self[name] = value if known is None else known[1] + ', ' + value

    def __getitem__(self, name):
        return self._items[name.lower()][1]

    def __setitem__(self, name, value):
        self._items[name.lower()] = (name, value)

    def __delitem__(self, name):
        del self._items[name.lower()]

    def __iter__(self):
        return (name for name, _ in self._items.values())

    def __len__(self):
        return len(self._items)

    def __repr__(self):
        return repr(dict(self.items()))


class Connection(object):
    def __init__(self, remote_addr, local_addr):
        self.remote_addr = remote_addr
        self.local_addr = local_addr

    def write(self, data):
        raise BadOperationException(
            'request.connection.write() sends raw bytes, which wsdev does not allow on a WebSocket; '
            'use request.ws_stream.send_message(message) instead')

    def read(self, length):
        raise BadOperationException('request.connection.read() is not available under wsdev; use request.ws_stream.receive_message()')

    def get_remote_addr(self):
        return self.remote_addr

    def get_local_addr(self):
        return self.local_addr


class Request(object):
    """What web_socket_do_extra_handshake, web_socket_transfer_data and web_socket_passive_closing_handshake receive."""

    def __init__(self, link, hello):
        self.ws_resource = self.uri = self.unparsed_uri = hello['resource']
        self.method = 'GET'
        self.protocol = 'HTTP/1.1'
        self.headers_in = Headers(hello.get('headers') or [])
        self.ws_origin = self.headers_in.get('Origin')
        self.ws_version = 13
        self.ws_requested_protocols = hello.get('protocols') or None
        self.ws_protocol = None
        self.ws_requested_extensions = parse_extensions(self.headers_in.get('Sec-WebSocket-Extensions'))
        self.ws_extension_processors = [DeflateProcessor(extension) for extension in self.ws_requested_extensions or []
                                        if extension.name() == 'permessage-deflate']
        self.ws_extensions = None  # what was agreed, known once the handshake is over
        self.ws_deflate = False
        self.extra_headers = []
        self.ws_close_code = None
        self.ws_close_reason = None
        self.client_terminated = False
        self.server_terminated = False
        self.connection = Connection(
            (hello.get('remoteAddress', ''), hello.get('remotePort', 0)), ('', hello.get('localPort', 0)))
        self.ws_stream = Stream(link, self)

    def is_https(self):
        return False

    def allows_deflate(self):
        """False when web_socket_do_extra_handshake removed or deactivated permessage-deflate's processor."""
        return any(isinstance(processor, DeflateProcessor) and processor.is_active()
                   for processor in self.ws_extension_processors or [])

    def agreed(self, extensions):
        """The 101 is out with these extensions (Sec-WebSocket-Extensions as sent)."""
        self.ws_extensions = parse_extensions(extensions)
        self.ws_deflate = bool(self.ws_extensions)
