"""What happens after the last epoch: the run's records are all there, written without delay."""

import subprocess
import sys

from pipeline_helpers import REPO_ROOT

# A command whose work is done: a global's finaliser would run only if the interpreter were
# torn down; an `atexit` function must run either way.
FINISHED_COMMAND = """
import atexit, os, sys
from kerasmap import cli

class TornDown:
    def __del__(self, write=os.write):
        write(1, b"torn down\\n")

kept = TornDown()
atexit.register(print, "atexit ran")
sys.argv = ["train.py"]
cli.start(lambda: print("main ran"), "config")
"""


def test_a_finished_command_runs_its_atexit_functions_and_skips_the_teardown():
    result = subprocess.run(
        [sys.executable, "-c", FINISHED_COMMAND], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["main ran", "atexit ran"]
