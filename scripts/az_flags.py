"""Regenerate tests/data/az-cli-flags/2.91.0/commands.json: for every `az` command the
catalogue's remediation templates use, its flags as `az <command> -h` lists them.

The remediation script (`--format script`) must only use flags that exist; the test
`tests/test_report_script.py` checks each generated command against this list. Run it
with the azure-cli version to pin (`pip install azure-cli==2.91.0` in a throwaway venv):

    python scripts/az_flags.py /path/to/venv/bin/az > tests/data/az-cli-flags/2.91.0/commands.json
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

from checks.catalogue import load_catalogue

FLAG = re.compile(r"^ {4}(--[a-z0-9][a-z0-9-]*)((?: +-{1,2}[A-Za-z0-9][A-Za-z0-9-]*)*)")


def commands() -> list[str]:
    found: dict[str, None] = {}
    for chk in load_catalogue():
        if chk.az is None:
            continue
        for part in chk.az.split(" && "):
            words = []
            for word in shlex.split(part.replace("{", "").replace("}", "")):
                if word.startswith("-"):
                    break
                words.append(word)
            found[" ".join(words[1:])] = None
    return sorted(found)


def flags(az: str, command: str, env: dict[str, str]) -> list[str]:
    text = subprocess.run(
        [az, *command.split(), "-h"], capture_output=True, text=True, env=env, check=True
    ).stdout
    out: list[str] = []
    for line in text.splitlines():
        m = FLAG.match(line)
        if m:
            out.append(m[1])
            out.extend(m[2].split())
    return sorted(set(out))


def main() -> None:
    az = sys.argv[1] if len(sys.argv) > 1 else "az"
    with tempfile.TemporaryDirectory() as config:
        env = {**os.environ, "AZURE_CONFIG_DIR": config, "AZURE_CORE_COLLECT_TELEMETRY": "0"}
        version = json.loads(
            subprocess.run([az, "version"], capture_output=True, text=True, env=env).stdout
        )["azure-cli"]
        doc = {
            "azure-cli": version,
            "source": f"`az <command> -h` of azure-cli {version} from PyPI, by scripts/az_flags.py",
            "commands": {c: flags(az, c, env) for c in commands()},
        }
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
