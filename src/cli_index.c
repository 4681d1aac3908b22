/* placeholder until the index lands */
#include <stdio.h>
int wu_cli_index(int argc, char **argv);
int wu_cli_dedup(int argc, char **argv);
int wu_cli_index(int argc, char **argv) { (void)argc; (void)argv; fputs("wiredup: index: not available\n", stderr); return 2; }
int wu_cli_dedup(int argc, char **argv) { (void)argc; (void)argv; fputs("wiredup: dedup: not available\n", stderr); return 2; }
