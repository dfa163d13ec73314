/*
 * swload: the TCP/UDP echo load generator of Switchboard's benchmarks (bench/run.sh).
 *
 *   swload MODE -H HOST -p PORT [-c CONNS] [-s SIZE] [-d SECONDS] [-w SECONDS] [-n MAXOPS]
 *          [--pid PID] [--prefix STR] [--timeout-ms MS] [--udp-timeout-ms MS]
 *
 *   pingpong  CONNS TCP connections; each sends a SIZE-byte message, waits for exactly SIZE bytes back, checks them
 *             and sends the next. Latency of every round trip.
 *   stream    CONNS TCP connections; each keeps writing SIZE-byte chunks and reading the echo, with at most 4 * SIZE
 *             bytes sent but not yet echoed (so the server never needs to buffer without bound). MB/s echoed.
 *   storm     CONNS concurrent connect attempts; each connects, exchanges one SIZE-byte message if SIZE > 0, closes
 *             and starts again. Completed cycles per second and the latency of each cycle.
 *   hold      opens CONNS idle connections (at most 500 connects in flight), holds them for -d seconds, checks they
 *             are all still open, and reports the server's RSS (--pid) before and while holding them.
 *   udp       CONNS connected UDP sockets; each sends a SIZE-byte datagram and waits for its echo (or, with --prefix,
 *             for STR followed by the datagram) before sending the next. A reply that does not come within
 *             --udp-timeout-ms is lost, and the socket sends a new datagram.
 *
 * One thread, one epoll set, non-blocking sockets, no allocation per message. Every echoed byte is checked: each
 * connection's bytes come from a shared table of pseudo-random bytes (PAT_LEN, a prime, so a slip by a power of two
 * never lines up again), starting at a place derived from the connection's index and generation, so the expected
 * echo is recomputed from the byte's offset instead of being kept.
 *
 * Only loopback targets are accepted (127.0.0.0/8, ::1, "localhost" which means 127.0.0.1). The run stops by itself:
 * after the warm-up and the measured time, after MAXOPS counted operations, and in any case (alarm) 30 s after the
 * warm-up and the measured time should have ended.
 *
 * Output: a summary on stderr and exactly one line on stdout:
 *   RESULT mode=M conns=C size=S secs=.. ops=.. rate=.. mbps=.. p50_us=.. p99_us=.. p999_us=.. max_us=.. errors=..
 *          mismatches=.. lost=.. late=.. rss_kb=.. rss_before_kb=.. rss_per_conn_b=.. server_rss_peak_kb=..
 *          server_cpu_s=..
 * (one line; every key always present, 0 where it does not apply). ops and rate count echoed messages (pingpong),
 * echoed SIZE-byte chunks (stream), completed connect+close cycles (storm), answered datagrams (udp); mbps is the
 * checked echoed payload in 10^6 bytes per second. hold: ops is the connections still open at the end, rate the
 * connects per second while opening, the latencies are those of the connects, rss_kb is the server's VmRSS at the
 * end of the hold (when it has surely accepted them all), rss_per_conn_b = (rss_kb - rss_before_kb) * 1024 / CONNS.
 * server_cpu_s is the user + system CPU time the server (--pid, with the children it has reaped) spent during the
 * measured time (hold: the whole run), from /proc/PID/stat: ops / server_cpu_s is what one server core does.
 * Exit status: 0 when there were no errors and no mismatches, 2 otherwise, 3 when the server cannot be reached at
 * the start, 64 for a usage error, 1 when the machine refuses what the run needs (descriptors, memory).
 *
 * Counting: the warm-up's traffic is not counted (operations, bytes, latencies, errors, lost and late replies start
 * from zero when the measured time starts; the warm-up's errors are mentioned on stderr), except mismatches: a wrong
 * echoed byte is never forgiven, warm-up or not.
 *
 * Build: bench/loadgen/build.sh (gcc -O2 -Wall -Wextra, no library beyond libc).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define EXIT_ENV 1
#define EXIT_FAILED 2
#define EXIT_UNREACHABLE 3
#define EXIT_USAGE 64

#define NS_PER_SEC 1000000000ull
#define NS_PER_MS 1000000ull
#define MAX_DURATION 300.0
#define MAX_CONNECTING 500          /* connects in flight at once, in every TCP mode */
#define RETRY_DELAY_NS (10 * NS_PER_MS)
#define HOLD_OPEN_LIMIT_NS (20 * NS_PER_SEC) /* hold: give up opening the rest after this long */
#define SAFETY_MARGIN_S 30
#define MAX_EVENTS 512
#define RBUF_LEN 65536
#define UDP_MAX_PAYLOAD 65507
#define MAX_SIZE (64u << 20)
#define MAX_PREFIX 1024
#define MAX_ERROR_LOGS 10

/* ---- modes and settings ----------------------------------------------------------------------------------------- */

enum mode { M_PINGPONG, M_STREAM, M_STORM, M_HOLD, M_UDP };
static const char *const MODE_NAMES[] = {"pingpong", "stream", "storm", "hold", "udp"};

static struct {
  enum mode mode;
  const char *host;
  struct sockaddr_storage addr;
  socklen_t addrlen;
  int family;
  long port;
  long conns;
  long size;
  double duration, warmup;
  uint64_t maxops;
  long pid;                 /* 0: none */
  const char *prefix;
  size_t prefix_len;
  long timeout_ms, udp_timeout_ms;
} cfg;

/* ---- time ------------------------------------------------------------------------------------------------------- */

static inline uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * NS_PER_SEC + (uint64_t) ts.tv_nsec;
}

/* ---- latency histogram -------------------------------------------------------------------------------------------
 * Log-linear over nanoseconds: values below 256 have a bucket each; above, every power of two [2^k, 2^(k+1)) is cut
 * into 128 equal buckets, so a bucket is at most 1/128 (0.8 %) of its values wide. Reported values are bucket
 * midpoints (error under 0.4 %), never above the exact maximum. Values beyond 2^41 ns (36 min) share the last
 * bucket. */

#define H_SUB_BITS 8
#define H_SUB (1u << H_SUB_BITS)    /* 256 exact buckets for 0..255 ns */
#define H_HALF (H_SUB / 2)          /* 128 buckets per power of two above */
#define H_GROUPS 34
#define H_SIZE (H_SUB + (H_GROUPS - 1) * H_HALF)

static struct {
  uint64_t count[H_SIZE];
  uint64_t total, max, sum;
} hist;

static inline unsigned h_index(uint64_t v) {
  if (v < H_SUB) return (unsigned) v;
  unsigned msb = 63u - (unsigned) __builtin_clzll(v);
  unsigned g = msb - (H_SUB_BITS - 1);   /* >= 1 */
  if (g >= H_GROUPS) return H_SIZE - 1;
  return H_SUB + (g - 1) * H_HALF + (unsigned) ((v >> g) - H_HALF);
}

static uint64_t h_midpoint(unsigned i) {
  if (i < H_SUB) return i;
  unsigned k = i - H_SUB, g = k / H_HALF + 1;
  uint64_t sub = k % H_HALF + H_HALF;
  return (sub << g) + ((1ull << g) >> 1);
}

static inline void h_add(uint64_t v) {
  hist.count[h_index(v)]++;
  hist.total++;
  hist.sum += v;
  if (v > hist.max) hist.max = v;
}

static double h_percentile_us(double q) {
  if (hist.total == 0) return 0;
  uint64_t rank = (uint64_t) (q * (double) hist.total);
  if ((double) rank < q * (double) hist.total) rank++;
  if (rank < 1) rank = 1;
  uint64_t seen = 0;
  for (unsigned i = 0; i < H_SIZE; i++) {
    seen += hist.count[i];
    if (seen >= rank) {
      uint64_t v = h_midpoint(i);
      return (double) (v < hist.max ? v : hist.max) / 1000.0;
    }
  }
  return (double) hist.max / 1000.0;
}

/* ---- the byte pattern ------------------------------------------------------------------------------------------- */

#define PAT_LEN 65521u                /* prime; the table holds it twice so any PAT_LEN bytes are contiguous */
static uint8_t pattern[2 * PAT_LEN];

static void pattern_init(void) {
  uint64_t x = 0x5357424c4f414421ull; /* splitmix64 */
  for (unsigned i = 0; i < PAT_LEN; i += 8) {
    x += 0x9e3779b97f4a7c15ull;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    for (unsigned b = 0; b < 8 && i + b < PAT_LEN; b++) pattern[i + b] = (uint8_t) (z >> (8 * b));
  }
  memcpy(pattern + PAT_LEN, pattern, PAT_LEN);
}

/* ---- connections ------------------------------------------------------------------------------------------------ */

enum state { ST_IDLE, ST_CONNECTING, ST_OPEN, ST_DEAD };

struct conn {
  int fd;
  uint32_t gen;        /* bumped on every close, so an event for a closed descriptor is recognised */
  uint8_t state;
  uint8_t queued;      /* waiting in the connect queue */
  uint8_t need_send;   /* udp: the last send failed; retried on the next tick */
  uint8_t seq_bytes[8];/* udp: the sequence number of the datagram in flight, little-endian */
  uint32_t base;       /* where this connection's bytes start in the pattern table */
  uint64_t sent, rcvd; /* TCP: bytes sent and received on this connection; udp: sent is the sequence number */
  uint64_t msg_end;    /* pingpong/storm: the offset at which the message in flight ends */
  uint64_t t_start;    /* when the operation in flight (connect, message, cycle, datagram) began; stream: progress */
  uint64_t t_ready;    /* queued: not to be connected before */
};

static struct conn *conns;
static uint32_t *queue;            /* ring of connection indexes waiting to connect */
static size_t q_head, q_len;
static long n_connecting, n_open;
static int ep = -1;
static uint8_t rbuf[RBUF_LEN + 64];

static volatile sig_atomic_t g_signal;
static int g_done;                 /* MAXOPS reached */
static int measuring;
static uint64_t t_measure_start;
static int hold_phase;             /* hold: 0 opening, 1 holding */

static struct {
  uint64_t ops, bytes, errors, lost, late;
} st;
static uint64_t mismatches, warm_errors, warm_ops;
static uint64_t error_logs;

static long rss_before_kb, rss_peak_kb, rss_open_kb, rss_end_kb, hwm_end_kb;
static long long cpu_start_ticks = -1;

static void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_error(const char *fmt, ...) {
  if (error_logs++ >= MAX_ERROR_LOGS) {
    if (error_logs == MAX_ERROR_LOGS + 1) fprintf(stderr, "swload: (further errors are only counted)\n");
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  fputs("swload: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static inline size_t idx_of(struct conn *c) { return (size_t) (c - conns); }

static inline const uint8_t *pat_at(const struct conn *c, uint64_t offset) {
  return pattern + (c->base + offset) % PAT_LEN;
}

/* The n bytes received at offset c->rcvd must be the ones sent there. */
static int verify(const struct conn *c, const uint8_t *buf, size_t n) {
  if (c->rcvd + n > c->sent) return 0;     /* more came back than was sent */
  uint64_t off = c->rcvd;
  while (n > 0) {
    size_t k = n < PAT_LEN ? n : PAT_LEN;
    if (memcmp(buf, pat_at(c, off), k) != 0) return 0;
    buf += k;
    off += k;
    n -= k;
  }
  return 1;
}

static void new_base(struct conn *c) {
  c->base = (uint32_t) (((uint64_t) idx_of(c) * 7919u + (uint64_t) c->gen * 104729u) % PAT_LEN);
}

/* A counted operation: a message echoed, a cycle completed, a chunk echoed, a datagram answered. */
static inline void count_ops(uint64_t ops, uint64_t bytes) {
  if (!measuring) {
    warm_ops += ops;
    return;
  }
  if (st.ops >= cfg.maxops) return;
  if (st.ops + ops > cfg.maxops) ops = cfg.maxops - st.ops;
  st.ops += ops;
  st.bytes += bytes;
  if (st.ops >= cfg.maxops) g_done = 1;
}

static inline void count_latency(uint64_t ns) {
  if (measuring && st.ops < cfg.maxops) h_add(ns);
}

/* ---- RSS of the server ------------------------------------------------------------------------------------------ */

/* Reads /proc/PID/FILE into buf as a string; -1 when it cannot. */
static int read_proc(long pid, const char *file, char *buf, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%ld/%s", pid, file);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  return 0;
}

static int read_rss(long pid, long *rss_kb, long *hwm_kb) {
  char buf[8192];
  if (read_proc(pid, "status", buf, sizeof buf) != 0) return -1;
  char *p = strstr(buf, "\nVmRSS:");
  if (!p) return -1;
  *rss_kb = strtol(p + 7, NULL, 10);
  if (hwm_kb) {
    p = strstr(buf, "\nVmHWM:");
    *hwm_kb = p ? strtol(p + 7, NULL, 10) : 0;
  }
  return 0;
}

static long sample_rss(void) {
  long rss = 0;
  if (cfg.pid == 0 || read_rss(cfg.pid, &rss, NULL) != 0) return 0;
  if (rss > rss_peak_kb) rss_peak_kb = rss;
  return rss;
}

/* ---- CPU time of the server ------------------------------------------------------------------------------------- */

/* utime + stime + cutime + cstime of PID in clock ticks, or -1. The fields are counted from the last ')': the
 * command name before it may hold spaces and parentheses. */
static long long read_cpu_ticks(long pid) {
  char buf[1024];
  if (read_proc(pid, "stat", buf, sizeof buf) != 0) return -1;
  char *p = strrchr(buf, ')');
  unsigned long long utime, stime;
  long long cutime, cstime;
  if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld", &utime, &stime, &cutime,
                   &cstime) != 4)
    return -1;
  return (long long) (utime + stime) + cutime + cstime;
}

/* ---- TCP -------------------------------------------------------------------------------------------------------- */

static void conn_close(struct conn *c) {
  if (c->fd >= 0) close(c->fd);    /* closing removes it from the epoll set */
  if (c->state == ST_CONNECTING) n_connecting--;
  if (c->state == ST_OPEN) n_open--;
  c->fd = -1;
  c->state = ST_IDLE;
  c->gen++;
}

static void enqueue(struct conn *c, uint64_t ready_at) {
  if (c->queued) return;
  c->t_ready = ready_at;
  c->queued = 1;
  queue[(q_head + q_len) % (size_t) cfg.conns] = (uint32_t) idx_of(c);
  q_len++;
}

/* Closes after a failure and, unless hold mode already holds, connects again a little later. */
static void conn_fail(struct conn *c, uint64_t now, int is_mismatch, const char *what, int err) {
  if (is_mismatch) {
    mismatches++;
    log_error("connection %zu: %s", idx_of(c), what);
  } else {
    st.errors++;
    if (err) log_error("connection %zu: %s: %s", idx_of(c), what, strerror(err));
    else log_error("connection %zu: %s", idx_of(c), what);
  }
  conn_close(c);
  if (cfg.mode == M_HOLD && hold_phase >= 1) {
    c->state = ST_DEAD;
    return;
  }
  enqueue(c, now + (is_mismatch ? 0 : RETRY_DELAY_NS));
}

static void on_connected(struct conn *c, uint64_t now);

static void tcp_open(struct conn *c, uint64_t now) {
  c->gen++;
  new_base(c);
  c->sent = c->rcvd = c->msg_end = 0;
  c->t_start = now;
  int fd = socket(cfg.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    int e = errno;
    st.errors++;
    log_error("socket: %s", strerror(e));
    enqueue(c, now + RETRY_DELAY_NS);
    return;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (cfg.mode == M_STORM) {
    /* Close with a reset (linger 0): the client then keeps no TIME_WAIT entry per cycle, so tens of thousands of
     * cycles a second do not run out of ephemeral ports. The server sees a reset instead of an orderly close. */
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  }
  c->fd = fd;
  c->state = ST_CONNECTING;
  n_connecting++;
  struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
                           .data.u64 = (uint64_t) idx_of(c) | ((uint64_t) c->gen << 32)};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
    conn_fail(c, now, 0, "epoll_ctl", errno);
    return;
  }
  if (connect(fd, (struct sockaddr *) &cfg.addr, cfg.addrlen) == 0) {
    on_connected(c, now);
  } else if (errno != EINPROGRESS) {
    conn_fail(c, now, 0, "connect", errno);
  }
}

static void pump_connects(uint64_t now) {
  while (q_len > 0 && n_connecting < MAX_CONNECTING) {
    struct conn *c = &conns[queue[q_head]];
    if (c->t_ready > now) break;
    q_head = (q_head + 1) % (size_t) cfg.conns;
    q_len--;
    c->queued = 0;
    if (cfg.mode == M_HOLD && hold_phase >= 1) continue;
    tcp_open(c, now);
  }
}

/* Writes what is left of the message in flight; 0 when done or the socket is full, -1 on error (errno). */
static int write_message(struct conn *c) {
  while (c->sent < c->msg_end) {
    uint64_t left = c->msg_end - c->sent;
    size_t len = left < PAT_LEN ? (size_t) left : PAT_LEN;
    ssize_t n = send(c->fd, pat_at(c, c->sent), len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      if (errno == EINTR) continue;
      return -1;
    }
    c->sent += (uint64_t) n;
    if ((size_t) n < len) return 0;  /* the send buffer is full: EPOLLOUT (edge) comes when there is room */
  }
  return 0;
}

static void start_message(struct conn *c, uint64_t now, int restart_clock) {
  c->msg_end = c->sent + (uint64_t) cfg.size;
  if (restart_clock) c->t_start = now;
  if (write_message(c) != 0) conn_fail(c, now, 0, "send", errno);
}

static void cycle_done(struct conn *c, uint64_t now) {
  conn_close(c);                   /* with SO_LINGER {1, 0}: a reset */
  enqueue(c, now);
  pump_connects(now);
}

static void message_done(struct conn *c) {
  uint64_t now = now_ns();
  count_latency(now - c->t_start);
  count_ops(1, (uint64_t) cfg.size);
  if (cfg.mode == M_STORM) cycle_done(c, now);
  else start_message(c, now, 1);
}

/*
 * Reads up to len bytes into rbuf without blocking and checks them against what was sent: the count read, 0 when
 * nothing is waiting, or -1 when the connection failed (closed, an error, a wrong byte; already reported).
 */
static ssize_t recv_verified(struct conn *c, uint64_t now, size_t len) {
  for (;;) {
    ssize_t n = recv(c->fd, rbuf, len, MSG_DONTWAIT);
    if (n == 0) {
      conn_fail(c, now, 0, "closed by the server", 0);
      return -1;
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      if (errno == EINTR) continue;
      conn_fail(c, now, 0, "recv", errno);
      return -1;
    }
    if (!verify(c, rbuf, (size_t) n)) {
      conn_fail(c, now, 1, "the echo differs from what was sent", 0);
      return -1;
    }
    return n;
  }
}

/* pingpong, storm: reads the echo of the message in flight. */
static void read_message(struct conn *c, uint64_t now) {
  for (;;) {
    uint64_t want = c->msg_end - c->rcvd;
    size_t len = want == 0 || want > RBUF_LEN ? RBUF_LEN : (size_t) want;
    ssize_t n = recv_verified(c, now, len);
    if (n <= 0) return;
    c->rcvd += (uint64_t) n;
    if (c->rcvd == c->msg_end) {
      message_done(c);
      return;                      /* the next echo raises a new edge */
    }
    if ((size_t) n < len) return;  /* drained: a short TCP read means the receive queue is empty */
  }
}

/* stream: writes while fewer than 4 chunks are in flight. */
static int stream_write(struct conn *c) {
  uint64_t size = (uint64_t) cfg.size, window = 4 * size;
  while (c->sent - c->rcvd < window) {
    uint64_t len = window - (c->sent - c->rcvd), chunk_left = size - c->sent % size;
    if (len > chunk_left) len = chunk_left;
    if (len > PAT_LEN) len = PAT_LEN;
    ssize_t n = send(c->fd, pat_at(c, c->sent), (size_t) len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      if (errno == EINTR) continue;
      return -1;
    }
    c->sent += (uint64_t) n;
    if ((uint64_t) n < len) return 0;
  }
  return 0;
}

static void stream_read(struct conn *c, uint64_t now) {
  uint64_t size = (uint64_t) cfg.size;
  for (;;) {
    ssize_t n = recv_verified(c, now, RBUF_LEN);
    if (n < 0) return;
    if (n == 0) break;
    uint64_t before = c->rcvd / size;
    c->rcvd += (uint64_t) n;
    c->t_start = now;
    count_ops(c->rcvd / size - before, (uint64_t) n);
    if (n < RBUF_LEN) break;
  }
  if (stream_write(c) != 0) conn_fail(c, now, 0, "send", errno);
}

static void hold_read(struct conn *c, uint64_t now) {
  ssize_t n = recv(c->fd, rbuf, RBUF_LEN, MSG_DONTWAIT);
  if (n == 0) conn_fail(c, now, 0, "closed by the server", 0);
  else if (n > 0) conn_fail(c, now, 1, "the server sent bytes on an idle connection", 0);
  else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) conn_fail(c, now, 0, "recv", errno);
}

static void on_connected(struct conn *c, uint64_t now) {
  now = now_ns();                  /* the batch's time may be a little old: latencies start or end here */
  n_connecting--;
  n_open++;
  c->state = ST_OPEN;
  switch (cfg.mode) {
    case M_PINGPONG:
      start_message(c, now, 1);
      break;
    case M_STREAM:
      c->t_start = now;
      if (stream_write(c) != 0) conn_fail(c, now, 0, "send", errno);
      break;
    case M_STORM:
      if (cfg.size == 0) {
        count_latency(now - c->t_start);
        count_ops(1, 0);
        cycle_done(c, now);
      } else {
        start_message(c, now, 0);  /* the cycle's clock started at the connect */
      }
      break;
    case M_HOLD:
      count_latency(now - c->t_start);
      break;
    case M_UDP:
      break;
  }
}

static void tcp_event(struct conn *c, uint32_t events, uint64_t now) {
  uint32_t gen = c->gen;
  if (c->state == ST_CONNECTING) {
    if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) {
      conn_fail(c, now, 0, "connect", err);
      return;
    }
    if (events & (EPOLLERR | EPOLLHUP)) {
      conn_fail(c, now, 0, "connect: hung up", 0);
      return;
    }
    on_connected(c, now);
    if (c->gen != gen || c->state != ST_OPEN) return;
    if (!(events & (EPOLLIN | EPOLLRDHUP))) return;
  }
  if (c->state != ST_OPEN) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    switch (cfg.mode) {
      case M_PINGPONG:
      case M_STORM: read_message(c, now); break;
      case M_STREAM: stream_read(c, now); break;
      case M_HOLD: hold_read(c, now); break;
      case M_UDP: break;
    }
    if (c->gen != gen || c->state != ST_OPEN) return;
  }
  if (events & EPOLLOUT) {
    if (cfg.mode == M_STREAM) {
      if (stream_write(c) != 0) conn_fail(c, now, 0, "send", errno);
    } else if (cfg.mode != M_HOLD && c->sent < c->msg_end) {
      if (write_message(c) != 0) conn_fail(c, now, 0, "send", errno);
    }
  }
}

static void tcp_tick(uint64_t now) {
  uint64_t timeout = (uint64_t) cfg.timeout_ms * NS_PER_MS;
  for (long i = 0; i < cfg.conns; i++) {
    struct conn *c = &conns[i];
    if (c->state == ST_CONNECTING) {
      if (now - c->t_start > timeout) conn_fail(c, now, 0, "connect timed out", 0);
    } else if (c->state == ST_OPEN) {
      switch (cfg.mode) {
        case M_PINGPONG:
        case M_STORM:
          if (c->rcvd < c->msg_end && now - c->t_start > timeout) conn_fail(c, now, 0, "no echo in time", 0);
          break;
        case M_STREAM:
          if (c->rcvd < c->sent && now - c->t_start > timeout) conn_fail(c, now, 0, "echo stalled", 0);
          break;
        default:
          break;
      }
    }
  }
}

/* ---- UDP -------------------------------------------------------------------------------------------------------- */

static void udp_send(struct conn *c, uint64_t now) {
  struct iovec iov[2] = {{c->seq_bytes, 8}, {(void *) pat_at(c, 0), (size_t) cfg.size - 8}};
  struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
  c->t_start = now;
  c->need_send = 0;
  if (sendmsg(c->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
    int e = errno;
    c->need_send = 1;              /* tried again on the next tick, with the same sequence number */
    if (e != EAGAIN && e != EWOULDBLOCK && e != ENOBUFS && e != EINTR) {
      st.errors++;
      log_error("socket %zu: send: %s", idx_of(c), strerror(e));
    }
  }
}

static void udp_send_next(struct conn *c, uint64_t now) {
  c->sent++;
  for (int b = 0; b < 8; b++) c->seq_bytes[b] = (uint8_t) (c->sent >> (8 * b));
  udp_send(c, now);
}

static void udp_read(struct conn *c) {
  ssize_t n = recv(c->fd, rbuf, sizeof rbuf, MSG_DONTWAIT);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    st.errors++;
    log_error("socket %zu: recv: %s", idx_of(c), strerror(errno));
    return;
  }
  uint64_t now = now_ns();
  size_t plen = cfg.prefix_len, size = (size_t) cfg.size;
  uint64_t seq = 0;
  int framed = (size_t) n == plen + size && memcmp(rbuf, cfg.prefix, plen) == 0;
  if (framed)
    for (int b = 0; b < 8; b++) seq |= (uint64_t) rbuf[plen + b] << (8 * b);
  int old = framed && seq >= 1 && seq < c->sent;
  int current = framed && seq == c->sent && !c->need_send;
  if ((old || current) && memcmp(rbuf + plen + 8, pat_at(c, 0), size - 8) == 0) {
    if (current) {
      count_latency(now - c->t_start);
      count_ops(1, size);
      udp_send_next(c, now);
    } else if (measuring) {
      st.late++;                   /* the answer to a datagram already given up as lost, or a duplicate */
    }
  } else {
    mismatches++;
    log_error("socket %zu: a reply of %zd bytes is not the echo of a datagram sent", idx_of(c), n);
    if (!old && !c->need_send) udp_send_next(c, now); /* the datagram in flight was answered wrongly, or who knows */
  }
}

static int udp_open(struct conn *c, uint64_t now) {
  int fd = socket(cfg.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, (struct sockaddr *) &cfg.addr, cfg.addrlen) != 0) {
    close(fd);
    return -1;
  }
  c->fd = fd;
  c->state = ST_OPEN;
  c->gen++;
  new_base(c);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t) idx_of(c) | ((uint64_t) c->gen << 32)};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) return -1;
  c->sent = 0;
  udp_send_next(c, now);
  return 0;
}

static void udp_tick(uint64_t now) {
  uint64_t timeout = (uint64_t) cfg.udp_timeout_ms * NS_PER_MS;
  for (long i = 0; i < cfg.conns; i++) {
    struct conn *c = &conns[i];
    if (c->state != ST_OPEN) continue;
    if (c->need_send) {
      udp_send(c, now);
    } else if (now - c->t_start > timeout) {
      if (measuring) st.lost++;
      udp_send_next(c, now);
    }
  }
}

/* ---- reaching the server at the start --------------------------------------------------------------------------- */

static void probe_tcp(void) {
  int fd = socket(cfg.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    perror("swload: socket");
    exit(EXIT_ENV);
  }
  int err = 0;
  if (connect(fd, (struct sockaddr *) &cfg.addr, cfg.addrlen) != 0) {
    if (errno != EINPROGRESS) {
      err = errno;
    } else {
      struct pollfd p = {.fd = fd, .events = POLLOUT};
      int r = poll(&p, 1, 3000);
      if (r == 0) {
        err = ETIMEDOUT;
      } else {
        socklen_t len = sizeof err;
        if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      }
    }
  }
  close(fd);
  if (err) {
    fprintf(stderr, "swload: cannot reach the server at %s port %ld over TCP: %s\n", cfg.host, cfg.port,
            strerror(err));
    exit(EXIT_UNREACHABLE);
  }
}

static void probe_udp(void) {
  int fd = socket(cfg.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *) &cfg.addr, cfg.addrlen) != 0) {
    perror("swload: udp socket");
    exit(EXIT_ENV);
  }
  /* A datagram of the usual shape with sequence number 0, which the load never uses. */
  static uint8_t probe[UDP_MAX_PAYLOAD];
  memset(probe, 0, 8);
  memcpy(probe + 8, pattern, (size_t) cfg.size - 8);
  int err = 0, answered = 0;
  for (int attempt = 0; attempt < 3 && !answered && !err; attempt++) {
    if (send(fd, probe, (size_t) cfg.size, 0) < 0) {
      err = errno;
      break;
    }
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 1000) > 0) {
      if (recv(fd, rbuf, sizeof rbuf, MSG_DONTWAIT) < 0) err = errno;
      else answered = 1;
    }
  }
  close(fd);
  if (err) {
    fprintf(stderr, "swload: cannot reach the server at %s port %ld over UDP: %s\n", cfg.host, cfg.port,
            strerror(err));
    exit(EXIT_UNREACHABLE);
  }
  if (!answered) fprintf(stderr, "swload: warning: no reply to 3 probe datagrams; going on\n");
}

/* ---- command line ----------------------------------------------------------------------------------------------- */

static void usage(const char *msg) {
  if (msg) fprintf(stderr, "swload: %s\n", msg);
  fprintf(stderr,
          "usage: swload MODE -H HOST -p PORT [-c CONNS] [-s SIZE] [-d SECONDS] [-w SECONDS] [-n MAXOPS]\n"
          "              [--pid PID] [--prefix STR] [--timeout-ms MS] [--udp-timeout-ms MS]\n"
          "  MODE      pingpong | stream | storm | hold | udp\n"
          "  -H HOST   loopback only: 127.0.0.0/8, ::1 or localhost (= 127.0.0.1)\n"
          "  -c CONNS  connections or sockets (default 100 pingpong/storm, 10 stream, 1000 hold, 16 udp)\n"
          "  -s SIZE   bytes per message (default 64; stream 16384; storm 0; udp at least 8)\n"
          "  -d SECS   measured time (default 10, at most 300); hold: how long the connections are held\n"
          "  -w SECS   warm-up, not counted (default 2; not used by hold)\n"
          "  -n OPS    stop after this many counted operations (default 100000000)\n"
          "  --pid PID the server's process: its peak RSS is reported; hold: RSS before and while holding\n"
          "  --prefix STR         udp: replies are STR followed by the datagram\n"
          "  --timeout-ms MS      TCP: a connect, an echo or a cycle not done in this time is an error (5000)\n"
          "  --udp-timeout-ms MS  udp: a reply not come in this time is lost (200)\n");
  exit(EXIT_USAGE);
}

static long parse_long(const char *s, long min, long max, const char *what) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < min || v > max) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s must be an integer from %ld to %ld, not '%s'", what, min, max, s);
    usage(msg);
  }
  return v;
}

static double parse_secs(const char *s, const char *what) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end || !(v >= 0) || v > 1e6) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s must be a number of seconds, not '%s'", what, s);
    usage(msg);
  }
  return v;
}

static int set_target(const char *host, long port) {
  char h[INET6_ADDRSTRLEN + 2];
  size_t len = strlen(host);
  if (len >= sizeof h) return -1;
  if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
    memcpy(h, host + 1, len - 2);
    h[len - 2] = 0;
  } else {
    memcpy(h, host, len + 1);
  }
  if (strcmp(h, "localhost") == 0) strcpy(h, "127.0.0.1");
  struct in_addr a4;
  struct in6_addr a6;
  memset(&cfg.addr, 0, sizeof cfg.addr);
  if (inet_pton(AF_INET, h, &a4) == 1) {
    if ((ntohl(a4.s_addr) >> 24) != 127) return -1;
    struct sockaddr_in *sin = (struct sockaddr_in *) &cfg.addr;
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t) port);
    sin->sin_addr = a4;
    cfg.addrlen = sizeof *sin;
    cfg.family = AF_INET;
    return 0;
  }
  if (inet_pton(AF_INET6, h, &a6) == 1) {
    if (!IN6_IS_ADDR_LOOPBACK(&a6)) return -1;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &cfg.addr;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons((uint16_t) port);
    sin6->sin6_addr = a6;
    cfg.addrlen = sizeof *sin6;
    cfg.family = AF_INET6;
    return 0;
  }
  return -1;
}

static void parse_args(int argc, char **argv) {
  enum { O_PID = 256, O_PREFIX, O_TIMEOUT, O_UDP_TIMEOUT };
  static const struct option longs[] = {
      {"pid", required_argument, 0, O_PID},
      {"prefix", required_argument, 0, O_PREFIX},
      {"timeout-ms", required_argument, 0, O_TIMEOUT},
      {"udp-timeout-ms", required_argument, 0, O_UDP_TIMEOUT},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  const char *port = NULL, *conns = NULL, *size = NULL;
  cfg.duration = 10;
  cfg.warmup = 2;
  cfg.maxops = 100000000;
  cfg.timeout_ms = 5000;
  cfg.udp_timeout_ms = 200;
  int opt;
  while ((opt = getopt_long(argc, argv, "H:p:c:s:d:w:n:h", longs, NULL)) != -1) {
    switch (opt) {
      case 'H': cfg.host = optarg; break;
      case 'p': port = optarg; break;
      case 'c': conns = optarg; break;
      case 's': size = optarg; break;
      case 'd': cfg.duration = parse_secs(optarg, "-d"); break;
      case 'w': cfg.warmup = parse_secs(optarg, "-w"); break;
      case 'n': cfg.maxops = (uint64_t) parse_long(optarg, 1, LONG_MAX, "-n"); break;
      case O_PID: cfg.pid = parse_long(optarg, 1, 1L << 30, "--pid"); break;
      case O_PREFIX: cfg.prefix = optarg; break;
      case O_TIMEOUT: cfg.timeout_ms = parse_long(optarg, 1, 600000, "--timeout-ms"); break;
      case O_UDP_TIMEOUT: cfg.udp_timeout_ms = parse_long(optarg, 1, 600000, "--udp-timeout-ms"); break;
      case 'h': usage(NULL); break;
      default: usage(NULL);
    }
  }
  if (optind != argc - 1) usage(optind >= argc ? "MODE is missing" : "one MODE only");
  const char *m = argv[optind];
  int found = 0;
  for (int i = 0; i < 5; i++) {
    if (strcmp(m, MODE_NAMES[i]) == 0) {
      cfg.mode = (enum mode) i;
      found = 1;
    }
  }
  if (!found) usage("MODE must be pingpong, stream, storm, hold or udp");
  if (!cfg.host) usage("-H HOST is required");
  if (!port) usage("-p PORT is required");
  cfg.port = parse_long(port, 1, 65535, "-p");
  if (set_target(cfg.host, cfg.port) != 0) {
    fprintf(stderr, "swload: -H %s: only a loopback address may be loaded (127.0.0.0/8, ::1, localhost)\n",
            cfg.host);
    exit(EXIT_USAGE);
  }
  static const long default_conns[] = {100, 10, 100, 1000, 16};
  static const long default_size[] = {64, 16384, 0, 0, 64};
  cfg.conns = conns ? parse_long(conns, 1, 1000000, "-c") : default_conns[cfg.mode];
  cfg.size = default_size[cfg.mode];
  if (size) {
    switch (cfg.mode) {
      case M_PINGPONG:
      case M_STREAM: cfg.size = parse_long(size, 1, MAX_SIZE, "-s"); break;
      case M_STORM: cfg.size = parse_long(size, 0, MAX_SIZE, "-s"); break;
      case M_HOLD: break;          /* nothing is sent */
      case M_UDP: cfg.size = parse_long(size, 8, UDP_MAX_PAYLOAD, "-s (udp)"); break;
    }
  }
  if (cfg.prefix) {
    if (cfg.mode != M_UDP) usage("--prefix is for udp only");
    cfg.prefix_len = strlen(cfg.prefix);
    if (cfg.prefix_len > MAX_PREFIX) usage("--prefix is too long");
  }
  if (cfg.mode == M_UDP && (size_t) cfg.size + cfg.prefix_len > UDP_MAX_PAYLOAD)
    usage("-s plus the prefix's length exceed a UDP datagram");
  if (cfg.prefix == NULL) cfg.prefix = "";
  if (cfg.duration <= 0) usage("-d must be more than 0");
  if (cfg.duration > MAX_DURATION) {
    fprintf(stderr, "swload: -d capped at %.0f s\n", MAX_DURATION);
    cfg.duration = MAX_DURATION;
  }
  if (cfg.warmup > MAX_DURATION) {
    fprintf(stderr, "swload: -w capped at %.0f s\n", MAX_DURATION);
    cfg.warmup = MAX_DURATION;
  }
  if (cfg.mode == M_HOLD) cfg.warmup = 0;
}

/* ---- run -------------------------------------------------------------------------------------------------------- */

static void on_signal(int sig) { g_signal = sig; }

static void on_alarm(int sig) {
  (void) sig;
  static const char msg[] = "swload: safety time limit reached, exiting\n";
  ssize_t r = write(2, msg, sizeof msg - 1);
  (void) r;
  _exit(EXIT_FAILED);
}

static void raise_fd_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
    perror("swload: getrlimit");
    exit(EXIT_ENV);
  }
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) getrlimit(RLIMIT_NOFILE, &rl);
  }
  if (rl.rlim_cur != RLIM_INFINITY && (rlim_t) cfg.conns + 64 > rl.rlim_cur) {
    fprintf(stderr,
            "swload: %ld connections need %ld file descriptors, and the limit is %llu (ulimit -Hn); "
            "raise it or lower -c\n",
            cfg.conns, cfg.conns + 64, (unsigned long long) rl.rlim_cur);
    exit(EXIT_ENV);
  }
}

static void begin_measure(uint64_t now) {
  warm_errors = st.errors;
  memset(&st, 0, sizeof st);
  memset(&hist, 0, sizeof hist);
  measuring = 1;
  t_measure_start = now;
  if (cfg.pid) cpu_start_ticks = read_cpu_ticks(cfg.pid);
}

/* hold: once every connection is open (or opening took too long) */
static void begin_hold(uint64_t now) {
  hold_phase = 1;
  if (n_open < cfg.conns) {
    fprintf(stderr, "swload: only %ld of %ld connections opened in %llu s; holding those\n", n_open, cfg.conns,
            (unsigned long long) (HOLD_OPEN_LIMIT_NS / NS_PER_SEC));
    st.errors += (uint64_t) (cfg.conns - n_open);
    for (long i = 0; i < cfg.conns; i++) {
      struct conn *c = &conns[i];
      if (c->state == ST_CONNECTING || c->state == ST_IDLE) {
        conn_close(c);
        c->state = ST_DEAD;
      }
    }
    q_len = 0;
  }
  rss_open_kb = sample_rss();
  (void) now;
}

/* hold: at the end, every connection must still be open and silent. */
static uint64_t hold_check(void) {
  uint64_t still_open = 0;
  for (long i = 0; i < cfg.conns; i++) {
    struct conn *c = &conns[i];
    if (c->state != ST_OPEN) continue;
    uint8_t b;
    ssize_t n = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      still_open++;
    } else if (n == 0) {
      st.errors++;
      log_error("connection %ld: closed by the server while held", i);
    } else if (n > 0) {
      mismatches++;
      log_error("connection %ld: the server sent bytes on an idle connection", i);
    } else {
      st.errors++;
      log_error("connection %ld: %s", i, strerror(errno));
    }
  }
  return still_open;
}

int main(int argc, char **argv) {
  parse_args(argc, argv);
  raise_fd_limit();

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &sa, NULL);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  /* whatever happens, the process ends 30 s after the run should have */
  alarm((unsigned) (cfg.warmup + cfg.duration + 0.999) + SAFETY_MARGIN_S);

  pattern_init();
  conns = calloc((size_t) cfg.conns, sizeof *conns);
  queue = calloc((size_t) cfg.conns, sizeof *queue);
  if (!conns || !queue) {
    fprintf(stderr, "swload: out of memory\n");
    exit(EXIT_ENV);
  }
  for (long i = 0; i < cfg.conns; i++) conns[i].fd = -1;

  if (cfg.pid) {
    long hwm;
    if (read_rss(cfg.pid, &rss_before_kb, &hwm) != 0) {
      fprintf(stderr, "swload: --pid %ld: no such process (or no RSS in /proc/%ld/status)\n", cfg.pid, cfg.pid);
      exit(EXIT_USAGE);
    }
    rss_peak_kb = rss_before_kb;
  }
  if (cfg.mode == M_UDP) probe_udp();
  else probe_tcp();

  ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) {
    perror("swload: epoll_create1");
    exit(EXIT_ENV);
  }

  fprintf(stderr, "swload: %s against %s port %ld: %ld %s, %ld B, warm-up %.1f s, %s %.1f s\n",
          MODE_NAMES[cfg.mode], cfg.host, cfg.port, cfg.conns, cfg.mode == M_UDP ? "sockets" : "connections",
          cfg.size, cfg.warmup, cfg.mode == M_HOLD ? "hold" : "measure", cfg.duration);

  uint64_t t0 = now_ns();
  uint64_t tick_ns = cfg.mode == M_UDP ? 10 * NS_PER_MS : cfg.mode == M_HOLD ? 100 * NS_PER_MS : 50 * NS_PER_MS;
  uint64_t t_measure = t0 + (uint64_t) (cfg.warmup * 1e9);
  uint64_t run_ns = (uint64_t) (cfg.duration * 1e9);
  uint64_t t_end = cfg.mode == M_HOLD ? UINT64_MAX : t_measure + run_ns;
  uint64_t t_hold = 0, t_stop = t0, next_tick = t0 + tick_ns, next_rss = t0 + NS_PER_SEC;

  if (cfg.mode == M_UDP) {
    for (long i = 0; i < cfg.conns; i++) {
      if (udp_open(&conns[i], t0) != 0) {
        perror("swload: udp socket");
        exit(EXIT_ENV);
      }
    }
  } else {
    for (long i = 0; i < cfg.conns; i++) enqueue(&conns[i], t0);
  }
  if (cfg.warmup <= 0) {
    begin_measure(t0);
    if (cfg.mode != M_HOLD) t_end = t0 + run_ns;
  }

  static struct epoll_event events[MAX_EVENTS];
  for (;;) {
    uint64_t now = now_ns();
    if (g_signal) {
      fprintf(stderr, "swload: stopped by signal %d\n", (int) g_signal);
      t_stop = now;
      break;
    }
    if (!measuring && now >= t_measure) {
      begin_measure(now);
      t_end = now + run_ns;        /* the measured time starts when the counters do */
    }
    if (cfg.mode == M_HOLD && hold_phase == 0 && (n_open == cfg.conns || now - t0 >= HOLD_OPEN_LIMIT_NS)) {
      begin_hold(now);
      t_hold = now;
      t_end = now + run_ns;
    }
    if (now >= t_end || g_done) {
      t_stop = now;
      break;
    }
    if (now >= next_tick) {
      if (cfg.mode == M_UDP) udp_tick(now);
      else tcp_tick(now);
      next_tick = now + tick_ns;
    }
    if (cfg.pid && now >= next_rss) {
      sample_rss();
      next_rss = now + NS_PER_SEC;
    }
    if (cfg.mode != M_UDP) pump_connects(now);

    uint64_t wake = next_tick;
    if (!measuring && t_measure < wake) wake = t_measure;
    if (t_end < wake) wake = t_end;
    if (cfg.pid && next_rss < wake) wake = next_rss;
    if (q_len > 0 && n_connecting < MAX_CONNECTING) {
      uint64_t ready = conns[queue[q_head]].t_ready;
      if (ready < wake) wake = ready;
    }
    int timeout = wake <= now ? 0 : (int) ((wake - now + NS_PER_MS - 1) / NS_PER_MS);
    int n = epoll_wait(ep, events, MAX_EVENTS, timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("swload: epoll_wait");
      exit(EXIT_ENV);
    }
    now = now_ns();
    for (int i = 0; i < n; i++) {
      uint64_t data = events[i].data.u64;
      struct conn *c = &conns[(uint32_t) data];
      if ((uint32_t) (data >> 32) != c->gen || c->fd < 0) continue; /* a descriptor closed since */
      if (cfg.mode == M_UDP) {
        if (events[i].events & (EPOLLIN | EPOLLERR)) udp_read(c);
      } else {
        tcp_event(c, events[i].events, now);
      }
    }
  }

  /* ---- the figures ---- */
  long long cpu_end_ticks = cfg.pid ? read_cpu_ticks(cfg.pid) : -1;
  double server_cpu_s = cpu_start_ticks >= 0 && cpu_end_ticks >= cpu_start_ticks
                            ? (double) (cpu_end_ticks - cpu_start_ticks) / (double) sysconf(_SC_CLK_TCK) : 0;
  uint64_t still_open = 0;
  double secs;
  double open_secs = 0;
  if (cfg.mode == M_HOLD) {
    if (hold_phase == 0) {           /* stopped by a signal while opening */
      t_hold = t_stop;
      hold_phase = 1;
    }
    secs = (double) (t_stop - t_hold) / 1e9;
    open_secs = (double) (t_hold - t0) / 1e9;
    still_open = hold_check();
    if (cfg.pid) {
      long rss, hwm;
      if (read_rss(cfg.pid, &rss, &hwm) == 0) {
        rss_end_kb = rss;
        hwm_end_kb = hwm;
        if (rss > rss_peak_kb) rss_peak_kb = rss;
      } else {
        fprintf(stderr, "swload: the server (pid %ld) is gone: no RSS to report\n", cfg.pid);
      }
    }
  } else {
    secs = measuring && t_stop > t_measure_start ? (double) (t_stop - t_measure_start) / 1e9 : 0;
    if (cfg.pid) sample_rss();
  }

  uint64_t ops = cfg.mode == M_HOLD ? still_open : st.ops;
  double rate = cfg.mode == M_HOLD ? (open_secs > 0 ? (double) hist.total / open_secs : 0)
                                   : (secs > 0 ? (double) ops / secs : 0);
  double mbps = secs > 0 && cfg.mode != M_HOLD ? (double) st.bytes / secs / 1e6 : 0;
  long rss_kb = 0, per_conn = 0;
  if (cfg.mode == M_HOLD && cfg.pid && rss_end_kb > 0) {
    rss_kb = rss_end_kb;
    per_conn = (long) ((rss_end_kb - rss_before_kb) * 1024 / cfg.conns);
  }
  double p50 = h_percentile_us(0.50), p90 = h_percentile_us(0.90), p99 = h_percentile_us(0.99),
         p999 = h_percentile_us(0.999), max = (double) hist.max / 1000.0;
  double mean = hist.total ? (double) hist.sum / (double) hist.total / 1000.0 : 0;

  static const char *const OP_NAMES[] = {"messages", "chunks", "cycles", "connections held", "replies"};
  if (cfg.mode == M_HOLD) {
    fprintf(stderr, "swload: %llu of %ld connections open after %.2f s held; opened in %.2f s (%.1f /s)\n",
            (unsigned long long) still_open, cfg.conns, secs, open_secs, rate);
    fprintf(stderr, "swload: connect latency us: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  mean %.1f\n",
            p50, p90, p99, p999, max, mean);
    if (cfg.pid)
      fprintf(stderr,
              "swload: server RSS %ld KB before, %ld KB once all open, %ld KB at the end (VmHWM %ld KB): "
              "%ld B per connection\n",
              rss_before_kb, rss_open_kb, rss_end_kb, hwm_end_kb, per_conn);
    else fprintf(stderr, "swload: no --pid: the server's RSS is not measured\n");
  } else {
    fprintf(stderr, "swload: %llu %s in %.2f s: %.1f /s, %.1f MB/s echoed and checked\n", (unsigned long long) ops,
            OP_NAMES[cfg.mode], secs, rate, mbps);
    if (hist.total)
      fprintf(stderr, "swload: latency us: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  mean %.1f\n", p50,
              p90, p99, p999, max, mean);
  }
  fprintf(stderr, "swload: errors %llu, mismatches %llu", (unsigned long long) st.errors,
          (unsigned long long) mismatches);
  if (cfg.mode == M_UDP)
    fprintf(stderr, ", lost %llu, late %llu", (unsigned long long) st.lost, (unsigned long long) st.late);
  fputc('\n', stderr);
  if (cfg.warmup > 0)
    fprintf(stderr, "swload: during the warm-up (not counted): %llu operations, %llu errors\n",
            (unsigned long long) warm_ops, (unsigned long long) warm_errors);
  if (cfg.pid) {
    fprintf(stderr, "swload: server RSS peak (sampled every second) %ld KB\n", rss_peak_kb);
    fprintf(stderr, "swload: server CPU %.2f s", server_cpu_s);
    if (server_cpu_s > 0 && ops > 0) fprintf(stderr, ": %.0f operations per CPU-second", (double) ops / server_cpu_s);
    fputc('\n', stderr);
  }

  printf("RESULT mode=%s conns=%ld size=%ld secs=%.2f ops=%llu rate=%.1f mbps=%.1f p50_us=%.1f p99_us=%.1f "
         "p999_us=%.1f max_us=%.1f errors=%llu mismatches=%llu lost=%llu late=%llu rss_kb=%ld rss_before_kb=%ld "
         "rss_per_conn_b=%ld server_rss_peak_kb=%ld server_cpu_s=%.2f\n",
         MODE_NAMES[cfg.mode], cfg.conns, cfg.mode == M_HOLD ? 0 : cfg.size, secs, (unsigned long long) ops, rate,
         mbps, p50, p99, p999, max, (unsigned long long) st.errors, (unsigned long long) mismatches,
         (unsigned long long) st.lost, (unsigned long long) st.late, rss_kb, cfg.mode == M_HOLD ? rss_before_kb : 0,
         per_conn, rss_peak_kb, server_cpu_s);
  fflush(stdout);

  for (long i = 0; i < cfg.conns; i++)
    if (conns[i].fd >= 0) close(conns[i].fd);
  return st.errors == 0 && mismatches == 0 ? 0 : EXIT_FAILED;
}
