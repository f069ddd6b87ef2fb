"""fwplan stage and fwplan check (issue 6): the Done-when scenario of two 7941 packages
meeting in one TFTP root, the exit codes and the JSON shapes."""
import os
import stat
import subprocess
import unittest
import zipfile

from clitest import TESTDATA, CliTest, fwplan

PACKAGES = TESTDATA / "packages"
SCCP = PACKAGES / "cmterm-7941_7961-sccp.8-5-2.zip"
SIP = PACKAGES / "cmterm-7941_7961-sip.9-4-2SR3-1.zip"


def naive_unzip(package, root):
    """What people do: unzip every package into the root, folders flattened, the later one
    silently overwriting files of the same name."""
    with zipfile.ZipFile(package) as z:
        for info in z.infolist():
            if info.is_dir():
                continue
            (root / os.path.basename(info.filename)).write_bytes(z.read(info))


def listing(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


class DoneWhen(CliTest):
    def test_check_names_the_clash_of_a_naive_unzip(self):
        root = self.tmp / "root"
        root.mkdir()
        naive_unzip(SCCP, root)
        naive_unzip(SIP, root)
        run = fwplan("check", root)
        self.assertExit(run, 0)  # several loads of a family is legitimate: a warning
        self.assertIn("term41.default.loads", run.out)
        self.assertIn("a factory-reset 7941 installs it", run.out)
        self.assertIn("SCCP41.8-5-2S", run.out)
        self.assertIn("fwplan.check.term-several-loads", run.out)

        # Told which packages were meant for the root, the clash is an error.
        run = fwplan("--json", "check", root, "--firmware", SCCP, "--firmware", SIP)
        self.assertExit(run, 1)
        findings = run.json()["findings"]
        clash = [f for f in findings if f["code"] == "fwplan.check.term-clash"]
        self.assertEqual(sorted(f["path"] for f in clash),
                         ["term41.default.loads", "term61.default.loads"])
        for f in clash:
            self.assertEqual(f["severity"], "error")
            self.assertIn("installs SIP41.9-4-2SR3-1S", f["message"])

    def test_stage_without_factory_default_writes_nothing(self):
        root = self.tmp / "root"
        root.mkdir()
        run = fwplan("stage", "--tftp-root", root, SCCP, SIP)
        self.assertExit(run, 1)
        self.assertEqual(listing(root), [])
        self.assertIn("SCCP41.8-5-2S", run.err)
        self.assertIn("SIP41.9-4-2SR3-1S", run.err)
        self.assertIn("--factory-default", run.err)
        self.assertIn("nothing was written", run.err)

        run = fwplan("--json", "stage", "--tftp-root", root, SCCP, SIP)
        self.assertExit(run, 1)
        doc = run.json()
        self.assertFalse(doc["committed"])
        self.assertEqual(doc["error"]["code"], "fwplan.stage.conflict")
        names = sorted(c["name"] for c in doc["conflicts"])
        self.assertEqual(names, ["term41.default.loads", "term61.default.loads"])
        for c in doc["conflicts"]:
            self.assertTrue(c["term_file"])
            self.assertEqual(len(c["candidates"]), 2)
        self.assertEqual(listing(root), [])

    def test_stage_with_factory_default_then_check_is_clean(self):
        root = self.tmp / "root"
        root.mkdir()
        run = fwplan("stage", "--tftp-root", root, "--factory-default", "SIP41.9-4-2SR3-1S",
                     SCCP, SIP)
        self.assertExit(run, 0)
        self.assertIn("created 14", run.out)
        self.assertIn("term41.default.loads -> SIP41.9-4-2SR3-1S", run.out)
        with zipfile.ZipFile(SIP) as z:
            self.assertEqual((root / "term41.default.loads").read_bytes(),
                             z.read("term41.default.loads"))
        for path in root.iterdir():
            if not path.name.startswith("."):
                self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o644, path.name)

        run = fwplan("--json", "check", root)
        self.assertExit(run, 0)
        doc = run.json()
        self.assertEqual(doc["counts"]["error"], 0)
        for f in doc["findings"]:
            self.assertEqual(set(f), {"code", "severity", "path", "message"})
            self.assertIn(f["severity"], ("error", "warning", "info"))

        # Again: nothing to do.
        run = fwplan("--json", "stage", "--tftp-root", root, "--factory-default",
                     "SIP41.9-4-2SR3-1S", SCCP, SIP)
        self.assertExit(run, 0)
        doc = run.json()
        self.assertFalse(doc["committed"])
        self.assertEqual(doc["counts"], {"create": 0, "replace": 0, "skip": 14, "conflict": 0})

        # Undo takes it all back.
        run = fwplan("--json", "stage", "--tftp-root", root, "--undo")
        self.assertExit(run, 0)
        self.assertEqual({f["action"] for f in run.json()["files"]}, {"removed"})
        self.assertEqual([p for p in listing(root) if not p.startswith(".")], [])
        self.assertExit(fwplan("stage", "--tftp-root", root, "--undo"), 1)


class Stage(CliTest):
    def test_json_shape_and_dry_run(self):
        root = self.tmp / "root"
        root.mkdir()
        run = fwplan("--json", "stage", "--dry-run", "--tftp-root", root, SIP)
        self.assertExit(run, 0)
        doc = run.json()
        self.assertTrue(doc["dry_run"])
        self.assertEqual(doc["counts"]["create"], 8)
        f = doc["files"][0]
        for key in ("name", "action", "package", "entry", "size", "crc32", "renamed_from",
                    "term_for", "reason"):
            self.assertIn(key, f)
        self.assertEqual(listing(root), [])

    def test_differing_file_needs_force(self):
        root = self.tmp / "root"
        root.mkdir()
        (root / "apps41.9-4-2ES26.sbn").write_bytes(b"not the same")
        run = fwplan("stage", "--tftp-root", root, SIP)
        self.assertExit(run, 1)
        self.assertIn("--force", run.err)
        run = fwplan("stage", "--tftp-root", root, "--force", SIP)
        self.assertExit(run, 0)
        self.assertIn("replaced 1", run.out)

    def test_bad_input_and_usage(self):
        root = self.tmp / "root"
        root.mkdir()
        self.assertExit(fwplan("stage", "--tftp-root", root, TESTDATA / "hostile/zip-slip.zip"), 3)
        self.assertEqual(listing(root), [])
        self.assertExit(fwplan("stage", "--tftp-root", root), 2)
        self.assertExit(fwplan("stage", "--tftp-root", root, "--factory-default", "nonsense", SIP), 2)
        self.assertExit(fwplan("stage", "--tftp-root", self.tmp / "missing", SIP), 4)


class Check(CliTest):
    def test_errors_come_first_and_exit_1(self):
        root = self.tmp / "root"
        root.mkdir()
        naive_unzip(SIP, root)
        (root / "dsp41.9-4-2ES26.sbn").unlink()
        (root / "SEP001122334455.cnf.xml").write_text(
            "<device><loadInformation>SIP41.9-9-9S</loadInformation></device>")
        run = fwplan("check", root)
        self.assertExit(run, 1)
        self.assertLess(run.out.index("error"), run.out.index("warning"))
        run = fwplan("--json", "check", root)
        codes = {f["code"] for f in run.json()["findings"]}
        self.assertIn("fwplan.check.loads-missing-component", codes)
        self.assertIn("fwplan.check.term-incomplete", codes)
        self.assertIn("fwplan.check.config-unknown-load", codes)

    def test_a_config_the_phone_cannot_reach_in_one_step(self):
        root = self.tmp / "root"
        root.mkdir()
        self.assertExit(fwplan("stage", "--tftp-root", root, "--factory-default", "SIP41.9-4-2SR3-1S",
                               TESTDATA / "packages" / "cmterm-7941_7961-sccp.8-5-2.zip",
                               TESTDATA / "packages" / "cmterm-7941_7961-sip.9-4-2SR3-1.zip"), 0)
        out = self.tmp / "configs"
        self.assertExit(fwplan("emit", "--mac", "00:80:41:ae:fd:7e", "--model", "7941", "--from",
                               "SCCP41.8-3-1S", "--out", out), 0)
        fleet = self.tmp / "fleet.csv"
        fleet.write_text("mac,model,load\n00:80:41:ae:fd:7e,7941,SCCP41.8-3-1S\n")
        # Step 1's config: reachable. The final config straight away: not (J-01/J-04).
        for step, expect_error in (("step-1-SCCP41.8-5-2S", False), ("step-2-SIP41.9-4-2SR3-1S", True)):
            with self.subTest(step=step):
                (root / "SEP008041AEFD7E.cnf.xml").write_bytes((out / step / "SEP008041AEFD7E.cnf.xml").read_bytes())
                run = fwplan("--json", "check", root, "--fleet", fleet)
                codes = [f["code"] for f in run.json()["findings"]]
                self.assertEqual("fwplan.check.config-unreachable" in codes, expect_error, codes)
                self.assertExit(run, 1 if expect_error else 0)
        text = fwplan("check", root, "--fleet", fleet)
        self.assertIn("cannot go straight to SIP41.9-4-2SR3-1S", text.out)
        self.assertIn("J-01", text.out)

    def test_missing_root(self):
        self.assertExit(fwplan("check", self.tmp / "missing"), 4)



class Newcomer(CliTest):
    """Issue 13, points 9-11 as a user meets them."""

    def setUp(self):
        super().setUp()
        self.root = self.tmp / "tftp"
        self.root.mkdir()
        self.root.chmod(0o755)

    def test_an_incomplete_package_is_refused_unless_allowed(self):
        cut = self.tmp / "cmterm-7941_7961-sccp.8-5-2.zip"
        with zipfile.ZipFile(SCCP) as src, zipfile.ZipFile(cut, "w") as dst:
            for info in src.infolist():
                if not info.filename.startswith("dsp41"):
                    dst.writestr(info, src.read(info))
        run = fwplan("stage", "--tftp-root", self.root, cut)
        self.assertExit(run, 1)
        self.assertIn("fwplan.stage.incomplete", run.err)
        self.assertIn("dsp41.8-5-2TH1-9.sbn", run.err)
        self.assertIn("--allow-incomplete", run.err)
        self.assertEqual(listing(self.root), [])
        self.assertExit(fwplan("stage", "--tftp-root", self.root, "--allow-incomplete", cut), 0)
        self.assertIn("loads-missing-component", fwplan("check", self.root).out)

    def test_stage_and_check_speak_of_the_root_the_same_way(self):
        self.assertExit(fwplan("stage", "--tftp-root", self.root, "--factory-default",
                               "SIP41.9-4-2SR3-1S", SCCP, SIP), 0)
        again = fwplan("stage", "--tftp-root", self.root, "--factory-default", "SCCP41.8-5-2S",
                       SCCP, SIP)
        self.assertExit(again, 0)
        self.assertIn("stood for SIP41.9-4-2SR3-1S", again.out)
        self.assertNotIn("unknown load", again.out)
        self.assertExit(fwplan("stage", "--tftp-root", self.root, "--undo"), 0)
        check = fwplan("--json", "check", self.root)
        several = [f for f in check.json()["findings"]
                   if f["code"] == "fwplan.check.term-several-loads"]
        self.assertTrue(several)
        self.assertTrue(all(f["severity"] == "info" for f in several), several)
        self.assertExit(fwplan("stage", "--tftp-root", self.root, "--undo"), 0)
        self.assertEqual(listing(self.root), [])  # no .fwplan-backup/, no .fwplan-state

    def test_check_names_a_missing_root_as_stage_does(self):
        missing = self.tmp / "no-such-root"
        for run in (fwplan("check", missing), fwplan("stage", "--tftp-root", missing, SIP)):
            self.assertExit(run, 4)
            self.assertIn(f"{missing}: does not exist", run.err)
        a_file = self.tmp / "a-file"
        a_file.write_text("")
        for run in (fwplan("check", a_file), fwplan("stage", "--tftp-root", a_file, SIP)):
            self.assertExit(run, 4)
            self.assertIn(f"{a_file}: is not a folder", run.err)

    @unittest.skipUnless(hasattr(os, "geteuid"), "POSIX only")
    def test_a_root_you_may_not_write(self):
        from clitest import FWPLAN
        if os.geteuid() == 0:
            # As root: run as nobody. Behind a folder nobody may enter, the root is out of
            # reach (not "not a folder"); then reachable but root's, so not writable.
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            self.tmp.chmod(0o700)
            hidden = subprocess.run([*command, FWPLAN, "stage", "--tftp-root", str(self.root),
                                     str(SIP)], capture_output=True, text=True, timeout=60)
            self.assertEqual(hidden.returncode, 4, msg=hidden.stderr)
            self.assertIn("cannot be reached", hidden.stderr)
            # check says it the same way.
            hidden = subprocess.run([*command, FWPLAN, "check", str(self.root)],
                                    capture_output=True, text=True, timeout=60)
            self.assertEqual(hidden.returncode, 4, msg=hidden.stderr)
            self.assertIn(f"{self.root}: cannot be reached", hidden.stderr)
            self.tmp.chmod(0o755)
        else:
            self.root.chmod(0o555)
            command = []
        done = subprocess.run([*command, FWPLAN, "stage", "--tftp-root", str(self.root), str(SIP)],
                              capture_output=True, text=True, timeout=60)
        self.root.chmod(0o755)
        self.assertEqual(done.returncode, 4, msg=done.stderr)
        self.assertIn(f"{self.root}: is not writable for you", done.stderr)
        self.assertNotIn(".fwplan-stage", done.stderr)
        self.assertIn("sudo", done.stderr)
        self.assertEqual(listing(self.root), [])


if __name__ == "__main__":
    unittest.main()


@unittest.skipUnless(os.geteuid() == 0, "mounting a tmpfs needs root (CI runs as root)")
class FullRoot(CliTest):
    """A TFTP root on a file system that is too small: the stage fails with exit 4, says the
    root is full (the system's own reason, not EIO), names the root and gives no TMPDIR
    hint; nothing is left in the root."""

    def setUp(self):
        super().setUp()
        self.root = self.tmp / "tiny-root"
        self.root.mkdir()
        # 16 KiB, four pages: the eight files of the 8.5(2) package take a page each.
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(self.root)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            self.skipTest("cannot mount a tmpfs here: " + done.stderr.strip())

    def tearDown(self):
        subprocess.run(["umount", "-l", str(self.root)], capture_output=True)
        super().tearDown()

    def test_staging_into_a_full_root(self):
        run = fwplan("stage", "--tftp-root", self.root, SCCP)
        self.assertExit(run, 4)
        self.assertIn(str(self.root), run.err)
        self.assertIn("No space left on device", run.err)
        self.assertIn("is full", run.err)
        self.assertNotIn("TMPDIR", run.err)
        self.assertNotIn("Input/output error", run.err)
        self.assertEqual(listing(self.root), [])

    def test_json_error_names_the_root(self):
        run = fwplan("--json", "stage", "--tftp-root", self.root, SCCP)
        self.assertExit(run, 4)
        error = run.json()["error"]
        self.assertEqual(error["code"], "fwplan.stage.write")
        self.assertEqual(error["file"], str(self.root))
        self.assertIn("full", error["hint"])
