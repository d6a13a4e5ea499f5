/// Sockets that each get a copy of what is said (a chat room, a broadcast handler's output).
///
/// Each socket gets it on its own event loop; one that does not read what it is sent misses
/// messages while its socket is full, rather than growing the server's memory for the others.
enum Audience {
    static func send(_ message: WebSocketMessage, to sockets: [WebSocket]) {
        for socket in sockets {
            if socket.eventLoop.inEventLoop {
                if socket.isWritable { socket.send(message) }
            } else {
                socket.eventLoop.execute { if socket.isWritable { socket.send(message) } }
            }
        }
    }
}
