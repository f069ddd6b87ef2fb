#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_archive (tests/fuzz/corpus/archive/): small synthetic
zips, .cop.sgn files and tars made here, byte for byte reproducible. The first byte of each
seed is the fuzz target's selector: 0 zip, 1 .cop.sgn, 2 tar.gz; +3 for the Report policy.

    python3 tests/fuzz/make_archive_corpus.py
"""
import gzip
import io
import os
import struct
import tarfile
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "archive")
STAMP = (2020, 1, 1, 0, 0, 0)
LOADS = b"#\r\n# synthetic SIP41.9-4-2SR3-1S\r\napps41.9-4-2ES26.sbn\r\n"
COP_HEADER = bytes([0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x00, 0x02, 0x00, 0x0C, 0x0D, 0x0D])
# A minimal TLV header (tags 1, 2, 14 and padding) signing a file as `name`.
def tlv_signed(name, body):
    field = bytes([14]) + (len(name) + 1).to_bytes(2, "big") + name.encode() + b"\0"
    length = 10 + len(field)
    pad = -length % 4
    return (bytes([1, 0, 2, 1, 1, 2, 0, 2]) + (length + pad).to_bytes(2, "big") + field
            + b"\x0d" * pad + body)


def zip_bytes(items, zip64=False):
    """items: (name, data, compress, unix_mode or None)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, compress, mode in items:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            if mode is not None:
                info.external_attr = mode << 16
                info.create_system = 3
            with archive.open(info, "w", force_zip64=zip64) as out:
                out.write(data)
    return buffer.getvalue()


def tar_bytes(items, compress=True):
    """items: (name, data, type, link)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, data, kind, link in items:
            info = tarfile.TarInfo(name)
            info.mtime = 0
            info.type = kind
            info.linkname = link
            info.size = len(data) if kind == tarfile.REGTYPE else 0
            archive.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    if not compress:
        # Without the record padding tarfile adds: the entries and the two zero blocks that
        # end a tar are enough, and a small seed fuzzes faster.
        body = raw.getvalue().rstrip(b"\0")
        body += b"\0" * (-len(body) % 512)
        return body + b"\0" * 1024
    packed = io.BytesIO()
    with gzip.GzipFile(fileobj=packed, mode="wb", mtime=0) as out:
        out.write(raw.getvalue())
    return packed.getvalue()


def stored_local(name, data):
    """A stored zip entry: its local header, then its data."""
    return (struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, zlib.crc32(data),
                        len(data), len(data), len(name), 0) + name + data)


def central(name, data, offset):
    return (struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, zlib.crc32(data),
                        len(data), len(data), len(name), 0, 0, 0, 0, 0, offset) + name)


def overlapping_zip():
    """Two entries with consistent headers, the first one's data holding the second whole
    (the overlap of David Fifield's zip bombs): fwplan refuses it (archive.overlap)."""
    inner = stored_local(b"b.sbn", b"SECOND FILE")
    outer = stored_local(b"a.sbn", inner)
    directory = central(b"a.sbn", inner, 0) + central(b"b.sbn", b"SECOND FILE", 30 + 5)
    return outer + directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 2, 2, len(directory),
                                           len(outer), 0)


def main():
    os.makedirs(OUT, exist_ok=True)
    basic = zip_bytes([
        ("SIP41.9-4-2SR3-1S.loads", LOADS, False, None),
        ("term41.default.loads", LOADS, True, None),
        ("apps41.9-4-2ES26.sbn", bytes(range(256)) * 4, True, None),
    ])
    inner = zip_bytes([("SIP42.loads", LOADS, True, None), ("deeper.zip", basic, False, None)])
    seeds = {
        "zip-basic": b"\x00" + basic,
        "zip-folder": b"\x00" + zip_bytes([
            ("P0S3-8-12-00/", b"", False, 0o040755),
            ("P0S3-8-12-00/P0S3-8-12-00.loads", b"P003-8-12-00 P0S3-8-12-00.sb2\n", True, None),
            ("P0S3-8-12-00/OS79XX.TXT", b"P003-8-12-00 \r\n", False, None),
        ]),
        "zip-nested": b"\x00" + zip_bytes([
            ("README.txt", b"bundle", False, None),
            ("cmterm-7942_7962-sip.9-4-2SR3-1.zip", inner, False, None),
        ]),
        "zip-zip64": b"\x00" + zip_bytes([("SIP45.loads", LOADS, True, None)], zip64=True),
        "zip-empty": b"\x00" + zip_bytes([]),
        "zip-hostile": b"\x03" + zip_bytes([
            ("ok.sbn", b"ok", False, None),
            ("../evil.loads", b"x", False, None),
            ("link.sbn", b"/etc/passwd", False, 0o120777),
            ("CON.txt", b"x", False, None),
            ("Ok.sbn", b"case", False, None),
        ]),
        "cop-signed": b"\x01" + COP_HEADER + tar_bytes([
            ("./", b"", tarfile.DIRTYPE, ""),
            ("./cmterm-7941_7961-sip/SIP41.loads", LOADS, tarfile.REGTYPE, ""),
            ("./cmterm-7941_7961-sip/apps41.sbn", bytes(range(256)), tarfile.REGTYPE, ""),
        ]),
        "cop-unsigned": b"\x01" + tar_bytes([("SIP41.loads", LOADS, tarfile.REGTYPE, "")]),
        "tar-plain": b"\x02" + tar_bytes([
            ("P0S3-8-12-00/", b"", tarfile.DIRTYPE, ""),
            ("P0S3-8-12-00/OS79XX.TXT", b"P003 \r\n", tarfile.REGTYPE, ""),
        ], compress=False),
        "zip-overlap": b"\x00" + overlapping_zip(),
        "zip-hidden": b"\x00" + zip_bytes([
            ("SIP41.9-4-2SR3-1S.loads", LOADS, False, None),
            ("__MACOSX/._SIP41.9-4-2SR3-1S.loads", b"\0\5\x16\7", False, None),
            (".git/config", b"[core]", True, None),
            ("caf\u00e9.sbn", b"one", False, None),
            ("cafe\u0301.sbn", b"two", False, None),
        ]),
        "cop-last-bomb": b"\x01" + COP_HEADER + tar_bytes([
            ("SIP41.loads", LOADS, tarfile.REGTYPE, ""),
            ("zeros.sbn", bytes(200000), tarfile.REGTYPE, ""),
        ]),
        "tar-hostile": b"\x05" + tar_bytes([
            ("a.sbn", b"a", tarfile.REGTYPE, ""),
            ("b.sbn", b"", tarfile.SYMTYPE, "/etc/passwd"),
            ("c.sbn", b"", tarfile.LNKTYPE, "a.sbn"),
            ("x" * 120 + "/long-name.loads", LOADS, tarfile.REGTYPE, ""),
        ]),
    }
    # What inspect_package classifies (issue 12): a renamed .sb2 as .bin, an IP Communicator
    # locale, a .loads of an unknown family, a 3905's plain-text .loads.
    seeds["zip-real-shapes"] = b"\x00" + zip_bytes([
        ("P0S3-8-12-00.bin", tlv_signed("P0S3-8-12-00.sb2", b"\0" * 32 + b"P0S3-8-12-00\0"),
         False, None),
        ("sip68xx.11-3-1MSR3-3.loads", tlv_signed("sip68xx.11-3-1MSR3-3.loads",
                                                  b"kern68xx.sbn\n"), False, None),
        ("CP3905.9-4-1SR4-2.loads", b"APP3905.9-4-1SR4-2.zz\r\n", False, None),
        ("APP3905.9-4-1SR4-2.zz", b"\x27\x05\x19\x56" + bytes(60), False, None),
    ])
    seeds["zip-cipc"] = b"\x00" + zip_bytes([
        ("CIPC_Locale.loads", tlv_signed("CIPC_Locale.loads", b"ipc.jar\r\n"), True, None),
        ("ipc.jar", b"PK", False, None),
    ])
    for name, data in sorted(seeds.items()):
        with open(os.path.join(OUT, name), "wb") as out:
            out.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
