#!/usr/bin/env python3
"""fwgen: fwplan's synthetic Cisco IP phone firmware generator.

fwplan must never ship Cisco files, yet its parsers have to be tested on bytes laid out
exactly like the real ones. This program writes such bytes from scratch, following the
domain notes on the real byte layouts (docs/phone-files.md; the § numbers below are its sections)
and nothing else: the signatures are pseudo-random, the component payloads are
pseudo-random or low-entropy filler, the names and sizes are the documented shapes.
docs/testdata.md explains the generator and the choices the sources leave open.

Everything is deterministic: the same arguments give the same bytes on every run (pseudo-
random bytes come from SHAKE-256 of a label, zips and tarballs use fixed dates, modes and
entry orders). `testdata/` is regenerated and compared byte for byte by the test suite.

Subcommands:
  package   one firmware package (zip, or loose files with --unpacked) from arguments
  testdata  the whole committed test tree (packages/, loose/, broken/, hostile/, README.md)
  bench     a few realistic-size packages (5-10 MB) for benchmarks

Only the Python standard library is used, so the generator runs wherever the tests run.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import re
import shutil
import stat
import struct
import sys
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

# A generated file: its name (a path inside a package, '/'-separated) and its bytes.
File = tuple[str, bytes]

# ---------------------------------------------------------------------------------------------
# Deterministic bytes
# ---------------------------------------------------------------------------------------------

MB = 1_000_000  # --size-mb counts decimal megabytes, like file managers and download pages


def pseudo_random(label: str, size: int) -> bytes:
    """Incompressible bytes that depend only on `label`.

    SHAKE-256 is an extendable-output hash: one call yields any length, fast enough for the
    benchmark packages, and the same label gives the same bytes on every platform. Never
    use the `random` module here: its stream is not guaranteed across Python versions.
    """
    return hashlib.shake_256(b"fwgen\0" + label.encode("utf-8")).digest(size)


_FIRMWARE_BLOCK = 4096
_FIRMWARE_NOISE = 2560  # bytes of each block that are incompressible (code, compressed data)
_FILLER_PATTERNS = (
    b"\x00",  # zero padding between sections
    b"\x00\x00\xa0\xe1",  # an ARM NOP word, as in alignment slides
    b"/usr/lib/libcnu.so\x00/ubin/phoneapp\x00%s: %d\n\x00",  # string tables
)


def _filler(index: int, size: int) -> bytes:
    """A low-entropy run (zeros, repeated words, a repeated string table) for block `index`."""
    pattern = _FILLER_PATTERNS[index % len(_FILLER_PATTERNS)]
    return (pattern * (size // len(pattern) + 1))[:size]


def firmware_like(label: str, size: int) -> bytes:
    """Bytes that deflate like real firmware images: ratio about 1.5, never all zeros.

    Real images mix compressed or machine code sections (incompressible) with padding and
    string tables (very compressible). Each 4 KiB block here is 2.5 KiB of pseudo-random
    bytes followed by 1.5 KiB of filler, so benchmarks that inflate these packages do work
    of the same order as with the real ones.
    """
    if size <= 0:
        return b""
    blocks = -(-size // _FIRMWARE_BLOCK)
    noise = pseudo_random("firmware\0" + label, blocks * _FIRMWARE_NOISE)
    fill = _FIRMWARE_BLOCK - _FIRMWARE_NOISE
    fillers = [_filler(i, fill) for i in range(len(_FILLER_PATTERNS))]
    out = bytearray()
    for i in range(blocks):
        out += noise[i * _FIRMWARE_NOISE:(i + 1) * _FIRMWARE_NOISE]
        out += fillers[i % len(fillers)]
    return bytes(out[:size])


def fake_signature(file_name: str, payload: bytes, size: int = 256) -> bytes:
    """A 256-byte stand-in for the RSA-2048 signature, derived from the name and the payload.

    Real signatures differ whenever the signed bytes differ; deriving from both keeps that
    property (two term files with the same body still get different signatures).
    """
    digest = hashlib.sha256(payload).hexdigest()
    return pseudo_random(f"signature\0{file_name}\0{digest}", size)


# ---------------------------------------------------------------------------------------------
# The big-endian TLV signed envelope (docs/phone-files.md §1)
# ---------------------------------------------------------------------------------------------

TAG_VERSION = 1
TAG_HEADER_LENGTH = 2
TAG_SIGNER_INFO = 3
TAG_SIGNER_NAME = 4
TAG_SERIAL_NUMBER = 5
TAG_ISSUER_NAME = 6
TAG_SIGNATURE_INFO = 7
TAG_HASH_ALGORITHM = 8
TAG_SIGNATURE_ALGORITHM_INFO = 9
TAG_SIGNATURE_ALGORITHM = 10
TAG_SIGNATURE_MODULUS = 11
TAG_SIGNATURE = 12
TAG_PADDING = 13
TAG_FILENAME = 14
TAG_TIMESTAMP = 15

# The literal placeholders every Cisco firmware file carries (docs/phone-files.md §1.2).
SIGNER_NAME = b"CN=someSigner;OU=someOrgUnit;O=someOrg\0"
SERIAL_NUMBER = bytes.fromhex("1234567890ABCDEF")
ISSUER_NAME = b"CN=someCA;OU=someOrgUnit;O=someOrg\0"
PADDING_BYTE = 0x0D
FIXED_TIMESTAMP = 1487030400  # 2017-02-14 00:00:00 UTC, the same instant as the zip dates


def tlv(tag: int, value: bytes) -> bytes:
    """One field: tag (u8), length (u16 big-endian), value."""
    if len(value) > 0xFFFF:
        raise ValueError(f"TLV value of {len(value)} bytes does not fit a u16 length")
    return struct.pack(">BH", tag, len(value)) + value


def signer_info(order: tuple[int, ...] = (4, 5, 6)) -> bytes:
    """Tag 3 with the signer name, serial and issuer in `order` (Cisco 4,5,6; sgnfile 4,6,5)."""
    fields = {
        TAG_SIGNER_NAME: tlv(TAG_SIGNER_NAME, SIGNER_NAME),
        TAG_SERIAL_NUMBER: tlv(TAG_SERIAL_NUMBER, SERIAL_NUMBER),
        TAG_ISSUER_NAME: tlv(TAG_ISSUER_NAME, ISSUER_NAME),
    }
    return tlv(TAG_SIGNER_INFO, b"".join(fields[t] for t in order))


def signature_info() -> bytes:
    """Tag 7: SHA-1 (8 = 1), RSA (10 = 0), modulus index 2 = 256-byte signature (11 = 2)."""
    algorithm = tlv(TAG_SIGNATURE_ALGORITHM, b"\x00") + tlv(TAG_SIGNATURE_MODULUS, b"\x02")
    return tlv(TAG_SIGNATURE_INFO,
               tlv(TAG_HASH_ALGORITHM, b"\x01") + tlv(TAG_SIGNATURE_ALGORITHM_INFO, algorithm))


@dataclass(frozen=True)
class TlvOptions:
    """The knobs real-world envelopes vary on; the defaults are what Cisco firmware uses."""

    version: tuple[int, int] = (1, 1)
    signer_order: tuple[int, ...] = (4, 5, 6)
    timestamp: Optional[int] = None  # tag 15 (usecallmanager .sgn files have one; firmware not)
    encrypted: bool = False  # the tag-16 encryption block of 8961/9951/9971 .sebn images


def tlv_header(file_name: str, payload: bytes, options: TlvOptions = TlvOptions()) -> bytes:
    """The signed header for `payload` published as `file_name`, padded to a multiple of 4.

    Layout of docs/phone-files.md §1.2: 1 version, 2 header length, 3 signer info, 7 signature info,
    12 signature, 14 file name + NUL, [15 timestamp], then 0x0D bytes until the length is a
    multiple of 4 (none when it already is, as sgnfile does). Tag 2 holds the padded length.
    """
    before_length = tlv(TAG_VERSION, bytes(options.version))
    after_length = (signer_info(options.signer_order) + signature_info()
                    + tlv(TAG_SIGNATURE, fake_signature(file_name, payload))
                    + tlv(TAG_FILENAME, file_name.encode("utf-8") + b"\0"))
    if options.timestamp is not None:
        after_length += tlv(TAG_TIMESTAMP, struct.pack(">I", options.timestamp))
    if options.encrypted:
        after_length += encryption_block(file_name)
    unpadded = len(before_length) + 5 + len(after_length)
    padding = bytes([PADDING_BYTE]) * (-unpadded % 4)
    length = tlv(TAG_HEADER_LENGTH, struct.pack(">H", unpadded + len(padding)))
    return before_length + length + after_length + padding


# The encryption block of the encrypted images (.sebn) of the 8961/9951/9971, after tag 15
# (docs/phone-files.md §1.1): tag 16 declares 72 bytes and tag 17, right inside it, 26; then come the
# children 18 (1 byte), 19 (16), 20 (2), 21 (13), 26 (1) and 27 (20). The declared lengths
# are what the real files carry, not the bytes that follow (3 + 3 + 71 = 77): a reader must
# walk into 16 and 17 (like 3, 7 and 9) and end at the header length, never skip 16 by 72.
ENCRYPTION_BLOCK_DECLARED = (72, 26)
ENCRYPTION_CHILDREN = ((18, 1), (19, 16), (20, 2), (21, 13), (26, 1), (27, 20))


def encryption_block(file_name: str) -> bytes:
    """Tag 16 and tag 17 (their headers only, with the real declared lengths), then the six
    children with pseudo-random values derived from the file name."""
    block = struct.pack(">BH", 16, ENCRYPTION_BLOCK_DECLARED[0])
    block += struct.pack(">BH", 17, ENCRYPTION_BLOCK_DECLARED[1])
    for tag, size in ENCRYPTION_CHILDREN:
        block += tlv(tag, pseudo_random(f"encryption\0{file_name}\0{tag}", size))
    return block


def sign_tlv(file_name: str, payload: bytes, options: TlvOptions = TlvOptions()) -> bytes:
    """A whole TLV-signed file: header, then the payload unchanged."""
    return tlv_header(file_name, payload, options) + payload


def tlv_field_offsets(data: bytes) -> dict[int, int]:
    """Offset of the first occurrence of each tag in a well-formed header we generated.

    Used to derive the broken fixtures from good files. Containers (3, 7, 9) are entered;
    tag 13 is a single byte. Not a parser for outside input: it trusts the bytes.
    """
    header_length = struct.unpack_from(">H", data, 8)[0]
    offsets: dict[int, int] = {}
    pos = 0
    while pos < header_length:
        tag = data[pos]
        offsets.setdefault(tag, pos)
        if tag == TAG_PADDING:
            pos += 1
            continue
        length = struct.unpack_from(">H", data, pos + 1)[0]
        pos += 3 if tag in (TAG_SIGNER_INFO, TAG_SIGNATURE_INFO,
                            TAG_SIGNATURE_ALGORITHM_INFO, 16, 17) else 3 + length
    return offsets


# ---------------------------------------------------------------------------------------------
# The little-endian 78xx envelope (docs/phone-files.md §2.3)
# ---------------------------------------------------------------------------------------------

LE_MAGIC = bytes.fromhex("CD3412AB")


def le_header(file_name: str, payload: bytes, word_08: int = 0) -> bytes:
    """The 78xx/88xx header: magic, sizes, SHA-256 of the payload, the name, a 256-byte
    signature.

    The header size is a u32 at offset 4 and `word_08` the separate u32 after it (0 on 78xx;
    4 seen on a real 88xx multiplatform `.loads`, docs/phone-files.md §2.3). The name field is the
    name padded with NULs to a 4-byte boundary, so a name whose length is a multiple of 4
    (`kern78xx.12-8-1-0001-455.sbn`, 28) has no NUL at all; the 256-byte signature ends
    exactly at header_size. That gives the real 0x150 of `sip78xx.11-0-1-11.loads` (23
    characters) and 0x154/0x158 for the 25-28 and 29-32 character names of 12.x/14.x.
    """
    name = file_name.encode("utf-8")
    name_field = name + b"\0" * (-len(name) % 4)
    header_size = 0x38 + len(name_field) + 256
    fixed = (LE_MAGIC + struct.pack("<IIII", header_size, word_08, len(payload), 0)
             + hashlib.sha256(payload).digest() + struct.pack("<I", len(name)))
    return fixed + name_field + fake_signature(file_name, payload)


def sign_le(file_name: str, payload: bytes, word_08: int = 0) -> bytes:
    """A whole 78xx-signed file: little-endian header, then the payload."""
    return le_header(file_name, payload, word_08) + payload


# ---------------------------------------------------------------------------------------------
# CNU_File_Archive_3.0 (docs/phone-files.md §3.1)
# ---------------------------------------------------------------------------------------------

CNU_MAGIC = b"CNU_File_Archive_3.0"
CNU_HEADER_SIZE = 0x248
CNU_RECORD_SIZE = 20
CNU_TYPE_FILE = 7
CNU_TYPE_RAW = 6
CNU_MTIME = 1236124800  # 2009-03-04: a fixed, plausible build date for every entry


@dataclass(frozen=True)
class CnuEntry:
    """One archive member. `name` None makes a type-6 raw blob (name_offset 0)."""

    name: Optional[str]
    data: bytes
    flags: int = 2
    entry_type: int = CNU_TYPE_FILE


def cnu_archive(entries: list[CnuEntry]) -> bytes:
    """Header (0x248 bytes), 20-byte records, NUL-terminated names, payloads back to back.

    name_offset is absolute within the archive, content_offset is where the names end, and
    content_offset + sum(size) is the archive length, as in every real sample.
    """
    table_end = CNU_HEADER_SIZE + CNU_RECORD_SIZE * len(entries)
    names = bytearray()
    name_offsets = []
    for entry in entries:
        if entry.name is None:
            name_offsets.append(0)
        else:
            name_offsets.append(table_end + len(names))
            names += entry.name.encode("utf-8") + b"\0"
    content_offset = table_end + len(names)
    header = (CNU_MAGIC + bytes(28) + struct.pack(">II", len(entries), content_offset)
              + CNU_MAGIC + bytes(508))
    records = b"".join(
        struct.pack(">IIIII", e.entry_type, e.flags, len(e.data), CNU_MTIME, off)
        for e, off in zip(entries, name_offsets))
    return header + records + bytes(names) + b"".join(e.data for e in entries)


# Tiny members per component kind; the first one is the one --size-mb grows.
_CNU_LAYOUT: dict[str, list[tuple[Optional[str], int, int, int]]] = {
    # kind: [(name or None for raw, size, flags, type)]
    "jar": [("/usr/jar/phone.jar", 96, 2, CNU_TYPE_FILE),
            ("/usr/jar/images/background.png", 64, 2, CNU_TYPE_FILE)],
    "cnu": [(None, 128, 2, CNU_TYPE_RAW),
            ("/etc/trace/dsp.master.trc", 48, 2, CNU_TYPE_FILE)],
    "apps": [("/ubin/phoneapp", 96, 2, CNU_TYPE_FILE),
             (None, 80, 2, CNU_TYPE_RAW),
             ("/ubin/netd", 64, 2, CNU_TYPE_FILE)],
    "dsp": [("/ubin/dsp", 128, 2, CNU_TYPE_FILE)],
    "cvm": [("/ubin/makahacvm.cnz", 112, 2, CNU_TYPE_FILE),
            ("/ubin/ksUT000.bin", 0, 1, CNU_TYPE_FILE)],
}


def component_kind(file_name: str) -> str:
    """`jar41sip.9-4-2ES26.sbn` -> `jar` (the letters before the family digits)."""
    match = re.match(r"[A-Za-z]+", file_name)
    return match.group(0).lower() if match else ""


def cnu_entries(file_name: str, grow_to: int = 0) -> list[CnuEntry]:
    """The members of one TNP component; the first is enlarged to `grow_to` bytes if given.

    Contents derive from the component's file name, so a component shared by the SCCP and
    SIP zips of one build (apps, cnu, dsp) is byte-identical in both, as real ones should be.
    """
    entries = []
    for index, (name, size, flags, entry_type) in enumerate(_CNU_LAYOUT[component_kind(file_name)]):
        label = f"cnu\0{file_name}\0{index}"
        if index == 0 and grow_to > size:
            data = firmware_like(label, grow_to)
        else:
            data = pseudo_random(label, size)
        entries.append(CnuEntry(name, data, flags, entry_type))
    return entries


def tnp_component(file_name: str, grow_to: int = 0, options: TlvOptions = TlvOptions()) -> bytes:
    """A TNP `.sbn`: TLV envelope + CNU archive."""
    return sign_tlv(file_name, cnu_archive(cnu_entries(file_name, grow_to)), options)


# ---------------------------------------------------------------------------------------------
# .loads bodies (docs/phone-files.md §2)
# ---------------------------------------------------------------------------------------------

CRLF = "\r\n"
TNP_COMMENT = "# This file contains a list of archive image files that will be requested by the"


def tnp_loads_body(build: str, listed: list[str], hw_comp: Optional[int] = None,
                   blank_lines: int = 2) -> bytes:
    """The CRLF body of a TNP `.loads`: comment block naming the build, optional
    `#HARDWARE_COMP_1 n`, blank line(s), then the five components (jar, cnu, apps, dsp, cvm).

    The dsp and cvm lines end with a space, as in the real files. Two blank lines reproduce
    the 650-byte `SIP41.8-5-4S.loads`; one reproduces the 642-byte 9.4(2)SR1 term41 file.
    """
    lines = ["#", TNP_COMMENT, f"# RELEASE load version {build}", "#"]
    if hw_comp is not None:
        lines.append(f"#HARDWARE_COMP_1 {hw_comp}")
    lines += [""] * blank_lines
    for name in listed:
        trailing = " " if component_kind(name) in ("dsp", "cvm") else ""
        lines.append(name + trailing)
    return "".join(line + CRLF for line in lines).encode("ascii")


def p0_loads_body(loader: str, app: str, la_version: str) -> bytes:
    """The LF three-line body of a 7940/7960 `.loads`: loader `.sbn`, app `.sb2`, LA_VERSION."""
    return f"{loader}.sbn\n{app}.sb2\nLA_VERSION={la_version}\n".encode("ascii")


def list_body(names: list[str], newline: str, final_newline: bool) -> bytes:
    """A bare file list (894x: LF with a final newline; 69xx: CRLF without one)."""
    text = newline.join(names)
    return (text + newline if final_newline else text).encode("ascii")


def ini_78xx_body(load: str, version: str, platforms: list[list[tuple[str, str, int]]],
                  model: str = "78xx") -> bytes:
    """The INI body of a 78xx `.loads` listing each component with its real size (the same
    shape is reported for 88xx; `model` names the series in the RELEASE comment)."""
    lines = [
        "#",
        "# (C) 2013 Cisco Systems 5th-Generation IP Phones",
        f"# RELEASE Model={model} Version={version}",
        "# Tue Feb 14 00:00:00 UTC 2017",
        f"# LOADS={load}.loads",
        "#",
        "",
        "[CISCO-ID]",
        f"version = {version}",
        "hwcompat = 0x00000003",
        "swcompat = 0x00000004",
        "transition = 0x00000000",
        "loadversion = 0x00000001",
    ]
    for number, components in enumerate(platforms, start=1):
        lines += ["", f"[PLATFORM_{number}]"]
        lines += [f"{key}={name} size={size}" for key, name, size in components]
        lines += ["ebr_diskver = 1",
                  "ebr_sboot   = (-1,2,0,2,0x280000,-1)(-1,2,0,2,0x5980000,-1)"]
    return ("\n".join(lines) + "\n").encode("ascii")


def wireless_body(files: list[File]) -> bytes:
    """A 7921/7925 `.LOADS` body: two `#?` directives, a blank line, then per file
    `NAME  SIZE MD5` (name left-aligned, size right-aligned to column 44, MD5 upper case)."""
    lines = ["#? HW_REV 0-4.*", "#? SW_CAP EAP-TLS,PEAP,VSFIX", ""]
    for name, data in files:
        md5 = hashlib.md5(data).hexdigest().upper()
        lines.append(f"{name:<32}{len(data):>12} {md5}")
    return ("\n".join(lines) + "\n").encode("ascii")


# ---------------------------------------------------------------------------------------------
# Deterministic containers
# ---------------------------------------------------------------------------------------------

ZIP_DATE = (2017, 2, 14, 0, 0, 0)
ZIP_LEVEL = 6
FILE_MODE = stat.S_IFREG | 0o644
DIR_MODE = stat.S_IFDIR | 0o755


def zip_info(name: str, mode: int = FILE_MODE,
             compress_type: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    """A ZipInfo with nothing taken from the environment (date, creator OS, permissions)."""
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = compress_type
    info.create_system = 3  # Unix, so external_attr carries st_mode
    info.external_attr = mode << 16
    if stat.S_ISDIR(mode):
        info.external_attr |= 0x10  # MS-DOS directory bit
    return info


def make_zip(files: Iterable[File], folder: str = "") -> bytes:
    """A deterministic zip of `files` in the given order, deflate level 6.

    With `folder`, the files sit under that directory and the directory entry comes first,
    as in the 7940/7960 SIP packages that hold a folder named after the load.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if folder:
            archive.writestr(zip_info(folder + "/", DIR_MODE, zipfile.ZIP_STORED), b"")
        for name, data in files:
            path = f"{folder}/{name}" if folder else name
            archive.writestr(zip_info(path), data, compresslevel=ZIP_LEVEL)
    return buffer.getvalue()


def make_targz(files: Iterable[File]) -> bytes:
    """A deterministic tar.gz: ustar, mtime 0, uid/gid 0, empty owner names, gzip mtime 0."""
    tar_buffer = io.BytesIO()
    with tarfile.open(fileobj=tar_buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            archive.addfile(info, io.BytesIO(data))
    gz_buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=gz_buffer, mtime=0,
                       compresslevel=ZIP_LEVEL) as stream:
        stream.write(tar_buffer.getvalue())
    return gz_buffer.getvalue()


def make_cop(cop_name: str, files: Iterable[File]) -> bytes:
    """A CUCM `.cop.sgn` installer: TLV envelope (tag 14 = the cop name) + tar.gz."""
    return sign_tlv(cop_name, make_targz(files))


# ---------------------------------------------------------------------------------------------
# TNP packages (7906/7911, 7931, 7941/61, 7942/62, 7945/65, 7970/71, 7975)
# ---------------------------------------------------------------------------------------------

TNP_PAIRS = {"11": "7911_7906", "31": "7931", "41": "7941_7961", "42": "7942_7962",
             "45": "7945_7965", "70": "7970_7971", "75": "7975"}
TNP_TERMS = {"11": ["term06", "term11"], "31": ["term31"], "41": ["term41", "term61"],
             "42": ["term42", "term62"], "45": ["term45", "term65"], "70": ["term70", "term71"],
             "75": ["term75"]}
# Share of a --size-mb package per component (jar, cnu, apps, dsp, cvm).
TNP_WEIGHTS = {"jar": 0.30, "cnu": 0.25, "apps": 0.20, "dsp": 0.10, "cvm": 0.15}
# How much bigger the raw payload is than its deflated size (measured on firmware_like).
FIRMWARE_RATIO = 1.586


@dataclass(frozen=True)
class TnpSpec:
    """One TNP release as shipped in a `cmterm-<pair>-<proto>.<ver>.zip`."""

    family: str  # "41"
    protocol: str  # "sip" or "sccp"
    load: str  # "SIP41.9-4-2SR3-1S"
    build: str  # "9-4-2ES26": the component build ID (not the load ID)
    hw_comp: Optional[int] = None
    blank_lines: int = 2
    listed_as: tuple[tuple[str, str], ...] = ()  # shipped name -> name the .loads asks for
    size_mb: float = 0.0
    tlv: TlvOptions = TlvOptions()

    def component_names(self) -> list[str]:
        """Shipped component names in .loads order: jar, cnu, apps, dsp, cvm."""
        f, p, b = self.family, self.protocol, self.build
        return [f"jar{f}{p}.{b}.sbn", f"cnu{f}.{b}.sbn", f"apps{f}.{b}.sbn",
                f"dsp{f}.{b}.sbn", f"cvm{f}{p}.{b}.sbn"]

    def listed_names(self) -> list[str]:
        """Component names as the .loads spells them (may differ in case: the 8.3 fixture)."""
        renames = dict(self.listed_as)
        return [renames.get(n, n) for n in self.component_names()]

    def package_name(self) -> str:
        """`cmterm-7941_7961-sip.9-4-2SR3-1.zip` from `SIP41.9-4-2SR3-1S`."""
        return f"cmterm-{TNP_PAIRS[self.family]}-{self.protocol}.{tnp_version(self.load)}.zip"

    def term_names(self) -> list[str]:
        return [f"{t}.default.loads" for t in TNP_TERMS[self.family]]


def tnp_version(load: str) -> str:
    """The version part of a TNP load ID: `SIP41.8-5-2SR1S` -> `8-5-2SR1`."""
    version = load.split(".", 1)[1]
    return version[:-1] if version.endswith("S") else version


def grow_sizes(names: list[str], size_mb: float, weights: dict[str, float]) -> dict[str, int]:
    """Raw payload sizes so that the deflated package comes to about `size_mb` MB."""
    if size_mb <= 0:
        return {name: 0 for name in names}
    raw_total = size_mb * MB * FIRMWARE_RATIO
    return {name: int(raw_total * weights[component_kind(name)]) for name in names}


def tnp_files(spec: TnpSpec) -> list[File]:
    """The files of a TNP package in zip order: components (in .loads order), the load's
    .loads, then the term files, which carry the same body and their own tag 14."""
    names = spec.component_names()
    sizes = grow_sizes(names, spec.size_mb, TNP_WEIGHTS)
    files = [(name, tnp_component(name, sizes[name], spec.tlv)) for name in names]
    body = tnp_loads_body(spec.build, spec.listed_names(), spec.hw_comp, spec.blank_lines)
    for loads_name in [f"{spec.load}.loads"] + spec.term_names():
        files.append((loads_name, sign_tlv(loads_name, body, spec.tlv)))
    return files


# ---------------------------------------------------------------------------------------------
# 7940/7960 packages
# ---------------------------------------------------------------------------------------------

P0_BIN_SIZE = 1024
P0_SB2_SIZE = 1536


def p0_image(image_name: str, size: int) -> bytes:
    """An ARM image stand-in: 0x20 bytes of vector table, the image name in ASCII at 0x20,
    then firmware-like filler up to `size` bytes."""
    head = pseudo_random(f"vectors\0{image_name}", 0x20) + image_name.encode("ascii") + b"\0"
    return head + firmware_like(f"image\0{image_name}", max(size - len(head), 0))


@dataclass(frozen=True)
class P0Spec:
    """One 7940/7960 release: SIP `P0S3-x-y-zz` or SCCP `P003xxyyzzww`."""

    load: str  # "P0S3-8-12-00" or "P0030801SR02"
    la_version: str = "PAS30830"
    os79xx: bool = False  # ship OS79XX.TXT (only SIP 8.12 does)
    release_note: bool = False  # ship <load>.txt (SCCP 8.1(2)SR2)
    package: str = ""  # zip name; SIP default `<load>.zip`, SCCP names are irregular
    size_mb: float = 0.0
    tlv: TlvOptions = TlvOptions()

    @property
    def is_sip(self) -> bool:
        return self.load.startswith("P0S3")

    @property
    def loader(self) -> str:
        """The universal application loader: `P003-<version>` in SIP packages; SCCP
        packages name it after the load itself."""
        return "P003" + self.load[4:] if self.is_sip else self.load

    @property
    def signed(self) -> bool:
        """Loads from 5.0 on are signed; older SIP packages hold only the unsigned `.bin`."""
        if not self.is_sip:
            return True
        return int(self.load[5:].split("-")[0]) >= 5

    def package_name(self) -> str:
        """`P0S3-8-12-00.zip`; SCCP zips (`cmterm-7940-7960-sccp.8-1-2SR2.zip`) cannot be
        derived from the load ID (`P0030801SR02`), so they are given explicitly."""
        if self.package:
            return self.package
        return f"{self.load}.zip" if self.is_sip else f"cmterm-7940-7960-sccp.{self.load}.zip"


def p0_files(spec: P0Spec) -> list[File]:
    """The files of a 7940/7960 package in zip order (signed: .sbn, .sb2, .loads, .bin,
    then OS79XX.TXT or the release note; unsigned: the app image `.bin` alone)."""
    scale = spec.size_mb * MB * FIRMWARE_RATIO
    if not spec.signed:
        return [(f"{spec.load}.bin", p0_image(spec.load, int(scale) or P0_SB2_SIZE))]
    # The loader ships twice (the .bin and inside the .sbn), hence 2 x 7.5 % + 85 %.
    loader_bin = p0_image(spec.loader, int(scale * 0.075) or P0_BIN_SIZE)
    app_image = p0_image(spec.load, int(scale * 0.85) or P0_SB2_SIZE)
    files = [
        (f"{spec.loader}.sbn", sign_tlv(f"{spec.loader}.sbn", loader_bin, spec.tlv)),
        (f"{spec.load}.sb2", sign_tlv(f"{spec.load}.sb2", app_image, spec.tlv)),
    ]
    loads_name = f"{spec.load}.loads"
    body = p0_loads_body(spec.loader, spec.load, spec.la_version)
    files.append((loads_name, sign_tlv(loads_name, body, spec.tlv)))
    files.append((f"{spec.loader}.bin", loader_bin))
    if spec.os79xx:
        files.append(("OS79XX.TXT", f"{spec.loader} \r\n".encode("ascii")))
    if spec.release_note:
        files.append((f"{spec.load}.txt", release_note(spec.load)))
    return files


def release_note(load: str) -> bytes:
    """A short plain-text note standing in for the release note some packages carry."""
    return (f"Release note for {load}\r\n"
            "Synthetic file made by fwplan's tools/fwgen.py; not a Cisco document.\r\n"
            "Install the .loads, .sbn and .sb2 files in the TFTP root.\r\n").encode("ascii")


def p0_zip(spec: P0Spec) -> bytes:
    """SIP packages hold a folder named after the load; the SCCP cmterm zips do not."""
    return make_zip(p0_files(spec), folder=spec.load if spec.is_sip else "")


# ---------------------------------------------------------------------------------------------
# 78xx, 894x, 69xx and wireless packages
# ---------------------------------------------------------------------------------------------

SMALL_PAYLOAD = 256
M78_WEIGHTS = {"sboot": 0.02, "kern": 0.13, "rootfs": 0.35}


@dataclass(frozen=True)
class M78Spec:
    """A 78xx release, e.g. `sip78xx.14-2-1-0101-26`."""

    load: str
    size_mb: float = 0.0

    @property
    def version(self) -> str:
        return self.load.split(".", 1)[1]

    def platforms(self) -> list[list[tuple[str, str]]]:
        """(key, file name) per platform section, in .loads order."""
        v = self.version
        return [[(k, f"{k}78xx.{v}.sbn") for k in ("sboot", "kern", "rootfs")],
                [(k, f"{k}2.78xx.{v}.sbn") for k in ("sboot", "kern", "rootfs")]]

    def package_name(self) -> str:
        return f"cmterm-78xx.{self.version}.zip"


def m78_files(spec: M78Spec) -> list[File]:
    """The six LE-signed components, then the LE-signed INI `.loads` listing their sizes."""
    files: list[File] = []
    platforms = []
    for components in spec.platforms():
        section = []
        for key, name in components:
            size = int(spec.size_mb * MB * FIRMWARE_RATIO * M78_WEIGHTS[key])
            payload = firmware_like(f"78xx\0{name}", size or SMALL_PAYLOAD)
            data = sign_le(name, payload)
            files.append((name, data))
            section.append((key, name, len(data)))
        platforms.append(section)
    loads_name = f"{spec.load}.loads"
    files.append((loads_name, sign_le(loads_name, ini_78xx_body(spec.load, spec.version,
                                                                    platforms))))
    return files


@dataclass(frozen=True)
class ListSpec:
    """A family whose `.loads` is a bare list of TLV-signed images (894x, 69xx)."""

    family: str  # "894x" or "69xx"
    load: str  # "SCCP894x.9-4-2SR1-2", "SIP69xx.9-4-1-3SR2"
    size_mb: float = 0.0

    @property
    def protocol(self) -> str:
        return "sccp" if self.load.upper().startswith("SCCP") else "sip"

    def listed(self) -> list[str]:
        if self.family == "894x":
            return [f"{self.load}.bin{n}.sgn" for n in range(1, 10)]
        return ["BOOT69xx.0-0-0-14.zz.sgn", "DSP69xx.12-4-122-99.131025.zz.sgn",
                f"{self.load}.zz.sgn"]

    def extras(self) -> list[str]:
        """Files the zip holds but the .loads does not list."""
        return ["BOOT894x.0-0-2-0.bin.sgn"] if self.family == "894x" else []

    def package_name(self) -> str:
        version = self.load.split(".", 1)[1]
        return f"cmterm-{self.family}-{self.protocol}.{version}.zip"


def list_image(name: str, size: int) -> bytes:
    """A TLV-signed image; `.zz.sgn` payloads start with the `TiZp` magic of 69xx images."""
    magic = b"TiZp" if name.endswith(".zz.sgn") else b""
    return sign_tlv(name, magic + firmware_like(f"image\0{name}", size))


def list_files(spec: ListSpec) -> list[File]:
    """Listed images, the `.loads`, then unlisted extras (894x boot image)."""
    names = spec.listed()
    share = int(spec.size_mb * MB * FIRMWARE_RATIO / len(names))
    files = [(n, list_image(n, share or SMALL_PAYLOAD)) for n in names]
    if spec.family == "894x":
        body = list_body(names, "\n", final_newline=True)
    else:
        body = list_body(names, "\r\n", final_newline=False)
    loads_name = f"{spec.load}.loads"
    files.append((loads_name, sign_tlv(loads_name, body)))
    files += [(n, list_image(n, SMALL_PAYLOAD)) for n in spec.extras()]
    return files


WIRELESS_PARTS = ("TNUX", "TNUXR", "APPS", "GUI")


def wireless_files(load: str) -> list[File]:
    """`CP7921G-1.4.6.3`: the images (names invented from the one real line seen), then the
    TLV-signed `.LOADS` giving each one's size and MD5."""
    version = load.split("-", 1)[1]
    images = [(f"{p}-{version}.SBN", sign_tlv(f"{p}-{version}.SBN",
                                              pseudo_random(f"wireless\0{p}", SMALL_PAYLOAD)))
              for p in WIRELESS_PARTS]
    loads_name = f"{load}.LOADS"
    return images + [(loads_name, sign_tlv(loads_name, wireless_body(images)))]


# ---------------------------------------------------------------------------------------------
# The committed testdata tree
# ---------------------------------------------------------------------------------------------

TNP_FIXTURES = [
    TnpSpec("41", "sccp", "SCCP41.8-3-1S", "8-3-0-50"),
    TnpSpec("41", "sip", "SIP41.8-3-1S", "8-3-0-50",
            listed_as=(("jar41sip.8-3-0-50.sbn", "Jar41sip.8-3-0-50.sbn"),)),
    TnpSpec("41", "sccp", "SCCP41.8-5-2S", "8-5-2TH1-9"),
    TnpSpec("41", "sip", "SIP41.8-5-2S", "8-5-2TH1-9"),
    TnpSpec("41", "sip", "SIP41.8-5-2SR1S", "8-5-2ES2"),
    TnpSpec("41", "sccp", "SCCP41.8-5-4S", "8-5-4TH1-6"),
    TnpSpec("41", "sip", "SIP41.8-5-4S", "8-5-4TH1-6"),
    TnpSpec("41", "sip", "SIP41.9-2-1S", "9-2-1TH1-13"),
    TnpSpec("41", "sccp", "SCCP41.9-4-2SR1-1S", "9-4-2ES9", blank_lines=1),
    TnpSpec("41", "sccp", "SCCP41.9-4-2SR3-1S", "9-4-2ES26", hw_comp=5),
    TnpSpec("41", "sip", "SIP41.9-4-2SR3-1S", "9-4-2ES26", hw_comp=5),
    TnpSpec("42", "sccp", "SCCP42.8-3-1S", "8-3-0-50"),
    TnpSpec("42", "sip", "SIP42.8-5-4S", "8-5-4TH1-6"),
    TnpSpec("42", "sip", "SIP42.9-4-2SR3-1S", "9-4-2ES26", hw_comp=5),
    TnpSpec("45", "sip", "SIP45.8-5-2S", "8-5-2TH1-9"),
    TnpSpec("45", "sccp", "SCCP45.9-4-2SR4-3S", "9-4-2SR4-3", hw_comp=15),
    TnpSpec("45", "sip", "SIP45.9-4-2SR4-3S", "9-4-2SR4-3", hw_comp=15),
    TnpSpec("70", "sccp", "SCCP70.8-3-3S", "8-3-2-27"),
    TnpSpec("70", "sip", "SIP70.9-4-2SR3-1S", "9-4-2ES26", hw_comp=5),
    TnpSpec("75", "sccp", "SCCP75.9-4-2SR4-3S", "9-4-2SR4-3", hw_comp=5),
    TnpSpec("75", "sip", "SIP75.9-4-2SR4-3S", "9-4-2SR4-3", hw_comp=5),
    TnpSpec("11", "sip", "SIP11.8-5-4S", "8-5-4TH1-6"),
    TnpSpec("11", "sccp", "SCCP11.9-4-2SR1-1S", "9-4-2ES9", hw_comp=1, blank_lines=1),
    TnpSpec("11", "sip", "SIP11.9-4-2SR3-1S", "9-4-2ES26", hw_comp=1),
]

P0_FIXTURES = [
    P0Spec("P0S3-04-4-00"),
    P0Spec("P0S3-05-3-00"),
    P0Spec("P0S3-06-3-00"),
    P0Spec("P0S3-07-4-00"),
    P0Spec("P0S3-08-11-00"),
    P0Spec("P0S3-8-12-00", os79xx=True),
    P0Spec("P00308010200", la_version="PAS30831", package="cmterm-7940-7960-sccp.8-1-2.zip"),
    P0Spec("P0030801SR02", la_version="PAS30831", release_note=True,
           package="cmterm-7940-7960-sccp.8-1-2SR2.zip"),
]

M78_FIXTURE = M78Spec("sip78xx.14-2-1-0101-26")
LIST_FIXTURES = [ListSpec("894x", "SCCP894x.9-4-2SR1-2"), ListSpec("69xx", "SIP69xx.9-4-1-3SR2")]
WIRELESS_FIXTURE = "CP7921G-1.4.6.3"
COP_FAMILY_SPEC = "SIP42.9-4-2SR3-1S"
BUNDLED_SPEC = "SIP41.9-4-2SR3-1S"


class Tree:
    """The files of the test tree with one line of documentation each (for README.md)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.notes: dict[str, str] = {}

    def add(self, path: str, data: bytes, note: str) -> None:
        """Adds one file; a path may be written once only, so no fixture hides another."""
        if path in self.files:
            raise ValueError(f"duplicate testdata path {path}")
        self.files[path] = data
        self.notes[path] = note


def tnp_by_load(load: str) -> TnpSpec:
    return next(s for s in TNP_FIXTURES if s.load == load)


def describe_tnp(spec: TnpSpec, files: list[File]) -> str:
    hw = f", #HARDWARE_COMP_1 {spec.hw_comp}" if spec.hw_comp is not None else ""
    note = (f"{spec.protocol.upper()} {spec.load}, build {spec.build}{hw}: "
            f"{len(files)} files (5 .sbn, the .loads, {' + '.join(spec.term_names())})")
    if spec.listed_as:
        pairs = ", ".join(f"lists {b} but ships {a}" for a, b in spec.listed_as)
        note += f"; CASE MISMATCH: the .loads {pairs}"
    return note


def add_packages(tree: Tree) -> dict[str, list[File]]:
    """packages/: every firmware zip, the .cop.sgn and the nested bundle."""
    contents: dict[str, list[File]] = {}
    for spec in TNP_FIXTURES:
        files = tnp_files(spec)
        contents[spec.load] = files
        tree.add(f"packages/{spec.package_name()}", make_zip(files), describe_tnp(spec, files))
    for p0 in P0_FIXTURES:
        files = p0_files(p0)
        contents[p0.load] = files
        kind = "SIP" if p0.is_sip else "SCCP"
        what = ", ".join(n for n, _ in files)
        folder = f" in folder {p0.load}/" if p0.is_sip else ""
        unsigned = " (unsigned: older than 5.0, .bin only)" if not p0.signed else ""
        tree.add(f"packages/{p0.package_name()}", p0_zip(p0),
                 f"7940/7960 {kind} {p0.load}{unsigned}: {what}{folder}")
    files = m78_files(M78_FIXTURE)
    contents[M78_FIXTURE.load] = files
    tree.add(f"packages/{M78_FIXTURE.package_name()}", make_zip(files),
             f"78xx {M78_FIXTURE.load}: 6 .sbn with the little-endian CD3412AB envelope and "
             "the INI .loads listing their sizes")
    for spec in LIST_FIXTURES:
        files = list_files(spec)
        contents[spec.load] = files
        extra = f"; also {', '.join(spec.extras())} (not listed)" if spec.extras() else ""
        tree.add(f"packages/{spec.package_name()}", make_zip(files),
                 f"{spec.family} {spec.load}: {len(spec.listed())} listed images and the "
                 f".loads{extra}")
    cop_spec = tnp_by_load(COP_FAMILY_SPEC)
    cop_name = cop_spec.package_name()[:-len(".zip")] + ".k3.cop.sgn"
    tree.add(f"packages/{cop_name}", make_cop(cop_name, contents[cop_spec.load]),
             f"CUCM installer: TLV envelope (tag 14 = its name) + tar.gz of the same 8 files as "
             f"{cop_spec.package_name()}")
    inner = tnp_by_load(BUNDLED_SPEC).package_name()
    bundle = "bundle-" + inner[len("cmterm-"):]
    tree.add(f"packages/{bundle}", make_zip([(inner, tree.files[f"packages/{inner}"])]),
             f"a zip holding {inner} (nested one level)")
    return contents


def file_of(contents: dict[str, list[File]], load: str, name: str) -> bytes:
    return dict(contents[load])[name]


def add_loose(tree: Tree, contents: dict[str, list[File]]) -> None:
    """loose/: single files, byte-identical to the ones inside the packages, plus the
    TLV variants (version 1.0/1.2, signer order 4,6,5, tag-15 timestamp)."""
    picks = [
        ("SIP41.8-5-4S", "SIP41.8-5-4S.loads",
         "calibration: 650 bytes, header 404 (docs/phone-files.md §1.2)"),
        ("SIP41.8-5-4S", "term41.default.loads",
         "term file of the same package: 654 bytes, header 408"),
        ("SIP41.8-5-4S", "apps41.8-5-4TH1-6.sbn",
         "CNU archive with a type-6 raw entry (name_offset 0)"),
        ("SIP41.8-5-4S", "cvm41sip.8-5-4TH1-6.sbn", "CNU archive with a flags=1 size=0 entry"),
        ("P0S3-8-12-00", "P0S3-8-12-00.loads", "7940/7960 SIP .loads, LF 3-line body, 458 bytes"),
        ("P0S3-8-12-00", "P0S3-8-12-00.sb2", "7940/7960 signed app image (name at payload 0x20)"),
        ("P0S3-8-12-00", "P003-8-12-00.bin", "7940/7960 unsigned app loader (name at 0x20)"),
        ("P0S3-8-12-00", "P003-8-12-00.sbn", "signed app loader: TLV + the .bin byte for byte"),
        ("P0S3-8-12-00", "OS79XX.TXT", "exactly 'P003-8-12-00 \\r\\n' (15 bytes)"),
        ("sip78xx.14-2-1-0101-26", "sip78xx.14-2-1-0101-26.loads",
         "78xx little-endian envelope + INI body"),
        ("SCCP894x.9-4-2SR1-2", "SCCP894x.9-4-2SR1-2.loads", "894x LF list of bin1..bin9.sgn"),
        ("SIP69xx.9-4-1-3SR2", "SIP69xx.9-4-1-3SR2.loads",
         "69xx CRLF list of .zz.sgn, no final newline"),
    ]
    for load, name, note in picks:
        tree.add(f"loose/{name}", file_of(contents, load, name), note)
    wireless = wireless_files(WIRELESS_FIXTURE)
    tree.add(f"loose/{WIRELESS_FIXTURE}.LOADS", dict(wireless)[f"{WIRELESS_FIXTURE}.LOADS"],
             "7921 wireless .LOADS: #? directives, NAME SIZE MD5 lines for the images "
             "`fwgen.py package --family 7921` writes")
    variants = [
        ("SCCP42.8-3-1S", TlvOptions(version=(1, 0)), "TLV version 1.0 (01 00)"),
        ("SIP42.9-4-2SR3-1S", TlvOptions(version=(1, 2)), "TLV version 1.2 (01 02)"),
        ("SIP45.8-5-2S", TlvOptions(signer_order=(4, 6, 5)),
         "signer-info fields in the order 4,6,5 (as sgnfile writes them)"),
        ("SIP70.9-4-2SR3-1S", TlvOptions(timestamp=FIXED_TIMESTAMP),
         "with a tag-15 timestamp (2017-02-14) after tag 14"),
    ]
    for load, options, note in variants:
        name = f"{load}.loads"
        body = strip_tlv(file_of(contents, load, name))
        tree.add(f"loose/{name}", sign_tlv(name, body, options),
                 f"{note}; same body as in its package")


def strip_tlv(data: bytes) -> bytes:
    """The payload of a TLV-signed file we generated (skip tag 2's header length)."""
    return data[struct.unpack_from(">H", data, 8)[0]:]


def patched(data: bytes, offset: int, value: bytes) -> bytes:
    """`data` with `value` written at `offset`."""
    return data[:offset] + value + data[offset + len(value):]


def add_broken(tree: Tree, contents: dict[str, list[File]]) -> None:
    """broken/: files the parsers must reject (or, for the renamed one, report)."""
    body = strip_tlv(file_of(contents, "SIP41.8-5-4S", "SIP41.8-5-4S.loads"))

    def good(name: str) -> bytes:
        """A valid .loads signed under its own broken/ name, so only the planted defect
        differs from a good file."""
        return sign_tlv(name, body)

    name = "header-length-exceeds-file.loads"
    data = good(name)
    tree.add(f"broken/{name}", patched(data, 8, struct.pack(">H", 0x1000)),
             f"tag 2 says the header is 4096 bytes; the file has {len(data)}")
    name = "tlv-runs-past-header.loads"
    data = good(name)
    at = tlv_field_offsets(data)[TAG_FILENAME]
    header_length = struct.unpack_from(">H", data, 8)[0]
    tree.add(f"broken/{name}",
             patched(data, at + 1, struct.pack(">H", header_length - at - 3 + 40)),
             "tag 14's length runs 40 bytes past the header length (into the body)")
    name = "missing-tag2.loads"
    data = good(name)
    tree.add(f"broken/{name}", data[:5] + data[10:],
             "tag 1 is followed directly by tag 3: no header-length field")
    name = "length-wraps.loads"
    data = good(name)
    tree.add(f"broken/{name}",
             patched(data, tlv_field_offsets(data)[TAG_SIGNATURE] + 1, b"\xff\xff"),
             "tag 12 (signature) length 0xFFFF: offset + length overflows a u16 and the file")
    name = "truncated-header.loads"
    tree.add(f"broken/{name}", good(name)[:200], "cut at byte 200, inside the signature")
    renamed = file_of(contents, "SIP41.8-5-4S", "SIP41.8-5-4S.loads")
    tree.add("broken/SIP41.9-4-2SR3-1S.loads", renamed,
             "parseable but must be REPORTED: SIP41.8-5-4S.loads renamed "
             "(tag 14 and body say 8.5(4))")
    tree.add("broken/empty.loads", b"", "0 bytes")
    tree.add("broken/garbage.loads", b"\xee" + pseudo_random("garbage.loads", 599),
             "600 pseudo-random bytes (first byte 0xEE: no TLV, no CD3412AB magic)")
    name = "78xx-sha256-mismatch.loads"
    m78_body = strip_le(file_of(contents, M78_FIXTURE.load, f"{M78_FIXTURE.load}.loads"))
    data = sign_le(name, m78_body)
    flip = len(data) - 10
    tree.add(f"broken/{name}", patched(data, flip, bytes([data[flip] ^ 0x01])),
             "78xx envelope whose body has one bit flipped after hashing: SHA-256 mismatch")
    name = "cnu-table-past-end.sbn"
    entries = cnu_entries("dsp41.9-4-2ES26.sbn")
    archive = cnu_archive(entries)
    size_field = CNU_HEADER_SIZE + 8  # first record's size
    archive = patched(archive, size_field, struct.pack(">I", len(entries[0].data) + 0x10000))
    tree.add(f"broken/{name}", sign_tlv(name, archive),
             "CNU archive whose first record's size points 64 KiB past the end")


def strip_le(data: bytes) -> bytes:
    """The payload of a 78xx-signed file we generated."""
    return data[struct.unpack_from("<I", data, 4)[0]:]


def raw_zip(entries: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    """A zip from prepared ZipInfos (used for the hostile fixtures)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info, data in entries:
            archive.writestr(info, data, compresslevel=ZIP_LEVEL)
    return buffer.getvalue()


def replace_name(data: bytes, old: str, new: bytes) -> bytes:
    """Rewrites an entry name in both the local and the central header (same length);
    zipfile refuses to write some names (it cuts at NUL), so they are patched in after."""
    if len(old) != len(new):
        raise ValueError("replacement name must keep the length")
    count = data.count(old.encode("ascii"))
    if count != 2:
        raise ValueError(f"expected the name twice in the zip, found it {count} times")
    return data.replace(old.encode("ascii"), new)


def set_uncompressed_size(data: bytes, declared: int) -> bytes:
    """Writes a false uncompressed size into the single entry's local and central headers."""
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    value = struct.pack("<I", declared)
    return patched(patched(data, local + 22, value), central + 24, value)


def bomb_zip(name: str, size: int) -> bytes:
    """One entry of `size` zero bytes, streamed so the zeros never sit in memory at once."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zip_info(name)
        with archive.open(info, "w") as stream:
            chunk = bytes(1 << 20)
            for _ in range(size // len(chunk)):
                stream.write(chunk)
            stream.write(bytes(size % len(chunk)))
    return buffer.getvalue()


def add_hostile(tree: Tree, contents: dict[str, list[File]]) -> None:
    """hostile/: zips the archive reader must refuse, each named for what it is."""
    good_loads = ("SIP41.9-4-2SR3-1S.loads",
                  file_of(contents, "SIP41.9-4-2SR3-1S", "SIP41.9-4-2SR3-1S.loads"))
    jar = "jar41sip.9-4-2ES26.sbn"
    jar_data = file_of(contents, "SIP41.9-4-2SR3-1S", jar)

    def with_good(info: zipfile.ZipInfo, data: bytes) -> bytes:
        return raw_zip([(zip_info(good_loads[0]), good_loads[1]), (info, data)])

    tree.add("hostile/zip-slip.zip", with_good(zip_info("../evil.sbn"), b"evil\n"),
             "entry '../evil.sbn' (path traversal) next to a good .loads")
    tree.add("hostile/absolute-path.zip", with_good(zip_info("/etc/evil.sbn"), b"evil\n"),
             "entry '/etc/evil.sbn' (absolute path)")
    tree.add("hostile/symlink-entry.zip",
             with_good(zip_info(jar, stat.S_IFLNK | 0o777, zipfile.ZIP_STORED), b"/etc/passwd"),
             f"entry {jar} is a symlink (S_IFLNK in external_attr) to /etc/passwd")
    tree.add("hostile/device-name-con.zip", with_good(zip_info("CON"), b"evil\n"),
             "entry 'CON' (Windows device name)")
    tree.add("hostile/device-name-aux.zip", with_good(zip_info("aux.sbn"), b"evil\n"),
             "entry 'aux.sbn' (Windows device name with an extension)")
    tree.add("hostile/case-duplicates.zip",
             raw_zip([(zip_info(jar), jar_data), (zip_info("J" + jar[1:]), jar_data)]),
             f"entries {jar} and J{jar[1:]}: differ only in case")
    stored = raw_zip([(zip_info(good_loads[0], compress_type=zipfile.ZIP_STORED), good_loads[1])])
    flip = stored.index(good_loads[1]) + len(good_loads[1]) - 5
    tree.add("hostile/crc-mismatch.zip", patched(stored, flip, bytes([stored[flip] ^ 0x20])),
             "one stored entry with a byte of its data flipped, CRC left as written")
    package = tree.files["packages/" + tnp_by_load("SIP41.9-4-2SR3-1S").package_name()]
    tree.add("hostile/truncated.zip", package[:len(package) // 2],
             "cmterm-7941_7961-sip.9-4-2SR3-1.zip cut in half (no central directory)")
    tree.add("hostile/garbage.zip", pseudo_random("garbage.zip", 4096),
             "4096 pseudo-random bytes named .zip")
    tree.add("hostile/bomb-ratio.zip", bomb_zip("dsp41.9-4-2ES26.sbn", 64 << 20),
             "one entry of 64 MiB of zeros deflated to ~64 KB (ratio ~1000:1)")
    lying = raw_zip([(zip_info("dsp41.9-4-2ES26.sbn"), bytes(64 << 10))])
    tree.add("hostile/size-lies.zip", set_uncompressed_size(lying, 4096),
             "entry declares 4096 bytes uncompressed (local and central header) but inflates "
             "to 65536 (CRC is that of the 65536 bytes)")
    nul_zip = raw_zip([(zip_info("apps41.sbn_x.txt"), b"evil\n")])
    tree.add("hostile/name-nul.zip",
             replace_name(nul_zip, "apps41.sbn_x.txt", b"apps41.sbn\0x.txt"),
             "entry name 'apps41.sbn\\0x.txt' (NUL inside the name)")
    tree.add("hostile/name-control.zip",
             raw_zip([(zip_info("cvm41\x1bsip.sbn"), b"evil\n")]),
             "entry name 'cvm41\\x1bsip.sbn' (ESC control character in the name)")


# ---------------------------------------------------------------------------------------------
# Shapes of real files the first readers got wrong (issue 12)
# ---------------------------------------------------------------------------------------------

# 88xx multiplatform (MPP) .loads: the u32 after the header size is 4 on a real one
# (docs/phone-files.md §2.3); reading both words as one u64 gave "header size 17179869528".
MPP_88XX_LOAD = "sip88xx.12-0-7MPP0201-66"
MPP_88XX_WORD_08 = 4
# A 78xx 12.8(1) image whose name is 28 characters long: no NUL after the name.
KERN_78XX_12_8 = "kern78xx.12-8-1-0001-455.sbn"
# A family fwplan has no grammar for (the 6800 series): read anyway, the name is a warning.
UNKNOWN_FAMILY_LOAD = "sip68xx.11-3-1MSR3-3"
# The 8961 images of 9.4(1) (VoIP-Domain/voipdomain lists them, docs/phone-files.md §3.3).
SEBN_8961 = ["sboot8961.031610R1-9-4-1-9.sebn", "skern8961.022809R2-9-4-1-9.sebn",
             "kern8961.9-4-1-9.sebn", "dkern8961.100609R2-9-4-1-9.sebn",
             "rootfs8961.9-4-1-9.sebn"]
LOAD_8961 = "sip8961.9-4-1-9"
# Load IDs the first grammar refused (issue 12): wireless service releases, a 6901 with a
# letter suffix.
WIRELESS_SR_LOADS = ["CP7925G-1.4.1SR1", "CP7926G-1.4.1SR1"]
LOAD_6901_LETTER = "SCCP6901.9-2-1-a"
# 3905: CP3905.<version>.loads is plain text, unsigned, and lists one U-Boot image.
LOAD_3905 = "CP3905.9-4-1SR4-2"
UBOOT_MAGIC = 0x27051956
CIPC_LOADS = "CIPC_Locale.loads"
CIPC_ZIP = "cipc-locale-de_DE.zip"


def uboot_image(name: str, size: int) -> bytes:
    """A U-Boot legacy image (64-byte big-endian header: magic 0x27051956, header CRC, time,
    data size, load and entry address 0x26000, data CRC, OS 5 Linux, arch 12 M68K, type 2
    kernel, compression 1 gzip, 32-byte name), as the 3905's APP image is, with a gzip-
    looking pseudo-random payload."""
    data = b"\x1f\x8b\x08\x00" + pseudo_random(f"uboot\0{name}", max(size - 64 - 4, 0))
    header = struct.pack(">7I4B32s", UBOOT_MAGIC, 0, 0x65360EA9, len(data), 0x26000,
                         0x26000, zlib.crc32(data), 5, 12, 2, 1, b"")
    header = header[:4] + struct.pack(">I", zlib.crc32(header)) + header[8:]
    return header + data


def mpp_88xx_files() -> list[File]:
    """The .loads of an 88xx MPP release: LE envelope with 4 in the word at offset 8 and the
    platform INI (components listed with sizes; they are not committed)."""
    version = MPP_88XX_LOAD.split(".", 1)[1]
    platform = [("kern", f"kern88xx.{version}.sbn", 4193152),
                ("rootfs", f"rootfs88xx.{version}.sbn", 71827840),
                ("vc4", f"vc488xx.{version}.sbn", 1425152)]
    body = ini_78xx_body(MPP_88XX_LOAD, version, [platform], model="88xx")
    name = f"{MPP_88XX_LOAD}.loads"
    return [(name, sign_le(name, body, word_08=MPP_88XX_WORD_08))]


def unknown_family_loads() -> bytes:
    version = UNKNOWN_FAMILY_LOAD.split(".", 1)[1]
    platform = [("kern", f"kern68xx.{version}.sbn", 3276800),
                ("rootfs", f"rootfs68xx.{version}.sbn", 35651584)]
    name = f"{UNKNOWN_FAMILY_LOAD}.loads"
    return sign_le(name, ini_78xx_body(UNKNOWN_FAMILY_LOAD, version, [platform], model="68xx"))


def sebn_8961_files() -> list[File]:
    """The five encrypted images (tag 15 timestamp + the tag-16 block), then the .loads: a
    TLV-signed LF list of them (no 8961 .loads body was ever seen: [I])."""
    options = TlvOptions(timestamp=FIXED_TIMESTAMP, encrypted=True)
    files = [(n, sign_tlv(n, pseudo_random(f"sebn\0{n}", SMALL_PAYLOAD), options))
             for n in SEBN_8961]
    name = f"{LOAD_8961}.loads"
    files.append((name, sign_tlv(name, list_body(SEBN_8961, "\n", final_newline=True))))
    return files


def files_3905() -> list[File]:
    """cmterm-3905.9-4-1SR4-2.zip: the APP image and the plain-text, unsigned .loads that
    names it (no envelope at all)."""
    version = LOAD_3905.split(".", 1)[1]
    image = f"APP3905.{version}.zz"
    return [(image, uboot_image(image, 1024)),
            (f"{LOAD_3905}.loads", f"{image}\r\n".encode("ascii"))]


def cipc_locale_files() -> list[File]:
    """An IP Communicator locale package: CIPC_Locale.loads beside the locale's files. Only
    the name is known from the field (issue 12); the content here is [I]: a TLV envelope
    and a short text body naming a locale jar."""
    jar = "ipc-locale-de_DE.jar"
    body = f"# Cisco IP Communicator locale de_DE\r\n{jar}\r\n".encode("ascii")
    return [(jar, pseudo_random(f"cipc\0{jar}", 512)),
            (CIPC_LOADS, sign_tlv(CIPC_LOADS, body))]


def add_real_shapes(tree: Tree, contents: dict[str, list[File]]) -> None:
    """real-shapes/: one sample of each shape of issue 12, byte for byte like the real file
    where one was seen (docs/phone-files.md §1-§3), [I] where only a name or a listing was."""
    name, data = mpp_88xx_files()[0]
    tree.add(f"real-shapes/{name}", data,
             f"88xx MPP .loads: LE envelope, the u32 at offset 8 is {MPP_88XX_WORD_08} (header "
             "size 0x158 is the u32 at offset 4), INI body")
    tree.add(f"real-shapes/{KERN_78XX_12_8}",
             sign_le(KERN_78XX_12_8, firmware_like(f"78xx\0{KERN_78XX_12_8}", SMALL_PAYLOAD)),
             "78xx image whose 28-character name fills its field: no NUL before the signature "
             "(header 0x154)")
    sebn = sebn_8961_files()
    tree.add("real-shapes/cmterm-8961.9-4-1-9_REL.zip", make_zip(sebn),
             "8961 9.4(1): sboot, skern, kern, dkern and rootfs .sebn (TLV with tag 15 and the "
             "tag-16 encryption block: 16 declares 72, 17 declares 26, children 18-27, 0x0D "
             "padding) and the .loads listing them")
    for load in WIRELESS_SR_LOADS:
        loads = f"{load}.LOADS"
        tree.add(f"real-shapes/{loads}", dict(wireless_files(load))[loads],
                 f"wireless .LOADS of a service release ({load}); the images it lists are "
                 "not committed")
    listed = [f"APP6901SCCP.{LOAD_6901_LETTER.split('.', 1)[1]}.zz.sgn",
              f"KNL6901SCCP.{LOAD_6901_LETTER.split('.', 1)[1]}.zz.sgn"]
    loads = f"{LOAD_6901_LETTER}.loads"
    tree.add(f"real-shapes/{loads}",
             sign_tlv(loads, list_body(listed, "\r\n", final_newline=False)),
             "6901 load with a letter suffix (-a): CRLF list of its APP and KNL .zz.sgn")
    tree.add(f"real-shapes/{UNKNOWN_FAMILY_LOAD}.loads", unknown_family_loads(),
             "a .loads of a family fwplan has no grammar for (6800 MPP): read anyway, warned")
    tree.add("real-shapes/cmterm-3905.9-4-1SR4-2.zip", make_zip(files_3905()),
             "3905 9.4(1)SR4: APP3905 U-Boot image and the plain-text unsigned CP3905 .loads")
    tree.add(f"real-shapes/{CIPC_ZIP}", make_zip(cipc_locale_files()),
             "IP Communicator locale package (CIPC_Locale.loads and a jar): not phone firmware")
    tree.add(f"real-shapes/{CIPC_LOADS}", dict(cipc_locale_files())[CIPC_LOADS],
             "the CIPC_Locale.loads of that package, on its own")
    sb2 = file_of(contents, "P0S3-8-12-00", "P0S3-8-12-00.sb2")
    tree.add("real-shapes/P0S3-8-12-00.bin", sb2,
             "P0S3-8-12-00.sb2 renamed to .bin: a .bin that carries a signed TLV header")


def add_downloads(tree: Tree, contents: dict[str, list[File]]) -> None:
    """downloads/: a downloads folder as people have one: good zips, one truncated download
    and one package that is not phone firmware."""
    good = tnp_by_load("SIP41.9-4-2SR3-1S").package_name()
    tree.add(f"downloads/{good}", tree.files[f"packages/{good}"], "a good package")
    cut = tnp_by_load("SCCP75.9-4-2SR4-3S").package_name()
    whole = tree.files[f"packages/{cut}"]
    tree.add(f"downloads/{cut}", whole[:len(whole) // 2],
             f"a truncated download: the first {len(whole) // 2} of {len(whole)} bytes")
    tree.add(f"downloads/{CIPC_ZIP}", tree.files[f"real-shapes/{CIPC_ZIP}"],
             "an IP Communicator locale package (not phone firmware)")
    p0 = next(p for p in P0_FIXTURES if p.load == "P0S3-8-12-00").package_name()
    tree.add(f"downloads/{p0}", tree.files[f"packages/{p0}"], "a good 7940/7960 package")


def add_roots(tree: Tree, contents: dict[str, list[File]]) -> None:
    """roots/: small TFTP roots for `fwplan check`."""
    os79xx = file_of(contents, "P0S3-8-12-00", "OS79XX.TXT")
    tree.add("roots/os79xx-image-missing/OS79XX.TXT", os79xx,
             "names P003-8-12-00, but neither its .sbn nor its .bin is in the root")
    tree.add("roots/os79xx-wrong-family/OS79XX.TXT", b"SIP41.9-4-2SR3-1S\r\n",
             "names a 7941/7961 load: OS79XX.TXT is read by 7940/7960 phones only")
    for name in ("OS79XX.TXT", "P003-8-12-00.sbn", "P003-8-12-00.bin"):
        tree.add(f"roots/os79xx-good/{name}", file_of(contents, "P0S3-8-12-00", name),
                 "as shipped in P0S3-8-12-00.zip")
    for name, data in files_3905():
        tree.add(f"roots/3905/{name}", data, "as in cmterm-3905.9-4-1SR4-2.zip")
    for name, data in cipc_locale_files():
        tree.add(f"roots/cipc/{name}", data, "as in the IP Communicator locale package")


README_HEAD = """\
# fwplan test data (generated: do not edit)

Everything below is **synthetic**: written by `tools/fwgen.py`, following the byte layouts of
docs/phone-files.md, with pseudo-random signatures and payloads. None of it comes from Cisco, and
no file here may ever be replaced by a real Cisco file.

Regenerate with `python3 tools/fwgen.py testdata testdata`; the test
`testdata.reproducible` fails when the committed files differ from what the generator
writes. How the generator works: docs/testdata.md.

Names and IDs are the ones fwplan's knowledge base refers to; keep them in step.
"""

SECTION_TEXT = {
    "packages": "Firmware packages as downloaded (zips named like the real ones, docs/phone-files.md §4).",
    "loose": "Single files, byte-identical to the same names inside packages/, plus TLV variants.",
    "broken": "Files the parsers must reject (one planted defect each; the renamed .loads is "
              "parseable but must be reported).",
    "hostile": "Zips the archive reader must refuse without writing anything.",
    "real-shapes": "One sample of each shape of real Cisco files the first readers got wrong "
                   "(issue 12; docs/testdata.md lists the source of each).",
    "downloads": "A downloads folder: good packages, a truncated download and a package that "
                 "is not phone firmware (read package by package).",
    "roots": "Small TFTP roots for fwplan check (OS79XX.TXT, a 3905, IP Communicator files).",
}


def readme(tree: Tree) -> bytes:
    """README.md listing every file of the tree with its size and purpose."""
    lines = [README_HEAD]
    for section, text in SECTION_TEXT.items():
        lines += [f"## {section}/", "", text, "", "| file | bytes | what it is for |",
                  "|---|---:|---|"]
        for path in sorted(p for p in tree.files if p.startswith(section + "/")):
            name = path.split("/", 1)[1]
            lines.append(f"| `{name}` | {len(tree.files[path])} | {tree.notes[path]} |")
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def build_testdata() -> dict[str, bytes]:
    """The whole committed tree, path -> bytes (README.md included)."""
    tree = Tree()
    contents = add_packages(tree)
    add_loose(tree, contents)
    add_broken(tree, contents)
    add_hostile(tree, contents)
    add_real_shapes(tree, contents)
    add_downloads(tree, contents)
    add_roots(tree, contents)
    files = dict(tree.files)
    files["README.md"] = readme(tree)
    return files


# Top-level entries of testdata/ that the generator owns (others may hold hand-made data).
OWNED = ("packages", "loose", "broken", "hostile", "real-shapes", "downloads", "roots",
         "README.md")


def write_tree(root: Path, files: dict[str, bytes]) -> None:
    """Writes `files` under `root`, replacing the generator-owned folders entirely so that a
    fixture removed from the generator also disappears from disk."""
    for top in OWNED:
        target = root / top
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    for rel, data in sorted(files.items()):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


# ---------------------------------------------------------------------------------------------
# Benchmarks
# ---------------------------------------------------------------------------------------------

BENCH_BUILDS = {"SR3": ("9-4-2SR3-1", "9-4-2ES26"), "SR4": ("9-4-2SR4-3", "9-4-2SR4-3")}
BENCH_HW = {"41": 5, "42": 5, "45": 15, "70": 5, "75": 5, "11": 1}


def bench_specs(count: int, size_mb: float) -> list[TnpSpec]:
    """`count` distinct 9.4(2)SR3/SR4 SIP and SCCP releases of 41, 42, 45, 70, 75 and 11.

    Ordered in rounds (SR3 SIP, SR4 SCCP, SR4 SIP, SR3 SCCP), each over all six families, so
    that the default 10 already covers every family, both protocols and both releases.
    """
    rounds = [("SR3", "sip"), ("SR4", "sccp"), ("SR4", "sip"), ("SR3", "sccp")]
    specs = []
    for release, protocol in rounds:
        version, build = BENCH_BUILDS[release]
        for family, hw in BENCH_HW.items():
            load = f"{protocol.upper()}{family}.{version}S"
            specs.append(TnpSpec(family, protocol, load, build, hw_comp=hw, size_mb=size_mb))
    if not 1 <= count <= len(specs):
        raise ValueError(f"--count must be between 1 and {len(specs)}")
    return specs[:count]


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def parse_tlv_version(text: str) -> tuple[int, int]:
    """`1.1` -> (1, 1); the envelope versions seen are 1.0, 1.1 and 1.2."""
    match = re.fullmatch(r"(\d+)\.(\d+)", text)
    if not match:
        raise argparse.ArgumentTypeError(f"TLV version must look like 1.1, not {text!r}")
    return int(match.group(1)), int(match.group(2))


def package_from_args(args: argparse.Namespace) -> tuple[str, list[File], str]:
    """(zip name, files, folder inside the zip) for the `package` subcommand."""
    family, load = args.family, args.load
    options = TlvOptions(version=args.tlv_version)
    if family in TNP_PAIRS:
        if not args.build:
            raise SystemExit("fwgen: error: --build is required for TNP families")
        protocol = args.protocol or ("sccp" if load.upper().startswith("SCCP") else "sip")
        spec = TnpSpec(family, protocol, load, args.build, args.hw_comp, args.blank_lines,
                       size_mb=args.size_mb, tlv=options)
        return spec.package_name(), tnp_files(spec), ""
    if family == "7940_7960":
        p0 = P0Spec(load, la_version=args.la_version or
                    ("PAS30830" if load.startswith("P0S3") else "PAS30831"),
                    os79xx=args.os79xx, release_note=args.release_note,
                    size_mb=args.size_mb, tlv=options)
        return p0.package_name(), p0_files(p0), p0.load if p0.is_sip else ""
    if family == "78xx":
        m78 = M78Spec(load, args.size_mb)
        return m78.package_name(), m78_files(m78), ""
    if family in ("894x", "69xx"):
        spec_list = ListSpec(family, load, args.size_mb)
        return spec_list.package_name(), list_files(spec_list), ""
    if family == "7921":
        return f"{load}.zip", wireless_files(load), ""
    raise SystemExit(f"fwgen: error: unknown family {family!r}")


def cmd_package(args: argparse.Namespace) -> int:
    name, files, folder = package_from_args(args)
    name = args.zip_name or name
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.unpacked:
        for file_name, data in files:
            (out / file_name).write_bytes(data)
            print(out / file_name)
    else:
        (out / name).write_bytes(make_zip(files, folder))
        print(out / name)
    return 0


def cmd_testdata(args: argparse.Namespace) -> int:
    files = build_testdata()
    write_tree(Path(args.dir), files)
    total = sum(len(d) for d in files.values())
    print(f"fwgen: wrote {len(files)} files, {total} bytes, under {args.dir}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    for spec in bench_specs(args.count, args.size_mb):
        path = out / spec.package_name()
        path.write_bytes(make_zip(tnp_files(spec)))
        print(f"{path} {path.stat().st_size}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fwgen.py",
        description="Synthetic Cisco IP phone firmware for fwplan's tests and benchmarks. "
                    "Deterministic: the same arguments always give the same bytes.",
        epilog="Examples:\n"
               "  fwgen.py testdata testdata\n"
               "  fwgen.py package --family 41 --load SIP41.9-4-2SR3-1S --build 9-4-2ES26 "
               "--hw-comp 5 --out /tmp/fw\n"
               "  fwgen.py package --family 7940_7960 --load P0S3-8-12-00 --os79xx --out /tmp/fw\n"
               "  fwgen.py bench /tmp/bench --count 10 --size-mb 8",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    package = commands.add_parser("package", help="write one firmware package")
    package.add_argument("--family", required=True,
                         help="11, 31, 41, 42, 45, 70, 75, 7940_7960, 78xx, 894x, 69xx or 7921")
    package.add_argument("--load", required=True,
                         help="load ID, e.g. SIP41.9-4-2SR3-1S, P0S3-8-12-00, "
                              "sip78xx.14-2-1-0101-26")
    package.add_argument("--protocol", choices=("sip", "sccp"),
                         help="TNP only; default from the load ID")
    package.add_argument("--build", help="TNP component build ID, e.g. 9-4-2ES26")
    package.add_argument("--hw-comp", type=int, help="TNP: add '#HARDWARE_COMP_1 N'")
    package.add_argument("--blank-lines", type=int, default=2,
                         help="TNP: blank lines before the component list (default 2)")
    package.add_argument("--la-version", help="7940/7960: LA_VERSION value")
    package.add_argument("--os79xx", action="store_true", help="7940/7960: add OS79XX.TXT")
    package.add_argument("--release-note", action="store_true",
                         help="7940/7960 SCCP: add <load>.txt")
    package.add_argument("--tlv-version", type=parse_tlv_version, default=(1, 1),
                         help="TLV envelope version: 1.0, 1.1 (default, Cisco) or 1.2")
    package.add_argument("--size-mb", type=float, default=0.0,
                         help="grow the payloads so the zip is about N MB (default: tiny)")
    package.add_argument("--zip-name", help="name of the zip (default: derived from the load "
                         "like the real ones; 7940/7960 SCCP names need it)")
    package.add_argument("--unpacked", action="store_true",
                         help="write the files into --out instead of a zip")
    package.add_argument("--out", required=True, help="output folder")
    package.set_defaults(run=cmd_package)

    testdata = commands.add_parser("testdata", help="write the committed test tree")
    testdata.add_argument("dir", help="target folder (the repository's testdata/)")
    testdata.set_defaults(run=cmd_testdata)

    bench = commands.add_parser("bench", help="write realistic-size packages for benchmarks")
    bench.add_argument("dir", help="output folder")
    bench.add_argument("--count", type=int, default=10, help="number of packages (default 10)")
    bench.add_argument("--size-mb", type=float, default=8.0,
                       help="approximate size of each zip in MB (default 8)")
    bench.set_defaults(run=cmd_bench)
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ValueError as error:
        print(f"fwgen: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
