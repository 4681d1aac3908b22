/* The programs' one signal handler (program layer; the library never sees
 * it). SIGINT and SIGTERM set a flag that the pipeline and the feed check
 * between records; nothing else happens in the handler. wiredup-mpi keeps
 * its own (a rank must remove its temporary files and die, not wait). */
#ifndef APP_SIGNALS_H
#define APP_SIGNALS_H

#include <signal.h>

/* Installs the handler for SIGINT and SIGTERM, without SA_RESTART so a
 * blocked read or open returns EINTR and the caller sees the flag; ignores
 * SIGXFSZ, so a file-size limit is a write error we report and clean up
 * after, not a silent kill. Call once, before any work. */
void app_signals_install(void);

/* The signal that asked us to stop, or 0. */
int app_stop_signal(void);

/* The flag itself, for code that polls it (app_run.stop). */
volatile sig_atomic_t *app_stop_flag(void);

#endif
