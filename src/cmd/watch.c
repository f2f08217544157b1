// SPDX-License-Identifier: GPL-2.0-or-later
/* watch.c - sockmem watch [INTERVAL [COUNT]]: a sample on every tick of a
 * steady clock (CLOCK_MONOTONIC, absolute deadlines: a slow sample does not
 * shift the ones after it), compared with the previous one. On a terminal
 * (stdout a tty, table format) a live screen on the alternate screen, keys
 * read raw from stdin; otherwise one record set per sample appended to
 * stdout and flushed. SIGINT/SIGTERM, q or Ctrl-C end it: exit 0 once a
 * sample was written (the records are whole), 130 before that. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/cmds.h"
#include "cmd/timecmd.h"
#include "render/out_time.h"
#include "util/sig.h"

/* Movers per sample when --top does not say. */
#define WATCH_MOVERS 10

struct term {
	bool screen;	   /* drawing the live screen */
	bool raw;	   /* saved holds the terminal's settings to restore */
	struct termios saved;
	int winch_fd; /* signalfd of SIGWINCH, -1 if none */
	unsigned rows, cols;
};

struct watch {
	const struct opts *o;
	unsigned need;
	struct term t;
	struct sample cur, prev;
	bool have_prev;
	struct delta d;
	bool have_delta;
	struct watch_rec rec; /* the last sample drawn (a resize redraws it) */
	struct watch_hist hist;
	int64_t t0_ns;
	int64_t start_ns; /* when the last sample began */
	uint64_t written; /* samples written */
	bool quit;	  /* q, Ctrl-C, a signal or the reader gone */
	char msg[1024];	  /* the error to print once the terminal is back */
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* --- the terminal --- */

static void term_size(struct term *t)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		t->rows = ws.ws_row;
		t->cols = ws.ws_col;
	} else {
		t->rows = 24;
		t->cols = 80;
	}
}

/* Writes s whole with SIGINT/SIGTERM held off, so a record is never cut.
 * Returns 0 or -errno. */
static int put(const char *s, size_t n)
{
	sigset_t block, old;
	int err = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (fwrite(s, 1, n, stdout) != n || fflush(stdout) != 0)
		err = errno ? -errno : -EIO;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}

static int put_str(const char *s)
{
	return put(s, strlen(s));
}

/* Alternate screen, no cursor, keys unbuffered and unechoed, Ctrl-C as a
 * key (so it never lands in the middle of a frame), SIGWINCH as a file. */
static void term_enter(struct term *t)
{
	struct termios raw;
	sigset_t winch;

	t->winch_fd = -1;
	term_size(t);
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &t->saved) == 0) {
		raw = t->saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		t->raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
	}
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &winch, NULL) == 0)
		t->winch_fd = signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);
	put_str("\033[?1049h\033[?25l\033[H\033[2J");
}

/* Undoes term_enter; every exit path of a screen run comes through here. */
static void term_leave(struct term *t)
{
	put_str("\033[?25h\033[?1049l");
	if (t->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
	t->raw = false;
	if (t->winch_fd >= 0)
		close(t->winch_fd);
	t->winch_fd = -1;
}

/* --- one sample --- */

static int draw(struct watch *w)
{
	struct outbuf b;
	int rc;

	if (ob_init_mem(&b))
		return -ENOMEM;
	if (w->t.screen)
		out_watch_screen(&b, &w->rec, &w->hist, w->o, w->t.rows, w->t.cols, true);
	else if (w->o->fmt == FMT_TABLE)
		out_watch_screen(&b, &w->rec, &w->hist, w->o, 0, 0, false);
	else
		out_watch_record(&b, &w->rec, w->o);
	rc = b.err ? -b.err : put(b.p, b.len);
	free(b.p);
	return rc;
}

/* Collects, derives and compares one sample, then writes it. Returns 0 or
 * an exit status (message in w->msg; "" when it needs none). */
static int one_sample(struct watch *w)
{
	int64_t start = mono_ns(), t_ms;
	struct delta_side a, b;
	int rc;

	w->start_ns = start;
	rc = sample_collect(w->o, w->need, &w->cur, w->msg, sizeof(w->msg));
	if (!rc)
		rc = sample_derive(w->o, &w->cur, w->msg, sizeof(w->msg));
	if (rc) {
		sample_free(&w->cur);
		return rc;
	}
	t_ms = (start - w->t0_ns) / 1000000;
	if (w->have_delta)
		delta_free(&w->d);
	w->have_delta = false;
	if (w->have_prev) {
		sample_side(&w->prev, w->rec.elapsed_ms, &a);
		sample_side(&w->cur, t_ms, &b);
		if (delta_build(&a, &b, w->o->top_n ? w->o->top_n : WATCH_MOVERS, 0, &w->d)) {
			sample_free(&w->cur);
			snprintf(w->msg, sizeof(w->msg), "watch: %s", strerror(ENOMEM));
			return EXIT_RUNTIME;
		}
		w->have_delta = true;
	}
	w->rec = (struct watch_rec){ .r = &w->cur.view,
				     .prev = w->have_prev ? &w->prev.view : NULL,
				     .d = w->have_delta ? &w->d : NULL,
				     .sample = w->written + 1,
				     .elapsed_ms = t_ms,
				     .interval_ms = w->o->interval_ms,
				     .cost_ms = (mono_ns() - start) / 1000000 };
	watch_hist_add(&w->hist, &w->rec);
	rc = draw(w);
	if (rc == -EPIPE) {
		w->quit = true; /* the reader is gone: the end, not an error */
	} else if (rc == -EINTR || (rc == 0 && sig_interrupted())) {
		w->quit = true;
	} else if (rc) {
		snprintf(w->msg, sizeof(w->msg), "write error: %s", strerror(-rc));
		return EXIT_RUNTIME;
	}
	if (rc == 0)
		w->written++;
	/* the previous sample is no longer needed: this one takes its place;
	 * the delta keeps pointing into both until the next sample */
	return 0;
}

/* Moves cur to prev, freeing the sample before it. The delta stays for a
 * redraw: what the screen draws of it (values, new-side indexes) does not
 * refer to the freed sample. */
static void rotate(struct watch *w)
{
	if (w->have_prev)
		sample_free(&w->prev);
	sample_move(&w->prev, &w->cur);
	w->have_prev = true;
	w->rec.r = &w->prev.view;
	w->rec.prev = NULL;
}

/* Reads keys: q, Q or Ctrl-C quit. */
static void read_keys(struct watch *w)
{
	char buf[64];
	ssize_t n;

	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == 'q' || buf[i] == 'Q' || buf[i] == 3)
				w->quit = true;
	if (n == 0 && !isatty(STDIN_FILENO))
		w->quit = false; /* end of a non-terminal stdin: keep going */
}

/* A resize: the new size, and the last frame again. */
static void on_winch(struct watch *w)
{
	struct signalfd_siginfo si;

	while (read(w->t.winch_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
	term_size(&w->t);
	draw(w);
}

/* Sleeps until deadline (CLOCK_MONOTONIC, absolute); on the screen,
 * handles keys and resizes meanwhile. Returns early on a signal or quit. */
static void wait_until(struct watch *w, int64_t deadline)
{
	struct timespec ts = { deadline / 1000000000, deadline % 1000000000 };

	if (!w->t.screen) {
		while (!sig_interrupted() &&
		       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		return;
	}
	while (!w->quit && !sig_interrupted()) {
		struct pollfd p[2] = { { STDIN_FILENO, POLLIN, 0 }, { w->t.winch_fd, POLLIN, 0 } };
		int64_t left = deadline - mono_ns();
		struct timespec rel;

		if (left <= 0)
			return;
		rel.tv_sec = left / 1000000000;
		rel.tv_nsec = left % 1000000000;
		if (ppoll(p, w->t.winch_fd >= 0 ? 2 : 1, &rel, NULL) <= 0)
			continue; /* the deadline (checked above) or a signal */
		if (p[0].revents & POLLIN)
			read_keys(w);
		if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			p[0].fd = -1;
		if (w->t.winch_fd >= 0 && (p[1].revents & POLLIN))
			on_winch(w);
	}
}

/* The next deadline after sample k (1-based): the next tick of t0 + k x
 * interval that is still ahead; says on stderr when the sample overran. */
static int64_t next_tick(struct watch *w, uint64_t k)
{
	int64_t iv = w->o->interval_ms * 1000000, now = mono_ns();
	int64_t next = w->t0_ns + (int64_t)k * iv;

	if (now <= next)
		return next;
	if (!w->t.screen)
		fprintf(stderr,
			"sockmem: watch: sample %llu took %lld ms, longer than the interval of "
			"%lld ms; the next one is taken at the next tick\n",
			(unsigned long long)k, (long long)((now - w->start_ns) / 1000000),
			(long long)w->o->interval_ms);
	return w->t0_ns + ((now - w->t0_ns) / iv + 1) * iv;
}

int watch_run(const struct opts *o)
{
	struct watch w;
	int rc = 0;

	memset(&w, 0, sizeof(w));
	w.o = o;
	w.need = cmd_needs(cmd_get(CMD_WATCH), o);
	w.t.winch_fd = -1;
	w.t.screen = o->fmt == FMT_TABLE && isatty(STDOUT_FILENO);
	if (w.t.screen)
		term_enter(&w.t);
	w.t0_ns = mono_ns();
	for (uint64_t k = 1; !w.quit; k++) {
		if (sig_interrupted())
			break;
		rc = one_sample(&w);
		if (rc)
			break;
		rotate(&w);
		if ((o->count && k == o->count) || w.quit)
			break;
		wait_until(&w, next_tick(&w, k));
	}
	if (w.t.screen)
		term_leave(&w.t);
	if (w.have_delta)
		delta_free(&w.d);
	sample_free(&w.prev);
	sample_free(&w.cur);
	/* an interruption ends watch; after a whole sample it is the normal end */
	if (rc == EXIT_INTERRUPTED || (!rc && sig_interrupted()))
		rc = w.written ? EXIT_OK : EXIT_INTERRUPTED;
	if (rc == EXIT_INTERRUPTED)
		fputs("sockmem: interrupted\n", stderr);
	else if (rc && w.msg[0])
		fprintf(stderr, "sockmem: %s\n", w.msg);
	return rc;
}
