/* A freestanding static "hello" for the pith example: no libc, raw Linux syscalls, a few hundred bytes.
 * It prints a greeting and the uid it runs as, so a test can see `--user 65532` take effect.
 * Rebuild: make (needs gcc and gcc-aarch64-linux-gnu). */
#if defined(__x86_64__)
#define SYS_write 1
#define SYS_exit 60
#define SYS_getuid 102
static long sys3(long n, long a, long b, long c) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}
#elif defined(__aarch64__)
#define SYS_write 64
#define SYS_exit 93
#define SYS_getuid 174
static long sys3(long n, long a, long b, long c) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
}
#else
#error unsupported architecture
#endif

static void put(const char *s) {
  long n = 0;
  while (s[n]) n++;
  sys3(SYS_write, 1, (long)s, n);
}

static void put_num(long v) {
  char buf[24];
  int i = sizeof buf - 1;
  buf[i] = 0;
  do {
    buf[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  put(buf + i);
}

void _start(void) {
  put("hello from a pith image (uid ");
  put_num(sys3(SYS_getuid, 0, 0, 0));
  put(")\n");
  sys3(SYS_exit, 0, 0, 0);
  for (;;) {
  }
}
