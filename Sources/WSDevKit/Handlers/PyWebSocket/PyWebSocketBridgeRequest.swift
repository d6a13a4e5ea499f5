extension PyWebSocketBridgeSource {
    /// The bridge's second part: the `request` a handler receives, with its `ws_stream`.
    static let request = #"""
class _Link(object):
    """One connection as the bridge sees it; guarded by cond, shared by the reader and the handler thread."""

    def __init__(self, cid):
        self.id = cid
        self.cond = threading.Condition()
        self.inbox = collections.deque()
        self.opened = False
        self.gone = False
        self.code = None
        self.reason = None
        self.unacked = 0


class _Headers(collections.abc.MutableMapping):
    """request.headers_in: looked up without regard to case, as HTTP header names are."""

    def __init__(self, pairs):
        self._items = {}
        for name, value in pairs.items():
            self[name] = value

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


class _Connection(object):
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


class _Stream(object):
    """request.ws_stream: whole messages in and out, sent as JSON lines to wsdev."""

    def __init__(self, link, request):
        self._link = link
        self._request = request
        self._sending = None
        self._owner = None  # the thread running this connection's web_socket_transfer_data

    def receive_message(self):
        request, link = self._request, self._link
        if request.client_terminated:
            raise BadOperationException('Requested receive_message after receiving a closing handshake')
        with link.cond:
            while not link.inbox and not link.gone:
                link.cond.wait()
            message = link.inbox.popleft() if link.inbox else None
        if message is not None:
            _emit({'op': 'ack', 'id': link.id})
            return message
        self._client_closed()
        if not request.server_terminated:
            # wsdev has already answered the client's close; the handler is still told, as pywebsocket does.
            request.server_terminated = True
            _passive_close(request)
        return None

    def _client_closed(self):
        request, link = self._request, self._link
        request.client_terminated = True
        request.ws_close_code = link.code
        request.ws_close_reason = link.reason

    def send_message(self, message, end=True, binary=False):
        request, link = self._request, self._link
        if request.server_terminated:
            raise BadOperationException('Requested send_message after sending out a closing handshake')
        if binary:
            if isinstance(message, str):
                raise BadOperationException('Message for binary frame must not be instance of Unicode')
            message = bytes(message)
        else:
            if isinstance(message, (bytes, bytearray)):
                try:
                    message = bytes(message).decode('utf-8')
                except UnicodeDecodeError as error:
                    raise BadOperationException('a text message must be UTF-8 (%s); pass binary=True for bytes' % error)
            if not isinstance(message, str):
                raise BadOperationException('send_message takes str, or bytes with binary=True, not %s' % type(message).__name__)
            try:
                message.encode('utf-8')
            except UnicodeEncodeError as error:
                raise BadOperationException('this text cannot be sent as UTF-8: %s' % error)
        kind = 'binary' if binary else 'text'
        if self._sending not in (None, kind):
            raise BadOperationException('Message types are different in frames for the same message')
        self._sending = None if end else kind
        pieces = [message[i:i + CHUNK] for i in range(0, len(message), CHUNK)] or [message]
        for index, piece in enumerate(pieces):
            with link.cond:
                # wsdev acknowledges each piece once the client's socket took it: a slow client slows the handler.
                while link.unacked >= WINDOW and not link.gone:
                    link.cond.wait()
                if link.gone:
                    # The connection's own loop must end (a clock that only sends would run forever);
                    # another connection's thread (a chat broadcasting) just skips a client that left.
                    if threading.get_ident() == self._owner:
                        raise ConnectionTerminatedException('the client has closed the connection')
                    return
                link.unacked += 1
            line = {'op': 'send', 'id': link.id, kind: base64.b64encode(piece).decode('ascii') if binary else piece}
            if not end or index < len(pieces) - 1:
                line['fin'] = False
            _emit(line)

    def close_connection(self, code=1000, reason='', wait_response=True):
        request, link = self._request, self._link
        if request.server_terminated:
            return
        if code is None:
            if reason:
                raise BadOperationException('close reason must not be specified if code is None')
            code = 1000
        elif not _sendable_close_code(code):
            raise BadOperationException('Status code %r cannot be sent in a close frame; use 1000-1003, 1007-1014 or 3000-4999' % (code,))
        if isinstance(reason, bytes):
            reason = reason.decode('utf-8', 'replace')
        request.server_terminated = True
        _emit({'op': 'close', 'id': link.id, 'code': code, 'reason': reason or ''})
        if code in (1001, 1002) or not wait_response:
            return
        with link.cond:
            link.cond.wait_for(lambda: link.gone, CLOSE_WAIT)
            dropped = len(link.inbox)
            link.inbox.clear()
            gone = link.gone
        for _ in range(dropped):
            _emit({'op': 'ack', 'id': link.id})
        if gone:
            self._client_closed()

    def send_ping(self, body='', binary=False):
        pass  # wsdev pings every client itself and answers pongs

    def get_last_received_opcode(self):
        return None


class _Request(object):
    """What web_socket_do_extra_handshake and web_socket_transfer_data receive."""

    def __init__(self, link, hello):
        self.ws_resource = hello['resource']
        self.uri = self.unparsed_uri = hello['resource']
        self.method = 'GET'
        self.protocol = 'HTTP/1.1'
        self.headers_in = _Headers(hello.get('headers') or {})
        self.ws_origin = self.headers_in.get('Origin')
        self.ws_version = 13
        self.ws_requested_protocols = hello.get('protocols') or None
        self.ws_protocol = None
        self.ws_requested_extensions = None
        self.ws_extensions = None
        self.ws_extension_processors = []
        self.extra_headers = []
        self.ws_close_code = None
        self.ws_close_reason = None
        self.client_terminated = False
        self.server_terminated = False
        self.is_https = lambda: False
        self.connection = _Connection(
            (hello.get('remoteAddress', ''), hello.get('remotePort', 0)), ('', hello.get('localPort', 0)))
        self.ws_stream = _Stream(link, self)
"""#
}
