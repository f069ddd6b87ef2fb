"""Stopping a program the tests started in its own process group (start_new_session=True):
the servers (in.tftpd, dnsmasq, rsyslogd) and the follower. One place for the signal, the
grace period and the SIGKILL after it, so no test leaves a server behind."""
import os
import signal
import subprocess


def stop_group(process, sig=signal.SIGTERM, grace=5.0):
    """Sends `sig` to the process group of `process` (a subprocess.Popen), waits up to `grace`
    seconds, then SIGKILLs the group and waits again. Nothing to do if it has already exited."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=grace)
