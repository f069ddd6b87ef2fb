#!/usr/bin/env python3
"""Reset a simulated phone (device.py) the way a PBX resets a real one: a SIP NOTIFY to
UDP port 5060 of the phone's address (rollout.md §5). What the end-to-end tests give
`fwplan rollout follow --kick 'python3 …/kick_phone.py %i'`.

    python3 kick_phone.py IP [--port 5060] [--timeout 3] [--event service-control|check-sync]
                             [--action reset|restart]

Sends `NOTIFY sip:IP SIP/2.0` with `Event: service-control` and the body `action=reset`
(usecallmanagernz/patches sip_notify.conf `cisco-reset`; FreeSWITCH sofia_reg_send_reboot()),
or `Event: check-sync` (the 7940/7960 form, 7960G/7940G SIP admin guide OL-7890-01 p. 4-4),
and resends it (0.25 s, then doubling, as SIP's timer A does; RFC 3261 §17.1.1.2) until the
phone answers or --timeout seconds have passed.

Exit status: 0 the phone answered 200 OK (it is resetting); 1 no answer in time (the phone
is off, flashing or rebooting, or nobody lives at IP); 2 bad arguments; 3 the phone answered
with an error (e.g. 489 Bad Event). One line on stderr says which.
"""
import argparse
import ipaddress
import os
import socket
import sys
import time
import uuid


def notify(ip, event, action, local):
    call_id = f"{uuid.uuid4().hex}@{local[0]}"
    body = f"action={action}\r\n" if event == "service-control" else ""
    lines = [
        f"NOTIFY sip:{ip} SIP/2.0",
        f"Via: SIP/2.0/UDP {local[0]}:{local[1]};branch=z9hG4bK{uuid.uuid4().hex[:16]}",
        "Max-Forwards: 70",
        f"From: <sip:fwplan-e2e@{local[0]}>;tag={uuid.uuid4().hex[:8]}",
        f"To: <sip:{ip}>",
        f"Call-ID: {call_id}",
        "CSeq: 1 NOTIFY",
        f"Event: {event}",
        "Subscription-State: active",
    ]
    if body:
        lines.append("Content-Type: text/plain")
    lines += [f"Content-Length: {len(body.encode())}", "", body]
    return "\r\n".join(lines).encode("utf-8"), call_id


def kick(ip, *, port=5060, timeout=3.0, event="service-control", action="reset"):
    """Returns (exit status, message)."""
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1" if ipaddress.ip_address(ip).is_loopback else "", 0))
        packet, call_id = notify(ip, event, action, sock.getsockname())
        interval = 0.25
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return 1, f"kick_phone: {ip}:{port} did not answer within {timeout:g} s"
            try:
                sock.sendto(packet, (ip, port))
            except OSError as error:
                return 1, f"kick_phone: cannot send to {ip}:{port}: {error}"
            wait_until = time.monotonic() + min(interval, remaining)
            interval *= 2
            while True:
                left = wait_until - time.monotonic()
                if left <= 0:
                    break
                sock.settimeout(left)
                try:
                    data, _ = sock.recvfrom(65535)
                except socket.timeout:
                    break
                except ConnectionRefusedError:
                    break  # ICMP port unreachable from an earlier send; try again
                text = data.decode("utf-8", "replace")
                if f"Call-ID: {call_id}" not in text:
                    continue  # not ours
                status = text.split("\r\n", 1)[0]
                if status.startswith("SIP/2.0 200"):
                    return 0, f"kick_phone: {ip} answered {status[8:]}"
                if status.startswith("SIP/2.0 1"):
                    continue  # provisional
                return 3, f"kick_phone: {ip} answered {status[8:]}"


def main(argv=None):
    parser = argparse.ArgumentParser(description="Reset a simulated phone by SIP NOTIFY.")
    parser.add_argument("ip")
    parser.add_argument("--port", type=int, default=int(os.environ.get("FWPLAN_E2E_RESET_PORT", 5060)))
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--event", choices=("service-control", "check-sync"), default="service-control")
    parser.add_argument("--action", choices=("reset", "restart"), default="reset")
    args = parser.parse_args(argv)
    try:
        ipaddress.ip_address(args.ip)
    except ValueError:
        parser.error(f"not an IP address: {args.ip!r}")
    if not 0 < args.timeout <= 60:
        parser.error("--timeout is between 0 and 60 seconds")
    status, message = kick(args.ip, port=args.port, timeout=args.timeout, event=args.event,
                           action=args.action)
    print(message, file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
