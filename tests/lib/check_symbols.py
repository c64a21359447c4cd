#!/usr/bin/env python3
"""libkyotei exports exactly the functions its public headers declare.

  check_symbols.py LIBRARY --headers DIR [--headers DIR]... [--umbrella HEADER]
                   [--symbols-file FILE] [--extra-header FILE]... [--skip NAME]...

Reads every *.h in the --headers folders (include/kyotei/ and the build's generated one), finds
the functions they declare, and compares them with the symbols `nm -D --defined-only` lists for
LIBRARY. It fails when a declared function is not exported (a program could not link against
it), when anything else is exported (a program could come to depend on an internal function, or
the C++ of the Xapian binding), or when an exported function is not in the KYOTEI_* version node
(lib/kyotei.map was not applied). With --umbrella it also checks that HEADER includes every other
public header; with --symbols-file, that the Debian symbols file (debian/libkyotei0.symbols)
lists the same functions, so that a package depending on a new one asks for the version that has
it. --extra-header and --skip exist for the tests of this check itself (both must make
it fail).
"""

import argparse
import glob
import os
import re
import subprocess
import sys

VERSION_NODE = re.compile(r"^KYOTEI_\d+$")


def strip_header(text):
    """The C declarations of a header: no comments, no preprocessor lines, nothing that only a C++
    compiler sees (the extern "C" braces)."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = text.replace("\\\n", " ")
    lines, in_cplusplus = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            directive = stripped[1:].strip()
            if directive.startswith("ifdef __cplusplus"):
                in_cplusplus = True
            elif directive.startswith("endif"):
                in_cplusplus = False
            continue
        if not in_cplusplus:
            lines.append(line)
    return "\n".join(lines)


def declared_functions(path):
    """The names of the functions a header declares (not those of typedefs or static inlines)."""
    text, names, problems = strip_header(open(path, encoding="utf-8").read()), set(), []
    statement, depth = "", 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == ";" and depth == 0:
            statements = [statement]
            statement = ""
        elif ch == "}" and depth == 0 and re.search(r"\)\s*\{", statement):
            statements = [statement + "}"]  # a function body: only static inline ones belong in a header
            statement = ""
        else:
            statement += ch
            continue
        for s in statements:
            s = " ".join(s.split())
            if not s or s.startswith("typedef") or s.startswith("static"):
                continue
            m = re.search(r"([A-Za-z_]\w*)\s*\(", s)
            if m:
                names.add(m.group(1))
            else:
                problems.append(f"{os.path.basename(path)}: not a function, this check knows none: {s}")
    return names, problems


def exported_symbols(library, nm):
    out = subprocess.run([nm, "-D", "--defined-only", library], capture_output=True, text=True, check=True).stdout
    symbols = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        kind, name = parts[-2], parts[-1]
        base, _, version = name.partition("@")
        version = version.lstrip("@")
        if kind == "A" and VERSION_NODE.match(base):
            continue  # the version node itself (KYOTEI_0), which the linker defines as a symbol
        symbols[base] = (kind, version)
    return symbols


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("library")
    ap.add_argument("--headers", action="append", required=True)
    ap.add_argument("--umbrella")
    ap.add_argument("--symbols-file")
    ap.add_argument("--extra-header", action="append", default=[])
    ap.add_argument("--skip", action="append", default=[])
    ap.add_argument("--nm", default="nm")
    args = ap.parse_args()

    headers = sorted(h for d in args.headers for h in glob.glob(os.path.join(d, "*.h"))
                     if os.path.basename(h) not in args.skip) + args.extra_header
    declared, errors = {}, []
    for h in headers:
        names, problems = declared_functions(h)
        errors += problems
        for n in names:
            declared[n] = os.path.basename(h)
    if not declared:
        errors.append("no function found in the headers: " + " ".join(headers))

    exported = exported_symbols(args.library, args.nm)
    for name in sorted(set(declared) - set(exported)):
        errors.append(f"declared in {declared[name]} but not exported: {name}")
    for name in sorted(set(exported) - set(declared)):
        errors.append(f"exported but in no public header: {name} ({exported[name][0]})")
    for name in sorted(set(exported) & set(declared)):
        kind, version = exported[name]
        if kind != "T":
            errors.append(f"{name} is exported as a {kind} symbol, not as a function")
        if not VERSION_NODE.match(version):
            errors.append(f"{name} is not in a KYOTEI_ version node (got '{version}'): lib/kyotei.map not applied?")

    if args.umbrella:
        text = open(args.umbrella, encoding="utf-8").read()
        included = set(re.findall(r'#include\s+[<"]kyotei/([\w.]+)[>"]', text))
        for h in headers:
            name = os.path.basename(h)
            if h not in args.extra_header and name != os.path.basename(args.umbrella) and name not in included:
                errors.append(f"{os.path.basename(args.umbrella)} does not include kyotei/{name}")

    if args.symbols_file:
        listed = set(re.findall(r"^ (\w+)@KYOTEI_\d+ ", open(args.symbols_file, encoding="utf-8").read(), re.M))
        listed = {n for n in listed if not VERSION_NODE.match(n)}
        name = os.path.basename(args.symbols_file)
        for n in sorted(set(declared) - listed):
            errors.append(f"declared in {declared[n]} but not in {name}: {n}")
        for n in sorted(listed - set(declared)):
            errors.append(f"in {name} but in no public header: {n}")

    for e in errors:
        print(e)
    print(f"{len(declared)} functions declared in {len(headers)} headers, {len(exported)} symbols exported: "
          + ("they differ" if errors else "the same"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
