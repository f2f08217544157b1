// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * measure.c - runs one command and reports its wall time, CPU time and peak RSS.
 *
 * Usage: measure [-e ERRFILE] -- COMMAND [ARG...]
 *
 * The command's stdout goes to /dev/null, its stderr to ERRFILE (default: ours).
 * Wall time is CLOCK_MONOTONIC around posix_spawnp() .. wait4(); CPU time and
 * peak RSS come from wait4()'s rusage (ru_utime + ru_stime, ru_maxrss in KiB).
 * Prints one line on stdout:
 *
 *   wall_s=W user_s=U sys_s=S cpu_s=C maxrss_kib=R status=X
 *
 * X is the exit status, or 128+signal. Exits 0 if the command could be run
 * (whatever its status), 1 if not.
 *
 * ru_maxrss is the high-water mark of the child, which includes the few
 * hundred KiB of this runner's image it was spawned from (posix_spawn shares
 * our memory until exec); negligible next to what is measured.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	const char *errfile = NULL;
	posix_spawn_file_actions_t fa;
	struct timespec t0, t1;
	struct rusage ru;
	int opt, status, err, code;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+e:")) != -1) {
		switch (opt) {
		case 'e': errfile = optarg; break;
		default:
			fprintf(stderr, "usage: measure [-e ERRFILE] -- COMMAND [ARG...]\n");
			return 1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: measure [-e ERRFILE] -- COMMAND [ARG...]\n");
		return 1;
	}
	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0) != 0 ||
	    (errfile && posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, errfile,
							 O_WRONLY | O_CREAT | O_TRUNC, 0644) != 0)) {
		perror("measure: file actions");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = posix_spawnp(&pid, argv[optind], &fa, NULL, &argv[optind], environ);
	if (err != 0) {
		fprintf(stderr, "measure: %s: %s\n", argv[optind], strerror(err));
		return 1;
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("measure: wait4");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	posix_spawn_file_actions_destroy(&fa);
	if (WIFEXITED(status))
		code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		code = 128 + WTERMSIG(status);
	else
		code = 255;
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	printf("wall_s=%.6f user_s=%.6f sys_s=%.6f cpu_s=%.6f maxrss_kib=%ld status=%d\n", wall,
	       tv_s(ru.ru_utime), tv_s(ru.ru_stime), tv_s(ru.ru_utime) + tv_s(ru.ru_stime),
	       ru.ru_maxrss, code);
	return 0;
}
