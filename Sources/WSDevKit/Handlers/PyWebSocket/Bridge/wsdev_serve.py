"""One connection's thread, as in pywebsocket: web_socket_do_extra_handshake, then web_socket_transfer_data;
and the answer to a client's close through web_socket_passive_closing_handshake."""
import sys
import threading

import wsdev_link as links
import wsdev_wire as wire
from wsdev_api import (AbortedByUserException, ConnectionTerminatedException, HandlerStopped, HandshakeException,
                       InvalidFrameException, InvalidUTF8Exception, UnsupportedFrameException, sendable_close_code)
from wsdev_log import format_error, log, set_connection
from wsdev_request import Request

OPEN_WAIT = 60  # seconds an accepted connection waits for its 101 before its thread gives up

handler = None  # the NAME_wsh.py module
hide = set()  # the bridge's own files, left out of tracebacks
active = {}  # connection id -> Link, while its thread runs


def serve(link, hello):
    set_connection(link.id)
    link.thread = threading.get_ident()
    try:
        request = link.request = Request(link, hello)
        refusal = _extra_handshake(request)
        if refusal is not None:
            wire.send_json(wire.REJECT, link.id, {'status': refusal[0], 'reason': refusal[1][:2000]})
            return
        wire.send_json(wire.ACCEPT, link.id, {'protocol': request.ws_protocol, 'deflate': request.allows_deflate(),
                                               'headers': [[str(name), str(value)] for name, value in request.extra_headers]})
        try:
            opened = link.inbox.get(timeout=OPEN_WAIT)
        except Exception:
            return
        if opened is not links.OPENED:
            return  # wsdev did not complete the handshake after all (the client left)
        request.agreed(link.extensions)
        link.owner = link.thread
        _transfer(request)
    except HandlerStopped:
        pass
    finally:
        link.finishing = True
        _finish(link)


def _finish(link):
    # A HandlerStopped the watchdog raised just before it saw `finishing` must not keep wsdev from
    # hearing that the thread ended (a DONE sent twice is ignored).
    while True:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
            active.pop(link.id, None)
            wire.send(wire.DONE, link.id)
            return
        except HandlerStopped:
            continue


def _extra_handshake(request):
    """None when accepted, else (HTTP status, why)."""
    function = getattr(handler, 'web_socket_do_extra_handshake', None)
    try:
        if function is not None:
            function(request)
    except (AbortedByUserException, HandshakeException) as error:
        status = getattr(error, 'status', None) or (403 if isinstance(error, AbortedByUserException) else 400)
        return status, '%s: %s' % (type(error).__name__, error)
    except Exception as error:
        # pywebsocket turns any exception here into 403; the traceback helps whoever wrote the check.
        log('warning', 'web_socket_do_extra_handshake(request) raised, so the handshake is refused with 403:\n' + format_error(error, hide))
        return 403, '%s: %s' % (type(error).__name__, error)
    offered, chosen = request.ws_requested_protocols, request.ws_protocol
    if offered and chosen is None:
        return 400, ('the client asked for the subprotocols %s, so web_socket_do_extra_handshake must choose one: '
                     'set request.ws_protocol to one of request.ws_requested_protocols' % ', '.join(offered))
    if chosen is not None and chosen not in (offered or []):
        return 400, ('web_socket_do_extra_handshake set request.ws_protocol to %r, which the client did not offer (it offered: %s)'
                     % (chosen, ', '.join(offered or []) or 'none'))
    return None


def _close_now(request, code, reason):
    if not request.server_terminated:
        request.server_terminated = True
        wire.send_close(request.ws_stream._link.id, code, reason.encode('utf-8')[:123].decode('utf-8', 'ignore'))


def _transfer(request):
    try:
        handler.web_socket_transfer_data(request)
        if not request.server_terminated:
            request.ws_stream.close_connection()
    except AbortedByUserException:
        _close_now(request, 1011, 'the handler aborted the connection')
    except InvalidFrameException as error:
        _close_now(request, getattr(error, 'close_code', 1002), '')
    except UnsupportedFrameException:
        _close_now(request, 1003, '')
    except InvalidUTF8Exception:
        _close_now(request, 1007, '')
    except ConnectionTerminatedException:
        pass
    except Exception as error:
        log('error', 'web_socket_transfer_data(request) raised; closing with 1011:\n' + format_error(error, hide))
        _close_now(request, 1011, str(error) or type(error).__name__)


def has_passive_closing():
    return callable(getattr(handler, 'web_socket_passive_closing_handshake', None))


def client_closing(link):
    """The client's close frame, in a thread of its own: its answer is what the handler's
    web_socket_passive_closing_handshake returns (pywebsocket calls it when the close frame arrives)."""
    set_connection(link.id)
    request = link.request
    code, reason = link.client_close
    request.ws_close_code, request.ws_close_reason = (1005, '') if code is None else (code, reason)
    answer = code, reason
    try:
        answer = handler.web_socket_passive_closing_handshake(request)
        code, reason = answer
    except Exception as error:
        log('error', 'web_socket_passive_closing_handshake(request) failed, so the client\'s close code is echoed:\n'
            + format_error(error, hide))
    if code is not None and not sendable_close_code(code):
        log('warning', 'web_socket_passive_closing_handshake(request) returned %r, which cannot be sent in a close frame; '
            'answering with 1000. Return a code of 1000-1003, 1007-1014 or 3000-4999, or (None, \'\') for none.' % (answer,))
        code, reason = 1000, ''
    if isinstance(reason, bytes):
        reason = reason.decode('utf-8', 'replace')
    reason = str(reason or '') if code is not None else ''
    request.server_terminated = True
    wire.send_close(link.id, code, reason.encode('utf-8')[:123].decode('utf-8', 'ignore'))
    link.inbox.put(links.CLOSED)
