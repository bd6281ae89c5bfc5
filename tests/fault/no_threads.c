/*
 * A pthread_create that always fails, for LD_PRELOAD: the import must then
 * do all its work on its own thread (ledger/import.c, "the rows, read
 * ahead"; audit/leaf_pipe.h), with the same result.  Root ignores
 * RLIMIT_NPROC, so nothing else makes thread creation fail in a test.
 *
 * Each call appends a line to the file named by MCG_NO_THREADS_LOG, so
 * the test can see that the calls came here and the fallback ran.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
		   void *arg)
{
	const char *log = getenv("MCG_NO_THREADS_LOG");

	(void)thread;
	(void)attr;
	(void)start;
	(void)arg;
	if (log) {
		int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

		if (fd >= 0) {
			if (write(fd, "refused\n", 8) != 8)
				abort();
			close(fd);
		}
	}
	return EAGAIN;
}
