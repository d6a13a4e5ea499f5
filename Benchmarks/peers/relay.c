/*
 * A minimal WebSocket relay for script handlers, the websocketd model: for each connection it
 * starts PROGRAM with pipes, writes each client message plus "\n" to the program's stdin and sends
 * each line the program prints as a text frame. Handshake, masking, 16/64-bit lengths, ping and
 * close; no HTTP beyond the upgrade, no UTF-8 checks, no extensions. It shows what this machine
 * allows with one process per connection (the floor for wsdev's script handlers in the handlers
 * group of Benchmarks/run). Written for this project; loopback use only.
 *
 *   cc -O2 -o relay relay.c -lpthread
 *   ./relay PORT PROGRAM [THREADS]     # 127.0.0.1:PORT, THREADS epoll loops (SO_REUSEPORT)
 *
 * Client bytes stream into the program as they arrive (a 1 MiB message is not held back until it
 * is complete); a line goes out once its "\n" has been read. Backpressure both ways: the socket is
 * not read while more than HIGH bytes wait for the program's stdin, and the program's stdout is
 * not read while more than HIGH bytes wait for the client. When the client closes, both pipes are
 * closed (cat sees EOF, a program that keeps printing gets SIGPIPE); when the program closes its
 * stdout, the client gets close 1000. Children are reaped by the kernel (SIGCHLD ignored).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define HIGH (1u << 20)
#define CHUNK (256u * 1024)
enum { HANDSHAKE, OPEN, CLOSING };
enum { SOCK, TO_CHILD, FROM_CHILD };
typedef struct { uint8_t *data; size_t off, len, cap; } buf_t; /* bytes [off, len) */
typedef struct conn conn_t;
typedef struct { conn_t *c; int kind; } ref_t;
struct conn {
    int fd, in_fd, out_fd, state;
    int ep;
    uint32_t interest[3];              /* what each descriptor is registered for; 0 = not */
    ref_t ref[3];
    buf_t net_in, to_child, from_child, net_out;
    size_t scanned;                    /* from_child bytes already searched for "\n" */
    uint64_t remaining;                /* payload bytes of the current data frame still to come */
    uint8_t mask[4], fin;
    size_t mask_at;
};

extern char **environ;
static int port;
static ref_t gone; /* stands for the events of a connection dropped earlier in a batch */
static char *program;

static size_t pending(const buf_t *b) { return b->len - b->off; }

static void reserve(buf_t *b, size_t n) {
    if (b->off && b->off == b->len) b->off = b->len = 0;
    if (b->len + n <= b->cap) return;
    if (b->off) { /* compact first: the consumed front is free room */
        memmove(b->data, b->data + b->off, b->len - b->off);
        b->len -= b->off, b->off = 0;
        if (b->len + n <= b->cap) return;
    }
    b->cap = (b->len + n) * 2 + 4096;
    if (!(b->data = realloc(b->data, b->cap))) abort();
}

static void add(buf_t *b, const void *p, size_t n) {
    reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

/* --- SHA-1 and base64, for Sec-WebSocket-Accept only --- */
#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
static void sha1(const uint8_t *msg, size_t len, uint8_t out[20]) {
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    size_t total = ((len + 8) / 64 + 1) * 64;
    uint8_t *m = calloc(total, 1);
    memcpy(m, msg, len);
    m[len] = 0x80;
    for (int i = 0; i < 8; i++) m[total - 1 - i] = (uint8_t)(((uint64_t)len * 8) >> (8 * i));
    for (size_t blk = 0; blk < total; blk += 64) {
        uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (int i = 0; i < 16; i++)
            w[i] = (uint32_t)m[blk + 4 * i] << 24 | (uint32_t)m[blk + 4 * i + 1] << 16 | (uint32_t)m[blk + 4 * i + 2] << 8 | m[blk + 4 * i + 3];
        for (int i = 16; i < 80; i++) w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        for (int i = 0; i < 80; i++) {
            uint32_t f, k;
            if (i < 20) f = (b & c) | (~b & d), k = 0x5A827999;
            else if (i < 40) f = b ^ c ^ d, k = 0x6ED9EBA1;
            else if (i < 60) f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
            else f = b ^ c ^ d, k = 0xCA62C1D6;
            uint32_t t = ROL(a, 5) + f + e + k + w[i];
            e = d, d = c, c = ROL(b, 30), b = a, a = t;
        }
        h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
    }
    free(m);
    for (int i = 0; i < 20; i++) out[i] = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
}

static void base64(const uint8_t *in, size_t n, char *out) {
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
        out[o++] = t[v >> 18 & 63];
        out[o++] = t[v >> 12 & 63];
        out[o++] = i + 1 < n ? t[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? t[v & 63] : '=';
    }
    out[o] = 0;
}

/* --- descriptors and their epoll interest --- */
static int fd_of(conn_t *c, int kind) { return kind == SOCK ? c->fd : kind == TO_CHILD ? c->in_fd : c->out_fd; }

/* Registers descriptor `kind` for `events`, or removes it for 0 (a pipe that has hung up would
 * otherwise report EPOLLHUP on every wait while we are not reading it). */
static void want(conn_t *c, int kind, uint32_t events) {
    int fd = fd_of(c, kind);
    if (fd < 0 || c->interest[kind] == events) return;
    struct epoll_event ev = {.events = events, .data.ptr = &c->ref[kind]};
    int op = !events ? EPOLL_CTL_DEL : c->interest[kind] ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    epoll_ctl(c->ep, op, fd, &ev);
    c->interest[kind] = events;
}

static void update(conn_t *c) {
    want(c, SOCK, (c->state != CLOSING && pending(&c->to_child) < HIGH ? EPOLLIN : 0) | (pending(&c->net_out) ? EPOLLOUT : 0));
    want(c, TO_CHILD, pending(&c->to_child) ? EPOLLOUT : 0);
    want(c, FROM_CHILD, c->state == OPEN && pending(&c->net_out) < HIGH ? EPOLLIN : 0);
}

static void close_child(conn_t *c) {
    if (c->in_fd >= 0) want(c, TO_CHILD, 0), close(c->in_fd), c->in_fd = -1;
    if (c->out_fd >= 0) want(c, FROM_CHILD, 0), close(c->out_fd), c->out_fd = -1;
    c->to_child.off = c->to_child.len = 0;
}

static void drop(conn_t *c) {
    close_child(c);
    close(c->fd); /* removes it from epoll */
    free(c->net_in.data), free(c->to_child.data), free(c->from_child.data), free(c->net_out.data);
    free(c);
}

static void frame(conn_t *c, uint8_t first, const uint8_t *p, uint64_t n) {
    uint8_t h[10];
    size_t hl = 2;
    h[0] = first;
    if (n < 126) h[1] = (uint8_t)n;
    else if (n < 65536) h[1] = 126, h[2] = (uint8_t)(n >> 8), h[3] = (uint8_t)n, hl = 4;
    else {
        h[1] = 127, hl = 10;
        for (int i = 0; i < 8; i++) h[2 + i] = (uint8_t)(n >> (56 - 8 * i));
    }
    add(&c->net_out, h, hl);
    add(&c->net_out, p, n);
}

/* The program, with the read end of one pipe as its stdin and the write end of another as its
 * stdout; our ends are non-blocking and close-on-exec. Returns -1 when it cannot start. */
static int spawn(conn_t *c) {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC)) return -1;
    if (pipe2(out, O_CLOEXEC)) { close(in[0]), close(in[1]); return -1; }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0); /* dup2 clears close-on-exec */
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults), sigaddset(&defaults, SIGPIPE), sigaddset(&defaults, SIGCHLD);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    char *argv[] = {program, NULL};
    int failed = posix_spawn(&pid, program, &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa), posix_spawnattr_destroy(&attr);
    close(in[0]), close(out[1]);
    if (failed) { close(in[1]), close(out[0]); return -1; }
    fcntl(in[1], F_SETFL, O_NONBLOCK), fcntl(out[0], F_SETFL, O_NONBLOCK);
    c->in_fd = in[1], c->out_fd = out[0];
    return 0;
}

static int handshake(conn_t *c) {
    uint8_t *start = c->net_in.data + c->net_in.off, *end = memmem(start, pending(&c->net_in), "\r\n\r\n", 4);
    if (!end) return pending(&c->net_in) > 16384 ? -1 : 0;
    char key[128] = {0}, material[160], accept[32], response[256];
    for (char *line = (char *)start; line < (char *)end;) {
        char *eol = memmem(line, (size_t)((char *)end - line) + 2, "\r\n", 2);
        if (!eol) break;
        if (strncasecmp(line, "Sec-WebSocket-Key:", 18) == 0) {
            char *v = line + 18;
            while (*v == ' ') v++;
            if ((size_t)(eol - v) > 100) return -1;
            memcpy(key, v, (size_t)(eol - v));
        }
        line = eol + 2;
    }
    if (!key[0] || spawn(c)) return -1;
    uint8_t digest[20];
    snprintf(material, sizeof material, "%s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", key);
    sha1((uint8_t *)material, strlen(material), digest);
    base64(digest, 20, accept);
    int n = snprintf(response, sizeof response,
                     "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept);
    add(&c->net_out, response, (size_t)n);
    c->net_in.off += (size_t)(end - start) + 4;
    c->state = OPEN;
    return 0;
}

/* Data payloads go to the program as they arrive, unmasked; control frames are handled whole. */
static int frames(conn_t *c) {
    while (c->state == OPEN) {
        uint8_t *p = c->net_in.data + c->net_in.off;
        size_t have = pending(&c->net_in);
        if (c->remaining) {
            size_t n = have < c->remaining ? have : (size_t)c->remaining;
            if (!n) break;
            reserve(&c->to_child, n + 1);
            uint8_t *d = c->to_child.data + c->to_child.len, m8[8];
            for (int k = 0; k < 8; k++) m8[k] = c->mask[(c->mask_at + (size_t)k) & 3];
            uint64_t wide, w;
            size_t i = 0;
            memcpy(&wide, m8, 8);
            for (; i + 8 <= n; i += 8) memcpy(&w, p + i, 8), w ^= wide, memcpy(d + i, &w, 8); /* 8 bytes a step */
            for (; i < n; i++) d[i] = p[i] ^ c->mask[(c->mask_at + i) & 3];
            c->to_child.len += n, c->net_in.off += n, c->mask_at += n, c->remaining -= n;
            if (!c->remaining && c->fin) c->to_child.data[c->to_child.len++] = '\n';
            continue;
        }
        if (have < 2) break;
        uint64_t n = p[1] & 127;
        size_t hl = 2;
        if (!(p[1] & 128)) return -1; /* clients must mask */
        if (n == 126) {
            if (have < 4) break;
            n = (uint64_t)p[2] << 8 | p[3], hl = 4;
        } else if (n == 127) {
            if (have < 10) break;
            n = 0;
            for (int i = 0; i < 8; i++) n = n << 8 | p[2 + i];
            hl = 10;
        }
        if (n > (64u << 20)) return -1;
        int opcode = p[0] & 15;
        if (opcode < 8) { /* text, binary, continuation */
            if (have < hl + 4) break;
            memcpy(c->mask, p + hl, 4);
            c->mask_at = 0, c->remaining = n, c->fin = p[0] >> 7;
            c->net_in.off += hl + 4;
            if (!n && c->fin) add(&c->to_child, "\n", 1);
            continue;
        }
        if (have < hl + 4 + n) break;
        uint8_t *data = p + hl + 4;
        for (uint64_t i = 0; i < n; i++) data[i] ^= p[hl + (i & 3)];
        if (opcode == 9) frame(c, 0x8A, data, n); /* ping → pong */
        else if (opcode == 8) frame(c, 0x88, data, n < 2 ? n : 2), c->state = CLOSING, close_child(c);
        c->net_in.off += hl + 4 + n;
    }
    return 0;
}

/* Each whole line the program printed becomes a text frame; the rest waits for its "\n". */
static void lines(conn_t *c) {
    buf_t *b = &c->from_child;
    uint8_t *nl;
    while ((nl = memchr(b->data + b->off + c->scanned, '\n', pending(b) - c->scanned))) {
        size_t n = (size_t)(nl - (b->data + b->off));
        frame(c, 0x81, b->data + b->off, n);
        b->off += n + 1, c->scanned = 0;
    }
    c->scanned = pending(b);
}

static void flush(buf_t *b, int fd, int socket) {
    while (pending(b)) {
        ssize_t n = socket ? send(fd, b->data + b->off, pending(b), MSG_NOSIGNAL) : write(fd, b->data + b->off, pending(b));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        b->off += (size_t)n;
    }
    if (b->off == b->len) b->off = b->len = 0;
}

/* Returns -1 when the connection is to be dropped. */
static int ready(conn_t *c, int kind, uint32_t events) {
    if (kind == SOCK) {
        if (events & (EPOLLERR | EPOLLHUP)) return -1;
        if (events & EPOLLIN) {
            reserve(&c->net_in, CHUNK);
            ssize_t n = read(c->fd, c->net_in.data + c->net_in.len, c->net_in.cap - c->net_in.len);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return -1;
            if (n > 0) {
                c->net_in.len += (size_t)n;
                if ((c->state == HANDSHAKE && handshake(c)) || (c->state == OPEN && frames(c))) return -1;
            }
        }
    } else if (kind == FROM_CHILD) {
        reserve(&c->from_child, CHUNK);
        ssize_t n = read(c->out_fd, c->from_child.data + c->from_child.len, c->from_child.cap - c->from_child.len);
        if (n > 0) c->from_child.len += (size_t)n, lines(c);
        else if (n == 0 || (errno != EAGAIN && errno != EINTR)) { /* the program is done: close 1000 */
            if (c->state == OPEN) frame(c, 0x88, (const uint8_t *)"\x03\xe8", 2), c->state = CLOSING;
            close_child(c);
        }
    }
    if (c->in_fd >= 0 && pending(&c->to_child)) {
        flush(&c->to_child, c->in_fd, 0);
        if (pending(&c->to_child) && errno != EAGAIN && errno != EINTR) close_child(c); /* it exited */
    }
    flush(&c->net_out, c->fd, 1);
    if (pending(&c->net_out) && errno != EAGAIN && errno != EINTR) return -1;
    if (c->state == CLOSING && !pending(&c->net_out)) return -1; /* the server closes first */
    update(c);
    return 0;
}

static void *loop(void *unused) {
    (void)unused;
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(ls, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(ls, (struct sockaddr *)&addr, sizeof addr) || listen(ls, 4096)) {
        perror("relay: bind/listen");
        exit(1);
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}, events[256];
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    for (;;) {
        int count = epoll_wait(ep, events, 256, -1);
        for (int i = 0; i < count; i++) {
            ref_t *r = events[i].data.ptr;
            if (!r) {
                int fd;
                while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conn_t *c = calloc(1, sizeof *c);
                    c->fd = fd, c->in_fd = c->out_fd = -1, c->ep = ep;
                    for (int k = 0; k < 3; k++) c->ref[k] = (ref_t){c, k};
                    update(c);
                }
                continue;
            }
            if (r == &gone) continue;
            if (ready(r->c, r->kind, events[i].events)) {
                conn_t *c = r->c;
                for (int j = i + 1; j < count; j++) /* its later events in this batch are stale */
                    if (events[j].data.ptr && events[j].data.ptr != &gone && ((ref_t *)events[j].data.ptr)->c == c) events[j].data.ptr = &gone;
                drop(c);
            }
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s PORT PROGRAM [THREADS]\n", argv[0]);
        return 2;
    }
    port = atoi(argv[1]);
    program = argv[2];
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_IGN); /* children are reaped by the kernel */
    int threads = argc > 3 ? atoi(argv[3]) : 1;
    pthread_t t;
    for (int i = 1; i < threads; i++) pthread_create(&t, NULL, loop, NULL);
    loop(NULL);
    return 0;
}
