#!/usr/bin/python3
"""ManPage: every long option of every subcommand (from the program's own --help) is documented
in its section of docs/scarmap.1, and the page documents no option the program lacks.

Usage: check_manpage.py SCARMAP_BINARY MANPAGE
Sections: the top-level options under .SH OPTIONS, each subcommand under ".SS <name>"; an option
counts as documented when it is in the header line of a .TP entry of its section.
"""
import re
import shutil
import subprocess
import sys

OPTION = re.compile(r"--[a-z][a-z0-9-]*")


def help_text(binary, *sub):
    return subprocess.run([binary, *sub, "--help"], check=True, capture_output=True,
                          text=True).stdout


def help_options(text):
    """Long options of the option column: "  -o,--out TEXT ...", "  --masks   ..."."""
    names = set()
    for line in text.splitlines():
        m = re.match(r"  (-[a-zA-Z],)?(--[a-z][a-z0-9-]*)", line)
        if m:
            names.add(m.group(2))
    return names


def subcommands(text):
    names, inside = [], False
    for line in text.splitlines():
        if line.startswith("Subcommands:"):
            inside = True
        elif inside and re.match(r"  [a-z]", line):
            names.append(line.split()[0])
    return names


def roff_plain(line):
    line = re.sub(r"\\f[BIRP]|\\f\(..|\\&", "", line)
    return line.replace("\\-", "-").replace('"', "")


def man_sections(path):
    """{section: set of long options in .TP headers}; "" = the top-level OPTIONS section."""
    sections, current, tp_header_next = {}, None, False
    for raw in open(path, encoding="utf-8").read().splitlines():
        if raw.startswith(".SH"):
            current = "" if raw.split(None, 1)[1:] == ["OPTIONS"] else None
            tp_header_next = False
        elif raw.startswith(".SS"):
            current = raw.split(None, 1)[1].strip('"')
            tp_header_next = False
        elif raw.startswith(".TP"):
            tp_header_next = True
        elif tp_header_next:
            tp_header_next = False
            if current is not None:
                sections.setdefault(current, set()).update(OPTION.findall(roff_plain(raw)))
    return sections


def main(binary, manpage):
    top = help_text(binary)
    subs = subcommands(top)
    if len(subs) < 4:
        print("ManPage: found only %s as subcommands in --help" % subs)
        return 1
    man = man_sections(manpage)
    errors = []
    for section, options in [("", help_options(top))] + [
            (sub, help_options(help_text(binary, sub)) - {"--help"}) for sub in subs]:
        name = section or "the top-level OPTIONS"
        documented = man.get(section)
        if documented is None:
            errors.append("no section for %s" % name)
            continue
        for opt in sorted(options - documented):
            errors.append("%s: %s is not documented" % (name, opt))
        for opt in sorted(documented - options):
            errors.append("%s: %s is documented but the program has no such option" % (name, opt))
    if shutil.which("groff"):
        out = subprocess.run(["groff", "-man", "-ww", "-z", manpage], capture_output=True,
                             text=True)
        if out.stderr.strip():
            errors.append("groff warnings:\n" + out.stderr)
    for e in errors:
        print("ManPage:", e)
    if not errors:
        print("ManPage: ok, %d subcommands, %d options" %
              (len(subs), sum(len(v) for v in man.values())))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
