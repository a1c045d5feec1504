/* LD_PRELOAD shim for bench/queue_engine.py: counts every fsync/fdatasync of the process
 * and, optionally, makes each one slower, to emulate a kiosk box's eMMC on a fast disk.
 *
 *   FSYNC_SHIM_COUNTER  a file of at least 8 bytes; its first 8 bytes are a shared counter
 *                       (mmap'd), incremented atomically on every call, read by the bench.
 *   FSYNC_SHIM_DELAY_US microseconds slept after each real call (0: none).
 *
 * The real call still happens: durability is not faked, only made slower. SQLite (system
 * libsqlite3) reaches fsync/fdatasync through the dynamic linker, so the preload sees them.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static volatile uint64_t *counter;
static long delay_us;
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);

__attribute__((constructor)) static void shim_init(void) {
    real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    const char *d = getenv("FSYNC_SHIM_DELAY_US");
    delay_us = d ? atol(d) : 0;
    const char *path = getenv("FSYNC_SHIM_COUNTER");
    if (path) {
        int fd = open(path, O_RDWR);
        if (fd >= 0) {
            void *p = mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            if (p != MAP_FAILED) counter = (volatile uint64_t *)p;
            close(fd);
        }
    }
}

static void after_sync(void) {
    if (counter) __atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST);
    if (delay_us > 0) {
        struct timespec ts = {delay_us / 1000000, (delay_us % 1000000) * 1000};
        while (nanosleep(&ts, &ts) != 0) {
        }
    }
}

int fsync(int fd) {
    int rc = real_fsync(fd);
    after_sync();
    return rc;
}

int fdatasync(int fd) {
    int rc = real_fdatasync(fd);
    after_sync();
    return rc;
}
