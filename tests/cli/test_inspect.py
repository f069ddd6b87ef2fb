"""fwplan inspect on every testdata package: the right load, family, models, protocol,
version, build and components, and for term files the load they stand for (issue 3)."""
import unittest

from clitest import TESTDATA, CliTest, fwplan

FAMILY_MODELS = {
    "11": ["7906", "7911"],
    "41": ["7941", "7941G-GE", "7961", "7961G-GE"],
    "42": ["7942", "7962"],
    "45": ["7945", "7965"],
    "70": ["7970", "7971"],
    "75": ["7975"],
    "7940_7960": ["7940", "7960"],
    "78xx": ["7811", "7821", "7841", "7861"],
    "894x": ["8941", "8945"],
    "69xx": ["6921", "6941", "6961"],
}

# package -> (load, family, protocol, version, build, number of components, {term file: model})
TNP = {
    "cmterm-7941_7961-sccp.8-3-1.zip": ("SCCP41.8-3-1S", "41", "SCCP", "8.3(1)", "8-3-0-50"),
    "cmterm-7941_7961-sip.8-3-1.zip": ("SIP41.8-3-1S", "41", "SIP", "8.3(1)", "8-3-0-50"),
    "cmterm-7941_7961-sccp.8-5-2.zip": ("SCCP41.8-5-2S", "41", "SCCP", "8.5(2)", "8-5-2TH1-9"),
    "cmterm-7941_7961-sip.8-5-2.zip": ("SIP41.8-5-2S", "41", "SIP", "8.5(2)", "8-5-2TH1-9"),
    "cmterm-7941_7961-sip.8-5-2SR1.zip": ("SIP41.8-5-2SR1S", "41", "SIP", "8.5(2)SR1", "8-5-2ES2"),
    "cmterm-7941_7961-sccp.8-5-4.zip": ("SCCP41.8-5-4S", "41", "SCCP", "8.5(4)", "8-5-4TH1-6"),
    "cmterm-7941_7961-sip.8-5-4.zip": ("SIP41.8-5-4S", "41", "SIP", "8.5(4)", "8-5-4TH1-6"),
    "cmterm-7941_7961-sip.9-2-1.zip": ("SIP41.9-2-1S", "41", "SIP", "9.2(1)", "9-2-1TH1-13"),
    "cmterm-7941_7961-sccp.9-4-2SR1-1.zip": ("SCCP41.9-4-2SR1-1S", "41", "SCCP", "9.4(2)SR1", "9-4-2ES9"),
    "cmterm-7941_7961-sccp.9-4-2SR3-1.zip": ("SCCP41.9-4-2SR3-1S", "41", "SCCP", "9.4(2)SR3", "9-4-2ES26"),
    "cmterm-7941_7961-sip.9-4-2SR3-1.zip": ("SIP41.9-4-2SR3-1S", "41", "SIP", "9.4(2)SR3", "9-4-2ES26"),
    "cmterm-7942_7962-sccp.8-3-1.zip": ("SCCP42.8-3-1S", "42", "SCCP", "8.3(1)", "8-3-0-50"),
    "cmterm-7942_7962-sip.8-5-4.zip": ("SIP42.8-5-4S", "42", "SIP", "8.5(4)", "8-5-4TH1-6"),
    "cmterm-7942_7962-sip.9-4-2SR3-1.zip": ("SIP42.9-4-2SR3-1S", "42", "SIP", "9.4(2)SR3", "9-4-2ES26"),
    "cmterm-7942_7962-sip.9-4-2SR3-1.k3.cop.sgn": ("SIP42.9-4-2SR3-1S", "42", "SIP", "9.4(2)SR3", "9-4-2ES26"),
    "cmterm-7945_7965-sip.8-5-2.zip": ("SIP45.8-5-2S", "45", "SIP", "8.5(2)", "8-5-2TH1-9"),
    "cmterm-7945_7965-sccp.9-4-2SR4-3.zip": ("SCCP45.9-4-2SR4-3S", "45", "SCCP", "9.4(2)SR4", "9-4-2SR4-3"),
    "cmterm-7945_7965-sip.9-4-2SR4-3.zip": ("SIP45.9-4-2SR4-3S", "45", "SIP", "9.4(2)SR4", "9-4-2SR4-3"),
    "cmterm-7970_7971-sccp.8-3-3.zip": ("SCCP70.8-3-3S", "70", "SCCP", "8.3(3)", "8-3-2-27"),
    "cmterm-7970_7971-sip.9-4-2SR3-1.zip": ("SIP70.9-4-2SR3-1S", "70", "SIP", "9.4(2)SR3", "9-4-2ES26"),
    "cmterm-7975-sccp.9-4-2SR4-3.zip": ("SCCP75.9-4-2SR4-3S", "75", "SCCP", "9.4(2)SR4", "9-4-2SR4-3"),
    "cmterm-7975-sip.9-4-2SR4-3.zip": ("SIP75.9-4-2SR4-3S", "75", "SIP", "9.4(2)SR4", "9-4-2SR4-3"),
    "cmterm-7911_7906-sip.8-5-4.zip": ("SIP11.8-5-4S", "11", "SIP", "8.5(4)", "8-5-4TH1-6"),
    "cmterm-7911_7906-sccp.9-4-2SR1-1.zip": ("SCCP11.9-4-2SR1-1S", "11", "SCCP", "9.4(2)SR1", "9-4-2ES9"),
    "cmterm-7911_7906-sip.9-4-2SR3-1.zip": ("SIP11.9-4-2SR3-1S", "11", "SIP", "9.4(2)SR3", "9-4-2ES26"),
}
TERM_FILES = {"41": {"term41.default.loads": "7941", "term61.default.loads": "7961"},
              "42": {"term42.default.loads": "7942", "term62.default.loads": "7962"},
              "45": {"term45.default.loads": "7945", "term65.default.loads": "7965"},
              "70": {"term70.default.loads": "7970", "term71.default.loads": "7971"},
              "75": {"term75.default.loads": "7975"},
              "11": {"term06.default.loads": "7906", "term11.default.loads": "7911"}}
OTHER = {
    "P0S3-05-3-00.zip": ("P0S3-05-3-00", "7940_7960", "SIP", "5.3(0)", ["P003-05-3-00.sbn", "P0S3-05-3-00.sb2"]),
    "P0S3-8-12-00.zip": ("P0S3-8-12-00", "7940_7960", "SIP", "8.12(0)", ["P003-8-12-00.sbn", "P0S3-8-12-00.sb2"]),
    "cmterm-7940-7960-sccp.8-1-2SR2.zip": ("P0030801SR02", "7940_7960", "SCCP", "8.1(2)SR2",
                                           ["P0030801SR02.sbn", "P0030801SR02.sb2"]),
    "cmterm-78xx.14-2-1-0101-26.zip": ("sip78xx.14-2-1-0101-26", "78xx", "SIP", "14.2(1)", None),
    "cmterm-894x-sccp.9-4-2SR1-2.zip": ("SCCP894x.9-4-2SR1-2", "894x", "SCCP", "9.4(2)SR1",
                                        [f"SCCP894x.9-4-2SR1-2.bin{i}.sgn" for i in range(1, 10)]),
    "cmterm-69xx-sip.9-4-1-3SR2.zip": ("SIP69xx.9-4-1-3SR2", "69xx", "SIP", "9.4(1)SR2", None),
}


class Inspect(CliTest):
    def inspect(self, *paths):
        run = fwplan("--json", "inspect", *paths)
        self.assertExit(run, 0)
        return run.json()

    def loads_entry(self, data, load):
        entries = [f for f in data["files"] if f["kind"] == "loads" and f["load"] == load]
        self.assertEqual(len(entries), 1, msg=f"one .loads for {load}")
        return entries[0]

    def test_every_java_79xx_package(self):
        for package, (load, family, protocol, version, build) in TNP.items():
            with self.subTest(package=package):
                data = self.inspect(TESTDATA / "packages" / package)
                entry = self.loads_entry(data, load)
                self.assertEqual(entry["family"], family)
                self.assertEqual(entry["protocol"], protocol)
                self.assertEqual(entry["version"], version)
                self.assertEqual(entry["build"], build)
                self.assertEqual(entry["models"], FAMILY_MODELS[family])
                self.assertEqual(entry["signed_name"], load + ".loads")
                code = load.split(".")[0][len(protocol):]
                proto = protocol.lower()
                expected = [f"jar{code}{proto}.{build}.sbn", f"cnu{code}.{build}.sbn",
                            f"apps{code}.{build}.sbn", f"dsp{code}.{build}.sbn",
                            f"cvm{code}{proto}.{build}.sbn"]
                if package == "cmterm-7941_7961-sip.8-3-1.zip":
                    expected[0] = "Jar41sip.8-3-0-50.sbn"
                self.assertEqual(entry["components"], expected)
                terms = {f["entry"].split("/")[-1]: f for f in data["files"] if f["kind"] == "term-file"}
                self.assertEqual(set(terms), set(TERM_FILES[family]))
                for name, model in TERM_FILES[family].items():
                    self.assertEqual(terms[name]["term_for"], load)
                    self.assertEqual(terms[name]["term_model"], model)
                    self.assertEqual(terms[name]["components"], expected)
                # Every component is there and named by the load.
                components = [f for f in data["files"] if f["kind"] == "component"]
                self.assertEqual(len(components), 5)
                for f in components:
                    self.assertEqual(f["load"], load)

    def test_other_families(self):
        for package, (load, family, protocol, version, components) in OTHER.items():
            with self.subTest(package=package):
                data = self.inspect(TESTDATA / "packages" / package)
                entry = self.loads_entry(data, load)
                self.assertEqual((entry["family"], entry["protocol"], entry["version"]),
                                 (family, protocol, version))
                self.assertEqual(entry["models"], FAMILY_MODELS[family])
                self.assertEqual(entry["missing"], [])
                if components is not None:
                    self.assertEqual(entry["components"], components)
                else:
                    self.assertGreaterEqual(len(entry["components"]), 3)

    def test_case_mismatch_is_reported(self):
        data = self.inspect(TESTDATA / "packages" / "cmterm-7941_7961-sip.8-3-1.zip")
        entry = self.loads_entry(data, "SIP41.8-3-1S")
        self.assertEqual(entry["case_mismatches"],
                         [{"listed": "Jar41sip.8-3-0-50.sbn", "present": "jar41sip.8-3-0-50.sbn"}])
        text = fwplan("inspect", TESTDATA / "packages" / "cmterm-7941_7961-sip.8-3-1.zip")
        self.assertIn("case mismatch", text.out)
        self.assertIn("TFTP is case-sensitive", text.out)

    def test_nested_bundle_and_loose_term_file(self):
        data = self.inspect(TESTDATA / "packages" / "bundle-7941_7961-sip.9-4-2SR3-1.zip")
        self.loads_entry(data, "SIP41.9-4-2SR3-1S")
        # A lone term file stands for the load of a .loads given beside it.
        data = self.inspect(TESTDATA / "loose" / "term41.default.loads", TESTDATA / "loose" / "SIP41.8-5-4S.loads")
        term = [f for f in data["files"] if f["kind"] == "term-file"][0]
        self.assertEqual(term["term_for"], "SIP41.8-5-4S")
        self.assertEqual(term["term_model"], "7941")

    def test_loose_files(self):
        data = self.inspect(TESTDATA / "loose")
        by_name = {f["entry"]: f for f in data["files"]}
        self.assertEqual(by_name["apps41.8-5-4TH1-6.sbn"]["cnu_entries"], 3)
        self.assertEqual(by_name["OS79XX.TXT"]["kind"], "os79xx")
        self.assertEqual(by_name["OS79XX.TXT"]["image_name"], "P003-8-12-00")
        self.assertEqual(by_name["P003-8-12-00.bin"]["image_name"], "P003-8-12-00")
        self.assertEqual(by_name["sip78xx.14-2-1-0101-26.loads"]["envelope"], "le78xx")
        self.assertEqual(by_name["CP7921G-1.4.6.3.LOADS"]["load"], "CP7921G-1.4.6.3")
        for name, version in (("SCCP42.8-3-1S.loads", "8.3(1)"), ("SIP42.9-4-2SR3-1S.loads", "9.4(2)SR3")):
            self.assertEqual(by_name[name]["version"], version)

    def test_renamed_loads_is_reported(self):
        run = fwplan("--json", "inspect", TESTDATA / "broken" / "SIP41.9-4-2SR3-1S.loads")
        self.assertExit(run, 0)
        entry = run.json()["files"][0]
        self.assertEqual(entry["load"], "SIP41.8-5-4S")
        self.assertTrue(any("renamed" in p for p in entry["problems"]), entry["problems"])

    def test_bad_input_exits_3_with_the_reason(self):
        for name, reason in (("zip-slip.zip", "'..' path component"), ("absolute-path.zip", "absolute path"),
                             ("symlink-entry.zip", "symbolic link"), ("device-name-con.zip", "device name"),
                             ("case-duplicates.zip", "differs only in case"), ("crc-mismatch.zip", "CRC"),
                             ("truncated.zip", "not a zip"), ("garbage.zip", "not a zip"),
                             ("bomb-ratio.zip", "bomb"), ("size-lies.zip", "declares")):
            with self.subTest(name=name):
                run = fwplan("inspect", TESTDATA / "hostile" / name)
                self.assertExit(run, 3)
                self.assertIn(f"hostile/{name}", run.err)
                self.assertIn(reason, run.err)
        for name, reason in (("header-length-exceeds-file.loads", "larger than the file"),
                             ("missing-tag2.loads", "header length"),
                             ("tlv-runs-past-header.loads", "past the header length"),
                             ("78xx-sha256-mismatch.loads", "SHA-256"),
                             ("cnu-table-past-end.sbn", "CNU archive"),
                             ("garbage.loads", "binary data")):
            with self.subTest(name=name):
                run = fwplan("inspect", TESTDATA / "broken" / name)
                self.assertExit(run, 3)
                self.assertIn(f"broken/{name}", run.err)
                self.assertIn(reason, run.err)

    def test_json_has_the_design_fields(self):
        data = self.inspect(TESTDATA / "packages" / "cmterm-7941_7961-sip.9-4-2SR3-1.zip")
        for f in data["files"]:
            for key in ("path", "kind", "signed_name", "load"):
                self.assertIn(key, f)
        entry = self.loads_entry(data, "SIP41.9-4-2SR3-1S")
        for key in ("protocol", "family", "models", "version", "build", "components"):
            self.assertIn(key, entry)


if __name__ == "__main__":
    unittest.main()
