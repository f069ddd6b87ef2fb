"""A small TFTP client for the end-to-end tests: read requests only (RFC 1350, octet mode),
with the blksize (RFC 2348) and tsize (RFC 2349) options of RFC 2347.

Why our own client and not curl's tftp://: the phone simulator needs to tell "file not
found" (which phones shrug off for CTL/ITL files) from every other failure, and to show the
server's own error text when a staged file cannot be read (for example a file that is not
world-readable: tftpd-hpa refuses those). curl folds all of that into exit codes 68/69/71.
A client in the test also needs no process per file, and it checks what the server
announces (tsize) against what arrives.

Example:
    from tftp_client import fetch, FileNotFound
    try:
        transfer = fetch("127.0.0.1", 6969, "SEP008041AEFD7E.cnf.xml")
        print(len(transfer.data), transfer.blksize)
    except FileNotFound as error:
        print("no such file:", error.server_message)
"""
import socket
import struct
from dataclasses import dataclass, field
from typing import Optional

# Opcodes (RFC 1350, RFC 2347).
RRQ, WRQ, DATA, ACK, ERROR, OACK = 1, 2, 3, 4, 5, 6

# Error codes (RFC 1350, RFC 2347).
ERROR_NAMES = {
    0: "not defined",
    1: "file not found",
    2: "access violation",
    3: "disk full",
    4: "illegal TFTP operation",
    5: "unknown transfer ID",
    6: "file already exists",
    7: "no such user",
    8: "option negotiation refused",
}

DEFAULT_BLKSIZE = 512
# Ethernet MTU 1500 minus IP, UDP and TFTP headers: what tftpd-hpa's man page suggests.
PHONE_BLKSIZE = 1468


class TftpError(Exception):
    """The transfer failed. For an ERROR packet from the server, `code` is its error code
    and `server_message` its text; for local failures (timeout, protocol violation), code
    is None."""

    def __init__(self, filename, message, code=None, server_message=None):
        super().__init__(f"TFTP {filename}: {message}")
        self.filename = filename
        self.code = code
        self.server_message = server_message


class FileNotFound(TftpError):
    """The server answered the read request with error code 1."""


class TftpTimeout(TftpError):
    """No answer after every retransmission."""


@dataclass
class Transfer:
    """One completed read: the bytes and how they came."""

    filename: str
    data: bytes
    blksize: int  # negotiated (512 when the server ignored the option)
    tsize: Optional[int]  # what the server announced, if it did
    blocks: int
    retransmissions: int = 0
    options: dict = field(default_factory=dict)


def _rrq(filename, options):
    packet = struct.pack("!H", RRQ) + filename.encode("ascii") + b"\0octet\0"
    for name, value in options.items():
        packet += name.encode("ascii") + b"\0" + str(value).encode("ascii") + b"\0"
    return packet


def _ack(block):
    return struct.pack("!HH", ACK, block)


def _error(code, message):
    return struct.pack("!HH", ERROR, code) + message.encode("ascii") + b"\0"


def _parse_oack(payload, filename):
    fields = payload.split(b"\0")
    if fields and fields[-1] == b"":
        fields.pop()
    if len(fields) % 2:
        raise TftpError(filename, f"malformed OACK {payload!r}")
    options = {}
    for i in range(0, len(fields), 2):
        options[fields[i].decode("ascii", "replace").lower()] = fields[i + 1].decode("ascii", "replace")
    return options


def _raise_error(filename, payload):
    if len(payload) < 2:
        raise TftpError(filename, "truncated ERROR packet")
    (code,) = struct.unpack("!H", payload[:2])
    text = payload[2:].split(b"\0", 1)[0].decode("ascii", "replace")
    described = f"server error {code} ({ERROR_NAMES.get(code, 'unknown code')}): {text}"
    cls = FileNotFound if code == 1 else TftpError
    raise cls(filename, described, code=code, server_message=text)


def fetch(host, port, filename, *, blksize=PHONE_BLKSIZE, tsize=True, timeout=1.0, retries=5,
          max_bytes=64 * 1024 * 1024, source=None):
    """Read `filename` from the TFTP server at host:port and return a Transfer.

    blksize: the block size to ask for (None: ask for nothing, use 512). tsize: ask the
    server for the file size and check it against what arrives. timeout: seconds to wait
    for each packet before the last packet is sent again, at most `retries` times.
    source: the local address to send from (a simulated phone's own 127.0.0.N, so the
    server logs that IP); by default 127.0.0.1 for a loopback server, else any.
    Raises FileNotFound, TftpTimeout or TftpError (with the server's message)."""
    options = {}
    if blksize is not None:
        if not 8 <= blksize <= 65464:
            raise ValueError(f"blksize {blksize} outside 8..65464 (RFC 2348)")
        options["blksize"] = blksize
    if tsize:
        options["tsize"] = 0

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.settimeout(timeout)
        if source is None:
            source = "127.0.0.1" if host in ("127.0.0.1", "localhost") else ""
        sock.bind((source, 0))
        server = (host, port)
        last_packet = _rrq(filename, options)
        sock.sendto(last_packet, server)

        tid = None  # the server's transfer port, fixed by its first answer
        size = DEFAULT_BLKSIZE
        announced = None
        negotiated = {}
        expected = 1  # next DATA block number (mod 65536)
        blocks = 0
        chunks = []
        received = 0
        resent = 0
        tries = 0
        while True:
            try:
                packet, source = sock.recvfrom(65536 + 4)
            except socket.timeout:
                tries += 1
                if tries > retries:
                    raise TftpTimeout(filename, f"no answer from {host}:{port} after "
                                      f"{retries} retransmissions ({timeout:g} s each)") from None
                resent += 1
                sock.sendto(last_packet, server if tid is None else tid)
                continue
            if tid is None:
                if source[0] != socket.gethostbyname(host):
                    continue
                tid = source
            elif source != tid:
                # RFC 1350: a packet from a foreign port gets an error, the transfer goes on.
                sock.sendto(_error(5, "unknown transfer ID"), source)
                continue
            if len(packet) < 2:
                raise TftpError(filename, f"runt packet of {len(packet)} bytes")
            (opcode,) = struct.unpack("!H", packet[:2])
            payload = packet[2:]
            if opcode in (DATA, ERROR) and len(payload) < 2:
                raise TftpError(filename, f"runt packet of {len(packet)} bytes")

            if opcode == ERROR:
                _raise_error(filename, payload)
            if opcode == OACK:
                if expected != 1 or blocks:
                    continue  # a late duplicate OACK; our ACK 0 is already out
                negotiated = _parse_oack(payload, filename)
                unknown = set(negotiated) - set(options)
                if unknown:
                    sock.sendto(_error(8, "unrequested option"), tid)
                    raise TftpError(filename, "server acknowledged options we did not ask for: "
                                    f"{sorted(unknown)}")
                if "blksize" in negotiated:
                    size = int(negotiated["blksize"])
                    if not 8 <= size <= options["blksize"]:
                        sock.sendto(_error(8, "bad blksize"), tid)
                        raise TftpError(filename, f"server chose blksize {size}, "
                                        f"more than the {options['blksize']} asked for")
                if "tsize" in negotiated:
                    announced = int(negotiated["tsize"])
                last_packet = _ack(0)
                sock.sendto(last_packet, tid)
                tries = 0
                continue
            if opcode != DATA:
                sock.sendto(_error(4, "expected DATA"), tid)
                raise TftpError(filename, f"unexpected opcode {opcode}")

            (block,) = struct.unpack("!H", payload[:2])
            data = payload[2:]
            if block == (expected - 1) % 65536 and blocks:
                sock.sendto(_ack(block), tid)  # our ACK got lost: say it again
                continue
            if block != expected % 65536:
                continue  # out of order or ancient; the server will resend
            if len(data) > size:
                sock.sendto(_error(4, "block too large"), tid)
                raise TftpError(filename, f"block {block} carries {len(data)} bytes, blksize is {size}")
            chunks.append(data)
            received += len(data)
            if received > max_bytes:
                sock.sendto(_error(3, "too large"), tid)
                raise TftpError(filename, f"more than {max_bytes} bytes")
            blocks += 1
            expected = (expected + 1) % 65536
            last_packet = _ack(block)
            sock.sendto(last_packet, tid)
            tries = 0
            if len(data) < size:
                break

        body = b"".join(chunks)
        if announced is not None and announced != len(body):
            raise TftpError(filename, f"server announced tsize {announced} but sent {len(body)} bytes")
        return Transfer(filename=filename, data=body, blksize=size, tsize=announced, blocks=blocks,
                        retransmissions=resent, options=negotiated)
    finally:
        sock.close()


def probe(host, port, timeout=0.05):
    """True when something at host:port answers a TFTP read request (with data or an error)."""
    try:
        fetch(host, port, "fwplan-e2e-probe-does-not-exist", timeout=timeout, retries=0)
    except TftpTimeout:
        return False
    except TftpError:
        return True
    return True
