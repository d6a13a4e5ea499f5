# wsdev's pywebsocket bridge, written out by wsdev from the copy inside its binary (edits here are
# overwritten). It runs one NAME_wsh.py for all of that file's connections, as pywebsocket's standalone
# server does: a thread per connection, module globals shared. It talks to wsdev in records on its
# original stdin and stdout (wsdev_wire.py); whatever the handler prints goes to wsdev's log.
#
#   python3 -B bridge.py HANDLER_FILE CHUNK WINDOW WINDOW_BYTES HANDLER_TIMEOUT
import importlib.util
import json
import os
import sys
import threading
import time

_here = os.path.dirname(os.path.abspath(__file__))
import wsdev_api  # noqa: E402  (the bridge's own modules, found next to this file)
import wsdev_link as links  # noqa: E402
import wsdev_log  # noqa: E402
import wsdev_serve as serve  # noqa: E402
import wsdev_watchdog as watchdog  # noqa: E402
import wsdev_wire as wire  # noqa: E402

# A handler's own modules must not meet ours by accident (its folder comes first from here on).
if _here in sys.path:
    sys.path.remove(_here)


def _load(path):
    path = os.path.abspath(path)
    directory = os.path.dirname(path)
    sys.path.insert(0, directory)
    os.chdir(directory)
    name = os.path.basename(path)[:-len('.py')]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    if not callable(getattr(module, 'web_socket_transfer_data', None)):
        raise AttributeError('%s defines no web_socket_transfer_data(request) function; a pywebsocket handler needs one'
                             % os.path.basename(path))
    return module


def _dispatch(channel):
    """The reader: every record from wsdev, in order; nothing here waits for a handler."""
    active, closed, pieces = serve.active, wire.close_code, wire.COUNTS.unpack
    passive = serve.has_passive_closing()
    for op, cid, payload in wire.records(channel):
        link = active.get(cid)
        if op & 0x7F <= wire.BINARY:  # a message, or a piece of one
            if link is None:
                continue
            if op & 0x7F:
                link.piece_kind = op & 0x7F
            if not op & wire.FIN:
                link.pieces.append(payload)
                continue
            if link.pieces:
                link.pieces.append(payload)
                payload = b''.join(link.pieces)
                link.pieces = []
            size = len(payload)
            link.inbox.put((payload.decode('utf-8') if link.piece_kind == wire.TEXT else payload, size))
        elif op == wire.ACK:
            if link is not None:
                link.acknowledged(*pieces(payload))
        elif op == wire.HANDSHAKE:
            link = active[cid] = links.Link(cid)
            threading.Thread(target=serve.serve, args=(link, json.loads(payload)), name='wsdev-%d' % cid, daemon=True).start()
        elif link is None:
            continue
        elif op == wire.OPEN:
            link.extensions = payload.decode('utf-8')
            link.inbox.put(links.OPENED)
        elif op == wire.CLIENT_CLOSE:
            link.client_close = closed(payload)
            if passive:
                threading.Thread(target=serve.client_closing, args=(link,), name='wsdev-%d-close' % cid, daemon=True).start()
            else:
                link.inbox.put(links.CLOSED)  # wsdev answered it already, echoing the client's code
        elif op == wire.CLIENT_FAILED:
            link.failure = closed(payload)
            link.inbox.put(links.FAILED)
        elif op == wire.GONE:
            if link.client_close is None and payload:
                link.client_close = closed(payload)  # the client's answer to the handler's close
            link.left_at = time.monotonic()
            link.end()


def main():
    sys.dont_write_bytecode = True
    handler_file = sys.argv[1]
    wire.CHUNK, wire.WINDOW, wire.WINDOW_BYTES = (int(value) for value in sys.argv[2:5])
    watchdog.TIMEOUT = float(sys.argv[5])
    watchdog.GRACE = min(2.0, watchdog.TIMEOUT / 2)
    # The channel keeps the real stdin and stdout; fd 1 then points at stderr, so output from C code or
    # child processes lands in the log instead of corrupting the channel, and handlers cannot read stdin.
    channel = wire.open_channel(os.dup(0), os.dup(1))
    os.dup2(2, 1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdout = wsdev_log.LogStream('print')
    sys.stderr = wsdev_log.LogStream('stderr')
    serve.hide.update(os.path.join(_here, name) for name in os.listdir(_here))
    wsdev_api.install(
        receive=lambda request: request.ws_stream.receive_message(),
        send=lambda request, payload_data, end=True, binary=False: request.ws_stream.send_message(payload_data, end, binary),
        close=lambda request: request.ws_stream.close_connection())
    try:
        serve.handler = _load(handler_file)
    except BaseException as error:
        wire.send(wire.FATAL, 0, wsdev_log.format_error(error, serve.hide).encode('utf-8', 'replace'))
        os._exit(1)
    wire.send_json(wire.READY, 0, {'passiveClosing': serve.has_passive_closing()})
    watchdog.watch(serve.active)
    _dispatch(channel)
    # wsdev closed the channel: it is stopping, or no longer needs this handler.
    os._exit(0)


if __name__ == '__main__':
    main()
