# pywebsocket3 echo handler for the benchmark (served at /echo): text back as text, binary as binary.


def web_socket_do_extra_handshake(request):
    pass


def web_socket_transfer_data(request):
    while True:
        message = request.ws_stream.receive_message()
        if message is None:
            return
        request.ws_stream.send_message(message, binary=not isinstance(message, str))
