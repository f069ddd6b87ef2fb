"""fwplan on the shapes of real Cisco files the first readers got wrong (issue 12): every
sample of testdata/real-shapes/, downloads/ and roots/ (written by tools/fwgen.py) read
through the CLI, its --json answer checked field by field."""
import hashlib
import unittest

from clitest import TESTDATA, CliTest, fwplan

SHAPES = TESTDATA / "real-shapes"


class RealShapes(CliTest):
    def inspect(self, *paths, code=0, args=()):
        run = fwplan(*args, "--json", "inspect", *paths)
        self.assertExit(run, code)
        return run.json()

    def only_file(self, data):
        self.assertEqual(len(data["files"]), 1, msg=data)
        return data["files"][0]

    def files_by_entry(self, data):
        return {f["entry"]: f for f in data["files"]}

    # 1. The 78xx/88xx envelope: the header size is the u32 at 4, the u32 at 8 its own field.
    def test_88xx_mpp_loads(self):
        f = self.only_file(self.inspect(SHAPES / "sip88xx.12-0-7MPP0201-66.loads"))
        self.assertEqual(f["kind"], "loads")
        self.assertEqual(f["envelope"], "le78xx")
        self.assertEqual(f["le_word_08"], 4)
        self.assertEqual(f["signed_name"], "sip88xx.12-0-7MPP0201-66.loads")
        self.assertEqual(f["load"], "sip88xx.12-0-7MPP0201-66")
        self.assertEqual(f["family"], "88xx")
        self.assertEqual(f["protocol"], "SIP")
        self.assertEqual(f["version"], "12.0(7)MPP0201")
        self.assertEqual(f["models"], ["8811", "8841", "8851", "8851NR", "8861"])
        self.assertEqual(f["manifest_kind"], "ini-78xx")
        self.assertEqual(f["build"], "12-0-7MPP0201-66")
        self.assertEqual(f["components"], ["kern88xx.12-0-7MPP0201-66.sbn",
                                           "rootfs88xx.12-0-7MPP0201-66.sbn",
                                           "vc488xx.12-0-7MPP0201-66.sbn"])
        self.assertEqual(f["problems"], [])

    # 2. A 78xx image whose 28-character name has no NUL.
    def test_kern78xx_12_8_image(self):
        f = self.only_file(self.inspect(SHAPES / "kern78xx.12-8-1-0001-455.sbn"))
        self.assertEqual(f["kind"], "component")
        self.assertEqual(f["envelope"], "le78xx")
        self.assertEqual(f["signed_name"], "kern78xx.12-8-1-0001-455.sbn")
        self.assertEqual(f["le_word_08"], 0)
        self.assertEqual(f["problems"], [])

    # 3. The 8961 .sebn images with their encryption block.
    def test_8961_sebn_images(self):
        data = self.inspect(SHAPES / "cmterm-8961.9-4-1-9_REL.zip")
        self.assertEqual(data["errors"], [])
        files = self.files_by_entry(data)
        sebn = ["sboot8961.031610R1-9-4-1-9.sebn", "skern8961.022809R2-9-4-1-9.sebn",
                "kern8961.9-4-1-9.sebn", "dkern8961.100609R2-9-4-1-9.sebn",
                "rootfs8961.9-4-1-9.sebn"]
        for name in sebn:
            with self.subTest(name=name):
                f = files[name]
                self.assertEqual(f["kind"], "component")
                self.assertEqual(f["envelope"], "tlv")
                self.assertEqual(f["signed_name"], name)
                self.assertIs(f["encrypted"], True)
                self.assertEqual(f["load"], "sip8961.9-4-1-9")
                self.assertEqual(f["family"], "8961")
                self.assertEqual(f["problems"], [])
        loads = files["sip8961.9-4-1-9.loads"]
        self.assertEqual((loads["load"], loads["version"], loads["manifest_kind"]),
                         ("sip8961.9-4-1-9", "9.4(1)", "sgn-list"))
        self.assertEqual(loads["components"], sebn)
        self.assertEqual(loads["missing"], [])
        self.assertNotIn("encrypted", loads)
        package = data["packages"][0]
        self.assertEqual(package["loads"], ["sip8961.9-4-1-9"])
        self.assertEqual(package["authenticity"]["status"], "name-only")

    # 4. Load IDs the grammar refused.
    def test_wireless_service_releases(self):
        for load, family, model in (("CP7925G-1.4.1SR1", "7925", "7925"),
                                    ("CP7926G-1.4.1SR1", "7926", "7926")):
            with self.subTest(load=load):
                f = self.only_file(self.inspect(SHAPES / f"{load}.LOADS"))
                self.assertEqual(f["kind"], "loads")
                self.assertEqual(f["load"], load)
                self.assertEqual(f["family"], family)
                self.assertEqual(f["models"], [model])
                self.assertEqual(f["protocol"], "SCCP")
                self.assertEqual(f["version"], "1.4(1)SR1")
                self.assertEqual(f["manifest_kind"], "wireless")
                self.assertEqual(f["components"], [f"{p}-1.4.1SR1.SBN"
                                                   for p in ("TNUX", "TNUXR", "APPS", "GUI")])
                self.assertEqual(f["problems"], [])

    def test_6901_letter_suffix(self):
        f = self.only_file(self.inspect(SHAPES / "SCCP6901.9-2-1-a.loads"))
        self.assertEqual(f["load"], "SCCP6901.9-2-1-a")
        self.assertEqual((f["family"], f["models"], f["protocol"]), ("6901", ["6901"], "SCCP"))
        self.assertEqual(f["version"], "9.2(1)")
        self.assertEqual(f["manifest_kind"], "sgn-list")
        self.assertEqual(f["components"], ["APP6901SCCP.9-2-1-a.zz.sgn",
                                           "KNL6901SCCP.9-2-1-a.zz.sgn"])

    def test_new_load_ids_plan(self):
        for model, load in (("7925", "CP7925G-1.4.1SR1"), ("7926", "CP7926G-1.4.1SR1"),
                            ("6911", "SCCP6911.9-2-1-a"), ("6901", "SCCP6901.9-2-1-a"),
                            ("6921", "SIP69xx.9-4-1-3"), ("8961", "sip8961.9-4-2SR4-1"),
                            ("3905", "CP3905.9-4-1SR3")):
            with self.subTest(load=load):
                run = fwplan("--json", "plan", "--model", model, "--from", load, "--to", load)
                self.assertExit(run, 0)
                self.assertEqual(run.json()["steps"], [])

    # 5. A .loads whose name no grammar reads is read anyway.
    def test_unknown_family_loads_is_read_with_a_warning(self):
        f = self.only_file(self.inspect(SHAPES / "sip68xx.11-3-1MSR3-3.loads"))
        self.assertEqual(f["kind"], "loads")
        self.assertIsNone(f["load"])
        self.assertEqual(f["signed_name"], "sip68xx.11-3-1MSR3-3.loads")
        self.assertEqual(f["envelope"], "le78xx")
        self.assertEqual(f["manifest_kind"], "ini-78xx")
        self.assertEqual(f["build"], "11-3-1MSR3-3")
        self.assertEqual(f["components"], ["kern68xx.11-3-1MSR3-3.sbn",
                                           "rootfs68xx.11-3-1MSR3-3.sbn"])
        self.assertEqual(len(f["problems"]), 1)
        self.assertIn("unknown phone family code '68xx'", f["problems"][0])
        text = fwplan("inspect", SHAPES / "sip68xx.11-3-1MSR3-3.loads")
        self.assertExit(text, 0)
        self.assertIn("no load fwplan can name", text.out)

    # 6. Not phone firmware, and the 3905's plain-text .loads.
    def test_ip_communicator_locale(self):
        data = self.inspect(SHAPES / "cipc-locale-de_DE.zip", SHAPES / "CIPC_Locale.loads")
        self.assertEqual(data["errors"], [])
        for f in data["files"]:
            with self.subTest(entry=f["entry"]):
                self.assertEqual(f["kind"], "not-firmware")
                self.assertIn("IP Communicator", f["what"])
                self.assertEqual(f["problems"], [])
                self.assertIsNone(f["load"])
        zip_package = data["packages"][0]
        self.assertIn("IP Communicator locale package", zip_package["not_firmware"])
        self.assertEqual(zip_package["loads"], [])
        self.assertIsNone(data["packages"][1]["not_firmware"])  # a loose file: per file

    def test_3905_package(self):
        data = self.inspect(SHAPES / "cmterm-3905.9-4-1SR4-2.zip")
        self.assertEqual(data["errors"], [])
        files = self.files_by_entry(data)
        loads = files["CP3905.9-4-1SR4-2.loads"]
        self.assertEqual((loads["kind"], loads["envelope"], loads["signed_name"]),
                         ("loads", "none", ""))
        self.assertEqual((loads["load"], loads["family"], loads["models"], loads["protocol"]),
                         ("CP3905.9-4-1SR4-2", "3905", ["3905"], "SIP"))
        self.assertEqual(loads["version"], "9.4(1)SR4")
        self.assertEqual(loads["components"], ["APP3905.9-4-1SR4-2.zz"])
        self.assertEqual(loads["missing"], [])
        self.assertEqual(loads["problems"],
                         ["a plain-text .loads without a signed envelope, as the 3905 ships it"])
        image = files["APP3905.9-4-1SR4-2.zz"]
        self.assertEqual((image["kind"], image["load"], image["problems"]),
                         ("component", "CP3905.9-4-1SR4-2", []))

    def test_check_raises_no_errors_for_them(self):
        for root in ("3905", "cipc"):
            with self.subTest(root=root):
                run = fwplan("--json", "check", TESTDATA / "roots" / root)
                self.assertExit(run, 0)
                data = run.json()
                self.assertEqual(data["counts"]["error"], 0)
        cipc = fwplan("--json", "check", TESTDATA / "roots" / "cipc").json()
        self.assertEqual([(f["code"], f["severity"], f["path"]) for f in cipc["findings"]],
                         [("fwplan.check.not-firmware", "info", "CIPC_Locale.loads")])

    # 7. A folder is read package by package.
    def test_downloads_folder(self):
        data = self.inspect(TESTDATA / "downloads", code=3)
        packages = {p["path"].split("/")[-1]: p for p in data["packages"]}
        self.assertEqual(set(packages), {"P0S3-8-12-00.zip", "cipc-locale-de_DE.zip",
                                         "cmterm-7941_7961-sip.9-4-2SR3-1.zip",
                                         "cmterm-7975-sccp.9-4-2SR4-3.zip"})
        cut = packages["cmterm-7975-sccp.9-4-2SR4-3.zip"]
        self.assertIs(cut["readable"], False)
        self.assertEqual(cut["loads"], [])
        self.assertEqual(packages["cmterm-7941_7961-sip.9-4-2SR3-1.zip"]["loads"],
                         ["SIP41.9-4-2SR3-1S"])
        self.assertEqual(packages["P0S3-8-12-00.zip"]["loads"], ["P0S3-8-12-00"])
        self.assertIs(packages["cipc-locale-de_DE.zip"]["readable"], True)
        self.assertEqual(len(data["errors"]), 1)
        error = data["errors"][0]
        self.assertEqual(error["code"], "fwplan.archive.not-a-zip")
        self.assertTrue(error["file"].endswith("downloads/cmterm-7975-sccp.9-4-2SR4-3.zip"))

    def test_firmware_folder_with_a_truncated_download(self):
        run = fwplan("--json", "plan", "--model", "7941", "--from", "SCCP41.8-5-4S",
                     "--to", "SIP41.9-4-2SR3-1S", "--firmware", TESTDATA / "downloads")
        self.assertExit(run, 3)  # something was bad ...
        plan = run.json()       # ... but the plan is there, from the good package
        self.assertEqual(plan["steps"][-1]["load"], "SIP41.9-4-2SR3-1S")
        self.assertIs(plan["steps"][-1]["available"], True)
        self.assertIn("cmterm-7975-sccp.9-4-2SR4-3.zip", run.err)
        self.assertIn("download this one again", run.err)

    # 8. OS79XX.TXT is audited.
    def test_os79xx_audit(self):
        missing = fwplan("--json", "check", TESTDATA / "roots" / "os79xx-image-missing")
        self.assertExit(missing, 1)
        findings = missing.json()["findings"]
        self.assertEqual([(f["code"], f["severity"], f["path"]) for f in findings],
                         [("fwplan.check.config-unknown-load", "error", "OS79XX.TXT")])
        self.assertIn("P003-8-12-00", findings[0]["message"])
        wrong = fwplan("--json", "check", TESTDATA / "roots" / "os79xx-wrong-family")
        self.assertExit(wrong, 1)
        self.assertEqual([f["code"] for f in wrong.json()["findings"]],
                         ["fwplan.check.config-wrong-model"])
        good = fwplan("--json", "check", TESTDATA / "roots" / "os79xx-good")
        self.assertExit(good, 0)
        self.assertEqual(good.json()["findings"], [])

    # 9. MPP is a separate firmware line.
    def test_mpp_conversion_and_refusal(self):
        to_mpp = fwplan("--json", "plan", "--model", "8841", "--from", "sip88xx.14-2-1-0101-26",
                        "--to", "sip88xx.12-0-7MPP0201-66")
        self.assertExit(to_mpp, 0)
        step = to_mpp.json()["steps"][0]
        self.assertIs(step["conversion"], True)
        self.assertIs(step["downgrade"], False)
        self.assertIn("MPP-01", [r["id"] for r in step["rules"]])
        back = fwplan("--json", "plan", "--model", "8841", "--from", "sip88xx.12-0-7MPP0201-66",
                      "--to", "sip88xx.14-2-1-0101-26")
        self.assertExit(back, 1)
        self.assertIn("MPP-02", back.json()["error"]["message"])
        mpp = fwplan("--json", "plan", "--model", "8841", "--from", "sip88xx.12-0-7MPP0201-66",
                     "--to", "sip88xx.12-0-7MPP0201-66", "--firmware",
                     SHAPES / "sip88xx.12-0-7MPP0201-66.loads")
        self.assertExit(mpp, 0)

    # 10. A .bin with a signed TLV header.
    def test_renamed_sb2(self):
        f = self.only_file(self.inspect(SHAPES / "P0S3-8-12-00.bin"))
        self.assertEqual(f["kind"], "image")
        self.assertEqual(f["envelope"], "tlv")
        self.assertEqual(f["signed_name"], "P0S3-8-12-00.sb2")
        self.assertEqual(f["image_name"], "P0S3-8-12-00")
        self.assertEqual(len(f["problems"]), 1)
        self.assertIn("signed as 'P0S3-8-12-00.sb2'", f["problems"][0])

    # 11. Package names are real, or marked as guesses.
    def test_inferred_package_names_are_marked(self):
        run = fwplan("--json", "plan", "--model", "7941", "--from", "SCCP41.8-3-1S")
        self.assertExit(run, 0)
        steps = run.json()["steps"]
        self.assertEqual([(s["package"], s["package_inferred"]) for s in steps],
                         [("cmterm-7941_7961-sccp.8-5-2.zip", True),
                          ("cmterm-7941_7961-sip.9-4-2SR3-1.zip", False)])
        text = fwplan("plan", "--model", "7941", "--from", "SCCP41.8-3-1S")
        self.assertIn("cmterm-7941_7961-sccp.8-5-2.zip  (name inferred from the family's pattern)",
                      text.out)
        self.assertNotIn("cmterm-7941_7961-sip.9-4-2SR3-1.zip  (name inferred", text.out)
        real = fwplan("--json", "plan", "--model", "7945", "--from", "SCCP45.9-4-2SR3-1S",
                      "--to", "SCCP45.9-4-2SR3-1S")
        self.assertExit(real, 0)
        catalog = fwplan("--json", "catalog", "--model", "7931").json()
        bridge = next(l for l in catalog["loads"] if l["id"] == "SCCP31.8-5-2S")
        self.assertEqual(bridge["package"], "cmterm-7931-scpp.8-5-2.zip")
        self.assertIs(bridge["package_inferred"], False)
        self.assertIn("scpp", bridge["package_evidence"])
        records = {p["name"]: p for p in catalog["packages"]}
        self.assertEqual(records["cmterm-7931-sccp.9-4-2SR1-1.zip"]["size"], 5202666)

    # 12. Genuine or not.
    def test_known_name_with_other_bytes_is_a_finding(self):
        data = self.inspect(TESTDATA / "packages" / "cmterm-7941_7961-sccp.9-4-2SR1-1.zip")
        check = data["packages"][0]["authenticity"]
        self.assertEqual(check["status"], "altered")
        self.assertEqual(check["compared"], ["size"])
        self.assertIn("wazo-provd-plugins", check["evidence"])
        self.assertIn("5317438", check["detail"])
        text = fwplan("inspect", TESTDATA / "packages" / "cmterm-7941_7961-sccp.9-4-2SR1-1.zip")
        self.assertIn("NOT the genuine package", text.out)

    def test_genuine_and_unknown(self):
        path = TESTDATA / "packages" / "cmterm-7975-sip.9-4-2SR4-3.zip"
        digest = hashlib.sha1(path.read_bytes()).hexdigest()
        catalog = self.tmp / "genuine.xml"
        catalog.write_text(f'<catalog format="1"><package name="{path.name}" '
                           f'size="{path.stat().st_size}" sha1="{digest}" '
                           f'evidence="a list of our own"/></catalog>')
        data = self.inspect(path, args=("--catalog", catalog))
        check = data["packages"][0]["authenticity"]
        self.assertEqual((check["status"], check["compared"], check["evidence"]),
                         ("genuine", ["size", "sha1"], "a list of our own"))
        unknown = self.inspect(path)["packages"][0]["authenticity"]
        self.assertEqual(unknown["status"], "unknown")
        loose = self.inspect(TESTDATA / "loose" / "SIP41.8-5-4S.loads")
        self.assertIsNone(loose["packages"][0]["authenticity"])


if __name__ == "__main__":
    unittest.main()
