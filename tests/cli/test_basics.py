"""The CLI contract of the README: help, version, errors on stderr, exit codes."""
import unittest

from clitest import CliTest, fwplan


class Basics(CliTest):
    def test_help_lists_every_subcommand(self):
        run = fwplan("--help")
        self.assertExit(run, 0)
        for command in ("inspect", "plan", "emit", "stage", "check", "graph", "catalog"):
            self.assertIn(command, run.out)
        self.assertIn("Exit codes", run.out)

    def test_version(self):
        run = fwplan("--version")
        self.assertExit(run, 0)
        self.assertRegex(run.out, r"^fwplan \d+\.\d+\.\d+")

    def test_no_subcommand_is_a_usage_error(self):
        run = fwplan()
        self.assertExit(run, 2)
        self.assertIn("fwplan: error:", run.err)
        self.assertEqual(run.out, "")

    def test_unknown_option_is_a_usage_error(self):
        run = fwplan("plan", "--bogus")
        self.assertExit(run, 2)
        self.assertIn("fwplan: error:", run.err)

    def test_unknown_model_is_bad_input_with_a_hint(self):
        run = fwplan("catalog", "--model", "7999")
        self.assertExit(run, 3)
        self.assertIn("fwplan: error: unknown phone model '7999'", run.err)
        self.assertIn("fwplan: hint:", run.err)

    def test_catalog_lists_models_and_term_files(self):
        run = fwplan("catalog", "--model", "CP-7941G")
        self.assertExit(run, 0)
        self.assertIn("term41.default.loads", run.out)
        self.assertIn("term61.default.loads", run.out)
        self.assertNotIn("7942", run.out)

    def test_catalog_json_before_or_after_the_subcommand(self):
        for args in (("--json", "catalog", "-m", "7960"), ("catalog", "-m", "7960", "--json")):
            run = fwplan(*args)
            self.assertExit(run, 0)
            family = run.json()["families"][0]
            self.assertEqual(family["id"], "7940_7960")
            self.assertEqual({m["model"] for m in family["models"]}, {"7940", "7960"})
            self.assertIn("SIPDefault.cnf", family["models"][0]["config_files"])

    def test_no_colour_when_piped(self):
        run = fwplan("catalog", "-m", "7941")
        self.assertNotIn("\x1b[", run.out)


if __name__ == "__main__":
    unittest.main()
