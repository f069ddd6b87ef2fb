"""fwplan emit: one phone or a fleet, one folder per step and load, only loadInformation and
deviceProtocol change, bad rows cost only themselves, passwords never show."""
import json
import unittest
import xml.etree.ElementTree as ET

from clitest import TESTDATA, CliTest, fwplan

README_PHONE = ("--mac", "00:80:41:ae:fd:7e", "--model", "7941", "--from", "SCCP41.8-3-1S",
                "--to", "SIP41.9-4-2SR3-1S")
FRITZBOX = TESTDATA / "templates" / "7941-sip-fritzbox.cnf.xml"
STEPS_7941 = {"step-1-SCCP41.8-5-2S": ("SCCP41.8-5-2S", "SCCP"),
              "step-2-SIP41.9-4-2SR3-1S": ("SIP41.9-4-2SR3-1S", "SIP")}
STEPS_7960 = ("step-1-P0S3-06-0-00", "step-2-P0S3-07-4-00", "step-3-P0S3-8-12-00")
# What a step changes: the load, the protocol, and the versionStamp that tells the phone the
# file changed (issue 13, point 6).
CHANGED = {"loadInformation", "deviceProtocol", "versionStamp"}


def differences(a, b, path="device"):
    """Where two element trees differ, walking them element by element: tag, attributes,
    text and tail (whitespace included) and the number of children."""
    found = []
    if a.tag != b.tag:
        return [f"{path}: <{a.tag}> vs <{b.tag}>"]
    if a.attrib != b.attrib:
        found.append(f"{path}: attributes {a.attrib} vs {b.attrib}")
    if (a.text or "") != (b.text or ""):
        found.append(f"{path}: text {a.text!r} vs {b.text!r}")
    if (a.tail or "") != (b.tail or ""):
        found.append(f"{path}: tail {a.tail!r} vs {b.tail!r}")
    if len(a) != len(b):
        found.append(f"{path}: {len(a)} vs {len(b)} children")
    for i, (x, y) in enumerate(zip(a, b)):
        found += differences(x, y, f"{path}/{x.tag}[{i}]")
    return found


def top_level_changes(template, generated):
    """The names of the direct children of <device> whose subtree differs."""
    diffs = differences(template, generated)
    return {d.split("/")[1].split("[")[0] if "/" in d.split(":")[0] else "device" for d in diffs}


def csv_row(*fields):
    return ",".join(fields) + "\r\n"


class EmitOnePhone(CliTest):
    def emit(self, *extra):
        out = self.tmp / "out"
        run = fwplan("emit", *README_PHONE, "--out", out, *extra)
        self.assertExit(run, 0)
        return out, run

    def check_7941_steps(self, out, template):
        self.assertEqual(sorted(p.name for p in out.iterdir() if p.is_dir()), sorted(STEPS_7941))
        for folder, (load, protocol) in STEPS_7941.items():
            path = out / folder / "SEP008041AEFD7E.cnf.xml"
            generated = ET.parse(path).getroot()  # parses
            self.assertEqual(generated.findtext("loadInformation"), load)
            self.assertEqual(generated.findtext("deviceProtocol"), protocol)
            changed = top_level_changes(template, generated)
            self.assertLessEqual(changed, CHANGED, msg=f"{folder}: {differences(template, generated)}")
            self.assertIn((out / folder / "FILES.txt").read_text().splitlines()[-1].split(".")[0],
                          (load.split(".")[0], "cvm41sip", "cvm41sccp"))
        stamps = {ET.parse(out / folder / "SEP008041AEFD7E.cnf.xml").getroot().findtext("versionStamp")
                  for folder in STEPS_7941}
        self.assertEqual(len(stamps), len(STEPS_7941), msg="each step's file has its own versionStamp")

    def test_readme_phone_with_the_fritzbox_template(self):
        out, run = self.emit("--template", FRITZBOX)
        self.check_7941_steps(out, ET.parse(FRITZBOX).getroot())
        self.assertIn("step-1-SCCP41.8-5-2S", run.out)
        self.assertIn("created", run.out)
        # The SIP step of the FritzBox sample has nothing to warn about.
        self.assertNotIn("fwplan.config.", run.out)

    def test_readme_phone_with_the_built_in_template(self):
        out, run = self.emit("--sip-server", "192.168.178.1")
        step2 = ET.parse(out / "step-2-SIP41.9-4-2SR3-1S" / "SEP008041AEFD7E.cnf.xml").getroot()
        # The two steps are the same file but for the two elements a step changes.
        self.check_7941_steps(out, step2)
        self.assertEqual(step2.findtext("devicePool/callManagerGroup/members/member/callManager/"
                                         "processNodeName"), "192.168.178.1")
        # No line given: the lints say so, with their codes.
        self.assertIn("fwplan.config.no-line", run.out)

    def test_second_run_is_unchanged_and_a_changed_setting_is_a_conflict(self):
        out, _ = self.emit("--template", FRITZBOX)
        before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
        again = fwplan("emit", *README_PHONE, "--out", out, "--template", FRITZBOX)
        self.assertExit(again, 0)
        self.assertNotIn("created", again.out)
        self.assertIn("unchanged", again.out)

        clash = fwplan("emit", *README_PHONE, "--out", out, "--sip-server", "10.0.0.1")
        self.assertExit(clash, 1)
        self.assertIn("step-1-SCCP41.8-5-2S/SEP008041AEFD7E.cnf.xml", clash.err)
        self.assertIn("--force", clash.err)
        self.assertIn("nothing was written", clash.err)
        self.assertEqual({p: p.read_bytes() for p in out.rglob("*") if p.is_file()}, before)

        forced = fwplan("emit", *README_PHONE, "--out", out, "--sip-server", "10.0.0.1", "--force")
        self.assertExit(forced, 0)
        self.assertIn("replaced", forced.out)
        self.assertTrue((out / "step-1-SCCP41.8-5-2S" / "SEP008041AEFD7E.cnf.xml.bak").exists())

    def test_7960_gets_sip_files_naming_the_same_load_in_every_step(self):
        out = self.tmp / "out"
        run = fwplan("emit", "--mac", "0019.e8f4.1234", "--model", "7960", "--from", "P0S3-05-3-00",
                     "--to", "P0S3-8-12-00", "--sip-server", "192.168.1.1", "--line-name", "601",
                     "--out", out)
        self.assertExit(run, 0)
        self.assertEqual(sorted(p.name for p in out.iterdir() if p.is_dir()), list(STEPS_7960))
        for folder in STEPS_7960:
            load = folder.split("-", 2)[2]
            step = out / folder
            self.assertEqual(ET.parse(step / "SEP0019E8F41234.cnf.xml").getroot()
                             .findtext("loadInformation"), load)
            for cnf in ("SIP0019E8F41234.cnf", "SIPDefault.cnf"):
                self.assertIn(f"image_version: {load}\n", (step / cnf).read_text(), msg=cnf)
            self.assertEqual((step / "OS79XX.TXT").read_bytes(), b"P003" + load[4:].encode() + b"\r\n")
            self.assertTrue((step / "dialplan.xml").is_file())  # SIPDefault.cnf names it
            # A factory-fresh 7960 (SCCP 3.x, SIP 4.x) cannot take these loads in one step:
            # no XMLDefault.cnf.xml sends it there (issue 13, point 5).
            self.assertFalse((step / "XMLDefault.cnf.xml").exists())
        self.assertIn("fwplan.fleet.xml-default-unreachable", run.out)

    def test_passwords_come_from_a_file_or_the_environment_and_are_never_shown(self):
        secret = "S3cr3t!x"
        (self.tmp / "pw").write_text(secret + "\n")
        for how in (("--password-file", self.tmp / "pw"), ("--password-env", "FWPLAN_TEST_PW")):
            out = self.tmp / ("out-" + how[0].strip("-"))
            run = fwplan("emit", *README_PHONE, "--out", out, "--line-name", "620", *how,
                         env={"FWPLAN_TEST_PW": secret})
            self.assertExit(run, 0)
            self.assertNotIn(secret, run.out + run.err)
            self.assertIn(f"<authPassword>{secret}</authPassword>",
                          (out / "step-2-SIP41.9-4-2SR3-1S" / "SEP008041AEFD7E.cnf.xml").read_text())
            self.assertNotIn(secret, (out / "plan.txt").read_text() + (out / "plan.json").read_text())
        both = fwplan("emit", *README_PHONE, "--out", self.tmp / "x", "--password-file",
                      self.tmp / "pw", "--password-env", "FWPLAN_TEST_PW")
        self.assertExit(both, 2)

    def test_bad_input_is_exit_3_and_writes_nothing(self):
        bad_template = self.tmp / "bad.cnf.xml"
        bad_template.write_text("<device><loadInformation></device>")
        out = self.tmp / "out"
        run = fwplan("emit", *README_PHONE, "--out", out, "--template", bad_template)
        self.assertExit(run, 3)
        self.assertIn("not well-formed XML at line 1", run.err)
        self.assertFalse(out.exists())
        mac = fwplan("emit", "--mac", "00:80:41:ae:fd", "--model", "7941", "--out", out)
        self.assertExit(mac, 3)
        self.assertIn("fwplan.mac.malformed", mac.err)
        self.assertFalse(out.exists())

    def test_a_plan_that_cannot_be_made_is_exit_1(self):
        out = self.tmp / "out"
        run = fwplan("emit", *README_PHONE[:4], "--from", "SCCP41.8-3-1S", "--to",
                     "SIP42.9-4-2SR3-1S", "--out", out)
        self.assertIn(run.code, (1, 3))  # a load of another family: bad input
        self.assertIn("fwplan: error:", run.err)
        self.assertFalse(out.exists())

    def test_usage_errors(self):
        self.assertExit(fwplan("emit", "--out", self.tmp / "o"), 2)  # neither --mac nor --fleet
        fleet = self.tmp / "f.csv"
        fleet.write_text("mac,model,load\n")
        self.assertExit(fwplan("emit", "--fleet", fleet, "--model", "7941", "--out", self.tmp / "o"), 2)

    def test_json_output_parses(self):
        out = self.tmp / "out"
        run = fwplan("--json", "emit", *README_PHONE, "--out", out)
        self.assertExit(run, 0)
        report = run.json()
        self.assertTrue(report["ok"])
        self.assertEqual(report["phones"][0]["loads"], ["SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"])
        self.assertEqual(report["phones"][0]["mac"], "00:80:41:ae:fd:7e")
        self.assertIn({"path": "step-1-SCCP41.8-5-2S/SEP008041AEFD7E.cnf.xml", "outcome": "created",
                       "backup": ""}, report["files"])
        # plan.json is the same document without what this run did.
        plan = json.loads((out / "plan.json").read_text())
        for key in ("ok", "files", "conflicts"):
            report.pop(key)
        self.assertEqual(plan, report)


class EmitFleet(CliTest):
    PASSWORD = "Pw-9z!q"

    def write_fleet(self):
        """1,000 rows, deterministic: 7941s from 8.3(1) (2 steps), 7961s from 8.5(4) (1 step),
        7960s on SIP 5.3 (3 steps), and ten broken rows, each broken in its own way."""
        header = ["mac", "model", "load", "target", "line_name", "display_name", "password"]
        breakages = [  # (code, how the row is broken)
            ("fwplan.mac.malformed", lambda r: r.__setitem__(0, "00:80:41:zz:00:01")),
            ("fwplan.model.unknown", lambda r: r.__setitem__(1, "7999")),
            ("fwplan.load-id.malformed", lambda r: r.__setitem__(2, "SCCP41.8-3")),
            ("fwplan.fleet.csv-fields", lambda r: r.pop()),
            ("fwplan.fleet.duplicate-mac", lambda r: r.__setitem__(0, "00:80:41:a0:00:00")),
            ("fwplan.fleet.bad-target", lambda r: r.__setitem__(3, "SIP7")),
            ("fwplan.fleet.csv-quote", lambda r: r.__setitem__(5, 'Desk "5"')),
            ("fwplan.fleet.missing-value", lambda r: r.__setitem__(2, "")),
            ("fwplan.plan.wrong-family", lambda r: r.__setitem__(3, "SIP42.9-4-2SR3-1S")),
            ("fwplan.config.bad-setting", lambda r: r.__setitem__(6, self.PASSWORD + "\t")),
        ]
        kinds = [("7941", "SCCP41.8-3-1S", 2), ("7961", "SCCP41.8-5-4S", 1),
                 ("7960", "P0S3-05-3-00", 3)]
        rows = [csv_row(*header)]
        expected = {}  # mac -> (model, steps) of the good rows
        broken = {}    # line -> code
        for i in range(1000):
            line = i + 2
            mac = "00:80:41:a0:%02x:%02x" % (i >> 8, i & 0xFF)
            model, load, steps = kinds[i % 3]
            row = [mac, model, load, "SIP", str(1000 + i), f'"Desk {i}, room {i % 50}"',
                   self.PASSWORD]
            if i % 100 == 50:
                code, breakage = breakages[i // 100]
                breakage(row)
                broken[line] = code
            else:
                expected[mac] = (model, steps)
            rows.append(csv_row(*row))
        path = self.tmp / "fleet.csv"
        path.write_text("".join(rows), newline="")
        return path, expected, broken

    def test_a_thousand_phones_with_ten_broken_rows(self):
        fleet, expected, broken = self.write_fleet()
        out = self.tmp / "out"
        run = fwplan("emit", "--fleet", fleet, "--out", out, "--sip-server", "10.1.1.1")
        self.assertExit(run, 1)
        self.assertNotIn(self.PASSWORD, run.out + run.err)
        self.assertIn(f"10 of 1000 rows of {fleet} failed", run.err)
        for line, code in broken.items():
            self.assertRegex(run.out, rf"line {line}\b.*\[{code}\]", msg=f"line {line}")
        # The per-model table.
        self.assertRegex(run.out, r"7941\s+3[23][0-9] phones take 2 steps")
        self.assertRegex(run.out, r"7961\s+3[23][0-9] phones take 1 step\b")
        self.assertRegex(run.out, r"7960\s+3[23][0-9] phones take 3 steps")

        # Files of every good row, and none of the broken ones.
        for mac, (model, steps) in expected.items():
            sep = "SEP" + mac.replace(":", "").upper() + ".cnf.xml"
            found = sorted(p.parent.name for p in out.glob("step-*/" + sep))
            self.assertEqual(len(found), steps, msg=mac)
            self.assertEqual([f.split("-")[1] for f in found], [str(n + 1) for n in range(steps)])
        all_seps = list(out.glob("step-*/SEP*.cnf.xml"))
        self.assertEqual(len(all_seps), sum(s for _, s in expected.values()))
        self.assertNotIn(self.PASSWORD, (out / "plan.txt").read_text())

        plan = json.loads((out / "plan.json").read_text())
        self.assertEqual(plan["rows"], 1000)
        self.assertEqual(plan["failed_rows"], 10)
        self.assertEqual(plan["planned"], 990)
        failed = {f["line"]: f["code"] for f in plan["failed"]}
        self.assertEqual(set(failed), set(broken))
        self.assertEqual(failed, broken)
        by_model = {m["model"]: m for m in plan["models"]}
        self.assertEqual([b["steps"] for b in by_model["7960"]["by_steps"]], [3])

        # --json prints the same, and parses; a second run changes nothing.
        again = fwplan("--json", "emit", "--fleet", fleet, "--out", out, "--sip-server", "10.1.1.1")
        self.assertExit(again, 1)
        report = again.json()
        self.assertEqual(report["failed"], plan["failed"])
        self.assertEqual({f["outcome"] for f in report["files"]}, {"unchanged"})
        self.assertNotIn(self.PASSWORD, again.out + again.err)

    def test_the_example_fleet(self):
        out = self.tmp / "out"
        run = fwplan("emit", "--fleet", TESTDATA / "fleet" / "example-fleet.csv", "--out", out)
        self.assertExit(run, 1)
        plan = json.loads((out / "plan.json").read_text())
        self.assertEqual([f["line"] for f in plan["failed"]], [8, 13, 14, 16])
        self.assertEqual(plan["planned"], 9)
        self.assertIn("column 8 'room' is not one fwplan reads", run.err)

    def test_when_every_row_fails_nothing_is_written(self):
        fleet = self.tmp / "bad.csv"
        fleet.write_text("mac,model,load\n00:80:41:ae:fd,7941,SCCP41.8-3-1S\n"
                         "00:80:41:ae:fd:7e,7999,SCCP41.8-3-1S\n")
        out = self.tmp / "out"
        run = fwplan("emit", "--fleet", fleet, "--out", out)
        self.assertExit(run, 1)
        self.assertIn("Nothing was written", run.out)
        self.assertRegex(run.out, r"line 2 .*fwplan\.mac\.malformed")
        self.assertRegex(run.out, r"line 3 .*fwplan\.model\.unknown")
        self.assertFalse(out.exists())

    def test_an_output_folder_with_a_trailing_slash(self):
        fleet = self.tmp / "one.csv"
        fleet.write_text("mac,model,load\n00:80:41:ae:fd:7e,7961,SCCP41.8-5-4S\n")
        run = fwplan("--json", "emit", "--fleet", fleet, "--out", f"{self.tmp / 'out'}/")
        self.assertExit(run, 0)
        self.assertEqual(sorted(f["path"] for f in run.json()["files"]),
                         ["plan.json", "plan.txt", "step-1-SIP41.9-4-2SR3-1S/FILES.txt",
                          "step-1-SIP41.9-4-2SR3-1S/SEP008041AEFD7E.cnf.xml",
                          "step-1-SIP41.9-4-2SR3-1S/dialplan.xml"])

    def test_an_unreadable_or_headless_csv_is_bad_input(self):
        utf16 = self.tmp / "utf16.csv"
        utf16.write_bytes("mac,model,load\n".encode("utf-16"))
        run = fwplan("emit", "--fleet", utf16, "--out", self.tmp / "out")
        self.assertExit(run, 3)
        self.assertIn("fwplan.fleet.csv-encoding", run.err)
        headless = self.tmp / "headless.csv"
        headless.write_text("mac,model\n00:80:41:ae:fd:7e,7941\n")
        run = fwplan("emit", "--fleet", headless, "--out", self.tmp / "out")
        self.assertExit(run, 3)
        self.assertIn("no load column", run.err)
        self.assertFalse((self.tmp / "out").exists())


class EmitForTheGuide(CliTest):
    """Issue 13: the options the guide shows for a FritzBox in Germany do what they say."""

    def emit(self, *extra, code=0):
        out = self.tmp / "out"
        run = fwplan("emit", *README_PHONE, "--out", out, *extra)
        self.assertExit(run, code)
        return out, run

    def test_the_dial_plan_a_config_names_is_written(self):
        # Point 1: every SEP file names dialplan.xml; the folder holds one.
        out, _ = self.emit("--sip-server", "192.168.178.1")
        for folder in STEPS_7941:
            sep = ET.parse(out / folder / "SEP008041AEFD7E.cnf.xml").getroot()
            self.assertEqual(sep.findtext("sipProfile/dialTemplate"), "dialplan.xml")
            plan = ET.parse(out / folder / "dialplan.xml").getroot()
            self.assertEqual(plan.tag, "DIALTEMPLATE")
        # Your own, under the name the config gives; or none.
        mine = TESTDATA / "templates" / "dialplan-de.xml"
        out2 = self.tmp / "own"
        run = fwplan("emit", *README_PHONE, "--out", out2, "--dialplan", mine)
        self.assertExit(run, 0)
        self.assertEqual((out2 / "step-2-SIP41.9-4-2SR3-1S" / "dialplan.xml").read_bytes(),
                         mine.read_bytes())
        out3 = self.tmp / "none"
        self.assertExit(fwplan("emit", *README_PHONE, "--out", out3, "--no-dialplan"), 0)
        self.assertFalse(list(out3.rglob("dialplan.xml")))
        # A file that is no dial plan is refused, naming it.
        bad = self.tmp / "plan.xml"
        bad.write_text("<device/>")
        run = fwplan("emit", *README_PHONE, "--out", self.tmp / "bad", "--dialplan", bad)
        self.assertExit(run, 3)
        self.assertIn("fwplan.config.dial-plan", run.err)
        self.assertIn(str(bad), run.err)
        self.assertFalse((self.tmp / "bad").exists())

    def test_a_time_zone_by_its_iana_name(self):
        # Point 2: Europe/Berlin becomes Cisco's name; a typo is refused with the closest one.
        out, _ = self.emit("--time-zone", "Europe/Berlin", "--ntp-server", "192.168.178.1")
        sep = ET.parse(out / "step-2-SIP41.9-4-2SR3-1S" / "SEP008041AEFD7E.cnf.xml").getroot()
        self.assertEqual(sep.findtext("devicePool/dateTimeSetting/timeZone"),
                         "W. Europe Standard/Daylight Time")
        self.assertEqual(sep.findtext("devicePool/dateTimeSetting/ntps/ntp/name"), "192.168.178.1")
        _, typo = self.emit("--time-zone", "Europe/Berln", code=3)
        self.assertIn("fwplan.config.unknown-time-zone", typo.err)
        self.assertIn("did you mean Europe/Berlin (W. Europe Standard/Daylight Time)?", typo.err)
        self.assertIn("fwplan catalog --time-zones", typo.err)
        listing = fwplan("catalog", "--time-zones")
        self.assertExit(listing, 0)
        self.assertIn("W. Europe Standard/Daylight Time", listing.out)
        self.assertIn("Europe/Berlin", listing.out)

    def test_a_7960_gets_the_time_zone_in_sipdefault(self):
        # Point 2: the zone reaches SIPDefault.cnf, with the EU's summer time.
        out = self.tmp / "out"
        run = fwplan("emit", "--mac", "0019.e8f4.1234", "--model", "7960", "--from",
                     "P0S3-07-4-00", "--time-zone", "Europe/Berlin", "--out", out)
        self.assertExit(run, 0)
        cnf = (out / "step-1-P0S3-8-12-00" / "SIPDefault.cnf").read_text()
        self.assertIn("time_zone: CET\n", cnf)
        self.assertIn("dst_start_month: Mar\n", cnf)
        self.assertIn("dst_stop_month: Oct\n", cnf)
        tokyo = fwplan("emit", "--mac", "0019.e8f4.1234", "--model", "7960", "--from",
                       "P0S3-07-4-00", "--time-zone", "Asia/Tokyo", "--out", self.tmp / "jp")
        self.assertExit(tokyo, 0)
        self.assertIn("fwplan.config.time-zone-not-for-7960", tokyo.out)

    def test_settings_besides_a_template_are_named_not_dropped(self):
        # Point 3.
        pw = self.tmp / "pw"
        pw.write_text("K7w2p9Qz\n")
        _, run = self.emit("--template", FRITZBOX, "--sip-server", "192.168.178.1",
                           "--line-name", "620", "--password-file", pw)
        self.assertIn("fwplan.fleet.template-settings-unused", run.out)
        self.assertIn("the SIP server 192.168.178.1", run.out)
        self.assertIn("line 1's name, password", run.out)
        self.assertNotIn("K7w2p9Qz", run.out + run.err)

    def test_xml_default_only_where_a_factory_phone_can_take_the_load(self):
        # Point 5: step 2's load (SIP 9.4(2)SR3) is beyond a 7941 on its factory load.
        out, run = self.emit("--sip-server", "192.168.178.1")
        self.assertIn("SCCP41.8-5-2S</loadInformation115>",
                      (out / "step-1-SCCP41.8-5-2S" / "XMLDefault.cnf.xml").read_text())
        self.assertFalse((out / "step-2-SIP41.9-4-2SR3-1S" / "XMLDefault.cnf.xml").exists())
        self.assertIn("fwplan.fleet.xml-default-unreachable", run.out)

    def test_files_txt_names_every_component_without_firmware(self):
        # Point 7: no --firmware, no build ID in the knowledge base: patterns, not the
        # .loads alone.
        out, _ = self.emit()
        files = (out / "step-1-SCCP41.8-5-2S" / "FILES.txt").read_text().splitlines()
        listed = [line for line in files if not line.startswith("#")]
        self.assertEqual(listed, ["SCCP41.8-5-2S.loads", "jar41sccp.*.sbn", "cnu41.*.sbn",
                                  "apps41.*.sbn", "dsp41.*.sbn", "cvm41sccp.*.sbn"])

    def test_files_txt_has_the_bin_a_7960_on_unsigned_sip_needs(self):
        out = self.tmp / "out"
        run = fwplan("emit", "--mac", "0019.e8f4.1234", "--model", "7960", "--from",
                     "P0S3-04-4-00", "--out", out, "--firmware", TESTDATA / "packages")
        self.assertExit(run, 0)
        listed = [line for line in (out / "step-1-P0S3-05-3-00" / "FILES.txt").read_text()
                  .splitlines() if not line.startswith("#")]
        self.assertIn("P003-05-3-00.bin", listed)
        self.assertIn("P003-05-3-00.sbn", listed)


if __name__ == "__main__":
    unittest.main()
