"""The man page and the completions list exactly what --help lists (issue 7), and install."""
import os
import re
import shutil
import subprocess
import unittest
from pathlib import Path

from clitest import SOURCE_DIR, CliTest, fwplan

COMMANDS = ["inspect", "plan", "emit", "stage", "check", "graph", "catalog"]


def options_in_help(text):
    """Every -x/--long token in the Options sections of CLI11's help."""
    options = set()
    for line in text.splitlines():
        match = re.match(r"^\s+(-[\w-]+(?:,\s*-[\w-]+)*)", line)
        if match:
            options.update(o.strip() for o in match.group(1).split(","))
    return options


class Docs(CliTest):
    def generated(self, *args):
        run = fwplan(*args)
        self.assertExit(run, 0)
        return run.out

    def test_man_page_covers_every_command_and_option(self):
        man = self.generated("--man")
        self.assertTrue(man.startswith('.\\"'))
        self.assertIn(".TH FWPLAN 1", man)
        for command in COMMANDS:
            self.assertIn(f".SS fwplan {command}", man)
            for option in options_in_help(fwplan(command, "--help").out):
                self.assertIn(option.replace("-", "\\-"), man, msg=f"{command} {option}")
        self.assertIn("EXIT STATUS", man)

    def test_completions_cover_every_command_and_option(self):
        bash = self.generated("--completion", "bash")
        zsh = self.generated("--completion", "zsh")
        fish = self.generated("--completion", "fish")
        for command in COMMANDS:
            self.assertIn(f"{command})", bash)
            self.assertIn(f"'{command}:", zsh)
            self.assertIn(f"-a {command} ", fish)
            for option in options_in_help(fwplan(command, "--help").out):
                self.assertIn(option, bash, msg=f"bash {command} {option}")
                self.assertIn(f"'{option}[", zsh, msg=f"zsh {command} {option}")
                flag = f" -l {option[2:]}" if option.startswith("--") else f" -s {option[1:]}"
                self.assertIn(flag, fish, msg=f"fish {command} {option}")
        self.assertExit(fwplan("--completion", "tcsh"), 2)

    def test_man_page_has_examples(self):
        man = self.generated("--man")
        self.assertIn(".SH EXAMPLES", man)
        self.assertIn("fwplan plan \\-\\-model 7941", man)
        self.assertIn("Europe/Berlin", man)

    def test_the_docs_stand_alone(self):
        """Issue 13, point 8: no file of the repository cites notes that are not in it, every
        section of docs/phone-files.md that is cited exists, and the docs' links resolve."""
        root = SOURCE_DIR
        outside = re.compile(r"formats\.md|upgrade-rules\.md|DESIGN\.md|\.\./shared|peers\.md")
        cited = set()
        for top in ("README.md", "docs", "include", "lib", "tools", "tests", "testdata", "examples",
                    "cmake", "CMakeLists.txt"):
            base = root / top
            for path in ([base] if base.is_file() else sorted(base.rglob("*"))):
                if not path.is_file() or "corpus" in path.parts or path.suffix in (
                        ".zip", ".sgn", ".sbn", ".sb2", ".bin", ".svg", ".png", ".loads", ".LOADS"):
                    continue
                try:
                    text = path.read_text(encoding="utf-8")
                except UnicodeDecodeError:
                    continue
                for n, line in enumerate(text.splitlines(), 1):
                    with self.subTest(file=str(path.relative_to(root)), line=n):
                        self.assertIsNone(outside.search(line), line)
                cited |= set(re.findall(r"phone-files\.md[ §]+(\d+(?:\.\d+)?)", text))
        headings = set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ",
                                  (root / "docs" / "phone-files.md").read_text(), re.M))
        self.assertTrue(cited)
        self.assertLessEqual(cited, headings)
        for doc in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
            for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text()):
                with self.subTest(doc=doc.name, link=target):
                    self.assertTrue((doc.parent / target).exists())

    def test_bash_completion_completes(self):
        script = self.tmp / "fwplan.bash"
        script.write_text(self.generated("--completion", "bash"))
        self.assertEqual(subprocess.run(["bash", "-n", script]).returncode, 0)

        def complete(*words):
            probe = (f'source "{script}"; COMP_WORDS=({" ".join(words)}); '
                     f'COMP_CWORD={len(words) - 1}; _fwplan; printf "%s\\n" "${{COMPREPLY[@]}}"')
            return subprocess.run(["bash", "-c", probe], capture_output=True, text=True).stdout.split()

        self.assertEqual(complete("fwplan", "pl"), ["plan"])
        self.assertIn("--hw-rev", complete("fwplan", "plan", "--h"))
        self.assertIn("--factory-default", complete("fwplan", "stage", "--f"))
        (self.tmp / "cmterm-x.zip").write_text("")
        self.assertEqual(complete("fwplan", "inspect", str(self.tmp / "cmterm")), [str(self.tmp / "cmterm-x.zip")])

    @unittest.skipUnless(shutil.which("zsh"), "zsh is not installed")
    def test_zsh_completion_parses(self):
        script = self.tmp / "_fwplan"
        script.write_text(self.generated("--completion", "zsh"))
        self.assertEqual(subprocess.run(["zsh", "-n", script]).returncode, 0)

    def test_install_puts_man_page_and_completions_in_place(self):
        prefix = os.environ.get("FWPLAN_INSTALL_PREFIX")
        if not prefix:
            self.skipTest("no install tree given (FWPLAN_INSTALL_PREFIX)")
        prefix = Path(prefix)
        man = prefix / "share/man/man1/fwplan.1"
        self.assertTrue(man.is_file())
        self.assertEqual(man.read_text(), self.generated("--man"))
        self.assertTrue((prefix / "share/bash-completion/completions/fwplan").is_file())
        self.assertTrue((prefix / "share/zsh/vendor-completions/_fwplan").is_file())
        self.assertTrue((prefix / "share/fish/vendor_completions.d/fwplan.fish").is_file())
        self.assertTrue((prefix / "bin/fwplan").is_file())
        # The guide, the templates and the example fleet CSV go with the documentation.
        doc = prefix / "share/doc/fwplan"
        for name in ("guide.md", "templates/7941-sip-fritzbox.cnf.xml",
                     "templates/dialplan-de.xml", "fleet/example-fleet.csv"):
            self.assertTrue((doc / name).is_file(), msg=name)


if __name__ == "__main__":
    unittest.main()
