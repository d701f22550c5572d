"""Entry point of a pose helper process (started by :class:`formcheck.io.pose.PoseHelpers`).

The protocol runs over this process's stdin and its original stdout; anything
the native libraries print to fd 1 is sent to stderr instead.
"""

import os
import sys


def main() -> None:
    proto_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    # imported now, while the parent imports and probes the clip (before it sends the task)
    import av  # noqa: F401
    import cv2  # noqa: F401

    from formcheck.io._mediapipe import tasks
    from formcheck.io.pose import helper_loop

    tasks()

    try:
        helper_loop(sys.stdin.buffer, proto_out)
    except EOFError:  # the parent closed the pipe: nothing more to do
        pass


if __name__ == "__main__":
    main()
