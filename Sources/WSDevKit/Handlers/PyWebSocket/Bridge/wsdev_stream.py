"""request.ws_stream: whole messages in and out, as pywebsocket3's Stream has them, carried to wsdev as records."""
import threading

import wsdev_link as links
import wsdev_wire as wire
from wsdev_api import (BadOperationException, ConnectionTerminatedException, InvalidFrameException, InvalidUTF8Exception,
                       sendable_close_code)

CLOSE_WAIT = 10  # seconds close_connection() waits for the client's answering close, as a browser does


class Stream(object):
    def __init__(self, link, request):
        self._link = link
        self._request = request
        self._sending = None  # the kind of a message sent with end=False and not finished yet

    def receive_message(self):
        """str for text, bytes for binary; None once the client has closed."""
        request, link = self._request, self._link
        if request.client_terminated:
            raise BadOperationException('Requested receive_message after receiving a closing handshake')
        item = link.inbox.get()
        if item.__class__ is tuple:
            link.took(item[1])
            return item[0]
        return self._closed(item)

    def _closed(self, event):
        request, link = self._request, self._link
        link.inbox.put(event)  # for any other thread receiving on this connection
        if event is links.FAILED:
            code, reason = link.failure
            if code == 1007:
                raise InvalidUTF8Exception(reason)
            error = InvalidFrameException(reason)
            error.close_code = code  # 1002, or 1009 for a message over wsdev's limit
            raise error
        if event is links.GONE and link.client_close is None:
            raise ConnectionTerminatedException('the client vanished without closing the connection (no close frame)')
        request.client_terminated = True
        request.server_terminated = True  # wsdev answered the client's close, or the connection is over
        request.ws_close_code, request.ws_close_reason = link.client_close or (None, None)
        if request.ws_close_code is None:
            request.ws_close_code = 1005  # pywebsocket's pseudo code for a close frame without one
        return None

    def send_message(self, message, end=True, binary=False):
        request, link = self._request, self._link
        if request.server_terminated:
            raise BadOperationException('Requested send_message after sending out a closing handshake')
        if binary:
            if isinstance(message, str):
                raise BadOperationException('Message for binary frame must not be instance of Unicode')
            payload = message if isinstance(message, bytes) else bytes(message)
        else:
            if isinstance(message, (bytes, bytearray)):
                try:
                    bytes(message).decode('utf-8')
                except UnicodeDecodeError as error:
                    raise BadOperationException('a text message must be UTF-8 (%s); pass binary=True for bytes' % error)
                payload = bytes(message)
            elif isinstance(message, str):
                try:
                    payload = message.encode('utf-8')
                except UnicodeEncodeError as error:
                    raise BadOperationException('this text cannot be sent as UTF-8: %s' % error)
            else:
                raise BadOperationException('send_message takes str, or bytes with binary=True, not %s' % type(message).__name__)
        kind = wire.BINARY if binary else wire.TEXT
        if self._sending not in (None, kind):
            raise BadOperationException('Message types are different in frames for the same message')
        op = 0 if self._sending else kind
        self._sending = None if end else kind
        view, chunk = memoryview(payload), wire.CHUNK
        start = 0
        while True:
            piece = view[start:start + chunk]
            start += chunk
            last = start >= len(payload)
            if not link.reserve(len(piece)) or link.client_close is not None:
                return self._unsendable()
            wire.send(op | (wire.FIN if last and end else 0), link.id, piece)
            if last:
                return
            op = 0

    def _unsendable(self):
        # The connection's own loop must end (a clock that only sends would run forever); another
        # connection's thread (a chat broadcasting) just skips a client that left.
        if threading.get_ident() == self._link.owner:
            raise ConnectionTerminatedException('the client has closed the connection')

    def close_connection(self, code=1000, reason='', wait_response=True):
        request, link = self._request, self._link
        if request.server_terminated:
            return
        if code is None:
            if reason:
                raise BadOperationException('close reason must not be specified if code is None')
        elif not sendable_close_code(code):
            raise BadOperationException('Status code %r cannot be sent in a close frame; use 1000-1003, 1007-1014 or 3000-4999' % (code,))
        if isinstance(reason, bytes):
            reason = reason.decode('utf-8', 'replace')
        if not isinstance(reason, str):
            raise BadOperationException('close reason must be an instance of bytes or unicode')
        request.server_terminated = True
        wire.send_close(link.id, code, reason.encode('utf-8')[:123].decode('utf-8', 'ignore'))
        if code in (1001, 1002) or not wait_response or request.client_terminated:
            return
        # The client's answer; what it sent meanwhile is dropped, as pywebsocket drops it.
        while True:
            try:
                item = link.inbox.get(timeout=CLOSE_WAIT)
            except Exception:
                return
            if item is links.FAILED:
                return
            if item.__class__ is not tuple:
                try:
                    self._closed(item)
                except ConnectionTerminatedException:
                    pass
                return
            link.took(item[1])

    def send_ping(self, body='', binary=False):
        pass  # wsdev pings every client itself and answers its pings

    def get_last_received_opcode(self):
        return None
