# A pywebsocket handler: wsdev answers ws://localhost:9998/pyecho with it, unmodified from how
# pywebsocket's standalone server would run it. Text comes back as text, bytes as bytes, and
# "Goodbye" is echoed before the server closes, as in the classic tutorial.
#
# Both import names work under wsdev: mod_pywebsocket (old tutorials) and pywebsocket3.
from mod_pywebsocket import msgutil

GOODBYE = 'Goodbye'


def web_socket_do_extra_handshake(request):
    # Raise here to refuse the connection (the browser sees HTTP 403). To speak a subprotocol,
    # set request.ws_protocol to one of request.ws_requested_protocols.
    print('new connection to %s from %s' % (request.ws_resource, request.ws_origin))  # goes to wsdev's log


def web_socket_transfer_data(request):
    # Runs in its own thread for each connection; when it returns, the connection closes (1000).
    while True:
        message = msgutil.receive_message(request)  # blocks; None once the browser has closed
        if message is None:
            return
        msgutil.send_message(request, message, binary=isinstance(message, bytes))
        if message == GOODBYE:
            return
