#define _GNU_SOURCE
#include "wsdev_spawn.h"
#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

// posix_spawn rather than fork: glibc starts the child with vfork semantics, so a server with
// thousands of mapped pages starts a handler in microseconds. Swift cannot see the GNU file
// actions (chdir, closefrom) that make it safe for a threaded server; this file is where they live.
int wsdev_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                const char *directory, int input, int output, int error) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int result = posix_spawn_file_actions_init(&actions);
    if (result != 0) return result;
    result = posix_spawnattr_init(&attributes);
    if (result != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return result;
    }
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    if (result == 0) result = posix_spawn_file_actions_adddup2(&actions, input, 0);
    if (result == 0) result = posix_spawn_file_actions_adddup2(&actions, output, 1);
    if (result == 0) result = posix_spawn_file_actions_adddup2(&actions, error, 2);
    if (result == 0) result = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    if (result == 0 && directory != NULL) result = posix_spawn_file_actions_addchdir_np(&actions, directory);
    if (result == 0) result = posix_spawnattr_setsigmask(&attributes, &none);
    if (result == 0) result = posix_spawnattr_setsigdefault(&attributes, &all);
    if (result == 0) result = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    if (result == 0) result = posix_spawn(pid, path, &actions, &attributes, argv, envp);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return result;
}

int wsdev_pipe(int fds[2], int size) {
    int result = pipe2(fds, O_CLOEXEC);
    // A larger pipe lets a big message cross in one write and one read instead of sixteen; the
    // kernel allocates its pages only as they fill. Refused above /proc/sys/fs/pipe-max-size: fine.
    if (result == 0 && size > 0) (void)fcntl(fds[1], F_SETPIPE_SZ, size);
    return result;
}
