"""The CLI's manners (issue 13, points 13-17): unknown commands and options are named with
the nearest known ones, `fwplan help`, the global options in each command's help, exit codes
as the README promises, usage errors as JSON, one DOT document, -q and -v, completions."""
import json
import re
import unittest

from clitest import TESTDATA, CliTest, fwplan

PHONE = ("--model", "7941", "--from", "SCCP41.8-3-1S")


class DidYouMean(CliTest):
    def test_an_unknown_command_is_named_with_the_nearest(self):
        run = fwplan("plna")
        self.assertExit(run, 2)
        self.assertIn("'plna' is not a command of fwplan", run.err)
        self.assertIn("did you mean 'plan'?", run.err)
        self.assertNotIn("A subcommand is required", run.err)
        self.assertEqual(run.out, "")

    def test_an_unknown_option_is_named_with_the_nearest(self):
        run = fwplan("plan", "--modle", "7941")
        self.assertExit(run, 2)
        self.assertIn("unknown option '--modle' for fwplan plan", run.err)
        self.assertIn("did you mean '--model'?", run.err)
        self.assertNotIn("--model is required", run.err)
        top = fwplan("--bogus")
        self.assertExit(top, 2)
        self.assertIn("unknown option '--bogus' for fwplan", top.err)
        # An option of a command given before it: where it belongs.
        early = fwplan("--model", "7941", "plan")
        self.assertExit(early, 2)
        self.assertIn("'--model' is an option of fwplan plan", early.err)
        short = fwplan("plan", "-x")
        self.assertExit(short, 2)
        self.assertIn("unknown option '-x'", short.err)

    def test_no_command_at_all(self):
        run = fwplan()
        self.assertExit(run, 2)
        self.assertIn("give a command", run.err)
        self.assertIn("fwplan help", run.err)

    def test_a_missing_argument_says_what_to_give(self):
        # A newcomer's `fwplan inspect` alone: what to give it, with an example, not CLI11's
        # "paths is required".
        for args, wanted, example in (
                (("inspect",), "a file or folder to read: a cmterm-*.zip", "fwplan inspect "),
                (("check", "--fleet", "phones.csv"), "the TFTP root to audit",
                 "fwplan check /srv/tftp")):
            with self.subTest(args=args):
                run = fwplan(*args)
                self.assertExit(run, 2)
                self.assertIn(f"fwplan {args[0]} needs {wanted}", run.err)
                self.assertIn(f"hint: for example: {example}", run.err)
                self.assertIn("[fwplan.cli.missing-argument]", run.err)
                self.assertNotIn("is required", run.err)
        # Another required option missing is still CLI11's plain word.
        plan = fwplan("plan", "--from", "SCCP41.8-3-1S")
        self.assertExit(plan, 2)
        self.assertIn("--model is required", plan.err)
        as_json = fwplan("--json", "inspect")
        self.assertExit(as_json, 2)
        self.assertEqual(json.loads(as_json.out)["error"]["code"], "fwplan.cli.missing-argument")


class Help(CliTest):
    def test_fwplan_help_command(self):
        for args, first in ((("help",), "Usage: fwplan [OPTIONS] [SUBCOMMAND]"),
                            (("help", "plan"), "Usage: fwplan plan [OPTIONS]")):
            run = fwplan(*args)
            self.assertExit(run, 0)
            self.assertIn(first, run.out)
        self.assertEqual(fwplan("help", "plan").out, fwplan("plan", "--help").out)
        unknown = fwplan("help", "plna")
        self.assertExit(unknown, 2)
        self.assertIn("did you mean 'plan'?", unknown.err)

    def test_man_and_completion_in_the_help_and_globals_in_each_command(self):
        top = fwplan("--help").out
        self.assertIn("--man", top)
        self.assertIn("--completion", top)
        for command in ("inspect", "plan", "emit", "stage", "check", "graph", "catalog"):
            text = fwplan("help", command).out
            self.assertIn("Global options", text, msg=command)
            for option in ("--json", "--catalog", "--quiet", "--verbose"):
                self.assertIn(option, text, msg=f"{command} {option}")
        # They work after the command too.
        self.assertExit(fwplan("catalog", "-m", "7960", "--json"), 0)


class ExitCodes(CliTest):
    def test_a_malformed_hw_rev_is_bad_input_with_a_hint(self):
        for command in (("plan",), ("emit", "--mac", "00:80:41:ae:fd:7e", "--out", self.tmp / "o")):
            run = fwplan(*command, *PHONE, "--hw-rev", "XX")
            self.assertExit(run, 3)
            self.assertIn("fwplan: hint:", run.err)

    def test_a_missing_input_file_is_4_everywhere(self):
        missing = self.tmp / "no-such-file"
        out = self.tmp / "out"
        emit = ("emit", "--mac", "00:80:41:ae:fd:7e", *PHONE, "--out", out)
        for args in (("inspect", missing),
                     ("--catalog", missing, "catalog"),
                     (*emit, "--template", missing),
                     (*emit, "--password-file", missing),
                     (*emit, "--dialplan", missing),
                     ("emit", "--fleet", missing, "--out", out),
                     ("check", self.tmp, "--fleet", missing),
                     ("plan", *PHONE, "--firmware", missing)):
            with self.subTest(args=args):
                run = fwplan(*args)
                self.assertExit(run, 4)
                self.assertIn(str(missing), run.err)
                self.assertIn("fwplan: hint:", run.err)
        self.assertFalse(out.exists())

    def test_empty_values_are_usage_errors_and_spaces_are_trimmed(self):
        for args in (("plan", "--model", "7941", "--from", ""),
                     ("plan", "--model", "   "),
                     ("plan", "--model=", "--from", "SCCP41.8-3-1S"),
                     ("inspect", "")):
            with self.subTest(args=args):
                run = fwplan(*args)
                self.assertExit(run, 2)
                self.assertIn("fwplan.cli.empty-value", run.err)
        trimmed = fwplan("plan", "--model", " 7941 ", "--from", " SCCP41.8-3-1S")
        self.assertExit(trimmed, 0)
        self.assertIn("Plan for a 7941: SCCP41.8-3-1S", trimmed.out)

    def test_every_broken_or_hostile_file_error_has_a_hint(self):
        for folder in ("broken", "hostile"):
            for path in sorted((TESTDATA / folder).iterdir()):
                run = fwplan("inspect", path)
                if run.code == 0:
                    continue
                with self.subTest(path=path.name):
                    errors = run.err.count("fwplan: error:")
                    self.assertGreater(errors, 0)
                    self.assertEqual(run.err.count("fwplan: hint:"), errors)
        empty = self.tmp / "SIP41.9-4-2SR3-1S.loads"
        empty.write_bytes(b"")
        run = fwplan("inspect", empty)
        self.assertExit(run, 3)
        self.assertIn("the file is empty", run.err)
        self.assertIn("fetch the package again", run.err)
        bad_id = fwplan("plan", "--model", "7941", "--from", "SCCP41.8-3")
        self.assertExit(bad_id, 3)
        self.assertIn("fwplan: hint:", bad_id.err)


class Json(CliTest):
    def test_a_usage_error_with_json_is_a_json_error(self):
        for args in (("--json", "plna"), ("plan", "--modle", "7941", "--json"),
                     ("--json", "plan", "--from", "SCCP41.8-3-1S")):  # --model missing
            with self.subTest(args=args):
                run = fwplan(*args)
                self.assertExit(run, 2)
                error = json.loads(run.out)["error"]
                self.assertTrue(error["code"].startswith("fwplan.cli."))
                self.assertTrue(error["hint"])

    def test_graph_refuses_json_and_draws_one_document(self):
        refused = fwplan("--json", "graph")
        self.assertExit(refused, 2)
        self.assertEqual(json.loads(refused.out)["error"]["code"], "fwplan.cli.no-json")
        run = fwplan("graph")
        self.assertExit(run, 0)
        self.assertEqual(len(re.findall(r"^digraph ", run.out, re.M)), 1)
        self.assertEqual(run.out.count("{"), run.out.count("}"))
        nodes = re.findall(r"^\s+(\w+) \[label=", run.out, re.M)
        self.assertGreater(len(nodes), 50)
        self.assertEqual(len(nodes), len(set(nodes)))  # node names never clash across families
        self.assertTrue(run.out.rstrip().endswith("}"))

    def test_the_catalog_table_keeps_its_columns(self):
        run = fwplan("catalog")
        self.assertExit(run, 0)
        # In each family's table of loads, the protocol column starts at one position.
        block = []
        for line in run.out.splitlines() + ["Family end"]:
            if line.startswith("    ") and not line.startswith("      "):
                block.append(line)
                continue
            if block:
                starts = {re.search(r"\s(SIP|SCCP|MGCP)\s", l).start() for l in block}
                self.assertEqual(len(starts), 1, msg="\n".join(block))
                confidence = {re.search(r"\s(CISCO|COMMUNITY|INFERRED|CONFLICT)\s", l).start()
                              for l in block}
                self.assertEqual(len(confidence), 1, msg="\n".join(block))
                block = []


class QuietAndVerbose(CliTest):
    def test_quiet_silences_normal_output(self):
        run = fwplan("-q", "plan", *PHONE)
        self.assertExit(run, 0)
        self.assertEqual(run.out, "")
        self.assertEqual(run.err, "")
        # What was asked for stays: JSON, and errors.
        self.assertTrue(json.loads(fwplan("-q", "--json", "plan", *PHONE).out)["steps"])
        self.assertIn("fwplan: error:", fwplan("-q", "plan", "--model", "7999").err)

    def test_verbose_tells_more_and_very_verbose_more_still(self):
        for args in (("plan", *PHONE, "--firmware", TESTDATA / "packages"),
                     ("inspect", TESTDATA / "packages" / "cmterm-7941_7961-sccp.8-5-2.zip"),
                     ("check", self.tmp),
                     ("catalog", "-m", "7941")):
            with self.subTest(command=args[0]):
                lines = [len(fwplan(*v, *args).err.splitlines()) for v in ((), ("-v",), ("-vv",))]
                self.assertLess(lines[0], lines[1])
                if args[0] != "catalog":
                    self.assertLess(lines[1], lines[2])


class Completions(CliTest):
    def complete(self, *words):
        import subprocess
        script = self.tmp / "fwplan.bash"
        script.write_text(fwplan("--completion", "bash").out)
        probe = (f'source "{script}"; COMP_WORDS=({" ".join(words)}); '
                 f'COMP_CWORD={len(words) - 1}; _fwplan; printf "%s\\n" "${{COMPREPLY[@]}}"')
        return subprocess.run(["bash", "-c", probe], capture_output=True, text=True).stdout.split()

    def test_models_protocols_and_loads_after_their_options(self):
        self.assertIn("7941", self.complete("fwplan", "plan", "--model", "79"))
        models = self.complete("fwplan", "plan", "-m", "796")
        self.assertTrue({"7960", "7961"} <= set(models))
        self.assertTrue(all(m.startswith("796") for m in models))
        self.assertEqual(sorted(self.complete("fwplan", "plan", "--to-protocol", "")),
                         ["SCCP", "SIP"])
        self.assertIn("SCCP41.8-3-1S", self.complete("fwplan", "plan", "--from", "SCCP41.8-3"))
        self.assertIn("SIP41.8-5-2S", self.complete("fwplan", "stage", "--factory-default", "SIP41"))
        self.assertIn("Europe/Berlin", self.complete("fwplan", "emit", "--time-zone", "Europe/B"))
        zsh = fwplan("--completion", "zsh").out
        self.assertIn("(SIP SCCP)", zsh)
        self.assertRegex(zsh, r"--model\[[^]]*\]:value:\([^)]*7941")

    def test_fish(self):
        run = fwplan("--completion", "fish")
        self.assertExit(run, 0)
        self.assertIn("complete -c fwplan", run.out)
        self.assertIn("-a plan", run.out)
        self.assertRegex(run.out, r"-l model -x -a '[^']*7941")
        self.assertIn("-l firmware -r -F", run.out)


if __name__ == "__main__":
    unittest.main()
