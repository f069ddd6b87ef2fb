#!/usr/bin/env python3
"""Writes the synthetic seed corpora of the signed_file, manifest and fleet fuzzers.

Every byte is made up here, following docs/phone-files.md §1-§3 and §8 (no Cisco file is used).
Run from anywhere; the output is deterministic, so re-running changes nothing:

    python3 tests/fuzz/make_corpus.py
"""
import hashlib
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent

SIGNER = b"CN=someSigner;OU=someOrgUnit;O=someOrg"
ISSUER = b"CN=someCA;OU=someOrgUnit;O=someOrg"
SERIAL = bytes.fromhex("1234567890abcdef")


def tlv(tag, value):
    return bytes([tag]) + struct.pack(">H", len(value)) + value


def tlv_header(name, minor=1, order465=False, timestamp=None, signature=256, modulus=2,
               extra=b"", align=4, after_name=b""):
    """A TLV header laid out as docs/phone-files.md §1.2 (tag 14 = name, 0x0D padding)."""
    signer, serial, issuer = tlv(4, SIGNER + b"\0"), tlv(5, SERIAL), tlv(6, ISSUER + b"\0")
    fields = tlv(3, signer + issuer + serial if order465 else signer + serial + issuer)
    fields += tlv(7, tlv(8, b"\x01") + tlv(9, tlv(10, b"\x00") + tlv(11, bytes([modulus]))))
    fields += tlv(12, b"\xa5" * signature) + extra
    if timestamp is not None:
        fields += tlv(15, struct.pack(">I", timestamp))
    if name is not None:
        fields += tlv(14, name.encode() + b"\0")
    fields += after_name
    fields += b"\x0d" * ((align - (10 + len(fields)) % align) % align)
    return tlv(1, bytes([1, minor])) + tlv(2, struct.pack(">H", 10 + len(fields))) + fields


def signed(name, body, **options):
    return tlv_header(name, **options) + body


def le_file(name, body, good_hash=True, word_08=0):
    """The 78xx/88xx little-endian envelope of docs/phone-files.md §2.3: u32 words, the name padded
    with NULs to 4 bytes (none when its length is a multiple of 4)."""
    name_bytes = name.encode()
    field = name_bytes + b"\0" * (-len(name_bytes) % 4)
    header_size = 0x38 + len(field) + 256
    digest = hashlib.sha256(body if good_hash else b"other").digest()
    header = (b"\xcd\x34\x12\xab" + struct.pack("<IIII", header_size, word_08, len(body), 0)
              + digest)
    header += struct.pack("<I", len(name_bytes)) + field + b"\x5a" * 256
    return header + body


def encryption_block():
    """The .sebn encryption block (docs/phone-files.md §1.1): tag 16 declaring 72, tag 17 declaring
    26, then children 18, 19, 20, 21, 26, 27 of 1, 16, 2, 13, 1 and 20 bytes."""
    block = bytes([16]) + struct.pack(">H", 72) + bytes([17]) + struct.pack(">H", 26)
    for tag, size in ((18, 1), (19, 16), (20, 2), (21, 13), (26, 1), (27, 20)):
        block += tlv(tag, bytes([tag]) * size)
    return block


def cnu(entries):
    """A CNU_File_Archive_3.0 (docs/phone-files.md §3.1); entries are (type, flags, name, data)."""
    magic = b"CNU_File_Archive_3.0"
    table_end = 0x248 + 20 * len(entries)
    names, offsets = b"", []
    for _, _, name, _ in entries:
        offsets.append(table_end + len(names) if name else 0)
        if name:
            names += name.encode() + b"\0"
    content = table_end + len(names)
    out = magic + b"\0" * 28 + struct.pack(">II", len(entries), content) + magic + b"\0" * 508
    for (kind, flags, _, data), offset in zip(entries, offsets):
        out += struct.pack(">IIIII", kind, flags, len(data), 1234567890, offset)
    return out + names + b"".join(data for _, _, _, data in entries)


def tnp_body(family, proto, build, hardware=None, eol=b"\r\n"):
    lines = [b"#", b"# This file contains a list of archive image files that will be "
             b"requested by the", b"# RELEASE load version " + build.encode(), b"#"]
    if hardware is not None:
        lines.append(b"#HARDWARE_COMP_1 %d" % hardware)
    lines += [b"", b""]
    f, p, b = family.encode(), proto.encode(), build.encode()
    lines += [b"jar" + f + p + b"." + b + b".sbn", b"cnu" + f + b"." + b + b".sbn",
              b"apps" + f + b"." + b + b".sbn", b"dsp" + f + b"." + b + b".sbn ",
              b"cvm" + f + p + b"." + b + b".sbn "]
    return b"".join(line + eol for line in lines)


def ini_body(version):
    v = version.encode()
    return (b"#\n# (C) 2013 Cisco Systems 5th-Generation IP Phones\n"
            b"# RELEASE Model=78xx Version=" + v + b"\n# LOADS=sip78xx." + v + b".loads\n#\n\n"
            b"[CISCO-ID]\nversion = " + v + b"\nhwcompat = 0x00000003\nswcompat = 0x00000004\n\n"
            b"[PLATFORM_1]\nsboot=sboot78xx." + v + b".sbn size=370348\n"
            b"kern=kern78xx." + v + b".sbn size=3089488\n"
            b"rootfs=rootfs78xx." + v + b".sbn size=40239440\n"
            b"ebr_diskver = 1\nebr_sboot   = (-1,2,0,2,0x280000,-1)\n\n"
            b"[PLATFORM_2]\nsboot=sboot2.78xx." + v + b".sbn size=596540\n")


WIRELESS = (b"#? HW_REV 0-4.*\n#? SW_CAP EAP-TLS,PEAP,VSFIX\n\n"
            b"TNUX-1.4.6.3.SBN                      897037 E247E40D9CF20472C6C397E6E427A517\n")
P0 = b"P003-8-12-00.sbn\nP0S3-8-12-00.sb2\nLA_VERSION=PAS30830\n"
LIST_69XX = (b"BOOT69xx.0-0-0-14.zz.sgn\r\nDSP69xx.12-4-122-99.131025.zz.sgn\r\n"
             b"SIP69xx.9-4-1-3SR2.zz.sgn")
SEBN = b"kern8961.9-4-1-9.sebn\nrootfs8961.9-4-1-9.sebn\n"


def signed_file_seeds():
    body = tnp_body("41", "sip", "8-5-4TH1-6")
    archive = cnu([(6, 2, "", b"K" * 64), (7, 2, "/ubin/dsp", b"DSPDATA"),
                   (7, 1, "/ubin/ksUT000.bin", b""), (7, 2, "/etc/trace/dsp.master.trc", b"t")])
    return [
        signed("SIP41.8-5-4S.loads", body),
        signed("term41.default.loads", body, minor=0, order465=True),
        signed("x.sgn", b"config", minor=2, timestamp=1700000000),
        signed("dsp41.9-4-2ES9.sbn", archive),
        signed("cnu41.9-4-2ES9.sbn", cnu([(7, 2, "/a", b"xy")]), signature=128, modulus=1),
        signed(None, b"no name", extra=tlv(28, b"\x01")),
        le_file("sip78xx.11-0-1-11.loads", ini_body("11-0-1-11")),
        le_file("kern78xx.11-0-1-11.sbn", b"\x7fELF" + b"\0" * 60, good_hash=False),
        archive,
        b"P003-8-12-00 \r\n",
        b"\x06\x00\x00\xea" + b"\0" * 28 + b"P003-8-12-00" + b"\0" * 20,
        signed("SIP41.8-5-4S.loads", body)[:300],
        # issue 12: 88xx MPP (4 after the header size), a 28-character name without NUL, and
        # an encrypted 8961 image with its tag-16 block.
        le_file("sip88xx.12-0-7MPP0201-66.loads", ini_body("12-0-7MPP0201-66"), word_08=4),
        le_file("kern78xx.12-8-1-0001-455.sbn", b"\x7fELF" + b"\0" * 28),
        signed("kern8961.9-4-1-9.sebn", b"\x8a" * 64, timestamp=1487030400,
               after_name=encryption_block()),
    ]


def manifest_seeds():
    # The first byte selects the file name in fuzz_manifest.cpp's kNames.
    tnp, term, p0, ini, wireless, l69, l8961, unknown = range(8)
    sip41 = tnp_body("41", "sip", "9-4-2ES26", hardware=5)
    return [
        bytes([tnp]) + signed("SIP41.9-4-2SR3-1S.loads", sip41),
        bytes([tnp]) + signed("SIP41.9-4-2SR3-1S.loads", tnp_body("41", "sip", "9-4-2ES26",
                                                                 eol=b"\n")),
        bytes([tnp]) + signed("SIP41.8-5-4S.loads", sip41),  # renamed
        bytes([tnp]) + tnp_body("41", "sip", "9-4-2ES26"),   # no envelope
        bytes([term]) + signed("term41.default.loads", tnp_body("41", "sccp", "9-4-2ES9")),
        bytes([p0]) + signed("P0S3-8-12-00.loads", P0),
        bytes([ini]) + le_file("sip78xx.11-0-1-11.loads", ini_body("11-0-1-11")),
        bytes([wireless]) + signed("CP7921G-1.4.6.3.LOADS", WIRELESS),
        bytes([l69]) + signed("SIP69xx.9-4-1-3SR2.loads", LIST_69XX),
        bytes([l8961]) + signed("sip8961.9-4-1-9.loads", SEBN),
        bytes([l8961]) + signed("sip8961.9-4-1-9.loads", ini_body("9-4-1-9")),
        bytes([unknown]) + signed("SCCP894x.9-4-2SR1-2.loads", b"".join(
            b"SCCP894x.9-4-2SR1-2.bin%d.sgn\n" % i for i in range(1, 10))),
        # issue 12: names the grammar cannot read are read by their body's shape; the 3905's
        # plain text; a wireless service release; an MPP .loads of an unknown family.
        bytes([unknown]) + signed("not-a-load.loads", ini_body("11-0-1-11")),
        bytes([unknown]) + tnp_body("41", "sip", "9-4-2ES26"),
        bytes([8]) + b"APP3905.9-4-1SR4-2.zz\r\n",
        bytes([9]) + signed("CP7926G-1.4.1SR1.LOADS", WIRELESS),
        bytes([10]) + le_file("sip68xx.11-3-1MSR3-3.loads", ini_body("11-3-1MSR3-3")),
    ]


def fleet_seeds():
    """Inventory CSVs: the shapes people export (CRLF, BOM, quoted fields, extra columns)
    and the ways rows break."""
    header = b"mac,model,load,target,hw_rev,line_name,display_name,password\r\n"
    return [
        header + b"00:80:41:ae:fd:7e,7941,SCCP41.8-3-1S,SIP,,620,Office,pw\r\n",
        b"\xef\xbb\xbf" + header + b'0080.41ae.fd7f,CP-7941G,SCCP41.8-5-4S,,V05,621,"Hall, ""A""",x\r\n',
        b"MAC;Model;Load\n00:19:e8:f4:12:34;7960;P0S3-05-3-00\n",
        b"model,load,mac,note\n7960,P00308010200,001E4A5FBF14,\"two\nlines\"\n\n7942,SCCP42.8-3-1S,"
        b"SEP001E4A5FBF15,\n",
        header + b'00:80:41:ae:fd:80,7961,SCCP41.8-5-4S,SIP,,622,"never closed\r\n',
        header + b"00:11:22:33:44,7999,SCCP41.8-3,SIP9,V,1,2\r\n00:80:41:ae:fd:7e,7941,x\"y,,,,,\r\n",
        b"mac,model,load\n" + b"".join(b"00:80:41:00:00:%02x,7941,SCCP41.8-3-1S\n" % i
                                       for i in range(40)),
        b"mac,mac,load\n",
    ]


def write(name, seeds):
    folder = HERE / "corpus" / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("seed-*"):
        old.unlink()
    for index, seed in enumerate(seeds, 1):
        (folder / f"seed-{index:02d}").write_bytes(seed)
    print(f"{folder}: {len(seeds)} seeds")


if __name__ == "__main__":
    write("signed_file", signed_file_seeds())
    write("manifest", manifest_seeds())
    write("fleet", fleet_seeds())
