#!/usr/bin/env python3
"""scripts/packages.txt and debian/control name the same Debian packages.

  check_packages.py SOURCE_DIR [--extra "NAME GROUP [ROLE...]"]...

packages.txt is the one list (its head says what the groups and roles mean). This fails when
  - a build package (not part of build-essential) is not in Build-Depends, or is there only
    under a build profile;
  - a build-essential package is in Build-Depends (Debian never names them there);
  - a "check" package (the unit tests of the package build) is not in Build-Depends as <!nocheck>;
  - a "dev" package is not a Depends of libkyotei-dev, a "run" one not a Depends of kyotei and
    libkyotei0;
  - debian/control names a package the list does not (so the list stays the one list);
  - a line of the list is malformed.
--extra adds lines to the list, for the test of this check itself.
"""

import argparse
import os
import re
import sys

GROUPS = {"build", "test", "bench", "package", "compare", "data"}
ROLES = {"essential", "check", "dev", "run"}
# debian/control names debhelper through the virtual package that also sets the compat level
ALIASES = {"debhelper-compat": "debhelper"}


def read_list(path, extra):
    entries, errors = {}, []
    lines = open(path, encoding="utf-8").read().splitlines() + extra
    for number, line in enumerate(lines, 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        where = f"packages.txt:{number}" if number <= len(lines) - len(extra) else "--extra"
        if len(words) < 2 or words[1] not in GROUPS or not set(words[2:]) <= ROLES:
            errors.append(f"{where}: expected NAME GROUP [ROLE...] with GROUP one of {sorted(GROUPS)} "
                          f"and ROLEs of {sorted(ROLES)}: {line.strip()}")
            continue
        if words[0] in entries:
            errors.append(f"{where}: {words[0]} is listed twice")
        entries[words[0]] = (words[1], set(words[2:]))
    return entries, errors


def read_control(path):
    """The paragraphs of a deb822 file as {field: value} (continuation lines joined)."""
    paragraphs, current, field = [], {}, None
    for line in open(path, encoding="utf-8").read().splitlines():
        if not line.strip():
            if current:
                paragraphs.append(current)
            current, field = {}, None
        elif line[0] in " \t" and field:
            current[field] += "\n" + line.strip()
        elif not line.startswith("#"):
            field, _, value = line.partition(":")
            current[field] = value.strip()
    if current:
        paragraphs.append(current)
    return paragraphs


def relations(value):
    """{package: set of build profiles restricting it} for a relationship field; substitution
    variables (${shlibs:Depends}) are left out."""
    found = {}
    for alternatives in value.replace("\n", " ").split(","):
        for relation in alternatives.split("|"):
            relation = relation.strip()
            if not relation or relation.startswith("${"):
                continue
            name = re.match(r"[a-z0-9][a-z0-9+.-]+", relation).group(0)
            found[ALIASES.get(name, name)] = set(re.findall(r"<([^>]*)>", relation))
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("source")
    ap.add_argument("--extra", action="append", default=[])
    args = ap.parse_args()

    entries, errors = read_list(os.path.join(args.source, "scripts", "packages.txt"), args.extra)
    paragraphs = read_control(os.path.join(args.source, "debian", "control"))
    build_depends = relations(paragraphs[0].get("Build-Depends", ""))
    depends = {p["Package"]: relations(p.get("Depends", "")) for p in paragraphs[1:]}
    own = set(depends)
    for package in ("kyotei", "libkyotei0", "libkyotei-dev"):
        if package not in depends:
            errors.append(f"debian/control has no binary package {package}")
            depends[package] = {}

    for name, (group, roles) in sorted(entries.items()):
        in_build_depends = name in build_depends
        if group == "build" and "essential" in roles and in_build_depends:
            errors.append(f"{name} is part of build-essential and must not be in Build-Depends")
        elif group == "build" and "essential" not in roles:
            if not in_build_depends:
                errors.append(f"{name} is a build package but not in debian/control's Build-Depends")
            elif build_depends[name]:
                errors.append(f"{name} is a build package but in Build-Depends only under "
                              f"<{' '.join(sorted(build_depends[name]))}>")
        if "check" in roles and build_depends.get(name) != {"!nocheck"}:
            errors.append(f"{name} runs the package build's tests but is not in Build-Depends as <!nocheck>")
        if "dev" in roles and name not in depends["libkyotei-dev"]:
            errors.append(f"{name} is needed to build against kyotei but not a Depends of libkyotei-dev")
        if "run" in roles:
            for package in ("kyotei", "libkyotei0"):
                if name not in depends[package]:
                    errors.append(f"{name} is read at run time but not a Depends of {package}")
    if "debhelper" in entries and "debhelper" not in build_depends:
        errors.append("debhelper is listed but Build-Depends has no debhelper-compat")

    for name, profiles in sorted(build_depends.items()):
        group, roles = entries.get(name, (None, set()))
        if group != "build" and "check" not in roles and name != "debhelper":
            errors.append(f"Build-Depends has {name}, which packages.txt does not list as build or check")
    for package, names in sorted(depends.items()):
        for name in sorted(set(names) - own):
            group, roles = entries.get(name, (None, set()))
            if not roles & {"dev", "run"}:
                errors.append(f"{package} Depends on {name}, which packages.txt does not list as dev or run")

    for e in errors:
        print(e)
    print(f"{len(entries)} packages listed, {len(build_depends)} build dependencies: "
          + ("they disagree" if errors else "in step"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
