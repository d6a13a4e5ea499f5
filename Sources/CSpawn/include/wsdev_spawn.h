#ifndef WSDEV_SPAWN_H
#define WSDEV_SPAWN_H

#include <sys/types.h>

/// Starts `path` in a session of its own (so that signals reach its whole process group), in
/// `directory`, with `input`, `output` and `error` as its fds 0, 1 and 2, no other descriptor of
/// ours, an empty signal mask and default signal actions (SIGPIPE included: servers ignore it).
/// Returns 0 and the child's pid, or an errno value.
int wsdev_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                const char *directory, int input, int output, int error);

/// A pipe whose two ends close on exec (pipe2 with O_CLOEXEC, which Swift's Glibc does not show),
/// with room for `size` bytes when the system allows it (F_SETPIPE_SZ; the default is 64 KiB).
int wsdev_pipe(int fds[2], int size);

#endif
