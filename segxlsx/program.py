"""The `segxlsx` program's entry point: Ctrl-C and SIGTERM answered from its first instruction.

Python's own answer to Ctrl-C is a `KeyboardInterrupt` raised wherever the program is, with a
traceback if nothing catches it; while the command line is still being imported nothing can.
So until `cli.main` runs, a stop signal ends the program at once with the shell's code
(130 for Ctrl-C, 143 for SIGTERM): nothing has been read or written yet. From there on the
commands answer it themselves (a build records what it did; the others say "interrupted").
"""

import os
import signal


def _stopped_before_starting(signum: int, frame: object) -> None:
    os._exit(128 + signum)


_SIGNALS = (signal.SIGINT, signal.SIGTERM)
for _signal in _SIGNALS:
    signal.signal(_signal, _stopped_before_starting)


def main() -> None:
    from .cli import main as command_line

    signal.signal(signal.SIGINT, signal.default_int_handler)  # the commands' own handling, below
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    command_line()


if __name__ == "__main__":  # python -m segxlsx.program, as the installed `segxlsx`
    main()
