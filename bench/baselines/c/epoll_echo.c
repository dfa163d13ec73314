/*
 * Baseline: the classic single-threaded epoll echo server in C, TCP or UDP, on 127.0.0.1.
 *
 *   epoll_echo tcp PORT     level-triggered epoll, non-blocking sockets; echoes what the socket takes at once and
 *                           keeps the rest (reading no more from that connection until it is sent), so a client that
 *                           does not read cannot make it buffer without bound
 *   epoll_echo udp PORT     recvfrom / sendto loop on one socket
 *
 * It prints "ready" once listening. It is the "what the kernel can do" reference: no framing, no limits, no metrics.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE 65536
#define MAX_EVENTS 256

struct conn {
  int fd;
  char *pending;   /* unsent echo, NULL when none */
  size_t len, off;
};

static void die(const char *what) {
  perror(what);
  exit(1);
}

static struct sockaddr_in loopback(int port) {
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short) port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

static void close_conn(int ep, struct conn *c) {
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  free(c->pending);
  free(c);
}

static void watch(int ep, struct conn *c, unsigned events, int op) {
  struct epoll_event ev = {.events = events, .data.ptr = c};
  if (epoll_ctl(ep, op, c->fd, &ev) < 0) die("epoll_ctl");
}

/* Sends what is pending; returns -1 when the connection failed. */
static int flush(int ep, struct conn *c) {
  while (c->off < c->len) {
    ssize_t n = send(c->fd, c->pending + c->off, c->len - c->off, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN ? 0 : -1;
    c->off += (size_t) n;
  }
  free(c->pending);
  c->pending = NULL;
  watch(ep, c, EPOLLIN, EPOLL_CTL_MOD);
  return 0;
}

static int on_readable(int ep, struct conn *c, char *buf) {
  ssize_t n = recv(c->fd, buf, BUF_SIZE, 0);
  if (n == 0) return -1;
  if (n < 0) return errno == EAGAIN ? 0 : -1;
  ssize_t sent = send(c->fd, buf, (size_t) n, MSG_NOSIGNAL);
  if (sent < 0) {
    if (errno != EAGAIN) return -1;
    sent = 0;
  }
  if (sent < n) {
    c->len = (size_t) (n - sent);
    c->off = 0;
    c->pending = malloc(c->len);
    if (!c->pending) die("malloc");
    memcpy(c->pending, buf + sent, c->len);
    watch(ep, c, EPOLLOUT, EPOLL_CTL_MOD);
  }
  return 0;
}

static void serve_tcp(int port) {
  int server = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = loopback(port);
  if (bind(server, (struct sockaddr *) &addr, sizeof addr) < 0) die("bind");
  if (listen(server, 1024) < 0) die("listen");
  int ep = epoll_create1(0);
  struct conn listener = {.fd = server};
  watch(ep, &listener, EPOLLIN, EPOLL_CTL_ADD);
  static char buf[BUF_SIZE];
  struct epoll_event events[MAX_EVENTS];
  printf("ready\n");
  fflush(stdout);
  for (;;) {
    int n = epoll_wait(ep, events, MAX_EVENTS, -1);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; i++) {
      struct conn *c = events[i].data.ptr;
      if (c == &listener) {
        int fd;
        while ((fd = accept4(server, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          struct conn *nc = calloc(1, sizeof *nc);
          if (!nc) die("calloc");
          nc->fd = fd;
          watch(ep, nc, EPOLLIN, EPOLL_CTL_ADD);
        }
        continue;
      }
      /* An error or hang-up shows up as a failed recv or send. */
      if ((c->pending ? flush(ep, c) : on_readable(ep, c, buf)) < 0) close_conn(ep, c);
    }
  }
}

static void serve_udp(int port) {
  int sock = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in addr = loopback(port);
  if (bind(sock, (struct sockaddr *) &addr, sizeof addr) < 0) die("bind");
  static char buf[BUF_SIZE];
  printf("ready\n");
  fflush(stdout);
  for (;;) {
    struct sockaddr_storage from;
    socklen_t fromlen = sizeof from;
    ssize_t n = recvfrom(sock, buf, sizeof buf, 0, (struct sockaddr *) &from, &fromlen);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("recvfrom");
    }
    sendto(sock, buf, (size_t) n, 0, (struct sockaddr *) &from, fromlen);
  }
}

int main(int argc, char **argv) {
  if (argc != 3 || (strcmp(argv[1], "tcp") != 0 && strcmp(argv[1], "udp") != 0)) {
    fprintf(stderr, "usage: epoll_echo tcp|udp PORT\n");
    return 64;
  }
  if (strcmp(argv[1], "tcp") == 0) {
    serve_tcp(atoi(argv[2]));
  } else {
    serve_udp(atoi(argv[2]));
  }
  return 0;
}
