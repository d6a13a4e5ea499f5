/*
 * A trivial WebSocket echo server: epoll, non-blocking sockets, no TLS, no extensions, no UTF-8
 * checks. It exists only to show how far `wsdev bench` can go when the server costs almost
 * nothing (the generator's ceiling). Written for this project; loopback use only.
 *
 *   cc -O3 -o echo-server echo-server.c -lpthread
 *   ./echo-server PORT [THREADS]        # listens on 127.0.0.1:PORT, THREADS loops (SO_REUSEPORT)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { HANDSHAKE, OPEN, CLOSING };
typedef struct { uint8_t *data; size_t len, cap; } buf_t;
typedef struct { int fd, state, want_out; buf_t in, out; } conn_t;

static int port;

static void buf_add(buf_t *b, const void *p, size_t n) {
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 4096;
        b->data = realloc(b->data, b->cap);
        if (!b->data) abort();
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void buf_drop(buf_t *b, size_t n) {
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

/* --- SHA-1 and base64, for Sec-WebSocket-Accept only --- */
#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
static void sha1(const uint8_t *msg, size_t len, uint8_t out[20]) {
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    size_t total = ((len + 8) / 64 + 1) * 64;
    uint8_t *m = calloc(total, 1);
    memcpy(m, msg, len);
    m[len] = 0x80;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++) m[total - 1 - i] = (uint8_t)(bits >> (8 * i));
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

/* --- connection I/O --- */
static void flush_out(int ep, conn_t *c) {
    while (c->out.len) {
        ssize_t n = write(c->fd, c->out.data, c->out.len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        buf_drop(&c->out, (size_t)n);
    }
    int want = c->out.len > 0;
    if (want != c->want_out) {
        struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        c->want_out = want;
    }
}

static void drop(conn_t *c) {
    close(c->fd);
    free(c->in.data);
    free(c->out.data);
    free(c);
}

static void send_frame(conn_t *c, uint8_t first, const uint8_t *p, uint64_t n) {
    uint8_t h[10];
    size_t hl;
    h[0] = first;
    if (n < 126) h[1] = (uint8_t)n, hl = 2;
    else if (n < 65536) h[1] = 126, h[2] = (uint8_t)(n >> 8), h[3] = (uint8_t)n, hl = 4;
    else {
        h[1] = 127, hl = 10;
        for (int i = 0; i < 8; i++) h[2 + i] = (uint8_t)(n >> (56 - 8 * i));
    }
    buf_add(&c->out, h, hl);
    buf_add(&c->out, p, n);
}

/* Returns 0 to keep the connection, -1 to drop it now. */
static int handshake(conn_t *c) {
    uint8_t *end = memmem(c->in.data, c->in.len, "\r\n\r\n", 4);
    if (!end) return c->in.len > 16384 ? -1 : 0;
    size_t head = (size_t)(end - c->in.data) + 4;
    char key[128] = {0};
    for (char *line = (char *)c->in.data; line < (char *)end;) {
        char *eol = memmem(line, (size_t)((char *)end - line) + 2, "\r\n", 2);
        if (!eol) break;
        if (strncasecmp(line, "Sec-WebSocket-Key:", 18) == 0) {
            char *v = line + 18;
            while (*v == ' ') v++;
            size_t kl = (size_t)(eol - v);
            if (kl > 100) return -1;
            memcpy(key, v, kl);
        }
        line = eol + 2;
    }
    if (!key[0]) return -1;
    char material[160];
    uint8_t digest[20];
    char accept[32];
    snprintf(material, sizeof material, "%s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", key);
    sha1((uint8_t *)material, strlen(material), digest);
    base64(digest, 20, accept);
    char response[256];
    int n = snprintf(response, sizeof response,
                     "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept);
    buf_add(&c->out, response, (size_t)n);
    buf_drop(&c->in, head);
    c->state = OPEN;
    return 0;
}

/* Echoes every complete frame in the input buffer, unmasked, with its own FIN and opcode. */
static int frames(conn_t *c) {
    size_t at = 0;
    while (c->state == OPEN) {
        uint8_t *p = c->in.data + at;
        size_t have = c->in.len - at;
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
        if (have < hl + 4 + n) break;
        uint8_t *mask = p + hl, *data = p + hl + 4;
        uint64_t wide, i = 0;
        for (int b = 0; b < 8; b++) ((uint8_t *)&wide)[b] = mask[b & 3];
        for (; i + 8 <= n; i += 8) { /* 8 bytes per step; memcpy keeps unaligned access legal */
            uint64_t w;
            memcpy(&w, data + i, 8);
            w ^= wide;
            memcpy(data + i, &w, 8);
        }
        for (; i < n; i++) data[i] ^= mask[i & 3];
        int opcode = p[0] & 15;
        if (opcode == 9) send_frame(c, 0x8A, data, n);                 /* ping → pong */
        else if (opcode == 8) send_frame(c, 0x88, data, n), c->state = CLOSING;
        else if (opcode != 10) send_frame(c, p[0], data, n);            /* data: echo */
        at += hl + 4 + n;
    }
    buf_drop(&c->in, at);
    return 0;
}

static void *loop(void *unused) {
    (void)unused;
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(ls, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(ls, (struct sockaddr *)&addr, sizeof addr) || listen(ls, 4096)) {
        perror("echo-server: bind/listen");
        exit(1);
    }
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}, events[256];
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    uint8_t *chunk = malloc(256 * 1024); /* per thread */
    for (;;) {
        int ready = epoll_wait(ep, events, 256, -1);
        for (int i = 0; i < ready; i++) {
            conn_t *c = events[i].data.ptr;
            if (!c) {
                int fd;
                while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conn_t *nc = calloc(1, sizeof *nc);
                    nc->fd = fd;
                    struct epoll_event cev = {.events = EPOLLIN, .data.ptr = nc};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
                }
                continue;
            }
            if (events[i].events & EPOLLOUT) flush_out(ep, c);
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                ssize_t n = read(c->fd, chunk, 256 * 1024);
                if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) { drop(c); continue; }
                if (n < 0) continue;
                if (c->state == CLOSING) continue;
                buf_add(&c->in, chunk, (size_t)n);
                if ((c->state == HANDSHAKE && handshake(c)) || (c->state == OPEN && frames(c))) { drop(c); continue; }
                flush_out(ep, c);
                if (c->state == CLOSING && !c->out.len) { drop(c); continue; } /* server closes first */
            }
            if (c->state == CLOSING && !c->out.len) drop(c);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PORT [THREADS]\n", argv[0]);
        return 2;
    }
    port = atoi(argv[1]);
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    pthread_t t;
    for (int i = 1; i < threads; i++) pthread_create(&t, NULL, loop, NULL);
    loop(NULL);
    return 0;
}
