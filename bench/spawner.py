"""Runs the benchmark's commands on request and reports each one's wall time and peak memory.

Why a separate, tiny process: Linux counts the memory a child had before exec (its parent's) in
the child's peak resident set, so a child of the benchmark itself would be charged the
benchmark's own memory. Started as `python -I -S`, this process stays far below any command it
runs. One JSON request per line on stdin, one JSON answer per line on stdout.
"""

import json
import os
import sys
import time


def serve() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        with open(request["stderr"], "wb") as err:
            actions = [
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
            ]
            started = time.perf_counter()
            pid = os.posix_spawn(
                request["argv"][0], request["argv"], request["env"], file_actions=actions
            )
            _, status, usage = os.wait4(pid, 0)
            wall = time.perf_counter() - started
        answer = {
            "ms": wall * 1000,
            "kib": usage.ru_maxrss,
            "code": os.waitstatus_to_exitcode(status),
        }
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    serve()
