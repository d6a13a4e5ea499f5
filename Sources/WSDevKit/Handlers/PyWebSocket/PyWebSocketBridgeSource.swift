/// The Python half of the pywebsocket bridge, carried inside the binary so that a `_wsh.py`
/// handler needs nothing but python3. `PyWebSocketBridgeFile` writes it to disk; its three parts
/// (modules, request, runtime) are one Python file.
enum PyWebSocketBridgeSource {
    static var text: String { modules + "\n\n" + request + "\n\n" + runtime }

    /// The bridge's last part: the channel to wsdev, loading the handler, one thread per connection.
    static let runtime = #"""
# The channel to wsdev keeps the real stdout; fd 1 then points at stderr, so output from C code or
# child processes lands in the log instead of corrupting the channel, and handlers cannot read stdin.
_proto_out = os.fdopen(os.dup(1), 'wb')
_proto_in = os.fdopen(os.dup(0), 'rb')
os.dup2(2, 1)
_null = os.open(os.devnull, os.O_RDONLY)
os.dup2(_null, 0)
os.close(_null)
_write_lock = threading.Lock()
_local = threading.local()
_links = {}
_handler = None


def _emit(message):
    line = json.dumps(message, ensure_ascii=False, separators=(',', ':')).encode('utf-8', 'replace') + b'\n'
    try:
        with _write_lock:
            _proto_out.write(line)
            _proto_out.flush()
    except (OSError, ValueError):
        os._exit(0)  # wsdev has gone away


def _log(level, text):
    _emit({'op': 'log', 'level': level, 'id': getattr(_local, 'id', None), 'text': text[:65536]})


class _LogStream(object):
    """sys.stdout and sys.stderr: each line a handler prints reaches wsdev's log, tagged with its connection."""

    encoding = 'utf-8'
    errors = 'replace'
    closed = False

    def __init__(self, level):
        self._level = level
        self._pending = threading.local()

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError('write() argument must be str, not %s' % type(text).__name__)
        lines = (getattr(self._pending, 'text', '') + text).split('\n')
        self._pending.text = lines.pop()
        for line in lines:
            _log(self._level, line)
        return len(text)

    def flush(self):
        text = getattr(self._pending, 'text', '')
        if text:
            self._pending.text = ''
            _log(self._level, text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def isatty(self):
        return False

    def writable(self):
        return True

    def fileno(self):
        return 2


def _format(error):
    """The traceback from the handler's point of view: the bridge's own frames are left out."""
    report = traceback.TracebackException.from_exception(error)
    report.stack = traceback.StackSummary.from_list(
        [frame for frame in report.stack if frame.filename != __file__ and not frame.filename.startswith('<frozen')])
    return ''.join(report.format()).rstrip()


def _passive_close(request):
    handler = getattr(_handler, 'web_socket_passive_closing_handshake', None)
    if handler is None:
        return
    try:
        handler(request)
    except Exception as error:
        _log('error', 'web_socket_passive_closing_handshake(request) raised:\n' + _format(error))


def _extra_handshake(request):
    """None when accepted, else (HTTP status, why)."""
    handler = getattr(_handler, 'web_socket_do_extra_handshake', None)
    try:
        if handler is not None:
            handler(request)
    except (AbortedByUserException, HandshakeException) as error:
        status = getattr(error, 'status', None) or (403 if isinstance(error, AbortedByUserException) else 400)
        return status, '%s: %s' % (type(error).__name__, error)
    except Exception as error:
        # pywebsocket turns any exception here into 403; the traceback helps whoever wrote the check.
        _log('warning', 'web_socket_do_extra_handshake(request) raised, so the handshake is refused with 403:\n' + _format(error))
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
        reason = reason.encode('utf-8')[:123].decode('utf-8', 'ignore')
        _emit({'op': 'close', 'id': request.ws_stream._link.id, 'code': code, 'reason': reason})


def _serve(link, hello):
    """One connection's thread, as in pywebsocket: the extra handshake, then web_socket_transfer_data."""
    _local.id = link.id
    try:
        request = _Request(link, hello)
        refusal = _extra_handshake(request)
        if refusal is not None:
            _emit({'op': 'reject', 'id': link.id, 'status': refusal[0], 'reason': refusal[1][:2000]})
            return
        _emit({'op': 'accept', 'id': link.id, 'protocol': request.ws_protocol})
        with link.cond:
            # wsdev may still refuse after an accept (e.g. bad extension offer): then "closed" comes instead.
            link.cond.wait_for(lambda: link.opened or link.gone, 60)
            if not link.opened:
                return
        request.ws_stream._owner = threading.get_ident()
        _transfer(request)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        _links.pop(link.id, None)
        _emit({'op': 'done', 'id': link.id})


def _transfer(request):
    try:
        _handler.web_socket_transfer_data(request)
        if not request.server_terminated:
            request.ws_stream.close_connection()
    except AbortedByUserException:
        _close_now(request, 1011, 'the handler aborted the connection')
    except InvalidFrameException:
        _close_now(request, 1002, '')
    except UnsupportedFrameException:
        _close_now(request, 1003, '')
    except InvalidUTF8Exception:
        _close_now(request, 1007, '')
    except ConnectionTerminatedException:
        pass
    except Exception as error:
        _log('error', 'web_socket_transfer_data(request) raised; closing with 1011:\n' + _format(error))
        _close_now(request, 1011, str(error) or type(error).__name__)


def _load(path):
    global _handler
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
    _handler = module


def _main():
    sys.dont_write_bytecode = True
    sys.stdout = _LogStream('print')
    sys.stderr = _LogStream('stderr')
    _install_modules()
    try:
        _load(sys.argv[1])
    except BaseException as error:
        _emit({'op': 'fatal', 'text': _format(error)})
        os._exit(1)
    _emit({'op': 'ready'})
    for raw in _proto_in:
        message = json.loads(raw)
        op, cid = message.get('op'), message.get('id')
        if op == 'handshake':
            link = _links[cid] = _Link(cid)
            threading.Thread(target=_serve, args=(link, message), name='wsdev-%s' % cid, daemon=True).start()
            continue
        link = _links.get(cid)
        if link is None:
            continue
        if op == 'message':
            payload = message['text'] if 'text' in message else base64.b64decode(message.get('binary', ''))
        with link.cond:
            if op == 'open':
                link.opened = True
            elif op == 'message':
                link.inbox.append(payload)
            elif op == 'ack':
                link.unacked -= 1
            elif op == 'closed':
                link.gone = True
                link.code = message.get('code') or 1005
                link.reason = message.get('reason') or ''
            link.cond.notify_all()
    # wsdev closed the channel: it is stopping, or no longer needs this handler.
    os._exit(0)


if __name__ == '__main__':
    _main()
"""#
}
