"""fwplan plan / graph / catalog as a user runs them (issue 4)."""
import unittest

from clitest import TESTDATA, CliTest, fwplan


class Plan(CliTest):
    def test_worked_example_with_no_files(self):
        run = fwplan("plan", "--model", "7941", "--from", "SCCP41.8-3-1S")
        self.assertExit(run, 0)
        self.assertIn("SCCP41.8-3-1S -> SIP41.9-4-2SR3-1S, 2 steps", run.out)
        self.assertIn("Step 1: SCCP41.8-5-2S", run.out)
        self.assertIn("Step 2: SIP41.9-4-2SR3-1S", run.out)
        self.assertIn("J-01", run.out)
        self.assertIn("J-04", run.out)
        self.assertIn("https://", run.out)  # every cited rule shows its source
        self.assertIn("To download", run.out)
        self.assertNotIn("8-5-2SR1", run.out)

    def test_json_contract(self):
        run = fwplan("--json", "plan", "-m", "7941", "--from", "SCCP41.8-3-1S", "--to", "SIP41.9-4-2SR3-1S")
        self.assertExit(run, 0)
        plan = run.json()
        for key in ("model", "from", "to", "steps"):
            self.assertIn(key, plan)
        self.assertEqual(plan["model"], "7941")
        self.assertEqual([s["load"] for s in plan["steps"]], ["SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"])
        step = plan["steps"][0]
        for key in ("load", "protocol", "version", "package", "rules", "available"):
            self.assertIn(key, step)
        self.assertEqual(step["protocol"], "SCCP")
        self.assertEqual(step["version"], "8.5(2)")
        self.assertFalse(step["available"])
        rules = {r["id"]: r for r in step["rules"]}
        self.assertEqual(rules["J-01"]["confidence"], "CISCO")
        self.assertEqual(rules["J-04"]["confidence"], "COMMUNITY")
        self.assertTrue(rules["J-01"]["sources"][0].startswith("https://"))

    def test_firmware_marks_what_the_user_has(self):
        run = fwplan("--json", "plan", "-m", "7941", "--from", "SCCP41.8-3-1S",
                     "--firmware", TESTDATA / "packages" / "cmterm-7941_7961-sccp.8-5-2.zip")
        self.assertExit(run, 0)
        plan = run.json()
        first, second = plan["steps"]
        self.assertTrue(first["available"])
        self.assertTrue(first["available_in"].endswith("cmterm-7941_7961-sccp.8-5-2.zip"))
        self.assertTrue(first["files_from_manifest"])
        self.assertEqual(first["files"][1], "jar41sccp.8-5-2TH1-9.sbn")
        self.assertFalse(second["available"])
        self.assertEqual(plan["missing_packages"], ["cmterm-7941_7961-sip.9-4-2SR3-1.zip"])

    def test_a_downloads_folder_works_as_firmware(self):
        run = fwplan("--json", "plan", "-m", "7960", "--from", "P0S3-04-0-00", "--firmware", TESTDATA / "packages")
        self.assertExit(run, 0)
        loads = [s["load"] for s in run.json()["steps"]]
        # P0S3-06-3-00 is not in the knowledge base: it comes from the folder and is preferred.
        self.assertEqual(loads, ["P0S3-04-4-00", "P0S3-05-3-00", "P0S3-06-3-00", "P0S3-07-4-00", "P0S3-8-12-00"])

    def test_case_mismatch_shows_as_missing(self):
        run = fwplan("--json", "plan", "-m", "7941", "--from", "TERM41.7-0-3-0S", "--to", "SIP41.8-3-1S",
                     "--firmware", TESTDATA / "packages" / "cmterm-7941_7961-sip.8-3-1.zip")
        self.assertExit(run, 0)
        step = run.json()["steps"][-1]
        self.assertTrue(any("Jar41sip" in m and "case-sensitive" in m for m in step["missing"]), step)

    def test_impossible_requests_exit_1_with_the_rule(self):
        run = fwplan("plan", "-m", "8841", "--hw-rev", "V15", "--from", "sip88xx.14-2-1-0101-26",
                     "--to", "sip88xx.12-0-1MN-113")
        self.assertExit(run, 1)
        self.assertIn("H-02", run.err)
        run = fwplan("--json", "plan", "-m", "9971", "--to-protocol", "SCCP")
        self.assertExit(run, 1)
        self.assertEqual(run.json()["error"]["code"], "fwplan.plan.no-protocol")
        run = fwplan("plan", "-m", "7941", "--from", "SCCP41.8-3-1S", "--to", "SIP41.9-9-9S")
        self.assertExit(run, 1)
        self.assertIn("knows nothing about SIP41.9-9-9S", run.err)
        self.assertIn("--firmware", run.err)

    def test_bad_input_exits_3(self):
        run = fwplan("plan", "-m", "7941", "--from", "SCCP41.8-3")
        self.assertExit(run, 3)
        self.assertIn("--from:", run.err)
        run = fwplan("plan", "-m", "7941", "--from", "SIP42.8-5-4S")
        self.assertExit(run, 3)
        self.assertIn("7942/7962", run.err)
        run = fwplan("plan", "-m", "7941", "--hw-rev", "rev A")
        self.assertExit(run, 3)

    def test_fallback_is_shown(self):
        run = fwplan("plan", "-m", "7941", "--from", "SCCP41.8-5-4S")
        self.assertExit(run, 0)
        self.assertIn("if it fails with AUTH FAIL", run.out)
        self.assertIn("SIP41.8-5-2S", run.out)

    def test_no_from_says_what_it_assumed(self):
        run = fwplan("plan", "-m", "7975")
        self.assertExit(run, 0)
        self.assertIn("No --from given", run.out)
        self.assertIn("SIP75.9-4-2SR4-3S", run.out)


class GraphAndCatalog(CliTest):
    def test_graph_is_dot(self):
        run = fwplan("graph", "-m", "7960")
        self.assertExit(run, 0)
        self.assertTrue(run.out.lstrip().startswith("//"))
        self.assertIn('digraph "7940/7960"', run.out)
        self.assertNotIn("style=dashed, color", run.out)
        run = fwplan("graph", "-m", "7960", "--all")
        self.assertIn('label="S-03', run.out)

    def test_catalog_lists_loads_and_rules_with_sources(self):
        run = fwplan("--json", "catalog", "-m", "7941")
        self.assertExit(run, 0)
        data = run.json()
        ids = {l["id"] for l in data["loads"]}
        self.assertIn("SIP41.9-4-2SR3-1S", ids)
        finals = [l["id"] for l in data["loads"] if l["final"]]
        self.assertEqual(sorted(finals), ["SCCP41.9-4-2SR3-1S", "SIP41.9-4-2SR3-1S"])
        rules = {r["id"]: r for r in data["rules"]}
        self.assertIn("J-01", rules)
        self.assertNotIn("S-03", rules)  # a 7960 rule
        self.assertTrue(rules["J-01"]["sources"])
        text = fwplan("catalog", "-m", "7941")
        self.assertIn("J-04  COMMUNITY", text.out)

    def test_user_catalog_adds_a_load_and_a_bad_one_is_refused(self):
        catalog = self.tmp / "site.xml"
        catalog.write_text('<catalog format="1"><family id="31">'
                           '<load id="SIP31.9-4-2SR3-1S" package="mine.zip" confidence="COMMUNITY" evidence="lab"/>'
                           '</family></catalog>')
        run = fwplan("--catalog", catalog, "plan", "-m", "7931", "--from", "SCCP31.9-2-1S",
                     "--to", "SIP31.9-4-2SR3-1S")
        self.assertExit(run, 0)
        self.assertIn("mine.zip", run.out)
        catalog.write_text('<catalog format="1"><family id="31">\n<load id="SIP31.9-4"/></family></catalog>')
        run = fwplan("--catalog", catalog, "plan", "-m", "7931")
        self.assertExit(run, 3)
        self.assertIn("site.xml", run.err)
        self.assertIn("line 2", run.err)



class Newcomer(CliTest):
    """Issue 13, points 12 and 18: what a plan says when the user has a bridge already, when
    only community reports show a way, and when fwplan knows no load of a family."""

    def test_the_plain_zip_before_a_bundle_of_the_same_name(self):
        run = fwplan("--json", "plan", "-m", "7941", "--from", "SCCP41.8-5-4S",
                     "--firmware", TESTDATA / "packages")
        self.assertExit(run, 0)
        step = run.json()["steps"][0]
        self.assertTrue(step["available_in"].endswith("/cmterm-7941_7961-sip.9-4-2SR3-1.zip"),
                        step["available_in"])

    def test_a_bridge_the_user_has_is_used_and_said(self):
        downloads = self.tmp / "Downloads"
        downloads.mkdir()
        for name in ("cmterm-7941_7961-sip.8-5-2.zip", "cmterm-7941_7961-sip.9-4-2SR3-1.zip"):
            (downloads / name).write_bytes((TESTDATA / "packages" / name).read_bytes())
        run = fwplan("plan", "-m", "7941", "--from", "SCCP41.8-3-1S", "--firmware", downloads)
        self.assertExit(run, 0)
        self.assertIn("Step 1: SIP41.8-5-2S", run.out)
        self.assertNotIn("To download", run.out)
        self.assertIn("you have SIP41.8-5-2S", run.out)

    def test_community_reports_need_allow_community_and_the_refusal_says_so(self):
        refused = fwplan("plan", "-m", "7960", "--from", "P0S3-8-12-00", "--to-protocol", "SCCP")
        self.assertExit(refused, 1)
        self.assertIn("--allow-community", refused.err)
        allowed = fwplan("plan", "-m", "7960", "--from", "P0S3-8-12-00", "--to-protocol", "SCCP",
                         "--allow-community")
        self.assertExit(allowed, 0)
        self.assertIn("overruled", allowed.out)
        self.assertIn("S-06 (CISCO) forbids this step; S-08 (COMMUNITY)", allowed.out)

    def test_a_rule_with_two_confidences_says_which_effect_carries_which(self):
        run = fwplan("plan", "-m", "7960", "--from", "P0S3-04-4-00")
        self.assertExit(run, 0)
        self.assertRegex(run.out, r"S-03  CISCO  .*\n\s+step \d: the effect that forbids the "
                                  r"direct step is INFERRED, not CISCO")
        rules = [r for s in fwplan("--json", "plan", "-m", "7960", "--from", "P0S3-04-4-00")
                 .json()["steps"] for r in s["rules"] if r["id"] == "S-03"]
        self.assertTrue(any(r["confidence"] != r["rule_confidence"] for r in rules))

    def test_a_family_without_loads_does_not_contradict_itself(self):
        # Since issue 12 the knowledge base has the 7925's SCCP 1.4(1)SR1: the SIP refusal sends
        # there and the SCCP plan works (a knowledge base without any 7925 load: unit test).
        sip = fwplan("plan", "-m", "7925")
        sccp = fwplan("plan", "-m", "7925", "--to-protocol", "SCCP")
        self.assertExit(sip, 1)
        self.assertIn("hint: plan with --to-protocol SCCP", sip.err)
        self.assertExit(sccp, 0)
        self.assertIn("CP7925G-1.4.1SR1", sccp.out)
        # The 6901 has SIP firmware too, but fwplan knows only its SCCP loads.
        sip = fwplan("plan", "-m", "6901")
        self.assertExit(sip, 1)
        self.assertNotIn("load yet", sip.err)
        self.assertIn("fwplan knows only SCCP loads of the 6901: plan with --to-protocol SCCP",
                      sip.err)
        self.assertExit(fwplan("plan", "-m", "6901", "--to-protocol", "SCCP"), 0)

if __name__ == "__main__":
    unittest.main()
