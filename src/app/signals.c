/* The programs' one signal handler: see signals.h. */
#include "signals.h"

#include <string.h>

/* The program's only global: a handler can reach nothing else. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

void app_signals_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGXFSZ, SIG_IGN);
}

int app_stop_signal(void)
{
	return (int)stop_signal;
}

volatile sig_atomic_t *app_stop_flag(void)
{
	return &stop_signal;
}
