/* The node's sandbox ("pause") process: holds a pod's namespaces, reaps zombies, exits on
 * SIGINT or SIGTERM. Built static by scripts/node/prepare.sh and packed as a one-file image. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static void reap(int sig) {
    (void)sig;
    while (waitpid(-1, 0, WNOHANG) > 0) {
    }
}

static void quit(int sig) {
    (void)sig;
    _exit(0);
}

int main(void) {
    signal(SIGINT, quit);
    signal(SIGTERM, quit);
    signal(SIGCHLD, reap);
    for (;;) {
        pause();
    }
}
