/* kt-measure REPORT PROGRAM [ARG]...: runs PROGRAM and writes to the file REPORT how it ended and
 * its peak memory ("exit N" or "signal N", then the peak resident set in KiB), then exits as the
 * program did (128 + N when a signal ended it).
 *
 * The failure tests run the programs through it because the peak memory a parent sees with
 * wait4 includes what the child held before exec: a copy of the test runner itself. This process
 * is small, so its child starts from almost nothing. */
#define _DEFAULT_SOURCE /* wait4 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: kt-measure REPORT PROGRAM [ARG]...\n", stderr);
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("kt-measure: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror("kt-measure: exec");
        _exit(127);
    }
    /* a signal meant for the program (a test's timeout) must not end the report */
    signal(SIGINT, SIG_IGN);
    int status;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) {
        perror("kt-measure: wait4");
        return 2;
    }
    FILE *report = fopen(argv[1], "w");
    if (!report) {
        perror("kt-measure: report");
        return 2;
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    fprintf(report, "%s %d %ld\n", WIFEXITED(status) ? "exit" : "signal",
            WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), usage.ru_maxrss);
    if (fclose(report) != 0) {
        perror("kt-measure: report");
        return 2;
    }
    return code;
}
