# The Autobahn|Testsuite's echo target through wsdev's pywebsocket bridge: pywebsocket3's own
# example echo_wsh.py (text back as text, bytes back as bytes), without its "Goodbye" rule.


def web_socket_do_extra_handshake(request):
    pass


def web_socket_transfer_data(request):
    while True:
        message = request.ws_stream.receive_message()
        if message is None:
            return
        request.ws_stream.send_message(message, binary=not isinstance(message, str))
